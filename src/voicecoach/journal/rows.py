"""One row of a Strong or Hevy CSV, parsed and checked, and the load it stands for.

Every value is checked against :mod:`voicecoach.journal.sane` here, so a bad
row is refused (ValueError, one line) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from voicecoach.journal import formats, sane
from voicecoach.journal.cells import restore
from voicecoach.journal.formats import Layout
from voicecoach.routines.library import LibraryExercise
from voicecoach.routines.loads import LB_PER_KG, Bodyweight, Load, Unloaded, Weight, normalise_unit

STRONG_KINDS = {"w": "warmup", "d": "drop", "f": "failure"}
HEVY_KINDS = {"normal": "working", "warmup": "warmup", "dropset": "drop", "failure": "failure"}


@dataclass
class Row:
    """One parsed row: a set, or (``kind`` None) a note."""

    start: datetime
    end: datetime | None
    title: str
    workout_notes: str
    name: str
    kind: str | None
    weight: float | None
    unit: str
    reps: int | None
    rir: float | None
    seconds: float | None
    distance: float | None
    superset: str
    notes: str
    timer: bool = False


@dataclass
class Named:
    """What an app's exercise name was resolved to: a library entry, or its own slug."""

    exercise: str
    name: str
    entry: LibraryExercise | None


def parse_csv_row(layout: Layout, row: list[str]) -> Row | None:
    """One CSV row checked against :mod:`~voicecoach.journal.sane`; None for a rest timer."""
    get = layout.get
    start = formats.when(get(row, "start"))
    end: datetime | None = None
    timer = False
    if layout.fmt == "strong":
        order = get(row, "order")
        low = order.lower()
        if low == "rest timer":
            return None
        if low == "note":
            kind = None
        elif low in STRONG_KINDS:
            kind = STRONG_KINDS[low]
        else:
            check(
                sane.reps_problem(_need(formats.number(order, "Set Order"), "Set Order")),
                "Set Order",
            )
            kind = "working"
        seconds = formats.duration(get(row, "duration"))
        if seconds is not None:
            end = start + timedelta(seconds=min(seconds, sane.MAX_WORKOUT_SECONDS))
            if seconds > sane.MAX_WORKOUT_SECONDS:  # a timer left running: keep, no end
                end, timer = None, True
    else:
        set_type = get(row, "set_type").lower() or "normal"
        if set_type not in HEVY_KINDS:
            raise ValueError(f"set_type {set_type[:30]!r} is not one of {', '.join(HEVY_KINDS)}")
        kind = HEVY_KINDS[set_type]
        if get(row, "end"):
            end = formats.when(get(row, "end"))
            if end < start or (end - start).total_seconds() > sane.MAX_WORKOUT_SECONDS:
                end, timer = None, True
    unit = layout.unit
    if unit is None:
        text = get(row, "weight_unit")
        try:
            unit = normalise_unit(text) if text else "kg"
        except ValueError:
            raise ValueError(f"Weight Unit: {text[:20]!r} is not kg or lbs") from None
    title, name = (
        text_cell(get(row, "title"), "workout name"),
        text_cell(get(row, "exercise"), "exercise name"),
    )
    notes = restore(get(row, "notes"))[: sane.MAX_NOTES]
    workout_notes = restore(get(row, "workout_notes"))[: sane.MAX_NOTES]
    if kind is None:
        return Row(start, end, title, workout_notes, name, None, None, unit, None, None, None,
                    None, "", notes, timer)  # fmt: skip
    weight = formats.number(get(row, "weight"), "weight")
    if weight is not None:  # the sign is judged with the exercise: assistance may be negative
        check(sane.weight_problem(weight, unit, signed=True), "weight")
    reps = formats.number(get(row, "reps"), "reps")
    if reps is not None:
        check(sane.reps_problem(reps), "reps")
    rpe = formats.number(get(row, "rpe"), "RPE")
    if rpe is not None:
        check(sane.rpe_problem(rpe), "RPE")
    seconds = formats.number(get(row, "seconds"), "seconds")
    if seconds is not None:
        check(sane.seconds_problem(seconds), "seconds")
    dist_unit = (
        layout.distance_unit or get(row, "distance_unit") or ("km" if unit == "kg" else "mi")
    )
    distance = formats.metres(formats.number(get(row, "distance"), "distance"), dist_unit)
    if distance is not None:
        check(sane.distance_problem(distance), "distance")
    return Row(
        start=start,
        end=end,
        title=title,
        workout_notes=workout_notes,
        name=name,
        kind=kind,
        weight=weight,
        unit=unit,
        reps=None if reps is None else int(reps),
        rir=None if rpe is None else rir_from_rpe(rpe),
        seconds=seconds or None,
        distance=distance or None,
        superset=get(row, "superset")[:40],
        notes=notes,
        timer=timer,
    )


def rir_from_rpe(rpe: float) -> float:
    """RIR to the nearest half: RPE 9.5 is RIR 0.5, RPE 8 is RIR 2."""
    return max(0.0, min(10.0, round((10 - rpe) * 2) / 2))


def load_for(row: Row, named: Named) -> tuple[Load, str | None]:
    """The set's load, and why it must not seed the exercise's next session (None: it may).

    Weight 0 on a bodyweight exercise is bodyweight, not "0 kg"; Strong's
    "(Assisted)" weight is help, so it is bodyweight minus that, and neither
    an assisted nor a weighted variant seeds the plain bodyweight exercise.
    """
    if row.weight is None and row.reps is None:
        return Unloaded(), None  # a hold or a carry with no load: nothing to track
    lower = row.name.lower()
    w = row.weight or 0.0
    entry = named.entry
    bodyweight = entry is not None and "bodyweight" in entry.equipment
    if w < 0 and not bodyweight and "(assisted)" not in lower:
        raise ValueError(f"weight {w:g} is negative (only assistance on a bodyweight"
                         " exercise can be)")  # fmt: skip
    if "(assisted)" in lower or "(weighted)" in lower:
        extra = -abs(w) if "(assisted)" in lower else w
        variant = "assisted" if extra < 0 or "(assisted)" in lower else "weighted"
        why = None if variant in named.exercise else f"{variant} is not a starting load for it"
        return Bodyweight(extra, row.unit), why
    if bodyweight:
        return Bodyweight(w, row.unit), None
    if entry is not None and entry.levels and not w:
        return Unloaded(), "the file has no band or level"
    if not w and entry is None:
        return Bodyweight(0.0, row.unit), None
    return Weight(w, row.unit), None


def kg(load: Load) -> float | None:
    if isinstance(load, (Weight, Bodyweight)):
        return load.amount / LB_PER_KG if load.unit == "lb" else load.amount
    return None


def check(problem: str | None, column: str) -> None:
    if problem:
        # "reps -3 is negative" names its column already; "reps: reps -3" said it twice.
        named = problem.lower().startswith(column.lower() + " ")
        raise ValueError(problem if named else f"{column}: {problem}")


def _need(value: float | None, column: str) -> float:
    if value is None:
        raise ValueError(f"{column} is empty")
    return value


def text_cell(text: str, what: str) -> str:
    text = restore(text)
    check(sane.name_problem(text, what), what)
    return text


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
