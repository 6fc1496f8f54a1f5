"""The exercise library: each exercise defined once, referred to from routines with ``use:``.

The library is YAML shipped in the package (``data/exercises.yaml``). It is
parsed with the same safe loader as routines and checked on load, so a
mistake in it is reported with its line like any routine error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from voicecoach.routines.problems import Problem, RoutineError, did_you_mean
from voicecoach.routines.resources import library_file
from voicecoach.routines.tempo import PhaseWords, Tempo, parse_tempo
from voicecoach.routines.yamlsafe import load_file

_KEYS = {
    "name",
    "equipment",
    "unilateral",
    "phases",
    "tempo",
    "setup",
    "rep_cues",
    "levels",
    "timed",
    "aliases",
}
_PHASE_KEYS = {"lower", "bottom", "lift", "top", "starts_with"}


@dataclass(frozen=True)
class LibraryExercise:
    """An exercise's fixed facts and its cues, in our own words."""

    key: str
    name: str
    equipment: tuple[str, ...]
    unilateral: bool
    words: PhaseWords
    tempo: Tempo
    setup: tuple[str, ...]
    rep_cues: tuple[tuple[int, str], ...]
    levels: tuple[str, ...]
    timed: bool
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def load_library() -> dict[str, LibraryExercise]:
    """Return the library keyed by exercise id; raises RoutineError if it is broken."""
    doc = load_file(library_file())
    problems: list[Problem] = []
    out: dict[str, LibraryExercise] = {}
    if not isinstance(doc.data, dict):
        raise RoutineError([doc.problem((), "the library must be a mapping of exercise ids")])
    for key, entry in doc.data.items():
        path = (key,)
        if not isinstance(entry, dict):
            problems.append(doc.problem(path, "an exercise must be a mapping"))
            continue
        for extra in set(entry) - _KEYS:
            problems.append(
                doc.problem(
                    (*path, extra),
                    f"unknown key {extra!r}" + did_you_mean(str(extra), _KEYS),
                    key=True,
                )
            )
        phases = entry.get("phases") or {}
        try:
            words = PhaseWords(**{k: str(v) for k, v in phases.items() if k in _PHASE_KEYS})
            tempo = parse_tempo(entry.get("tempo", "2-0-1-1"), words)
        except (TypeError, ValueError) as exc:
            problems.append(doc.problem((*path, "tempo"), str(exc)))
            continue
        rep_cues = entry.get("rep_cues") or {}
        out[key] = LibraryExercise(
            key=key,
            name=str(entry.get("name", key)),
            equipment=tuple(entry.get("equipment") or ()),
            unilateral=bool(entry.get("unilateral", False)),
            words=words,
            tempo=tempo,
            setup=tuple(entry.get("setup") or ()),
            rep_cues=tuple(sorted((int(k), str(v)) for k, v in rep_cues.items())),
            levels=tuple(entry.get("levels") or ()),
            timed=bool(entry.get("timed", False)),
            aliases=tuple(entry.get("aliases") or ()),
        )
    if problems:
        raise RoutineError(problems)
    return out


def find_by_name(name: str) -> LibraryExercise | None:
    """Match an exercise name from another app (Strong, Hevy) to the library."""
    wanted = _norm(name)
    for ex in load_library().values():
        if wanted in {_norm(ex.name), _norm(ex.key), *(_norm(a) for a in ex.aliases)}:
            return ex
    return None


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
