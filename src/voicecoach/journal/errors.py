"""The journal's error, in a module of its own.

The command line turns it into one line on stderr for every command; importing
it from here costs nothing, where the store would bring SQLite and the routine
model along to every ``voicecoach`` start.
"""

from __future__ import annotations

__all__ = ["JournalBusy", "JournalError"]


class JournalError(RuntimeError):
    """The database cannot be used; the message names the path and what to do."""


class JournalBusy(JournalError):
    """Another connection (an import, most likely) holds the write lock longer than we wait.

    Apart from other failures because nothing is wrong with the journal: the same
    write goes through as soon as the other program commits.
    """
