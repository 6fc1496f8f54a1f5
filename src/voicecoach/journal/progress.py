"""What a program needs from the journal: sessions done, and sessions without progress."""

from __future__ import annotations

import json
import sqlite3

from voicecoach.journal.sane import load_problem, stored_load
from voicecoach.journal.store import FROM_MARK, Journal
from voicecoach.plan.program import below, progressed
from voicecoach.routines.loads import Bodyweight, Load, Weight


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


def stalled_max_sessions(
    journal: Journal,
    exercise: str,
    routine_name: str,
    *,
    include_dry_runs: bool,
    limit: int,
    name: str | None = None,
    amrap_judges: bool = True,
) -> int:
    """How many of this routine's latest sessions in a row left a training max no higher.

    Every set of such an entry is a share of its max, so its lifted loads say
    nothing: the max a session started from is compared with the max it ended on,
    and only this routine's own sessions count (an import, or the lift in another
    routine, was a share of some other max). With ``amrap_judges`` (the entry's
    as-many-as-you-can sets are what move its max), a session without one, a light
    week, is not judged: it neither counts nor ends the run. A session that started
    below where the one before it ended (a deload) ends the run.
    """
    rows = journal._read(
        "SELECT sets.session_id, sets.prescribed_load, sets.next_load, sets.kind FROM sets"
        " JOIN sessions ON sessions.id = sets.session_id"
        " WHERE sets.exercise = ? AND sets.kind IN ('working', 'amrap')"
        " AND (? IS NULL OR sets.exercise_name = ?) AND sessions.routine_name = ?"
        " AND sessions.source = 'voicecoach' AND sessions.status = 'completed'"
        " AND (? OR sessions.dry_run = 0)"
        " ORDER BY sets.session_id DESC, sets.position, sets.id",
        (exercise, name, name, routine_name, int(include_dry_runs)),
    ).fetchall()
    # Newest first: the max it started from (if kept), the max it ended on, load: as
    # written, and whether it is judged.
    sessions: list[tuple[Load | None, Load, Load, bool]] = []
    current: int | None = None
    try:
        for session_id, prescribed, next_load, kind in rows:
            end = stored_load(next_load)
            judged = kind == "amrap" or not amrap_judges
            if session_id == current:
                kept, _end, written, was = sessions[-1]
                sessions[-1] = (kept, end, written, was or judged)
                continue
            if sum(1 for x in sessions if x[3]) > limit:
                break  # enough sessions read to judge the latest ``limit``
            current = session_id
            sessions.append((_max_from(next_load, end), end, stored_load(prescribed), judged))
    except ValueError:
        return 0  # a row that cannot be read says nothing about a stall
    count = 0
    for i, (kept, end, written, judged) in enumerate(sessions):
        older = sessions[i + 1][1] if i + 1 < len(sessions) else None
        # A session journaled without the max it started from started where the one
        # before it ended, or, with none before it, at the routine's load.
        start = kept if kept is not None else older if older is not None else written
        if judged:
            if count == limit or progressed(start, end, 0, 0) is not False:
                break
            count += 1
        if older is not None and below(start, older):
            break  # this run started from a deload: nothing before it counts
    return count


def _max_from(next_load: str, end: Load) -> Load | None:
    """The training max a set started from, where the journal kept it."""
    amount = json.loads(next_load).get(FROM_MARK)
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return None
    load = end.with_amount(float(amount)) if isinstance(end, (Weight, Bodyweight)) else None
    return None if load is None or load_problem(load) else load
