"""Bounds for every number and name that comes from outside the program.

Imports (Strong/Hevy CSV) and rows already in the journal are checked
against the same bounds: a NaN, infinite, negative or absurd value must
never reach the progression rules, where one NaN makes every later load NaN.
The bounds are those a routine may use with
``allow_long: true`` (routine.py's ``MAX_LOAD`` × 10, ``LONG_LIMITS``), so
anything voicecoach itself could have written is accepted.
"""

from __future__ import annotations

import json
import math
from typing import Any

from voicecoach.routines.checks import LONG_LIMITS, MAX_LOAD
from voicecoach.routines.loads import Bodyweight, Level, Load, Unloaded, Weight, from_record

MAX_WEIGHT = {unit: cap * 10 for unit, cap in MAX_LOAD.items()}
MAX_REPS = LONG_LIMITS["reps"]
MAX_SECONDS = 24 * 3600.0
# Longer than this, a workout's clock was left running (Strong's "45h 56m"): the workout is
# kept and its end left unknown rather than the file refused.
MAX_WORKOUT_SECONDS = 12 * 3600.0
MAX_DISTANCE = 1_000_000.0  # metres: a thousand kilometres is no set
MAX_NOTES = 4000
MAX_NAME = 200
MAX_LEVELS = 50


def weight_problem(amount: float, unit: str, *, signed: bool = False) -> str | None:
    """Why ``amount unit`` is not a believable load, or None. ``signed``: bodyweight ± extra."""
    if unit not in MAX_WEIGHT:
        return f"unknown unit {unit!r}; use lb or kg"
    if not math.isfinite(amount):
        return f"weight {amount} is not a number"
    if amount < 0 and not signed:
        return f"weight {amount:g} is negative"
    if abs(amount) > MAX_WEIGHT[unit]:
        return f"weight {amount:g} {unit} is over {MAX_WEIGHT[unit]:g} {unit}"
    return None


def reps_problem(reps: float) -> str | None:
    if not math.isfinite(reps) or reps != int(reps):
        return f"reps {reps} is not a whole number"
    if reps < 0:
        return f"reps {reps:g} is negative"
    if reps > MAX_REPS:
        return f"reps {reps:g} is over {MAX_REPS}"
    return None


def rpe_problem(rpe: float) -> str | None:
    if not math.isfinite(rpe) or not 0 <= rpe <= 10:
        return f"RPE {rpe} is not between 0 and 10"
    return None


def seconds_problem(seconds: float) -> str | None:
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SECONDS:
        return f"seconds {seconds} is not between 0 and {MAX_SECONDS:g}"
    return None


def distance_problem(metres: float) -> str | None:
    if not math.isfinite(metres) or not 0 <= metres <= MAX_DISTANCE:
        return f"distance {metres} m is not between 0 and {MAX_DISTANCE:g} m"
    return None


def name_problem(name: str, what: str = "name") -> str | None:
    if not name.strip():
        return f"the {what} is empty"
    if len(name) > MAX_NAME:
        return f"the {what} is {len(name):,} characters long (at most {MAX_NAME})"
    return None


def load_problem(load: Load) -> str | None:
    """Why a parsed load is unusable, or None."""
    if isinstance(load, Weight):
        return weight_problem(load.amount, load.unit)
    if isinstance(load, Bodyweight):
        return weight_problem(load.extra, load.unit, signed=True)
    if isinstance(load, Level):
        if not 0 < len(load.levels) <= MAX_LEVELS:
            return f"{len(load.levels)} levels (1 to {MAX_LEVELS} allowed)"
        if not 0 <= load.index < len(load.levels):
            return f"level index {load.index} outside its {len(load.levels)} levels"
        return next((name_problem(n, "level name") for n in load.levels if name_problem(n)), None)
    return None if isinstance(load, Unloaded) else f"unknown load {load!r}"


def stored_load(text: str | None) -> Load:
    """A load read back from the journal's JSON, checked; ValueError says what is wrong.

    The journal is never trusted: a row written by an older version, or by
    hand, may hold anything JSON can.
    """
    if not text:
        raise ValueError("no load stored")
    try:
        record: Any = json.loads(text)
        if not isinstance(record, dict):
            raise ValueError("not an object")
        load = from_record(record)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"unreadable load {text[:60]!r} ({exc})") from None
    problem = load_problem(load)
    if problem:
        raise ValueError(problem)
    return load


def stored_number(value: object, what: str, low: float, high: float) -> float | None:
    """A number column read back from the journal: None stays None, anything else is checked."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} {value!r} is not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{what} {value!r} is not between {low:g} and {high:g}")
    return value


def stored_row_problem(row: dict[str, Any]) -> str | None:
    """Why one ``sets`` row cannot be used by history or export, or None."""
    try:
        stored_load(row["load"])
        unit = row.get("unit")
        cap = MAX_WEIGHT.get(unit or "", max(MAX_WEIGHT.values()))
        stored_number(row.get("weight"), "weight", -cap, cap)
        stored_number(row.get("reps"), "reps", 0, MAX_REPS)
        stored_number(row.get("rir"), "RIR", 0, 10)
        stored_number(row.get("hold_done"), "hold", 0, MAX_SECONDS)
    except ValueError as exc:
        return str(exc)
    return None
