"""Choose the next set's load from what the lifter just did. Pure: no I/O, no clock.

The rules (docs/progression.md has the sources and worked examples):

* ``double`` (default): double progression to an RIR target. Reaching the top
  of the rep range at or above the target RIR adds a step; an RIR above the
  target's upper bound adds a step too (or a rep, where the load can't move);
  falling short of the bottom of the range drops a step; otherwise the load
  stays.
* ``rir-step``: the step follows the distance from the target RIR: two steps
  up at +2 or more, one at +1, none on target, one down at -1, two at -2.
  With a 2.5 kg step and target 2 this is the 0/−2.5/−5 / +2.5/+5 kg table.
* ``e1rm``: estimate the one-rep max with Epley from reps + RIR, then pick the
  load that puts the next set at the middle of the rep range and RIR target.
* ``none``: never changes the load.

With ``beat_by: N`` (for AMRAP sets), the reps alone decide: the target plus N
or more adds a step, short of the target drops one, anything between stays.

Weights are then rounded to what can be loaded (a step, or a fixed dumbbell
list) and the change is capped per set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from voicecoach.routines.loads import Bodyweight, Level, Load, Unloaded, Weight
from voicecoach.routines.model import Progression, Range


@dataclass(frozen=True)
class Outcome:
    """What one set produced: reps done (None for a hold) and RIR (None if unanswered)."""

    reps: int | None
    rir: int | None


@dataclass(frozen=True)
class Decision:
    """The next set's load, a rep adjustment, and a short reason the coach can say."""

    load: Load
    rep_bonus: int
    direction: int  # +1 up, 0 same, -1 down
    reason: str


def epley(weight: float, reps_to_failure: int) -> float:
    """Estimated one-rep max: w · (1 + n/30)."""
    return weight * (1 + reps_to_failure / 30)


def decide(
    load: Load,
    outcome: Outcome,
    reps: Range | None,
    rir_target: Range,
    rule: Progression,
    rep_bonus: int = 0,
) -> Decision:
    """Return the load for the next set of the same exercise."""
    if rule.rule == "none" or isinstance(load, Unloaded):
        return Decision(load, rep_bonus, 0, "no progression for this exercise")
    if rule.beat_by is not None and reps is not None and outcome.reps is not None:
        # As many as possible: the reps say it all, whatever the RIR answer.
        beat = reps.high + rep_bonus + rule.beat_by
        if outcome.reps >= beat:
            return _move(load, +1, rule, rep_bonus, f"{outcome.reps} reps beat the target")
        if outcome.reps < reps.low + rep_bonus:
            return _move(load, -1, rule, rep_bonus, f"{outcome.reps} reps is short of the target")
        return Decision(load, rep_bonus, 0, f"{outcome.reps} reps, not {beat} yet")
    if outcome.rir is None:
        return Decision(load, rep_bonus, 0, "no answer, load stays")
    if rule.rule == "rir-step":
        steps = _rir_steps(outcome.rir, rir_target)
        return _move(
            load, steps, rule, rep_bonus, f"RIR {outcome.rir} against a target of {rir_target}"
        )
    if rule.rule == "e1rm" and isinstance(load, Weight) and reps and outcome.reps:
        return _e1rm(load, outcome, reps, rir_target, rule, rep_bonus)
    return _double(load, outcome, reps, rir_target, rule, rep_bonus)


def _rir_steps(rir: int, target: Range) -> int:
    mid = (target.low + target.high) / 2
    diff = rir - mid
    if diff >= 2:
        return 2
    if diff >= 1:
        return 1
    if diff <= -2:
        return -2
    if diff <= -1:
        return -1
    return 0


def _double(
    load: Load,
    outcome: Outcome,
    reps: Range | None,
    target: Range,
    rule: Progression,
    rep_bonus: int,
) -> Decision:
    rir = outcome.rir
    assert rir is not None
    if reps is not None and outcome.reps is not None:
        low, high = reps.low + rep_bonus, reps.high + rep_bonus
        if outcome.reps < low:
            return _move(load, -1, rule, rep_bonus, f"{outcome.reps} reps is below {low}")
        if outcome.reps >= high and rir >= target.low:
            return _move(load, +1, rule, rep_bonus, f"top of the range with {rir} in reserve")
    if rir > target.high:
        return _move(load, +1, rule, rep_bonus, f"{rir} in reserve is more than {target.high}")
    return Decision(load, rep_bonus, 0, "on target")


