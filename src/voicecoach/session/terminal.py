"""What the output stream can take: cursor codes, colour, how wide it is, whether it is there.

Decided once per stream from facts, not guessed per call site:

* cursor codes (``\\r``, ``ESC[K``) only on a TTY whose ``TERM`` is not ``dumb``;
  a pipe, a file, Emacs' shell buffer and CI logs get plain lines and no
  escape sequence at all;
* colour and other SGR attributes only where cursor codes are allowed and
  ``NO_COLOR`` is unset or empty (https://no-color.org);
* the width from the terminal itself (``COLUMNS`` when there is none), asked
  again on every redraw so a resized window is followed.

:class:`GuardedStream` keeps a workout going when its screen goes away: a
closed stdout or a broken pipe must never end a session (the voice and the
journal carry on).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO

DEFAULT_WIDTH = 80


@dataclass(frozen=True)
class Caps:
    """What may be written to one stream."""

    live: bool  # cursor codes: redraw a status line in place
    color: bool  # SGR attributes (reverse video for the status line)


def caps_for(stream: object, environ: Mapping[str, str] | None = None) -> Caps:
    """The capabilities of ``stream`` under ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    try:
        tty = bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        tty = False
    live = tty and env.get("TERM", "") != "dumb"
    return Caps(live=live, color=live and not env.get("NO_COLOR"))


def width_of(stream: object, environ: Mapping[str, str] | None = None) -> int:
    """Columns of the terminal behind ``stream``, asked of the terminal itself.

    Unlike ``shutil.get_terminal_size``, the terminal wins over ``COLUMNS``: a
    shell that exported ``COLUMNS`` does not update it when the window is
    resized mid-workout. ``COLUMNS`` is the fallback when there is no terminal.
    """
    try:
        columns = os.get_terminal_size(stream.fileno()).columns  # type: ignore[attr-defined]
        if columns > 0:
            return columns
    except (AttributeError, OSError, ValueError):
        pass
    env = os.environ if environ is None else environ
    try:
        columns = int(env.get("COLUMNS", ""))
    except ValueError:
        return DEFAULT_WIDTH
    return columns if columns > 0 else DEFAULT_WIDTH


class GuardedStream:
    """A text stream that stops, instead of raising, when its file goes away.

    The first failed write (EPIPE, EBADF, EIO, or a stream that was never
    there) calls ``on_lost`` once; from then on output is dropped. Used for
    the run's screen only: for data commands a lost stdout is an error.
    """

    def __init__(self, inner: IO[str] | None, on_lost: Callable[[], None] = lambda: None):
        self.inner = inner
        self.lost = inner is None
        self._on_lost = on_lost

    def _fail(self) -> None:
        if not self.lost:
            self.lost = True
            self._on_lost()

    def write(self, text: str) -> int:
        if self.lost or self.inner is None:
            return len(text)
        try:
            return self.inner.write(text)
        except (OSError, ValueError):
            self._fail()
            return len(text)

    def flush(self) -> None:
        if self.lost or self.inner is None:
            return
        try:
            self.inner.flush()
        except (OSError, ValueError):
            self._fail()

    def isatty(self) -> bool:
        if self.lost or self.inner is None:
            return False
        try:
            return self.inner.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self.inner is None:
            raise OSError("no stream")
        return self.inner.fileno()


__all__ = ["DEFAULT_WIDTH", "Caps", "GuardedStream", "caps_for", "width_of"]
