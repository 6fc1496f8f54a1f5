"""The music's gain envelope under speech, computed from the mixer's timeline.

The mixer is told every clip's start frame and length before the clip plays
(``StreamOutput.lookahead`` early), so the envelope need not react to the
speech it hears, as a side-chain compressor would; it is drawn ahead of it.
The ramp down therefore ends ``pre`` before the first word, and is exact to
the sample in the live stream and in ``--record`` alike.

Clips closer together than ``hold`` (a count: "three, two, one, go") are one
ducked stretch, so the music stays down instead of pumping between words.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DuckShape:
    """The envelope's shape, in seconds and dB."""

    depth_db: float = 12.0
    attack: float = 0.08  # the ramp down (50–100 ms sounds natural)
    pre: float = 0.02  # fully down this long before the first word
    release: float = 0.4  # the ramp back up after the last word (300–500 ms)
    hold: float = 1.0  # clips closer than this stay under one duck

    @property
    def floor(self) -> float:
        """The ducked gain, as a linear factor."""
        return float(10 ** (-self.depth_db / 20))


class Ducker:
    """Spoken stretches on the frame timeline; ``gains(start, n)`` is the music's gain.

    ``add`` and ``cancel_after`` come from the engine's thread, ``gains`` from
    the audio device's; a lock keeps the list whole between them.
    """

    def __init__(self, shape: DuckShape, rate: int):
        self.shape = shape
        self.rate = rate
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._lock = threading.Lock()
        f = lambda s: max(1, round(s * rate))  # noqa: E731 - a local unit conversion
        self._attack, self._pre, self._release, self._hold = (
            f(shape.attack),
            f(shape.pre),
            f(shape.release),
            f(shape.hold),
        )

    def add(self, start: int, frames: int) -> None:
        """A clip of ``frames`` frames starts at frame ``start``."""
        if frames <= 0:
            return
        with self._lock:
            i = bisect.bisect_right(self._starts, start)
            self._starts.insert(i, start)
            self._ends.insert(i, start + frames)

    def cancel_after(self, frame: int) -> None:
        """Clips starting after ``frame`` were cancelled (pause, skip): no duck for them."""
        with self._lock:
            i = bisect.bisect_right(self._starts, frame)
            del self._starts[i:], self._ends[i:]

    def stretches(self, start: int, stop: int) -> list[tuple[int, int]]:
        """The merged spoken stretches whose envelope touches frames [start, stop)."""
        reach_back = self._release + self._hold
        reach_ahead = self._pre + self._attack
        with self._lock:
            # Stretches that ended long before this chunk can no longer shape it.
            drop = 0
            while drop < len(self._ends) and self._ends[drop] + reach_back < start:
                drop += 1
            if drop:
                del self._starts[:drop], self._ends[:drop]
            pairs = list(zip(self._starts, self._ends, strict=True))
        merged: list[tuple[int, int]] = []
        for s, e in pairs:
            if s - reach_ahead >= stop:
                break
            if merged and s - merged[-1][1] < self._hold:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return [(s, e) for s, e in merged if e + self._release > start]

    def gains(self, start: int, n: int) -> np.ndarray:
        """The music's gain for frames [start, start + n), 1.0 where nobody speaks."""
        out = np.ones(n, dtype=np.float32)
        stretches = self.stretches(start, start + n)
        if not stretches:
            return out
        floor = self.shape.floor
        t = np.arange(start, start + n, dtype=np.float64)
        for s, e in stretches:
            down_end = s - self._pre
            down_start = down_end - self._attack
            # 0 before the attack, 1 while fully down, back to 0 over the release.
            x = np.clip((t - down_start) / self._attack, 0.0, 1.0)
            y = np.clip((t - e) / self._release, 0.0, 1.0)
            depth = _smooth(x) * (1.0 - _smooth(y))
            np.minimum(out, (1.0 - (1.0 - floor) * depth).astype(np.float32), out=out)
        return out


def _smooth(x: np.ndarray) -> np.ndarray:
    """A raised-cosine step from 0 to 1: no corner where the ramp starts or ends."""
    return 0.5 - 0.5 * np.cos(np.pi * x)
