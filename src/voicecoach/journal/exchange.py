"""Export the journal as Strong CSV, Hevy CSV or voicecoach's versioned JSON document.

The CSV headers are the apps' own: Strong's quoted semicolon file with the
unit in the weight header (the one form that says its unit), Hevy's workout
export with ``weight_kg`` or ``weight_lbs``. Set kinds go where the apps keep
them (Strong's ``W``/``D``/``F`` set order, Hevy's ``set_type``), names are the
ones the lifter's app used, and notes are plain text. What CSV cannot hold
(sides, band levels, prescriptions) only the JSON document keeps; importing
that document gives the journal back as it was.

Rows come from a cursor and go straight out, so memory stays flat however
big the journal is. Import lives in :mod:`voicecoach.journal.importer`.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import IO, Any

from voicecoach.journal.cells import neutralise, restore
from voicecoach.journal.formats import ImportError_, hevy_time
from voicecoach.journal.importer import import_file, journal_unit
from voicecoach.journal.jsondoc import JSON_FORMAT, JSON_VERSION
from voicecoach.journal.store import Journal
from voicecoach.routines.loads import LB_PER_KG

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
STRONG_TIME = "%Y-%m-%d %H:%M:%S"
STRONG_ORDER = {"warmup": "W", "drop": "D", "failure": "F"}
HEVY_TYPE = {"working": "normal", "amrap": "normal", "warmup": "warmup", "drop": "dropset"}
METRES_PER_MILE = 1609.344


def _convert(amount: float, src: str | None, dst: str) -> float:
    if src is None or src == dst:
        return amount
    return round(amount * LB_PER_KG if dst == "lb" else amount / LB_PER_KG, 2)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _weight(r: dict[str, Any], unit: str, name: str, fmt: str) -> str:
    """The weight cell as each app writes it.

    Assistance is positive on an "(Assisted)" exercise (Strong's way); plain
    bodyweight is an empty cell in Hevy and 0 in Strong.
    """
    load = json.loads(r["load"])
    if load["kind"] not in ("weight", "bodyweight"):
        return ""
    if load["kind"] == "bodyweight" and not load["amount"] and fmt == "hevy":
        return ""
    amount = _convert(float(load["amount"]), load["unit"], unit)
    if load["kind"] == "bodyweight" and "(assisted)" in name.lower():
        amount = abs(amount)
    return f"{amount:g}"


def _notes(r: dict[str, Any]) -> str:
    """The set's notes; a band level (which the apps have no column for) said in words."""
    load = json.loads(r["load"])
    level = f"level {load['levels'][load['index']]}" if load["kind"] == "level" else ""
    return "; ".join(p for p in (r["notes"] or "", level) if p)


def export(journal: Journal, fmt: str, unit: str | None, out: IO[str]) -> int:
    """Write every non-dry-run set as Strong CSV, Hevy CSV or JSON; returns the count.

    ``unit`` None: the unit most of the journal's sets were stored in.
    """
    if fmt == "json":
        return _export_json(journal, out)
    unit = unit or journal_unit(journal) or "kg"
    if fmt == "strong":
        header = [c.replace("(kg)", "(lbs)") if unit == "lb" else c for c in STRONG_COLUMNS]
        w = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
    else:
        header = list(HEVY_COLUMNS)
        if unit == "lb":
            header[header.index("weight_kg")] = "weight_lbs"
            header[header.index("distance_km")] = "distance_miles"
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        # QUOTE_MINIMAL leaves a lone CR unquoted when the line ends in LF, which splits the
        # row on reading; the rare row with one is written fully quoted instead.
        quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    workout_no: dict[int, int] = {}
    counters: dict[tuple[str, str], int] = {}
    last_sid = None
    count = 0
    for r in journal.iter_sets():
        count += 1
        if r["sid"] != last_sid:  # rows come session by session: keep one session's counters
            counters.clear()
            last_sid = r["sid"]
        n = workout_no.setdefault(r["sid"], len(workout_no) + 1)
        original = r["original_name"] or r["exercise_name"]
        kind = r["kind"]
        start = datetime.fromisoformat(r["session_start"])
        end = datetime.fromisoformat(r["session_end"]) if r["session_end"] else None
        rpe = "" if r["rir"] is None else f"{10 - r['rir']:g}"
        reps = "" if r["reps"] is None else str(r["reps"])
        title, name = neutralise(r["routine_name"]), neutralise(original)
        notes = neutralise(_notes(r))
        workout_notes = neutralise(r["session_notes"] or "")
        weight = _weight(r, unit, original, fmt)
        distance = r["distance"]
        if fmt == "strong":
            # Strong numbers working sets 1, 2, 3 and marks the others W, D or F.
            if kind in STRONG_ORDER:
                order = STRONG_ORDER[kind]
            else:
                key = (original, "working")
                counters[key] = counters.get(key, 0) + 1
                order = str(counters[key])
            w.writerow(
                [
                    n,
                    start.strftime(STRONG_TIME),
                    title,
                    "" if end is None else int((end - start).total_seconds()),
                    name,
                    order,
                    weight,
                    reps,
                    rpe,
                    _num(distance),
                    _num(r["hold_done"]),
                    notes,
                    workout_notes,
                ]
            )
        else:
            key = (original, "all")
            index = counters.get(key, 0)
            counters[key] = index + 1
            far = (
                None if distance is None else distance / (METRES_PER_MILE if unit == "lb" else 1000)
            )
            cells = [
                title,
                hevy_time(start),
                "" if end is None else hevy_time(end),
                workout_notes,
                name,
                neutralise(r["superset"] or ""),
                notes,
                index,
                HEVY_TYPE.get(kind, kind),
                weight,
                reps,
                "" if far is None else f"{round(far, 3):g}",
                "" if r["hold_done"] is None else f"{round(r['hold_done']):d}",
                rpe,
            ]
            (quoted if any("\r" in str(c) for c in cells) else w).writerow(cells)
    return count


def _load_record(text: str | None) -> dict[str, Any] | None:
    """A stored load as the document writes it: {"kind", "value", "unit"}, or a level's list."""
    if not text:
        return None
    record = json.loads(text)
    if record["kind"] in ("weight", "bodyweight"):
        return {"kind": record["kind"], "value": record["amount"], "unit": record["unit"]}
    return dict(record)


def _export_json(journal: Journal, out: IO[str]) -> int:
    """The versioned document, one session per line so a session at a time is in memory."""
    out.write(f'{{"format": "{JSON_FORMAT}", "version": {JSON_VERSION}, "sessions": [\n')
    count = 0
    current: dict[str, Any] | None = None
    first = True

    def flush() -> None:
        nonlocal first
        if current is not None:
            out.write(("" if first else ",\n") + json.dumps(current, ensure_ascii=False))
            first = False

    for r in journal.iter_sets():
        count += 1
        if current is None or current["_sid"] != r["sid"]:
            if current is not None:
                del current["_sid"]
            flush()
            current = {
                "_sid": r["sid"],
                "routine_name": r["routine_name"],
                "started_at": r["session_start"],
                "ended_at": r["session_end"],
                "status": r["session_status"],
                "source": r["session_source"],
                "notes": r["session_notes"],
                "sets": [],
            }
        current["sets"].append(
            {
                "exercise": r["exercise"],
                "position": r["position"],
                "name": r["exercise_name"],
                "original_name": r["original_name"] or r["exercise_name"],
                "kind": r["kind"],
                "set": r["set_no"],
                "side": r["side"],
                "load": _load_record(r["load"]),
                "prescribed": _load_record(r["prescribed_load"]),
                "next_load": _load_record(r["next_load"]),
                "next_rep_bonus": r["next_rep_bonus"],
                "reps": r["reps"],
                "rir": r["rir"],
                "hold": r["hold_done"],
                "distance": r["distance"],
                "superset": r["superset"],
                "notes": r["notes"],
                "target_low": r["target_low"],
                "target_high": r["target_high"],
                "target_hold": r["target_hold"],
                "started_at": r["started_at"],
                "ended_at": r["ended_at"],
            }
        )
    if current is not None:
        del current["_sid"]
    flush()
    out.write("\n]}\n")
    return count


__all__ = ["ImportError_", "export", "import_file", "neutralise", "restore"]
