"""What a program needs from the journal: sessions done, and sessions without progress."""

from __future__ import annotations

import sqlite3

from voicecoach.journal.sane import stored_load
from voicecoach.journal.store import Journal
from voicecoach.plan.program import below, progressed
from voicecoach.routines.loads import Load


def sessions_done(
    db: sqlite3.Connection,
    routine_name: str,
    *,
    include_dry_runs: bool = False,
    before: int | None = None,
) -> int:
    """Completed sessions of a routine (before session ``before``, when resuming it).

    It takes a plain connection so that ``plan`` can ask a journal opened read-only.
    """
    row = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE routine_name = ? AND status = 'completed'"
        " AND source = 'voicecoach' AND (? OR dry_run = 0) AND (? IS NULL OR id < ?)",
        (routine_name, int(include_dry_runs), before, before),
    ).fetchone()
    return int(row[0]) if row else 0


def stalled_sessions(journal: Journal, exercise: str, *, include_dry_runs: bool, limit: int) -> int:
    """How many of the latest sessions in a row moved ``exercise`` nowhere (up to ``limit``).

    A session that started below where the one before it ended (a deload, a
    reset by hand) ends the run: the stall counted is the one since then.
    """
    rows = journal._read(
        "SELECT sets.session_id, sets.load, sets.next_load, sets.next_rep_bonus FROM sets"
        " JOIN sessions ON sessions.id = sets.session_id"
        " WHERE sets.exercise = ? AND sets.kind IN ('working', 'amrap')"
        " AND (? OR sessions.dry_run = 0) AND sessions.status = 'completed'"
        " AND sets.session_id IN (SELECT DISTINCT s2.session_id FROM sets s2"
        "  JOIN sessions x ON x.id = s2.session_id WHERE s2.exercise = ?"
        "  AND s2.kind IN ('working', 'amrap') AND x.status = 'completed'"
        "  AND (? OR x.dry_run = 0) ORDER BY s2.session_id DESC LIMIT ?)"
        " ORDER BY sets.session_id DESC, sets.position, sets.id",
        (exercise, int(include_dry_runs), exercise, int(include_dry_runs), limit + 1),
    ).fetchall()
    sessions: list[tuple[Load, Load, int]] = []  # newest first: (start, end, end bonus)
    current: int | None = None
    for session_id, load, next_load, bonus in rows:
        try:
            start, end = stored_load(load), stored_load(next_load or load)
        except ValueError:
            return 0  # a row that cannot be read says nothing about a stall
        if session_id != current:
            current = session_id
            sessions.append((start, end, int(bonus or 0)))
        else:
            sessions[-1] = (sessions[-1][0], end, int(bonus or 0))
    count = 0
    for i, (start, end, bonus) in enumerate(sessions[:limit]):
        older = sessions[i + 1] if i + 1 < len(sessions) else None
        start_bonus = older[2] if older else 0
        if progressed(start, end, start_bonus, bonus) is not False:
            break
        count += 1
        if older is not None and below(start, older[1]):
            break  # this run started from a deload: nothing before it counts
    return count
