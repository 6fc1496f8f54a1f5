"""What every section of the routine format is checked with: keys, kinds, numbers, limits.

The sections (routine, circuits, exercises, progression) each have a module;
they share these checks and the list of problems found so far.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from voicecoach.routines.durations import parse_duration
from voicecoach.routines.model import LibraryExercise, Range
from voicecoach.routines.problems import Problem, did_you_mean
from voicecoach.routines.yamlsafe import Document

TOP_KEYS = {
    "name",
    "description",
    "units",
    "defaults",
    "exercises",
    "count_in",
    "rir_timeout",
    "allow_long",
    "notes",
    "talk",
    "count",
    "program",
}
DEFAULT_KEYS = {
    "rest",
    "rir",
    "tempo",
    "switch",
    "transition",
    "progression",
    "sets",
    "reps",
    "warmup",
}
EXERCISE_KEYS = {
    "use",
    "name",
    "sets",
    "reps",
    "hold",
    "load",
    "tempo",
    "rest",
    "rir",
    "sides",
    "switch",
    "progression",
    "setup",
    "rep_cues",
    "bar",
    "warmup",
    "drop",
    "top",
    "backoff",
    "weeks",
}
CIRCUIT_KEYS = {"circuit", "superset", "rounds", "rest", "transition", "exercises"}
PROGRAM_KEYS = {"per_week", "deload"}
DELOAD_KEYS = {"every", "stalled", "take"}
PROGRESSION_KEYS = {"rule", "add", "drop", "round", "dumbbells", "cap", "beat_by"}
RULES = ("double", "rir-step", "e1rm", "none")

# Caps that keep a typo from becoming a 9-hour session; `allow_long: true` lifts them.
LIMITS = {
    "sets": 20,
    "reps": 100,
    "rounds": 20,
    "exercises": 60,
    "rest": 15 * 60,
    "hold": 10 * 60,
    "switch": 120,
    "transition": 300,
}
LONG_LIMITS = {
    "sets": 100,
    "reps": 1000,
    "rounds": 100,
    "exercises": 300,
    "rest": 3 * 3600,
    "hold": 3600,
    "switch": 600,
    "transition": 1800,
}
# The heaviest loads anyone lifts are well under these; a bigger number is a typo.
MAX_LOAD = {"lb": 1500.0, "kg": 700.0}
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-|–|to)\s*(\d+)\s*$")
_SETS_X_REPS = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+(?:-\d+)?\+?)\s*$", re.IGNORECASE)


def parse_range(value: object, what: str) -> Range:
    """``10``, ``"8-12"`` or ``"8 to 12"`` → Range; ValueError says what is valid."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Range(value, value)
    if isinstance(value, str):
        if value.strip().isdigit():
            n = int(value)
            return Range(n, n)
        if m := _RANGE.match(value):
            low, high = int(m.group(1)), int(m.group(2))
            if low > high:
                raise ValueError(
                    f"the {what} range {value!r} is upside down; "
                    f"write the lower number first, like {high}-{low}"
                )
            return Range(low, high)
    if what == "RIR":
        raise ValueError(
            f"{value!r} is not a RIR target; write a whole number from 0 to 5 like 2,"
            " or a range like 1-2"
        )
    if isinstance(value, str) and (sets_reps := _SETS_X_REPS.match(value)):
        raise ValueError(
            f"{value!r} is sets × reps; write sets: {sets_reps.group(1)}"
            f" and reps: {sets_reps.group(2)}"
        )
    if isinstance(value, str) and value.strip().lower() in {"amrap", "max", "failure"}:
        raise ValueError(
            f"{value!r} is not a {what} count; for as many as possible write the target"
            " with a plus, like 5+"
        )
    raise ValueError(
        f"{value!r} is not a {what} count; write a number like 10 or a range like 8-12"
    )


class Checks:
    """Located checks; every failure is kept as a Problem, nothing stops at the first."""

    def __init__(self, doc: Document, library: Mapping[str, LibraryExercise] | None = None):
        self.doc = doc
        self.problems: list[Problem] = []
        # The exercises ``use:`` may name; a library file being read has none yet.
        self.library: Mapping[str, LibraryExercise] = library if library is not None else {}
        self.units = "lb"
        self.limits = LIMITS

    # --- helpers -------------------------------------------------------------
    def fail(self, path: tuple[Any, ...], message: str, *, key: bool = False) -> None:
        problem = self.doc.problem(path, message, key=key)
        if problem not in self.problems:  # a default every exercise inherits: said once
            self.problems.append(problem)

    def check_keys(
        self, data: dict[str, Any], path: tuple[Any, ...], allowed: set[str], where: str
    ) -> None:
        for k in data:
            if k not in allowed:
                self.fail(
                    (*path, k),
                    f"unknown key {k!r} in {where}"
                    + (
                        did_you_mean(str(k), allowed)
                        or f"; valid keys are {', '.join(sorted(allowed))}"
                    ),
                    key=True,
                )

    def mapping(self, value: Any, path: tuple[Any, ...], what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.fail(path, f"{what} must be a mapping of keys to values, not {_kind(value)}")
        return None

    def positive_int(self, value: Any, path: tuple[Any, ...], what: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"{what} must be a whole number, not {_kind(value)}")
            return None
        limit = self.limits.get(what, 10**6)
        if value < 1:
            self.fail(path, f"{what} must be at least 1, not {value}")
            return None
        if value > limit:
            self.fail(
                path,
                f"{what} of {value} is more than the limit of {limit}; "
                "lower it, or set allow_long: true at the top of the routine",
            )
            return None
        return value

    def duration(self, value: Any, path: tuple[Any, ...], what: str) -> float | None:
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            self.fail(path, f"{what}: {exc}")
            return None
        limit = self.limits.get(what)
        if limit is not None and seconds > limit:
            self.fail(
                path,
                f"{what} of {value} is longer than the limit of {limit // 60} min; "
                "shorten it, or set allow_long: true at the top of the routine",
            )
            return None
        return seconds

    # --- top level -------------------------------------------------------------
    def text_list(self, raw: Any, path: tuple[Any, ...], what: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            self.fail(path, f"{what}: must be a list of short cues")
            return ()
        for i, cue in enumerate(raw):
            if len(cue) > 160:
                self.fail(
                    (*path, i),
                    f"this cue is {len(cue)} characters; keep spoken cues "
                    "under 160 so they fit between sets",
                )
        return tuple(x.strip() for x in raw)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: f"the text {value!r}",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)
