"""The per-session summary of the sets (``set_summary``): is it whole and true, and rebuild it.

Triggers keep it current with every write to ``sets`` (schema.py's SUMMARY); this
is for a journal where that did not happen: the table or a trigger dropped by
hand, or a REPLACE from another program that left a group stale.
``voicecoach journal check`` asks :func:`problem` and, if need be, :func:`rebuild`.
"""

from __future__ import annotations

import sqlite3

from voicecoach.journal.schema import SUMMARY, SUMMARY_DROP, SUMMARY_PARTS, SUMMARY_REBUILT


def problem(con: sqlite3.Connection) -> str | None:
    """What is wrong with the summary of the journal open on ``con``, or None."""
    have = {(kind, name) for kind, name in con.execute("SELECT type, name FROM sqlite_master")}
    missing = [name for kind, names in SUMMARY_PARTS.items() for name in names
               if (kind, name) not in have]  # fmt: skip
    if missing:
        return f"incomplete (missing {', '.join(missing)})"
    # EXCEPT compares whole rows, NULLs alike: any row on one side only is a difference.
    try:
        stale = con.execute(
            f"SELECT COUNT(*) FROM (SELECT * FROM set_summary EXCEPT {SUMMARY_REBUILT})"
        ).fetchone()[0]
        absent = con.execute(
            f"SELECT COUNT(*) FROM ({SUMMARY_REBUILT} EXCEPT SELECT * FROM set_summary)"
        ).fetchone()[0]
    except sqlite3.OperationalError as exc:  # a table of that name, but not the summary
        return f"cannot be read ({exc})"
    if stale or absent:
        return f"differs from the sets ({stale} rows stale, {absent} missing)"
    return None


def rebuild(con: sqlite3.Connection) -> None:
    """Drop whatever is left of the summary and build it again from the sets, in one step."""
    try:
        con.executescript(f"BEGIN IMMEDIATE; {SUMMARY_DROP} {SUMMARY} COMMIT;")
    except sqlite3.DatabaseError:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
