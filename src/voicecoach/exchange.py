"""Export to and import from Strong and Hevy CSV, and plain JSON.

Headers are the apps' own, byte for byte (Strong 6.2.3+ semicolon variant;
Hevy's workout export), with the weight column named for the unit. RPE is
10 - RIR. What the apps have no column for (side, band level, bodyweight)
goes in the notes as ``key: value`` pairs, so a round trip keeps it.

Import parses the whole file first, so a malformed line fails the import
before anything is written, then writes every workout in one transaction.
Each workout gets an ``import_key`` (format, start, title), so importing the
same file twice adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from voicecoach.journal import Journal, SetRecord
from voicecoach.library import find_by_name
from voicecoach.loads import Bodyweight, Level, Load, Unloaded, Weight

STRONG_COLUMNS = [
    "Workout #",
    "Date",
    "Workout Name",
    "Duration (sec)",
    "Exercise Name",
    "Set Order",
    "Weight (kg)",
    "Reps",
    "RPE",
    "Distance (meters)",
    "Seconds",
    "Notes",
    "Workout Notes",
]
HEVY_COLUMNS = [
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "weight_kg",
    "reps",
    "distance_km",
    "duration_seconds",
    "rpe",
]
LB_PER_KG = 2.2046226218
HEVY_TIME = "%d %b %Y, %H:%M"
STRONG_TIME = "%Y-%m-%d %H:%M:%S"


class ImportError_(ValueError):
    """A malformed file: the message names the file and line."""


def _convert(amount: float, src: str | None, dst: str) -> float:
    if src is None or src == dst:
        return amount
    return round(amount * LB_PER_KG if dst == "lb" else amount / LB_PER_KG, 2)


def _notes(row: dict[str, Any], order: int) -> str:
    parts = []
    if row["set_no"] != order:  # sided sets: two rows per set; keep voicecoach's set number
        parts.append(f"set: {row['set_no']}")
    if row["side"]:
        parts.append(f"side: {row['side']}")
    load = json.loads(row["load"])
    if load["kind"] == "level":
        parts.append(f"level: {load['levels'][load['index']]}")
        parts.append("levels: " + "|".join(load["levels"]))
    if load["kind"] == "bodyweight":
        parts.append("bodyweight")
    if load["kind"] == "none":
        parts.append("unloaded")
    return "; ".join(parts)


def _parse_notes(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (text or "").split(";"):
        key, _, value = part.strip().partition(":")
        if key.strip():
            out[key.strip()] = value.strip()
    return out


def export(journal: Journal, fmt: str, unit: str) -> str:
    """Every non-dry-run set in the journal, as Strong CSV, Hevy CSV or JSON."""
    rows = list(journal.iter_sets())
    if fmt == "json":
        return json.dumps([{k: v for k, v in r.items()} for r in rows], indent=2) + "\n"
    buf = io.StringIO()
    if fmt == "strong":
        header = [
            c.replace("Weight (kg)", "Weight (lbs)") if unit == "lb" else c for c in STRONG_COLUMNS
        ]
        w = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
    else:
        header = [c.replace("weight_kg", "weight_lbs") if unit == "lb" else c for c in HEVY_COLUMNS]
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
    workout_no: dict[int, int] = {}
    order: dict[tuple[int, str], int] = {}
    for r in rows:
        n = workout_no.setdefault(r["sid"], len(workout_no) + 1)
        key = (r["sid"], r["exercise"])
        order[key] = order.get(key, 0) + 1
        start = datetime.fromisoformat(r["session_start"])
        end = datetime.fromisoformat(r["session_end"]) if r["session_end"] else start
        weight = _convert(r["weight"], r["unit"], unit) if r["weight"] is not None else 0
        rpe = "" if r["rir"] is None else str(10 - r["rir"])
        reps = "" if r["reps"] is None else str(r["reps"])
        seconds = "" if r["hold_done"] is None else f"{r['hold_done']:g}"
        if fmt == "strong":
            w.writerow(
                [
                    n,
                    start.strftime(STRONG_TIME),
                    r["routine_name"],
                    int((end - start).total_seconds()),
                    r["exercise_name"],
                    order[key],
                    f"{weight:g}",
                    reps,
                    rpe,
                    "",
                    seconds,
                    _notes(r, order[key]),
                    "",
                ]
            )
        else:
            w.writerow(
                [
                    r["routine_name"],
                    start.strftime(HEVY_TIME),
                    end.strftime(HEVY_TIME),
                    "",
                    r["exercise_name"],
                    "",
                    _notes(r, order[key]),
                    order[key] - 1,
                    "normal",
                    f"{weight:g}",
                    reps,
                    "",
                    seconds,
                    rpe,
                ]
            )
    return buf.getvalue()


@dataclass
class _Workout:
    key: str
    title: str
    start: datetime
    end: datetime
    sets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportReport:
    workouts: int = 0
    skipped: int = 0
    sets: int = 0
    unmatched: list[str] = field(default_factory=list)


def import_file(journal: Journal, text: str, filename: str) -> ImportReport:
    """Import a Strong or Hevy CSV (detected from its header)."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportError_(f"{filename}:1: the file is empty") from None
    if header[:6] == STRONG_COLUMNS[:6] and header[6] in ("Weight (kg)", "Weight (lbs)"):
        fmt, unit = "strong", "lb" if header[6] == "Weight (lbs)" else "kg"
    elif header[:9] == HEVY_COLUMNS[:9] and header[9] in ("weight_kg", "weight_lbs"):
        fmt, unit = "hevy", "lb" if header[9] == "weight_lbs" else "kg"
    else:
        raise ImportError_(
            f"{filename}:1: not a Strong or Hevy export; the header must be "
            'Strong\'s ("Workout #";"Date";...) or Hevy\'s (title,start_time,...)'
        )
    workouts: dict[str, _Workout] = {}
    unmatched: set[str] = set()
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ImportError_(
                f"{filename}:{line_no}: expected {len(header)} fields, found {len(row)}"
            )
        rec = dict(zip(header, row, strict=False))
        try:
            if fmt == "strong":
                start = datetime.strptime(rec["Date"], STRONG_TIME)
                end = start + timedelta(seconds=float(rec["Duration (sec)"] or 0))
                title, name = rec["Workout Name"], rec["Exercise Name"]
                order = int(rec["Set Order"])
                weight = float(rec[header[6]] or 0)
                reps = int(rec["Reps"]) if rec["Reps"] else None
                rpe = float(rec["RPE"]) if rec["RPE"] else None
                seconds = float(rec["Seconds"]) if rec["Seconds"] else None
                notes = rec["Notes"]
            else:
                start = datetime.strptime(rec["start_time"], HEVY_TIME)
                end = datetime.strptime(rec["end_time"], HEVY_TIME)
                title, name = rec["title"], rec["exercise_title"]
                order = int(rec["set_index"]) + 1
                weight = float(rec[header[9]] or 0)
                reps = int(float(rec["reps"])) if rec["reps"] else None
                rpe = float(rec["rpe"]) if rec["rpe"] else None
                seconds = float(rec["duration_seconds"]) if rec["duration_seconds"] else None
                notes = rec["exercise_notes"]
        except (ValueError, KeyError) as exc:
            raise ImportError_(f"{filename}:{line_no}: {exc}") from None
        key = hashlib.sha256(f"{fmt}|{start.isoformat()}|{title}".encode()).hexdigest()[:24]
        wk = workouts.setdefault(key, _Workout(key, title, start, end))
        lib = find_by_name(name)
        if lib is None:
            unmatched.add(name)
        meta = _parse_notes(notes)
        load: Load
        if "level" in meta:
            levels = tuple(meta.get("levels", meta["level"]).split("|"))
            load = Level(levels, levels.index(meta["level"]) if meta["level"] in levels else 0)
        elif "unloaded" in meta:
            load = Unloaded()
        elif "bodyweight" in meta:
            load = Bodyweight(weight, unit)
        else:
            load = Weight(weight, unit)
        rir = None if rpe is None else max(0, min(5, round(10 - rpe)))
        wk.sets.append(
            {
                "exercise": lib.key if lib else _slug(name),
                "name": lib.name if lib else name,
                "order": int(meta.get("set", order)),
                "side": meta.get("side", ""),
                "load": load,
                "reps": reps,
                "rir": rir,
                "seconds": seconds,
            }
        )
    report = ImportReport(unmatched=sorted(unmatched))
    db = journal.db
    db.execute("BEGIN IMMEDIATE")
    try:
        for wk in workouts.values():
            exists = db.execute("SELECT 1 FROM sessions WHERE import_key = ?", (wk.key,)).fetchone()
            if exists:
                report.skipped += 1
                continue
            cur = db.execute(
                "INSERT INTO sessions (routine_name, started_at, ended_at, status, source,"
                " import_key) VALUES (?, ?, ?, 'completed', ?, ?)",
                (
                    wk.title,
                    wk.start.isoformat(timespec="seconds"),
                    wk.end.isoformat(timespec="seconds"),
                    fmt,
                    wk.key,
                ),
            )
            sid = int(cur.lastrowid or 0)
            for pos, s in enumerate(wk.sets):
                when = wk.start.isoformat(timespec="seconds")
                journal.record(
                    sid,
                    SetRecord(
                        position=pos,
                        exercise=s["exercise"],
                        exercise_name=s["name"],
                        set_no=s["order"],
                        side=s["side"],
                        prescribed=s["load"],
                        target_low=None,
                        target_high=None,
                        target_hold=None,
                        load=s["load"],
                        reps=s["reps"],
                        rir=s["rir"],
                        hold_done=s["seconds"],
                        started_at=when,
                        ended_at=when,
                        next_load=s["load"],
                    ),
                )
                report.sets += 1
            report.workouts += 1
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return report


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")


__all__ = ["ImportError_", "export", "import_file"]
