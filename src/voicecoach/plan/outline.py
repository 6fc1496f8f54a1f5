"""A routine as ``voicecoach plan`` shows it: one entry per exercise or circuit, with the
loads the next session starts from when the caller knows them."""

from __future__ import annotations

import typing

from voicecoach.routines.durations import format_duration
from voicecoach.routines.loads import Load
from voicecoach.routines.model import Circuit, ExerciseSpec, Routine, SetPlan


def outline(
    routine: Routine,
    starts: typing.Mapping[int, Load] | None = None,
    carried: typing.Collection[int] = (),
    set_loads: typing.Mapping[int, typing.Sequence[Load]] | None = None,
) -> list[dict[str, typing.Any]]:
    """The plan as data: one entry per exercise or circuit (``voicecoach plan --json``).

    ``starts`` is each exercise slot's load as the session starts it (numbered as
    ``work_items`` numbers them), ``carried`` the slots whose load came from the
    journal, and ``set_loads`` each slot's working sets' loads; without them, the
    routine's own ``load:``.
    """
    from voicecoach.routines.loads import describe

    def ex_data(ex: ExerciseSpec, slot: int) -> dict[str, object]:
        start = (starts or {}).get(slot, ex.load)
        lifted = (set_loads or {}).get(slot, ())
        return {
            "exercise": ex.key,
            "name": ex.name,
            "sets": ex.sets,
            "reps": str(ex.reps) if ex.reps else None,
            "hold": ex.hold,
            # What the next session starts from; "routine_load" is what load: says.
            "load": describe(start),
            "routine_load": describe(ex.load),
            "load_from": "journal" if slot in carried else "routine",
            "training_max": ex.training_max,
            "set_loads": [describe(x) for x in lifted],
            # A hold has neither a tempo nor an RIR question.
            "tempo": None if ex.hold is not None else ex.tempo.notation(),
            "rest": format_duration(ex.rest),
            "rir": None if ex.hold is not None else str(ex.rir),
            "sides": list(ex.sides),
            "progression": ex.progression.rule,
            # Always present (empty when the exercise has none): a reader needs no guessing.
            "scheme": [scheme_text(p) for p in ex.scheme],
            "warmup": [f"{w.reps} @ {f'{w.share:.0%}' if w.share else 'bar'}" for w in ex.warmups],
            "drop": [f"-{1 - d:.0%}" for d in ex.drops],
        }

    out: list[dict[str, object]] = []
    slot = 0  # as work_items numbers the exercises: one per circuit station
    for item in routine.items:
        if isinstance(item, Circuit):
            out.append(
                {
                    "circuit": item.name,
                    "kind": item.kind,
                    "rounds": item.rounds,
                    "rest": format_duration(item.rest),
                    "transition": format_duration(item.transition),
                    "exercises": [ex_data(e, slot + i) for i, e in enumerate(item.exercises)],
                }
            )
            slot += len(item.exercises)
        else:
            out.append(ex_data(item, slot))
            slot += 1
    return out


def scheme_text(plan: SetPlan) -> str:
    """One set of a scheme as the routine format writes it: ``top set 5 @ 100%``."""
    from voicecoach.routines.loads import describe

    reps = f"{plan.reps}{'+' if plan.amrap else ''}" if plan.reps else "reps"
    if plan.absolute is not None:
        at = describe(plan.absolute)
    else:
        at = f"{plan.share:.0%}" + (" e1rm" if plan.of_e1rm else "")
    return f"{plan.name + ' ' if plan.name else ''}{reps} @ {at}"
