"""Read single keys from a terminal without Enter, or answer lines from a pipe.

What real terminals need: put the terminal in cbreak mode ourselves (clear ICANON
and ECHO, keep ISIG so Ctrl-C still works), wait with ``select`` and read
with ``os.read`` (``sys.stdin.read`` buffers and loses keys), and restore the
terminal on every way out. When stdin is not a TTY, leave termios alone and
read lines; at EOF, stop polling. On Windows a console has no termios and
``select`` takes only sockets: :class:`ConsoleKeys` polls ``msvcrt`` instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections import deque
from typing import Protocol

try:  # POSIX only; Windows polls msvcrt instead (ConsoleKeys)
    import termios
    import tty
except ImportError:  # pragma: no cover
    termios = None  # type: ignore[assignment]
    tty = None  # type: ignore[assignment]

ENTER = "\n"
SUSPEND = "\x1a"  # injected after Ctrl-Z and fg: pause from the moment of suspension


class Console(Protocol):
    """The two functions of ``msvcrt`` that :class:`ConsoleKeys` uses (a fake in tests)."""

    def kbhit(self) -> bool: ...

    def getwch(self) -> str: ...


class KeySource(Protocol):
    def fileno(self) -> int | None:
        """The fd to wait on, or None when there is nothing more to read."""

    def pending(self) -> str | None:
        """A key already read and not yet handed out."""

    def read_ready(self) -> None:
        """Read what is available now (after select said so)."""


class TerminalKeys:
    """Single keys from a TTY in cbreak mode; restores the mode on close and at exit."""

    def __init__(self, fd: int):
        self.fd = fd
        self._saved: list | None = None
        self._queue: deque[str] = deque()

    def __enter__(self) -> TerminalKeys:
        self.enter_cbreak()
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def enter_cbreak(self) -> None:
        if termios is None:
            return
        if self._saved is None:
            self._saved = termios.tcgetattr(self.fd)
            atexit.register(self.restore)
        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ICANON | termios.ECHO)  # lflags; ISIG stays on for Ctrl-C
        mode[6][termios.VMIN] = 1
        mode[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, mode)

    def restore(self) -> None:
        if termios is None or self._saved is None:
            return
        with contextlib.suppress(termios.error):
            termios.tcsetattr(self.fd, termios.TCSAFLUSH, self._saved)

    def fileno(self) -> int | None:
        return self.fd

    def pending(self) -> str | None:
        return self._queue.popleft() if self._queue else None

    def inject(self, key: str) -> None:
        """Queue a key that did not come from the keyboard (signals: Ctrl-C, fg)."""
        self._queue.append(key)

    def read_ready(self) -> None:
        data = os.read(self.fd, 64).decode("utf-8", "replace")
        for ch in data:
            self._queue.append(ENTER if ch in "\r\n" else ch)


class LineKeys:
    """Answers from a pipe or file: each line is one key (an empty line is Enter)."""

    def __init__(self, fd: int):
        self.fd: int | None = fd
        self._queue: deque[str] = deque()
        self._partial = b""

    def fileno(self) -> int | None:
        return self.fd

    def pending(self) -> str | None:
        return self._queue.popleft() if self._queue else None

    def inject(self, key: str) -> None:
        self._queue.append(key)

    def read_ready(self) -> None:
        assert self.fd is not None
        data = os.read(self.fd, 4096)
        if not data:
            self.fd = None  # EOF: stop polling, the run continues with defaults
            return
        self._partial += data
        *lines, self._partial = self._partial.split(b"\n")
        for line in lines:
            text = line.decode("utf-8", "replace").strip()
            self._queue.append(text[:1] if text else ENTER)


# getwch() returns one of these first for a function or arrow key, then a second code.
SPECIAL_PREFIXES = ("\x00", "\xe0")
CTRL_C = "\x03"


def decode_console(first: str) -> str | None:
    """One key as ``msvcrt.getwch`` reports it, as the engine's key; None if it means nothing.

    Enter comes as ``\\r``. Ctrl-C normally reaches us as SIGINT (Python's docs:
    getwch cannot read it), but a console with processed input off hands it
    over as ``\\x03``; then it asks to quit, like the first Ctrl-C on POSIX.
    Arrows and function keys (a prefix, then a code) are ignored.
    """
    if first in SPECIAL_PREFIXES:
        return None
    if first in ("\r", "\n"):
        return ENTER
    if first == CTRL_C:
        return "q"
    if first == "\x1b" or not first.isprintable():
        return None
    return first


class ConsoleKeys:
    """Single keys from a Windows console through ``msvcrt``, polled (no fd to select on)."""

    def __init__(self, console: Console):
        self.console = console
        self._queue: deque[str] = deque()

    def fileno(self) -> int | None:
        return None

    def polled(self) -> bool:
        """Tells the clock to poll this source in short slices rather than select on it."""
        return True

    def pending(self) -> str | None:
        return self._queue.popleft() if self._queue else None

    def inject(self, key: str) -> None:
        self._queue.append(key)

    def read_ready(self) -> None:
        """Take every key the console holds now."""
        while self.console.kbhit():
            first = self.console.getwch()
            if first in SPECIAL_PREFIXES:
                self.console.getwch()  # the arrow's or function key's code: not a key of ours
                continue
            key = decode_console(first)
            if key is not None:
                self._queue.append(key)


def open_keys(stream: object = None, console: Console | None = None) -> KeySource | None:
    """Keys from stdin: a terminal reader for a TTY, a line reader for a pipe, None if closed.

    On Windows (no termios) a console stdin is read through ``msvcrt``.
    """
    stream = stream or sys.stdin
    try:
        fd = stream.fileno()  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return None
    if os.isatty(fd):
        if termios is None:
            if console is None:
                import msvcrt  # type: ignore[import-not-found,unused-ignore]

                console = msvcrt
            return ConsoleKeys(console)
        return TerminalKeys(fd)
    return LineKeys(fd)
