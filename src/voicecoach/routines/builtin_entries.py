"""The built-in exercise library read entry by entry, for a routine that names a few.

Parsing and checking all of ``exercises.yaml`` took about 90 ms of the time
to a session's first word, for a routine that uses a dozen of its 146
exercises. Each top-level entry of that file is a block that starts at column
0 with its id, so the text splits into entries without parsing YAML, and one
entry is parsed and checked on its own, with the same reader the whole file
goes through. Anything that needs every exercise (iterating, counting,
matching a name from another app, or an id the file does not have, whose
message suggests the nearest one) reads the whole library, once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Protocol

from voicecoach.routines.exercise_entry import LibraryExercise


class WholeLibrary(Protocol):
    """What the whole library (``library.Library``) offers that this stands in for."""

    @property
    def exercises(self) -> dict[str, LibraryExercise]: ...

    def find_by_name(self, name: str) -> LibraryExercise | None: ...

    def __getitem__(self, key: str) -> LibraryExercise: ...

    def __contains__(self, key: object) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...

    def __len__(self) -> int: ...


# An entry's first line: an id at column 0 and a colon, nothing else but a comment.
_ENTRY = re.compile(r"([a-z0-9][a-z0-9-]*):[ \t]*(?:#.*)?")


def split_entries(text: str) -> dict[str, tuple[int, str]] | None:
    """Each entry's id → (its first line's index, its text up to the next entry).

    None when the text is not a plain sequence of entries (a line at column 0
    that is neither an entry, a comment nor blank, or an id twice): only the
    whole file's reading can tell what is wrong with it then.
    """
    entries: dict[str, tuple[int, str]] = {}
    lines = text.splitlines(keepends=True)
    starts: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        if not line.strip() or line[0] in " \t#":
            continue
        match = _ENTRY.fullmatch(line.rstrip("\r\n"))
        if match is None:
            return None
        starts.append((match.group(1), i))
    for n, (key, first) in enumerate(starts):
        if key in entries:
            return None
        end = starts[n + 1][1] if n + 1 < len(starts) else len(lines)
        entries[key] = (first, "".join(lines[first:end]))
    return entries


class BuiltinEntries(Mapping[str, LibraryExercise]):
    """The built-in library, each exercise read when a routine first asks for it.

    ``read_entry`` checks one entry's text (padded so that its line numbers
    are the file's); ``whole`` is the built-in library read at once.
    """

    def __init__(
        self,
        file: Path,
        read_entry: Callable[[str, str], LibraryExercise],
        whole: Callable[[], WholeLibrary],
    ):
        text = file.read_text(encoding="utf-8")
        self._entries = split_entries(text)
        self._read_entry = read_entry
        self._whole = whole
        self._read: dict[str, LibraryExercise] = {}

    def __getitem__(self, key: str) -> LibraryExercise:
        if key in self._read:
            return self._read[key]
        if self._entries is None or key not in self._entries:
            return self._whole()[key]
        first, text = self._entries[key]
        exercise = self._read_entry(key, "\n" * first + text)
        self._read[key] = exercise
        return exercise

    def __contains__(self, key: object) -> bool:
        if self._entries is not None and key in self._entries:
            return True
        return key in self._whole()

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    @property
    def exercises(self) -> dict[str, LibraryExercise]:
        return self._whole().exercises

    def find_by_name(self, name: str) -> LibraryExercise | None:
        """A name from another app or a lifter's spelling: only the whole library knows."""
        return self._whole().find_by_name(name)
