"""Standard output that is closed or whose reader went away, handled as coreutils do.

* ``voicecoach history | head -1``: once ``head`` exits, the next write fails
  with EPIPE. That is not an error the user needs to hear about: we stop
  quietly, with exit 141 (128 + SIGPIPE, what a shell reports for
  ``seq 100000 | head -1``), and no "Exception ignored" line at shutdown.
* ``voicecoach history >&-``: Python starts with ``sys.stdout`` None, and
  click would silently drop every line. Output that cannot be written is an
  error: one line on stderr and exit 1, like ``ls >&-`` ("write error: Bad
  file descriptor"), never "internal error".

``voicecoach run`` does not go through here for its screen: it wraps stdout
in :class:`voicecoach.session.terminal.GuardedStream`, because a lost screen must not
end a workout.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys


class StdoutClosed(OSError):
    """Standard output was closed before we started (``>&-``)."""

    def __init__(self) -> None:
        super().__init__(errno.EBADF, "standard output is closed")


class ClosedStdout:
    """Stands in for ``sys.stdout`` when fd 1 was closed: every write raises StdoutClosed."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise StdoutClosed

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise StdoutClosed


def ensure_stdout() -> None:
    """Replace a missing ``sys.stdout`` with one that fails loudly on its first write."""
    if sys.stdout is None:
        sys.stdout = ClosedStdout()


def is_stdout_error(exc: OSError) -> bool:
    """True when ``exc`` came from writing to a closed standard output."""
    return isinstance(exc, StdoutClosed) or (
        exc.errno == errno.EBADF and exc.filename is None and _stdout_fd_bad()
    )


def _stdout_fd_bad() -> bool:
    try:
        os.fstat(1)
    except OSError:
        return True
    return False


def silence_stdout() -> None:
    """After EPIPE: point fd 1 at /dev/null, so the flush at shutdown has nothing to say.

    This is the recipe of the Python docs (library/signal.html, "Note on
    SIGPIPE"): closing ``sys.stdout`` instead would make the interpreter
    print "Exception ignored … BrokenPipeError" on exit.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


__all__ = ["ClosedStdout", "StdoutClosed", "ensure_stdout", "is_stdout_error", "silence_stdout"]
