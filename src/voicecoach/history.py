"""``voicecoach history``: recent sessions, and one exercise's progression with a plot."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from voicecoach.journal import Journal
from voicecoach.progression import epley


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


def exercise(journal: Journal, name: str) -> list[dict[str, Any]]:
    """Every set of one exercise (id or name), oldest first, with its e1RM where it has one."""
    rows = journal.query(
        "SELECT t.*, s.started_at AS session_start FROM sets t JOIN sessions s"
        " ON s.id = t.session_id WHERE s.dry_run = 0 AND (t.exercise = ? OR"
        " lower(t.exercise_name) = lower(?)) ORDER BY t.ended_at, t.id",
        (name, name),
    )
    out = []
    for r in rows:
        e1rm = None
        if r["weight"] is not None and r["reps"]:
            e1rm = round(epley(r["weight"], r["reps"] + (r["rir"] or 0)), 1)
        out.append(
            {
                "date": r["session_start"][:10],
                "exercise": r["exercise"],
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


def best_per_session(rows: list[dict[str, Any]], key: str) -> list[tuple[str, float]]:
    by_date: dict[str, float] = {}
    for r in rows:
        v = r.get(key)
        if v is not None:
            by_date[r["date"]] = max(by_date.get(r["date"], v), v)
    return sorted(by_date.items())


def _seconds(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    try:
        return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return None
