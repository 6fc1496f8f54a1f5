"""Turn a routine document into a validated :class:`~voicecoach.routines.model.Routine`.

Every problem is collected with its location, so the lifter fixes a file in
one pass instead of one error at a time. Nothing here does I/O beyond reading
the file; the exercise library is read once and cached.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from voicecoach.routines.checks import (
    DEFAULT_KEYS,
    DELOAD_KEYS,
    LONG_LIMITS,
    PROGRAM_KEYS,
    TOP_KEYS,
    parse_range,
)
from voicecoach.routines.library import Exercises, read_library
from voicecoach.routines.loads import normalise_unit
from voicecoach.routines.model import (
    COUNT_AT,
    TALK_LEVELS,
    Circuit,
    Deload,
    ExerciseSpec,
    Item,
    Program,
    Routine,
)
from voicecoach.routines.problems import RoutineError
from voicecoach.routines.section_items import ItemSection
from voicecoach.routines.yamlsafe import Document, load_file, load_text

__all__ = ["build", "load_routine", "parse_range", "parse_routine_text"]


def load_routine(path: Path, library: Exercises | None = None) -> Routine:
    """Load and validate a routine file; raises RoutineError listing every problem.

    ``library`` is the exercises ``use:`` may name; by default the built-in
    ones plus the lifter's own library file, if there is one.
    """
    doc = load_file(path)
    return build(doc, doc.raw, library)


def parse_routine_text(
    text: str, file: str = "<routine>", library: Exercises | None = None
) -> Routine:
    """Validate routine text (used by tests and the fuzz suite)."""
    return build(load_text(text, file), text.encode(), library)


def build(doc: Document, raw: bytes, library: Exercises | None = None) -> Routine:
    """Validate a parsed document."""
    lib = library if library is not None else read_library()
    return _Builder(doc, lib).routine(hashlib.sha256(raw).hexdigest()[:16])


class _Builder(ItemSection):
    """The whole routine: top-level keys and defaults; the sections do the rest."""

    def routine(self, digest: str) -> Routine:
        data = self.mapping(self.doc.data, (), "a routine")
        if data is None:
            raise RoutineError(self.problems)
        self.check_keys(data, (), TOP_KEYS, "the routine")
        if data.get("allow_long") is True:
            self.limits = LONG_LIMITS
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            self.fail(
                ("name",) if "name" in data else (),
                "the routine needs a name: a line like 'name: Pull Day'",
            )
            name = "?"
        description = data.get("description", "")
        if not isinstance(description, str):
            self.fail(("description",), "description must be one line of text")
            description = ""
        units = data.get("units", "lb")
        try:
            self.units = normalise_unit(str(units))
        except ValueError as exc:
            self.fail(("units",), str(exc))
        count_in = data.get("count_in", 3)
        if isinstance(count_in, bool) or not isinstance(count_in, int) or not 0 <= count_in <= 10:
            self.fail(("count_in",), "count_in must be a whole number from 0 to 10")
            count_in = 3
        rir_timeout = self.duration(data.get("rir_timeout", 20), ("rir_timeout",), "rir_timeout")
        defaults = self.mapping(data.get("defaults", {}), ("defaults",), "defaults") or {}
        self.check_keys(defaults, ("defaults",), DEFAULT_KEYS, "defaults")
        items_raw = data.get("exercises")
        items: list[Item] = []
        if not isinstance(items_raw, list) or not items_raw:
            self.fail(
                ("exercises",) if "exercises" in data else (),
                "the routine needs an 'exercises:' list with at least one exercise",
            )
        else:
            if len(items_raw) > self.limits["exercises"]:
                self.fail(
                    ("exercises",),
                    f"{len(items_raw)} exercises is more than the limit "
                    f"of {self.limits['exercises']}; split the routine",
                )
            for i, raw in enumerate(items_raw[: self.limits["exercises"]]):
                item = self.item(raw, ("exercises", i), defaults)
                if item is not None:
                    items.append(item)
        notes = data.get("notes", [])
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            self.fail(("notes",), "notes must be a list of text lines")
            notes = []
        program = self.program(data.get("program"), items) if "program" in data else None
        if program is None and any(ex.weeks for ex in _exercises(items)):
            program = Program(weeks=self.week_count(items))
        talk = self.choice(data, "talk", TALK_LEVELS)
        count = self.choice(data, "count", COUNT_AT)
        if self.problems:
            raise RoutineError(self.problems)
        return Routine(
            name=name.strip(),
            description=description.strip(),
            units=self.units,
            items=tuple(items),
            source=self.doc.file,
            digest=digest,
            count_in=count_in,
            rir_timeout=rir_timeout or 20.0,
            notes=tuple(notes),
            talk=talk,
            count=count,
            program=program,
        )

    def program(self, raw: object, items: list[Item]) -> Program | None:
        """``program:``: sessions per week and the deload rule; the weeks come from the
        exercises' ``weeks:`` lists, which must all be as long."""
        data = self.mapping(raw, ("program",), "program")
        if data is None:
            return None
        self.check_keys(data, ("program",), PROGRAM_KEYS, "program")
        per_week = data.get("per_week", 1)
        if isinstance(per_week, bool) or not isinstance(per_week, int) or not 1 <= per_week <= 7:
            self.fail(("program", "per_week"), "per_week: is how many sessions make a week, 1 to 7")
            per_week = 1
        deload = None
        if "deload" in data:
            deload = self.deload(data["deload"], ("program", "deload"))
        return Program(weeks=self.week_count(items), per_week=per_week, deload=deload)

    def deload(self, raw: object, path: tuple[object, ...]) -> Deload | None:
        data = self.mapping(raw, path, "deload")
        if data is None:
            return None
        self.check_keys(data, path, DELOAD_KEYS, "deload")

        def count(key: str, what: str) -> int | None:
            value = data.get(key)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 52:
                self.fail((*path, key), f"{key}: is {what}, a whole number from 2 to 52")
                return None
            return value

        every = count("every", "how many weeks from one deload to the next")
        stalled = count("stalled", "how many sessions in a row without progress")
        if every is None and stalled is None:
            self.fail(path, "a deload needs every: (weeks) or stalled: (sessions), or both")
        take = 0.1
        if "take" in data:
            match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$", str(data["take"]))
            if not match or not 5 <= float(match.group(1)) <= 60:
                self.fail((*path, "take"), "take: is how much lighter, from 5% to 60%, like 10%")
            else:
                take = float(match.group(1)) / 100
        return Deload(every=every, stalled=stalled, take=take)

    def week_count(self, items: list[Item]) -> int:
        """The program's length in weeks: every exercise with ``weeks:`` has as many."""
        counts = {len(ex.weeks) for ex in _exercises(items) if ex.weeks}
        if len(counts) > 1:
            self.fail(
                ("exercises",),
                "the exercises' weeks: lists differ in length ("
                + ", ".join(str(c) for c in sorted(counts))
                + " weeks); give every one the same number of weeks",
            )
        return max(counts, default=1)

    def choice(self, data: dict[str, object], key: str, words: tuple[str, ...]) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if value not in words:
            self.fail((key,), f"{key}: is one of {', '.join(words)}, not {value!r}")
            return None
        return str(value)


def _exercises(items: list[Item]) -> list[ExerciseSpec]:
    return [e for it in items for e in (it.exercises if isinstance(it, Circuit) else (it,))]
