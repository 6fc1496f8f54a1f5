"""Flatten a routine into the ordered list of sets the engine works through."""

from __future__ import annotations

from dataclasses import dataclass, replace

from voicecoach.routines.model import Circuit, ExerciseSpec, Routine, SetPlan

WARMUP_REST = 60.0  # seconds after each warm-up set: time to change the plates and breathe


@dataclass(frozen=True)
class WorkItem:
    """One set (or one circuit station) and what follows it.

    ``position`` is stable for a given routine, so the journal can say which
    items a session finished and ``--resume`` can continue after them.
    ``slot`` identifies the exercise within the routine for load tracking.
    """

    position: int
    slot: int
    spec: ExerciseSpec
    set_no: int
    total: int
    circuit: Circuit | None
    first_of_exercise: bool
    rest_after: float
    rest_kind: str  # "rest", "transition" or "end"
    kind: str = "working"  # or "warmup" / "drop": they never move the working load
    reps: int | None = None  # a warm-up's own reps
    share: float = 1.0  # a warm-up's or drop's load as a share (0: the empty bar)
    plan: SetPlan | None = None  # a set of a scheme whose sets differ
    drives: bool = True  # its answer moves the working load (a back-off's does not)

    @property
    def label(self) -> str:
        what = {"warmup": "warm-up", "drop": "drop"}.get(
            self.kind, "round" if self.circuit else "set"
        )
        return f"{self.spec.name} {what} {self.set_no}/{self.total}"


def work_items(routine: Routine) -> list[WorkItem]:
    items: list[WorkItem] = []
    slot = 0
    for item in routine.items:
        if isinstance(item, Circuit):
            for r in range(1, item.rounds + 1):
                for i, ex in enumerate(item.exercises):
                    last_station = i == len(item.exercises) - 1
                    items.append(
                        WorkItem(
                            position=len(items),
                            slot=slot + i,
                            spec=ex,
                            set_no=r,
                            total=item.rounds,
                            circuit=item,
                            first_of_exercise=r == 1,
                            rest_after=item.rest if last_station else item.transition,
                            rest_kind="rest" if last_station else "transition",
                        )
                    )
            slot += len(item.exercises)
        else:
            items += _exercise(item, slot, len(items))
            slot += 1
    if items:
        items[-1] = replace(items[-1], rest_after=0.0, rest_kind="end")
    return items


def _exercise(spec: ExerciseSpec, slot: int, first: int) -> list[WorkItem]:
    """Warm-ups, the working sets, then drop sets straight after the last one."""
    out: list[WorkItem] = []

    def add(spec: ExerciseSpec = spec, **fields: object) -> None:
        out.append(
            WorkItem(position=first + len(out), slot=slot, spec=spec, circuit=None, **fields)  # type: ignore[arg-type]
        )

    n = len(spec.warmups)
    for i, w in enumerate(spec.warmups, start=1):
        add(
            set_no=i,
            total=n,
            first_of_exercise=i == 1,
            rest_after=WARMUP_REST,
            rest_kind="rest",
            kind="warmup",
            reps=w.reps,
            share=w.share,
        )
    plans = spec.scheme
    # In a scheme, the sets at the working load decide where it goes next; with none
    # (a 5/3/1 week: every set a share of the training max), the last set does.
    drivers = {i for i, p in enumerate(plans) if p.at_working_load} or {len(plans) - 1}
    total = len(plans) or spec.sets
    for s in range(1, total + 1):
        last = s == total
        plan = plans[s - 1] if plans else None
        rest = plan.rest if plan is not None and plan.rest is not None else spec.rest
        add(
            spec=spec if plan is None else set_spec(spec, plan),
            set_no=s,
            total=total,
            first_of_exercise=s == 1 and not n,
            rest_after=0.0 if last and spec.drops else rest,
            rest_kind="rest",
            plan=plan,
            drives=plan is None or s - 1 in drivers,
        )
    share = 1.0
    for d, step in enumerate(spec.drops, start=1):
        share *= step
        add(
            set_no=d,
            total=len(spec.drops),
            first_of_exercise=False,
            rest_after=spec.rest if d == len(spec.drops) else 0.0,
            rest_kind="rest",
            kind="drop",
            share=share,
        )
    return out


def set_spec(spec: ExerciseSpec, plan: SetPlan) -> ExerciseSpec:
    """The exercise as one set of its scheme prescribes it: its own reps and RIR target."""
    return replace(
        spec,
        reps=plan.reps or spec.reps,
        amrap=plan.amrap if plan.reps else spec.amrap,
        rir=plan.rir or spec.rir,
    )
