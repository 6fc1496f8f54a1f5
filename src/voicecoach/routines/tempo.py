"""Tempo: four-digit notation (``2-1-1-1``, ``31X0``) or named phases (``[pull 1, squeeze 1]``).

Four-digit notation lists lower, pause at the bottom, lift, pause at the top.
A rep is spoken starting from the exercise's working phase: a row starts with
the pull, a squat with the lowering. ``X`` means explosive, which we give
half a second so that a short word or a tick still fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXPLOSIVE_SECONDS = 0.5
_FOUR = re.compile(r"^\s*([0-9Xx])\s*-?\s*([0-9Xx])\s*-?\s*([0-9Xx])\s*-?\s*([0-9Xx])\s*$")
_NAMED = re.compile(r"^\s*([A-Za-z][A-Za-z '-]*?)\s+(\d+(?:\.\d+)?|[Xx])\s*s?\s*$")


@dataclass(frozen=True)
class Phase:
    """One movement phase: the word spoken at its start and how long it lasts."""

    word: str
    seconds: float


@dataclass(frozen=True)
class Tempo:
    """The phases of one rep, in the order they are performed."""

    phases: tuple[Phase, ...]

    @property
    def rep_seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    def notation(self) -> str:
        return ", ".join(f"{p.word} {p.seconds:g}" for p in self.phases)


@dataclass(frozen=True)
class PhaseWords:
    """How an exercise names the four positions, and which one a rep starts with."""

    # Spoken words, not the notation's names: "lower" was heard 0 times in 111 by
    # pocketsphinx; Whisper heard "slow down" as "flow down" among a set's words,
    # "down slow" every time in quiet and at 10 dB (bench/README.md, "The strong ear").
    lower: str = "down slow"
    bottom: str = "pause"
    lift: str = "lift"
    top: str = "squeeze"
    starts_with: str = "lift"  # "lift" for pulls and rows, "lower" for squats and hinges


def _seconds(token: str) -> float:
    return EXPLOSIVE_SECONDS if token in "xX" else float(token)


def parse_tempo(value: object, words: PhaseWords) -> Tempo:
    """Parse a tempo; ValueError with a message saying what is valid."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        value = f"{value:04d}"
    if isinstance(value, str):
        m = _FOUR.match(value)
        if not m:
            raise ValueError(
                f"{value!r} is not a tempo; write four digits for lower, pause, "
                "lift, pause, like 2-1-1-1 or 31X0, or a list like [pull 1, lower 2]"
            )
        lower, bottom, lift, top = (_seconds(t) for t in m.groups())
        if lift == 0 or lower == 0:
            raise ValueError(
                f"{value!r}: the lift and the lowering must take time; use X for explosive"
            )
        cycle = [(words.lift, lift), (words.top, top), (words.lower, lower), (words.bottom, bottom)]
        if words.starts_with == "lower":
            cycle = cycle[2:] + cycle[:2]
        return Tempo(tuple(Phase(w, s) for w, s in cycle if s > 0))
    if isinstance(value, list):
        phases = []
        for item in value:
            m = _NAMED.match(item) if isinstance(item, str) else None
            if not m:
                raise ValueError(
                    f"{item!r} is not a phase; write a word and seconds, like 'pull 1'"
                )
            seconds = _seconds(m.group(2))
            if seconds <= 0 or seconds > 30:
                raise ValueError(f"{item!r}: a phase lasts between 0.5 and 30 seconds")
            phases.append(Phase(m.group(1).strip(), seconds))
        if not phases:
            raise ValueError("a tempo needs at least one phase, like [pull 1, lower 2]")
        return Tempo(tuple(phases))
    raise ValueError(f"{value!r} is not a tempo; write it like 2-1-1-1 or [pull 1, lower 2]")
