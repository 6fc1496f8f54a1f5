"""``voicecoach history``: recent sessions, and one exercise's progression with a plot."""

from __future__ import annotations

import json
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


_MATCH = "(t.exercise = ? OR lower(t.exercise_name) = lower(?))"  # both halves indexed


def exercise(journal: Journal, name: str, sessions: int = 20) -> list[dict[str, Any]]:
    """The sets of one exercise (id or name) in its last ``sessions`` sessions, oldest first.

    Bounded on purpose: at a million sets, listing every one took 38 s and
    3 GB; :func:`per_session` covers the whole history.
    Rows that fail the checks in :mod:`voicecoach.journal.sane` are skipped with a warning.
    """
    picked = [
        r["session_id"]
        for r in journal.stream(
            "SELECT t.session_id, MAX(t.ended_at) AS last FROM sets t JOIN sessions s"
            f" ON s.id = t.session_id WHERE s.dry_run = 0 AND {_MATCH}"
            " GROUP BY t.session_id ORDER BY last DESC LIMIT ?",
            (name, name, sessions),
        )
    ]
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

    Aggregated by SQLite, so memory does not grow with the journal; numbers
    outside the bounds of :mod:`voicecoach.journal.sane` are left out.
    """
    cap = max(MAX_WEIGHT.values())
    rows = journal.query(
        "SELECT substr(s.started_at, 1, 10) AS day, MAX(t.weight) AS w,"
        " MAX(CASE WHEN t.reps > 0 THEN t.weight * (1 + (t.reps + COALESCE(t.rir, 0)) / 30.0)"
        " END) AS e FROM sets t JOIN sessions s ON s.id = t.session_id"
        " WHERE s.dry_run = 0 AND t.kind IN ('working', 'amrap')"
        f" AND {_MATCH} AND t.weight BETWEEN ? AND ?"
        " AND (t.reps IS NULL OR t.reps BETWEEN 0 AND ?)"
        " AND (t.rir IS NULL OR t.rir BETWEEN 0 AND 10)"
        " GROUP BY day ORDER BY day DESC LIMIT ?",
        (name, name, -cap, cap, MAX_REPS, points),
    )
    rows.reverse()
    weights = [(r["day"], float(r["w"])) for r in rows if r["w"] is not None]
    e1rms = [(r["day"], round(float(r["e"]), 1)) for r in rows if r["e"] is not None]
    return weights, e1rms


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
