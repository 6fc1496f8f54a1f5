"""Turn a routine document into a validated :class:`~voicecoach.routines.model.Routine`.

Every problem is collected with its location, so the lifter fixes a file in
one pass instead of one error at a time. Nothing here does I/O beyond reading
the file; the exercise library is read once and cached.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from voicecoach.routines.checks import (
    DEFAULT_KEYS,
    LONG_LIMITS,
    TOP_KEYS,
    parse_range,
)
from voicecoach.routines.library import Library, read_library
from voicecoach.routines.loads import normalise_unit
from voicecoach.routines.model import COUNT_AT, TALK_LEVELS, Item, Routine
from voicecoach.routines.problems import RoutineError
from voicecoach.routines.section_items import ItemSection
from voicecoach.routines.yamlsafe import Document, load_file, load_text

__all__ = ["build", "load_routine", "parse_range", "parse_routine_text"]


def load_routine(path: Path, library: Library | None = None) -> Routine:
    """Load and validate a routine file; raises RoutineError listing every problem.

    ``library`` is the exercises ``use:`` may name; by default the built-in
    ones plus the lifter's own library file, if there is one.
    """
    doc = load_file(path)
    return build(doc, doc.raw, library)


def parse_routine_text(
    text: str, file: str = "<routine>", library: Library | None = None
) -> Routine:
    """Validate routine text (used by tests and the fuzz suite)."""
    return build(load_text(text, file), text.encode(), library)


def build(doc: Document, raw: bytes, library: Library | None = None) -> Routine:
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
        )

    def choice(self, data: dict[str, object], key: str, words: tuple[str, ...]) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if value not in words:
            self.fail((key,), f"{key}: is one of {', '.join(words)}, not {value!r}")
            return None
        return str(value)
