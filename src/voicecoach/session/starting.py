"""Where the next session of a routine starts: its program week, the loads it carries
from the journal, a deload, and from those each set's load.

``run`` coaches from this and ``plan`` shows it, so what ``plan`` says is what the
next ``run`` does: one computation, read by both.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from dataclasses import dataclass, replace

from voicecoach.journal.progress import sessions_done, stalled_max_sessions, stalled_sessions
from voicecoach.journal.store import Journal, JournalError
from voicecoach.plan.plates import Rack
from voicecoach.plan.program import ProgramWeek, for_week, lighter, week_of
from voicecoach.plan.workplan import WorkItem, work_items
from voicecoach.routines.loads import Load
from voicecoach.routines.model import Routine
from voicecoach.safetext import clean
from voicecoach.settings import Settings


def _say_err(msg: str) -> None:
    if sys.stderr is None:  # started with 2>&-: nowhere to say it
        return
    with contextlib.suppress(OSError, ValueError):
        print(f"voicecoach: {clean(msg)}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Ask:
    """What the lifter asked of this session that changes where it starts."""

    dry_run: bool = False  # dry runs count earlier dry runs, and carry their loads
    fresh: bool = False  # every load as the routine writes it
    week: int | None = None  # this program week instead of the journal's


@dataclass(frozen=True)
class Start:
    """A session's starting point: the routine as its week prescribes it (with what is
    said first: the week, a deload), the week, and the loads carried per exercise slot."""

    routine: Routine
    week: ProgramWeek | None
    carried: dict[int, tuple[Load, int]]


def next_start(
    routine: Routine, journal: Journal | None, ask: Ask, session_id: int | None = None
) -> Start:
    """Where a session of ``routine`` starts (``session_id``: the one being resumed)."""
    amrap = _amrap_entries(routine)
    routine, week = _program_week(routine, ask, journal, session_id)
    carried = {} if ask.fresh else carried_loads(journal, routine, ask.dry_run)
    if session_id is None and journal is not None and routine.program is not None:
        routine = _deloads(routine, week, journal, carried, ask.dry_run, amrap)
    return Start(routine, week, carried)


def rack_of(settings: Settings) -> Rack | None:
    """The lifter's bar and plates from the settings; None unless both are set."""
    if not settings.bar or not settings.plates:
        return None
    amount, unit = settings.bar.split()
    return Rack(float(amount), tuple(settings.plates), unit)


def planned(
    start: Start, rack: Rack | None = None
) -> tuple[dict[int, Load], dict[int, list[Load]]]:
    """Per exercise slot, the load the session starts from and its working sets' loads
    before any answer, as the engine works them out (shares rounded to the step, then
    to the plates): the session's own code, never a copy of it."""
    from voicecoach.session.engine import Session
    from voicecoach.session.environment import Environment
    from voicecoach.session.state import Coaching
    from voicecoach.speech.base import Voice
    from voicecoach.speech.estimate import EstimateRenderer
    from voicecoach.testing import FakeClock

    env = Environment(clock=FakeClock(), voice=Voice(EstimateRenderer()))
    session = Session(start.routine, env, carried=start.carried, coaching=Coaching(rack=rack))
    sets: dict[int, list[Load]] = {}
    for item in session.items:
        if item.kind == "working":
            sets.setdefault(item.slot, []).append(session._set_load(item))
    return {slot: st.load for slot, st in session.state.items()}, sets


def carried_loads(
    journal: Journal | None, routine: Routine, include_dry_runs: bool
) -> dict[int, tuple[Load, int]]:
    """Per exercise slot, the load its last session ended with (if the kind matches).

    A training max (every set of a week a share of ``load:``) is carried only from
    this routine's own sessions: a working set lifted elsewhere, or imported, is a
    share of some max already, and taking it as the max makes every set lighter.
    """
    if journal is None:
        return {}
    out: dict[int, tuple[Load, int]] = {}
    twice = _twice(routine)
    for item in work_items(routine):
        if item.slot in out:
            continue
        found = None
        own = routine.name if item.spec.training_max else None
        if item.spec.key in twice:
            # The same lift twice (a top set, then "Bench BBB" for volume): each entry
            # starts where its own sets left off, by the name it is journaled under.
            found = journal.carried_load(
                item.spec.key, include_dry_runs=include_dry_runs, name=item.spec.name, routine=own
            )
        if found is None:
            found = journal.carried_load(
                item.spec.key, include_dry_runs=include_dry_runs, routine=own
            )
        if found is None or type(found[0]) is not type(item.spec.load):
            continue
        load = in_unit(found[0], getattr(item.spec.load, "unit", None), item.spec.progression.round)
        over = _over_routine_cap(load, item.spec.load)
        if over:
            # An imported history may hold what no routine could prescribe (a typo of
            # 14,999 lb): it is history, never the weight the coach asks for.
            _say_err(f"{item.spec.name}: not starting from {over}; starting as written")
            continue
        out[item.slot] = (load, found[1])
    return out