def _e1rm(
    load: Weight, outcome: Outcome, reps: Range, target: Range, rule: Progression, rep_bonus: int
) -> Decision:
    assert outcome.reps is not None and outcome.rir is not None
    one_rm = epley(load.amount, outcome.reps + outcome.rir)
    goal_reps = (reps.low + reps.high) / 2 + (target.low + target.high) / 2
    wanted = one_rm / (1 + goal_reps / 30)
    amount = _cap(load.amount, _round(wanted, rule, toward=load.amount), rule)
    direction = (amount > load.amount) - (amount < load.amount)
    return Decision(
        load.with_amount(amount), rep_bonus, direction, f"estimated max {one_rm:.0f} {load.unit}"
    )


def _move(load: Load, steps: int, rule: Progression, rep_bonus: int, reason: str) -> Decision:
    if steps == 0:
        return Decision(load, rep_bonus, 0, reason)
    if isinstance(load, Level):
        moved = load.step(1 if steps > 0 else -1)
        return Decision(
            moved, rep_bonus, (moved.index > load.index) - (moved.index < load.index), reason
        )
    if isinstance(load, Bodyweight) and load.extra == 0 and steps > 0 and rule.add == 0:
        return Decision(load, rep_bonus + 1, +1, reason + "; one more rep next set")
    if isinstance(load, (Weight, Bodyweight)):
        size = rule.add if steps > 0 else rule.drop
        target = load.amount + steps * size if steps > 0 else load.amount - abs(steps) * size
        if rule.dumbbells:
            amount = _next_dumbbell(load.amount, steps, rule.dumbbells)
        else:
            amount = _cap(load.amount, _round(target, rule, toward=load.amount), rule)
        if isinstance(load, Weight):
            amount = max(0.0, amount)
        direction = (amount > load.amount) - (amount < load.amount)
        return Decision(load.with_amount(amount), rep_bonus, direction, reason)
    return Decision(load, rep_bonus, 0, reason)


def _round(amount: float, rule: Progression, toward: float) -> float:
    """Round to a loadable multiple of the step; ties go toward the current load."""
    step = rule.round
    scaled = amount / step
    low, high = math.floor(scaled + 1e-9) * step, math.ceil(scaled - 1e-9) * step
    if abs(amount - low) < abs(high - amount) - 1e-9:
        return round(low, 4)
    if abs(high - amount) < abs(amount - low) - 1e-9:
        return round(high, 4)
    return round(low if abs(low - toward) <= abs(high - toward) else high, 4)


def _cap(current: float, proposed: float, rule: Progression) -> float:
    if rule.cap is None or rule.cap <= 0:
        return proposed
    change = max(-rule.cap, min(rule.cap, proposed - current))
    capped = current + change
    # Stay loadable: step back toward the current load if the cap split a step.
    return (
        round(current + math.trunc(round(change / rule.round, 6)) * rule.round, 4)
        if capped != proposed
        else proposed
    )


def _next_dumbbell(current: float, steps: int, dumbbells: tuple[float, ...]) -> float:
    """Move ``steps`` dumbbells up or down the list from the current weight."""
    if steps > 0:
        heavier = [d for d in dumbbells if d > current + 1e-9]
        return heavier[min(steps, len(heavier)) - 1] if heavier else current
    lighter = [d for d in dumbbells if d < current - 1e-9]
    return lighter[-min(-steps, len(lighter))] if lighter else current


def steps_moved(old: Load, new: Load, rule: Progression) -> int:
    """How many of the rule's steps lie between two loads: a level's places, the gym's
    dumbbells, or the add/drop size (rounded up, so a capped half step is still one)."""
    if isinstance(old, Level) and isinstance(new, Level):
        return abs(new.index - old.index)
    if not isinstance(old, (Weight, Bodyweight)) or not isinstance(new, (Weight, Bodyweight)):
        return 0
    low, high = sorted((old.amount, new.amount))
    if high - low < 1e-9:
        return 0
    if rule.dumbbells:
        return sum(1 for d in rule.dumbbells if low + 1e-9 < d <= high + 1e-9)
    size = (rule.add if new.amount > old.amount else rule.drop) or rule.round
    return math.ceil((high - low) / size - 1e-9) if size > 0 else 1
