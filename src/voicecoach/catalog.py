"""Built-in routines and name resolution: a path always wins over a built-in name."""

from __future__ import annotations

from pathlib import Path

from voicecoach.model import Routine
from voicecoach.planner import estimate_seconds
from voicecoach.problems import Problem, RoutineError
from voicecoach.resources import data_dir
from voicecoach.routine import load_routine


def builtin_paths() -> dict[str, Path]:
    folder = data_dir("routines")
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def resolve(name: str) -> Path:
    """``pull-day``, ``pull-day.yaml`` or a path → the file; RoutineError lists the built-ins."""
    path = Path(name).expanduser()
    if path.exists():
        return path
    builtins = builtin_paths()
    stem = name[:-5] if name.endswith(".yaml") else name[:-4] if name.endswith(".yml") else name
    if stem in builtins:
        return builtins[stem]
    names = ", ".join(builtins)
    raise RoutineError(
        [
            Problem(
                name,
                1,
                1,
                f"no such file, and no built-in routine by that name; built-ins are: {names}",
            )
        ]
    )


def load(name: str) -> Routine:
    return load_routine(resolve(name))


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
