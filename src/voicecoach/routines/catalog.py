"""Built-in routines and name resolution: a path always wins over a built-in name."""

from __future__ import annotations

from pathlib import Path

from voicecoach.routines.library import Exercises
from voicecoach.routines.loader import load_routine
from voicecoach.routines.model import Routine
from voicecoach.routines.problems import Problem, RoutineError
from voicecoach.routines.resources import data_dir


def builtin_paths() -> dict[str, Path]:
    folder = data_dir("routines")
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def resolve(name: str) -> Path:
    """``pull-day``, ``pull-day.yaml`` or a path → the file; RoutineError lists the built-ins."""
    path = Path(name).expanduser()
    if path.exists():
        return path
    stem = name[:-5] if name.endswith(".yaml") else name[:-4] if name.endswith(".yml") else name
    # A built-in name is one file to look at: listing the folder (a glob) comes only
    # with the error, which names them all.
    builtin = data_dir("routines") / f"{stem}.yaml"
    if Path(stem).name == stem and stem not in ("", ".", "..") and builtin.is_file():
        return builtin
    builtins = builtin_paths()
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


def load(name: str, library: Exercises | None = None) -> Routine:
    """A routine by path or built-in name, its ``use:`` checked against ``library``."""
    return load_routine(resolve(name), library)
