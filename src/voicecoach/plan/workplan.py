"""Flatten a routine into the ordered list of sets the engine works through."""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.routines.model import Circuit, ExerciseSpec, Routine


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

    @property
    def label(self) -> str:
        return f"{self.spec.name} {'round' if self.circuit else 'set'} {self.set_no}/{self.total}"


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
            for s in range(1, item.sets + 1):
                items.append(
                    WorkItem(
                        position=len(items),
                        slot=slot,
                        spec=item,
                        set_no=s,
                        total=item.sets,
                        circuit=None,
                        first_of_exercise=s == 1,
                        rest_after=item.rest,
                        rest_kind="rest",
                    )
                )
            slot += 1
    if items:
        last = items[-1]
        items[-1] = WorkItem(
            last.position,
            last.slot,
            last.spec,
            last.set_no,
            last.total,
            last.circuit,
            last.first_of_exercise,
            0.0,
            "end",
        )
    return items