def _over_routine_cap(load: Load, prescribed: Load) -> str | None:
    """The carried load, if it is beyond what the routine itself may prescribe."""
    from voicecoach.routines.checks import MAX_LOAD
    from voicecoach.routines.loads import Bodyweight, Weight, describe

    if not isinstance(load, (Weight, Bodyweight)):
        return None
    cap = MAX_LOAD.get(load.unit, 0.0)
    if isinstance(prescribed, (Weight, Bodyweight)) and abs(prescribed.amount) > cap:
        cap *= 10  # the routine lifted its caps with allow_long
    if abs(load.amount) <= cap:
        return None
    return f"{describe(load)}, over the routine's limit of {cap:g} {load.unit}"


def in_unit(load: Load, unit: str | None, step: float) -> Load:
    """A carried weight in the routine's unit, rounded to its increment.

    A history imported in kg meets a routine in lb (or the other way): the
    lifter expects 100 kg to come back as 220 lb, not to be dropped.
    """
    from voicecoach.routines.loads import LB_PER_KG, Bodyweight, Weight

    if not isinstance(load, (Weight, Bodyweight)) or unit is None or load.unit == unit:
        return load
    factor = LB_PER_KG if unit == "lb" else 1 / LB_PER_KG
    amount = load.amount * factor
    if step > 0:
        amount = round(amount / step) * step
    return replace(load.with_amount(round(amount, 2)), unit=unit)


def _program_week(
    routine: Routine, ask: Ask, journal: Journal | None, session_id: int | None
) -> tuple[Routine, ProgramWeek | None]:
    """A program's routine as its week prescribes it; the journal says which week."""
    if routine.program is None:
        return routine, None
    done = 0
    if journal is not None and ask.week is None:
        try:
            done = sessions_done(
                journal.db, routine.name, include_dry_runs=ask.dry_run, before=session_id
            )
        except sqlite3.Error as exc:
            _say_err(f"cannot read the journal to find the week ({exc}); coaching week one")
    week = week_of(routine.program, done, forced=ask.week)
    return for_week(routine, week), week


def _deloads(
    routine: Routine,
    week: ProgramWeek | None,
    journal: Journal,
    carried: dict[int, tuple[Load, int]],
    dry_run: bool,
    amrap: frozenset[tuple[str, str]] = frozenset(),
) -> Routine:
    """Take weight off where the program says: a deload week, or an exercise that stalled.

    The lighter load is where this session starts and progression builds back up
    from it. A deload week is a note said at the start; each stalled exercise is kept
    in ``stalls``, said once at the start with the load it starts from (``stall_lines``).
    """
    rule = routine.program.deload if routine.program else None
    if rule is None:
        return routine
    stalled: list[tuple[int, int]] = []
    seen: set[int] = set()
    for item in work_items(routine):
        if item.slot in seen or item.slot not in carried:
            continue
        seen.add(item.slot)
        load, _bonus = carried[item.slot]
        why = "deload week" if week is not None and week.deload else None
        if why is None and rule.stalled:
            try:
                stalls = _stalls(routine, item, journal, dry_run, rule.stalled, amrap)
            except JournalError as exc:
                _say_err(f"{exc}; no deload for a stall this session")
                stalls = 0
            if stalls >= rule.stalled:
                why = "stalled"
                stalled.append((item.slot, stalls))
        if why is not None:
            carried[item.slot] = (lighter(load, rule.take, item.spec.progression.round), 0)
    return replace(routine, stalls=tuple(stalled))


def _stalls(
    routine: Routine,
    item: WorkItem,
    journal: Journal,
    dry_run: bool,
    limit: int,
    amrap: frozenset[tuple[str, str]],
) -> int:
    """Sessions in a row without progress: a training max judged on the max, in this
    routine's own sessions; a load lifted as written on the load, wherever it was lifted."""
    spec = item.spec
    if not spec.training_max:
        return stalled_sessions(journal, spec.key, include_dry_runs=dry_run, limit=limit)
    # The same lift twice (a top set, then "Bench BBB"): each entry by its own name.
    return stalled_max_sessions(
        journal,
        spec.key,
        routine.name,
        include_dry_runs=dry_run,
        limit=limit,
        name=spec.name if spec.key in _twice(routine) else None,
        amrap_judges=(spec.key, spec.name) in amrap,
    )


def _twice(routine: Routine) -> set[str]:
    """The exercises a routine does in more than one entry (a top set, then "Bench BBB"):
    each of their entries is journaled, carried and judged by its own name."""
    slots: dict[str, set[int]] = {}
    for item in work_items(routine):
        slots.setdefault(item.spec.key, set()).add(item.slot)
    return {key for key, found in slots.items() if len(found) > 1}


def _amrap_entries(routine: Routine) -> frozenset[tuple[str, str]]:
    """The entries (key, name) with an as-many-as-you-can set in some week: theirs is
    what moves a training max, so a week without one (a light week) is no stall."""
    return frozenset(
        (s.key, s.name)
        for s in routine.exercises()
        if s.amrap
        or any(p.amrap for p in s.scheme)
        or any(w.amrap or any(p.amrap for p in w.scheme) for w in s.weeks)
    )
