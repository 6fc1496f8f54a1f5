"""``voicecoach history``: recent sessions, and one exercise's progression with a plot."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from voicecoach.journal.sane import MAX_REPS, MAX_WEIGHT, stored_row_problem
from voicecoach.journal.store import Journal
from voicecoach.plan.progression import epley


def sessions(journal: Journal, limit: int = 20) -> list[dict[str, Any]]:
    rows = journal.query(
        "SELECT s.id, s.routine_name, s.started_at, s.ended_at, s.status, s.source,"
        " COUNT(t.id) AS sets FROM sessions s LEFT JOIN sets t ON t.session_id = s.id"
        " WHERE s.dry_run = 0 GROUP BY s.id ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
        (limit,),
    )
    for r in rows:
        r["duration_seconds"] = _seconds(r["started_at"], r["ended_at"])
    return rows


def exercise_ids(journal: Journal) -> list[str]:
    """Every exercise id real sessions hold: what a mistyped ``--exercise`` may have meant."""
    rows = journal.query("SELECT DISTINCT exercise FROM set_summary WHERE dry_run = 0")
    return [str(r["exercise"]) for r in rows if r["exercise"]]


def imported_as(journal: Journal, name: str) -> str | None:
    """The exercise id of the sets an app exported under ``name`` ("Bent Over Row
    (Barbell)", kept as their original name), the latest if it was mapped twice; None if
    no set was imported so. Asked only when the id and the name found nothing: it reads
    every set's original name, which no index covers."""
    rows = journal.query(
        "SELECT exercise FROM sets WHERE original_name != '' AND lower(original_name) ="
        " lower(?) AND exercise != '' ORDER BY ended_at DESC, id DESC LIMIT 1",
        (name,),
    )
    return str(rows[0]["exercise"]) if rows else None


# One exercise (id or name) among a few sessions' sets: the unary + keeps SQLite off the
# exercise's indexes (every set of it: 0.5 s at a million sets) and on the session's.
_MATCH = "(+t.exercise = ? OR lower(+t.exercise_name) = lower(?))"
# A summary row whose numbers are all within the bounds of sane.py: its best weight and
# e1RM are those of its sets. Any other is read set by set, so that only its bad sets are
# left out. (In SQL a weight stored as text compares above every number: not believable.)
_BELIEVABLE = (
    "(low_weight >= ? AND top_weight <= ? AND (low_reps IS NULL OR low_reps >= 0)"
    " AND (top_reps IS NULL OR top_reps <= ?) AND (low_rir IS NULL OR low_rir >= 0)"
    " AND (top_rir IS NULL OR top_rir <= 10))"
)


def exercise(journal: Journal, name: str, sessions: int = 20) -> list[dict[str, Any]]:
    """The sets of one exercise (id or name) in its last ``sessions`` sessions, oldest first.

    Bounded on purpose: at a million sets, listing every one took 38 s and
    3 GB; :func:`per_session` covers the whole history.
    Rows that fail the checks in :mod:`voicecoach.journal.sane` are skipped with a warning.
    """
    picked: dict[int, None] = {}  # in the order met, each once
    for r in _groups(journal, name, "last_ended", "session_id, last_ended"):
        if r["session_id"] not in picked and len(picked) == sessions:
            break
        picked[r["session_id"]] = None
    if not picked:
        return []
    marks = ",".join("?" * len(picked))
    out = []
    for r in journal.stream(
        "SELECT t.*, s.started_at AS session_start FROM sets t JOIN sessions s"
        f" ON s.id = t.session_id WHERE t.session_id IN ({marks}) AND {_MATCH}"
        " ORDER BY t.ended_at, t.id",
        (*picked, name, name),
    ):
        problem = stored_row_problem(r)
        if problem:
            journal.warn(f"skipped set {r['id']} in {journal.path}: {problem}")
            continue
        e1rm = None
        # A warm-up or a drop set says nothing about what the lifter can do: no e1RM.
        if r["weight"] is not None and r["reps"] and r["kind"] == "working":
            e1rm = round(epley(r["weight"], r["reps"] + (r["rir"] or 0)), 1)
        out.append(
            {
                "date": r["session_start"][:10],
                "exercise": r["exercise"],
                "name": r["exercise_name"],
                "original_name": r["original_name"] or r["exercise_name"],
                "kind": r["kind"],
                "set": r["set_no"],
                "side": r["side"],
                "load": json.loads(r["load"]),
                "weight": r["weight"],
                "unit": r["unit"],
                "level": r["level"],
                "reps": r["reps"],
                "rir": r["rir"],
                "e1rm": e1rm,
            }
        )
    return out


def per_session(
    journal: Journal, name: str, points: int = 60
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Best working load and best e1RM per day over the last ``points`` days, for the plots.

    Only working sets count: a day's heaviest warm-up is not its working load.

    Read from the per-session summary, newest day first, until ``points`` days are
    found: the time grows with the days shown, not with the journal (reading every set
    took 1.7 s at a million). Numbers outside the bounds of :mod:`voicecoach.journal.sane`
    are left out.
    """
    best: dict[str, tuple[float, float | None]] = {}
    for r in _groups(
        journal,
        name,
        "day",
        f"session_id, day, top_weight, top_e1rm, {_BELIEVABLE} AS believable",
        _bounds(),
        "AND top_weight IS NOT NULL",
    ):
        w, e = (
            (r["top_weight"], r["top_e1rm"])
            if r["believable"]
            else _best_of_sets(journal, name, r["session_id"])
        )
        if w is None:
            continue  # every working set of it was out of bounds: no point
        day = r["day"]
        if day in best:
            w, e = max(w, best[day][0]), _higher(e, best[day][1])
        elif len(best) == points:
            break
        best[day] = (w, e)
    days = sorted(best.items())
    weights = [(d, float(w)) for d, (w, _) in days]
    e1rms = [(d, round(float(e), 1)) for d, (_, e) in days if e is not None]
    return weights, e1rms


def _bounds() -> tuple[float, float, int]:
    cap = max(MAX_WEIGHT.values())
    return -cap, cap, MAX_REPS


def _groups(
    journal: Journal,
    name: str,
    order: str,
    columns: str,
    params: tuple[Any, ...] = (),
    where: str = "",
) -> Iterator[dict[str, Any]]:
    """The summary rows of an exercise (id or name) in real sessions, newest ``order`` first.

    Two walks down an index in ``order``, one by id and one by name, merged here: a
    reader that stops after the rows it needs has read only those, however long the
    history. A row that matches both comes twice.
    """
    walks = [
        journal.stream(
            f"SELECT {columns} FROM set_summary WHERE {key} = {value} AND dry_run = 0"
            f" {where} ORDER BY {order} DESC",
            (*params, name),
        )
        for key, value in (("exercise", "?"), ("name_key", "lower(?)"))
    ]
    try:
        yield from heapq.merge(*walks, key=lambda r: r[order] or "", reverse=True)
    finally:
        for walk in walks:
            walk.close()


def _higher(a: float | None, b: float | None) -> float | None:
    return b if a is None else (a if b is None else max(a, b))


def _best_of_sets(
    journal: Journal, name: str, session_id: int
) -> tuple[float | None, float | None]:
    """One session's best working weight and e1RM of an exercise, its bad sets left out."""
    low, cap, max_reps = _bounds()
    row = journal.query(
        "SELECT MAX(t.weight) AS w, MAX(CASE WHEN t.reps > 0"
        " THEN t.weight * (1 + (t.reps + COALESCE(t.rir, 0)) / 30.0) END) AS e"
        " FROM sets t WHERE t.session_id = ? AND t.kind IN ('working', 'amrap')"
        f" AND {_MATCH} AND t.weight BETWEEN ? AND ?"
        " AND (t.reps IS NULL OR t.reps BETWEEN 0 AND ?)"
        " AND (t.rir IS NULL OR t.rir BETWEEN 0 AND 10)",
        (session_id, name, name, low, cap, max_reps),
    )[0]
    return row["w"], row["e"]


def plot(points: list[tuple[str, float]], label: str, width: int = 60, height: int = 10) -> str:
    """A plain-text plot of values over sessions: one column per session, no colour."""
    if not points:
        return f"{label}: no data"
    values = [v for _, v in points][-width:]
    dates = [d for d, _ in points][-width:]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    rows = []
    for level in range(height - 1, -1, -1):
        threshold = lo + span * level / (height - 1)
        line = "".join(
            "●"
            if abs(v - threshold) <= span / (2 * (height - 1)) + 1e-9
            else ("│" if v > threshold else " ")
            for v in values
        )
        rows.append(f"{threshold:8.1f} ┤{line}")
    rows.append(" " * 9 + "└" + "─" * len(values))
    rows.append(" " * 10 + f"{dates[0]} … {dates[-1]}" if len(dates) > 1 else " " * 10 + dates[0])
    return f"{label}\n" + "\n".join(rows)


def _seconds(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    try:
        return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return None
