"""The exercise library: the built-in exercises, plus a lifter's own library file.

The built-in library is YAML shipped in the package (``data/exercises.yaml``).
A personal library (``exercises.yaml`` in the config folder, or ``--library
FILE``) has the same form: it adds exercises, or changes some keys of a
built-in one (its cues, say) for every routine. Ids are the same everywhere,
so the journal and the loads it remembers follow an exercise from routine to
routine. Both files are read with the routines' safe loader and checked the
same way, each problem located in its own file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from voicecoach.paths import user_paths
from voicecoach.routines.builtin_entries import BuiltinEntries
from voicecoach.routines.checks import Checks
from voicecoach.routines.exercise_entry import ENTRY_KEYS, EntryReader, LibraryExercise, valid_id
from voicecoach.routines.problems import RoutineError, did_you_mean
from voicecoach.routines.resources import library_file
from voicecoach.routines.yamlsafe import Document, load_file, load_text

__all__ = [
    "Exercises",
    "Library",
    "LibraryExercise",
    "builtin_library",
    "find_by_name",
    "load_library",
    "personal_library_file",
    "read_library",
    "routine_library",
]

BUILT_IN = "built-in"


def normalise_name(text: str) -> str:
    """How names are compared: case, spaces and punctuation do not count."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass(frozen=True, eq=False)
class Library(Mapping[str, LibraryExercise]):
    """Exercises by id, and every name, id and alias they answer to."""

    exercises: dict[str, LibraryExercise]
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for ex in self.exercises.values():
            for n in (ex.key, ex.name, *ex.aliases):
                self._names.setdefault(normalise_name(n), ex.key)

    def __getitem__(self, key: str) -> LibraryExercise:
        return self.exercises[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def find_by_name(self, name: str) -> LibraryExercise | None:
        """Match a name from another app (Strong, Hevy) or a lifter's own spelling."""
        key = self._names.get(normalise_name(name))
        return self.exercises[key] if key else None


def _read(doc: Document, base: Library | None, source: str) -> Library:
    """Check every entry of a library document, on top of ``base`` if given."""
    checks = Checks(doc)
    reader = EntryReader(checks)
    out: dict[str, LibraryExercise] = dict(base.exercises) if base else {}
    owner: dict[str, tuple[str, tuple[str, ...]]] = {}  # normalised name → (id, its path)
    if base:
        for known in base.exercises.values():
            for n in (known.key, known.name, *known.aliases):
                owner.setdefault(normalise_name(n), (known.key, ()))
    data = checks.mapping(doc.data, (), "an exercise library")
    if data is None:
        raise RoutineError(checks.problems)
    for key, entry in data.items():
        path = (key,)
        if not valid_id(key):
            checks.fail(
                path,
                f"{key!r} is not an exercise id; use lowercase words joined by dashes, "
                "like landmine-press",
                key=True,
            )
            continue
        fields = checks.mapping(entry, path, "an exercise")
        if fields is None:
            continue
        checks.check_keys(fields, path, ENTRY_KEYS, "an exercise")
        before: LibraryExercise | None = out.get(key) if base else None
        ex = reader.read(fields, path, key, source=source, base=before)
        if ex is None:
            continue
        inherited = len(before.aliases) if before else 0
        # A name that two exercises answer to would send an import or a lookup to
        # whichever was read first, silently: refuse it where it is written.
        for i, n in enumerate((ex.key, ex.name, *ex.aliases)):
            norm = normalise_name(n)
            other = owner.get(norm)
            if other and other[0] != key:
                where = (
                    (*path, "aliases", i - 2 - inherited)
                    if i >= 2
                    else (*path, "name")
                    if i
                    else path
                )
                checks.fail(
                    where,
                    f"{n!r} already names the exercise {other[0]!r}; "
                    "give this one a different name or alias",
                )
            else:
                owner[norm] = (key, path)
        out[key] = ex
    if checks.problems:
        raise RoutineError(checks.problems)
    return Library(out)


@lru_cache(maxsize=1)
def builtin_library() -> Library:
    """The exercises shipped with voicecoach; raises RoutineError if the file is broken."""
    return _read(load_file(library_file()), None, BUILT_IN)


def load_library() -> Library:
    """The built-in library (kept for callers that need no personal exercises)."""
    return builtin_library()


def _read_builtin_entry(key: str, text: str) -> LibraryExercise:
    """One entry of the built-in file, checked as the whole file's reading checks it."""
    return _read(load_text(text, str(library_file())), None, BUILT_IN)[key]


# What a routine's ``use:`` names are looked up in.
Exercises = Library | BuiltinEntries


def routine_library(path: Path | None = None) -> Exercises:
    """:func:`read_library` for loading one routine: with no personal library, and the
    built-in one not read yet, only the exercises the routine uses are read."""
    unread = builtin_library.cache_info().currsize == 0
    # ``exists``, not ``is_file``: a FIFO or a folder there goes on to be reported.
    if path is None and unread and not personal_library_file().exists():
        return BuiltinEntries(library_file(), _read_builtin_entry, builtin_library)
    return read_library(path)


def personal_library_file(environ: Mapping[str, str] | None = None) -> Path:
    """Where a lifter's own exercises live when no ``--library`` is given."""
    env = os.environ if environ is None else environ
    return user_paths(dict(env)).config_dir / "exercises.yaml"


def read_library(path: Path | None = None) -> Library:
    """The built-in library plus the personal one: ``path``, or the config folder's file.

    A ``path`` that was asked for must exist; the config folder's file is
    optional. Raises RoutineError with every problem, located in its file.
    """
    base = builtin_library()
    if path is None:
        default = personal_library_file()
        if not default.exists():  # a FIFO or a folder there is reported, not ignored
            return base
        path = default
    return _cached_personal(path, _stamp(path))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _cached_personal(path: Path, stamp: tuple[int, int]) -> Library:
    return _read(load_file(path), builtin_library(), str(path))


def find_by_name(name: str, library: Library | None = None) -> LibraryExercise | None:
    """Match an exercise name from another app (Strong, Hevy) to the library."""
    return (library or builtin_library()).find_by_name(name)


def unknown_id_message(key: str, library: Mapping[str, LibraryExercise]) -> str:
    """``no exercise 'x'``, with the closest id, for a ``use:`` that names none.

    A name or alias written as the id (``use: OHP``, ``use: Squat``, ``use: Bench
    Press``) points at the exercise it names before any id that merely looks alike
    (``squat`` is spelt most like ``box-squat``, but a lifter means the back squat).
    """
    wanted = normalise_name(key)
    named = [
        ex.key
        for ex in library.values()
        if wanted and wanted in (normalise_name(n) for n in (ex.key, ex.name, *ex.aliases))
    ]
    if named:
        return f"no exercise {key!r} in the library; did you mean {named[0]!r}?"
    return f"no exercise {key!r} in the library" + (
        did_you_mean(key, library) or "; run 'voicecoach exercises' to list them"
    )
