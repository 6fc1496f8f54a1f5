"""The built-in routines as ``voicecoach list`` shows them: with an estimated duration.

It lives in plan/, not routines/, because the duration comes from the planner.
"""

from __future__ import annotations

from voicecoach.plan.planner import estimate_seconds
from voicecoach.routines.catalog import builtin_paths
from voicecoach.routines.loader import load_routine


def listing() -> list[dict[str, object]]:
    """Built-ins with description and estimated duration, for ``voicecoach list``."""
    out = []
    for key, path in builtin_paths().items():
        routine = load_routine(path)
        out.append(
            {
                "name": key,
                "title": routine.name,
                "description": routine.description,
                "minutes": round(estimate_seconds(routine) / 60),
                "exercises": len(routine.exercises()),
                "units": routine.units,
            }
        )
    return out
