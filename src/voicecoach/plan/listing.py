"""The built-in routines as ``voicecoach list`` shows them: with an estimated duration.

It lives in plan/, not routines/, because the duration comes from the planner.
"""

from __future__ import annotations

from voicecoach.plan.planner import estimate_seconds
from voicecoach.routines.catalog import builtin_paths
from voicecoach.routines.library import builtin_library
from voicecoach.routines.loader import load_routine


def listing() -> list[dict[str, object]]:
    """Built-ins with description, equipment and estimated duration, for ``voicecoach list``.

    They are read with the built-in exercises only: a lifter's broken library
    file must not hide the routines that do not use it.
    """
    out = []
    for key, path in builtin_paths().items():
        routine = load_routine(path, builtin_library())
        equipment = sorted({e for ex in routine.exercises() for e in ex.equipment})
        out.append(
            {
                "name": key,
                "title": routine.name,
                "description": routine.description,
                "minutes": round(estimate_seconds(routine) / 60),
                "exercises": len(routine.exercises()),
                "units": routine.units,
                "equipment": equipment,
            }
        )
    return out
