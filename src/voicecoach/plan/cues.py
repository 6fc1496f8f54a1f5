"""Timed cues: the plain data the planner produces and the engine plays.

Times are seconds from the start of a segment. Keeping cues as data (as
structlog keeps log events as dicts) lets tests assert on a whole plan with
``==`` and lets the engine stay a small loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

Durations = Callable[[str], float]  # text -> clip seconds, from the voice (or an estimate)


@dataclass(frozen=True)
class Say:
    """Speak one of ``options`` (longest first) at ``at``; a fallback sound if none fits.

    ``slots`` are other start times the planner may use if ``at`` is taken
    (a per-rep cue can move to a later phase).
    """

    at: float
    options: tuple[str, ...]
    priority: int = 1
    kind: str = "say"
    sound: str | None = None
    slots: tuple[float, ...] = ()

    @property
    def text(self) -> str:
        return self.options[0]


@dataclass(frozen=True)
class Sound:
    """Play a short sound from sounds/ (beep, go, tick, rest-over, set-done, workout-done)."""

    at: float
    name: str
    kind: str = "sound"


@dataclass(frozen=True)
class Mark:
    """A silent timeline point the engine acts on: a rep starts, a hold ends."""

    at: float
    kind: str
    value: int | float | str = 0


Cue = Say | Sound | Mark

SOUND_SECONDS = 0.15  # every file in sounds/ is at most this long


def shift(cues: list[Cue], by: float) -> list[Cue]:
    """Move every cue later by ``by`` seconds."""
    return [replace(c, at=c.at + by) for c in cues]


def resolve(cues: list[Cue], durations: Durations, gap: float = 0.05) -> list[Cue]:
    """Pick a text (or sound) for every Say so that no two sounds overlap.

    Higher priority is placed first; within a priority, earlier first. A Say
    tries each of its options at ``at`` and then at each of its ``slots``;
    failing that it becomes its fallback sound, or is dropped. The result is
    sorted by time, and each Say holds the one option chosen.
    """
    taken: list[tuple[float, float]] = []

    def free(start: float, end: float) -> bool:
        return all(end + gap <= a or start >= b + gap for a, b in taken)

    placed: list[Cue] = [c for c in cues if isinstance(c, Mark)]
    audible = [c for c in cues if not isinstance(c, Mark)]
    audible.sort(key=lambda c: (-(c.priority if isinstance(c, Say) else 1), c.at))
    for cue in audible:
        if isinstance(cue, Sound):
            if free(cue.at, cue.at + SOUND_SECONDS):
                taken.append((cue.at, cue.at + SOUND_SECONDS))
                placed.append(cue)
            continue
        chosen: Cue | None = None
        for at in (cue.at, *cue.slots):
            for option in cue.options:
                length = durations(option)
                if free(at, at + length):
                    chosen = replace(cue, at=at, options=(option,), slots=())
                    taken.append((at, at + length))
                    break
            if chosen:
                break
        if chosen is None and cue.sound and free(cue.at, cue.at + SOUND_SECONDS):
            chosen = Sound(cue.at, cue.sound)
            taken.append((cue.at, cue.at + SOUND_SECONDS))
        if chosen is not None:
            placed.append(chosen)
    placed.sort(key=lambda c: (c.at, 0 if isinstance(c, Mark) else 1))
    return placed


def end_of(cues: list[Cue], durations: Durations) -> float:
    """When the last sound of a resolved list has finished."""
    end = 0.0
    for c in cues:
        if isinstance(c, Say):
            end = max(end, c.at + durations(c.text))
        elif isinstance(c, Sound):
            end = max(end, c.at + SOUND_SECONDS)
        else:
            end = max(end, c.at)
    return end
