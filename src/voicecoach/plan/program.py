"""A routine run as a program: which week a session is, what that week prescribes, deloads.

Pure: the journal's counts come in as numbers. A week advances with the
sessions done, not with the calendar, so a lifter back after three weeks away
picks up at the week he stopped at, and a gap never stacks increments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from voicecoach.plan import spoken
from voicecoach.routines.loads import Bodyweight, Level, Load, Unloaded, Weight
from voicecoach.routines.model import Circuit, ExerciseSpec, Program, Routine


@dataclass(frozen=True)
class ProgramWeek:
    """Where a session falls in its program."""

    number: int  # 1-based, counted from the program's first session
    of_cycle: int  # 1-based within the cycle of ``weeks``
    weeks: int
    deload: bool  # the first session of a deload week


def week_of(program: Program, sessions_done: int, *, forced: int | None = None) -> ProgramWeek:
    """The week of the next session, after ``sessions_done`` completed ones (or ``forced``)."""
    number = forced if forced is not None else sessions_done // program.per_week + 1
    first_of_week = forced is not None or sessions_done % program.per_week == 0
    every = program.deload.every if program.deload else None
    deload = bool(every) and first_of_week and number % every == 0  # type: ignore[operator]
    return ProgramWeek(number, (number - 1) % program.weeks + 1, program.weeks, deload)


def for_week(routine: Routine, week: ProgramWeek) -> Routine:
    """The routine as this week prescribes it: each exercise's ``weeks:`` entry applied."""
    index = week.of_cycle - 1
    items = tuple(it if isinstance(it, Circuit) else _spec_for(it, index) for it in routine.items)
    notes = []
    if week.weeks > 1:
        notes.append(f"Week {spoken.number(week.of_cycle)} of {spoken.number(week.weeks)}.")
    if week.deload and routine.program and routine.program.deload:
        take = round(routine.program.deload.take * 100)
        notes.append(f"Deload week: {spoken.number(take)} percent lighter, then build back up.")
    return replace(routine, items=items, week=week.number, session_notes=tuple(notes))


def stall_lines(routine: Routine, starts: Mapping[int, Load]) -> list[str]:
    """What the coach says about the exercises that stalled (``routine.stalls``), given
    the load each exercise slot starts from: why once for all of them (every count is
    the program's ``stalled:``), then one line per exercise with the load it deloads
    to (or its training max goes down to). One exercise is one line. Five stalled lifts
    were five "no progress" lines before the first set, and then named again in
    "Starting where you left off".
    """
    from voicecoach.plan.workplan import work_items

    stalled = dict(routine.stalls)
    deloads, counts = [], []
    for item in work_items(routine):
        if item.slot in stalled and item.first_of_exercise:
            load = starts.get(item.slot)
            to = "" if load is None or isinstance(load, Unloaded) else f" to {spoken.load(load)}"
            # A training max is no weight on the bar: say what goes down, not "deload to".
            what = f"training max down{to}" if item.spec.training_max else f"deload{to}"
            deloads.append((item.spec.name, what))
            counts.append(stalled.pop(item.slot))
    if not deloads:
        return []
    rule = routine.program.deload if routine.program else None
    why = f"no progress in {spoken.number(max(counts))} sessions"
    take = f"{spoken.number(round(rule.take * 100))} percent off" if rule else "lighter"
    if len(deloads) == 1:
        name, action = deloads[0]
        return [f"{name}: {why}; {action}, {take}."]
    return [f"{spoken.sentence(why)}: {take}, then build back up."] + [
        f"{name}: {action}." for name, action in deloads
    ]


def _spec_for(spec: ExerciseSpec, index: int) -> ExerciseSpec:
    if not spec.weeks:
        return spec
    w = spec.weeks[index % len(spec.weeks)]
    return replace(
        spec, sets=w.sets, reps=w.reps, amrap=w.amrap, rir=w.rir, scheme=w.scheme, weeks=()
    )


def lighter(load: Load, take: float, step: float) -> Load:
    """``load`` less ``take`` of it, down to a loadable step; levels go one easier."""
    if isinstance(load, Level):
        return load.step(-1)
    if isinstance(load, (Weight, Bodyweight)) and load.amount > 0:
        amount = load.amount * (1 - take)
        if step > 0:
            amount = math.floor(amount / step + 1e-9) * step
        return load.with_amount(round(amount, 4))
    return load


def progressed(start: Load, end: Load, start_bonus: int, end_bonus: int) -> bool | None:
    """Whether a session ended above where it started; None when the two cannot compare."""
    if end_bonus > start_bonus:
        return True
    if isinstance(start, Level) and isinstance(end, Level):
        return end.index > start.index
    if (
        isinstance(start, (Weight, Bodyweight))
        and type(start) is type(end)
        and start.unit == end.unit
    ):
        return end.amount > start.amount + 1e-9
    return None


def below(a: Load, b: Load) -> bool:
    """``a`` is lighter than ``b`` (a session that started below the last one's end)."""
    if isinstance(a, Level) and isinstance(b, Level):
        return a.index < b.index
    if isinstance(a, (Weight, Bodyweight)) and type(a) is type(b) and a.unit == b.unit:
        return a.amount < b.amount - 1e-9
    return False
