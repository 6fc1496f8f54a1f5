"""Exit codes shared by every command (documented in the README)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What the process tells its caller."""

    OK = 0
    ERROR = 1  # runtime failure: audio, speech engine, journal
    USAGE = 2  # bad flags or an invalid routine
    SIGHUP = 129
    SIGINT = 130
    SIGQUIT = 131
    SIGPIPE = 141  # the reader of our stdout went away (| head): quiet, as coreutils
    SIGTERM = 143
