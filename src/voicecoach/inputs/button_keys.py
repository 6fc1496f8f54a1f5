"""A key source that merges the keyboard with keys pressed from another thread.

The clock waits on one file descriptor (``select`` in ``clock.py``). Media
buttons arrive on the D-Bus thread, and a key merely queued there would wait
for the next select slice, or for a whole second when stdin is closed. So
this source hands the clock an epoll descriptor watching both the keyboard
and a self-pipe: a button press writes one byte and wakes the wait at once.
The keyboard source itself is left alone (the runner still restores its
terminal and injects its signals through it).
"""

from __future__ import annotations

import contextlib
import os
import select
from collections import deque

from voicecoach.inputs.keys import KeySource


class ButtonKeys:
    """``KeySource`` for the clock: the keyboard's keys first, then injected ones."""

    def __init__(self, keyboard: KeySource | None):
        self.keyboard = keyboard
        self._queue: deque[str] = deque()
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._poll = select.epoll()
        self._poll.register(self._read, select.EPOLLIN)
        self._watched: int | None = None
        self._watch_keyboard()

    def _watch_keyboard(self) -> None:
        fd = self.keyboard.fileno() if self.keyboard is not None else None
        if fd == self._watched:
            return
        if self._watched is not None:
            with contextlib.suppress(OSError, ValueError):
                self._poll.unregister(self._watched)
        self._watched = None
        if fd is None:
            return
        try:
            self._poll.register(fd, select.EPOLLIN)
            self._watched = fd
        except PermissionError:
            # A regular file or /dev/null on stdin: always readable, so epoll refuses it.
            # Read it all now, as select would have let the keyboard source do at once.
            assert self.keyboard is not None
            while self.keyboard.fileno() is not None:
                self.keyboard.read_ready()

    def fileno(self) -> int | None:
        return self._poll.fileno()

    def pending(self) -> str | None:
        if self.keyboard is not None:
            key = self.keyboard.pending()
            if key is not None:
                return key
        return self._queue.popleft() if self._queue else None

    def inject(self, key: str) -> None:
        """Queue a key from any thread and wake the clock's wait."""
        self._queue.append(key)
        with contextlib.suppress(BlockingIOError):  # the pipe is full: a wake is pending
            os.write(self._write, b"k")

    def read_ready(self) -> None:
        for fd, _ in self._poll.poll(0):
            if fd == self._read:
                with contextlib.suppress(BlockingIOError):
                    os.read(self._read, 4096)
            elif fd == self._watched and self.keyboard is not None:
                self.keyboard.read_ready()
                self._watch_keyboard()  # at EOF a line source stops: stop watching it

    def close(self) -> None:
        self._poll.close()
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)
