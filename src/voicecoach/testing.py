"""Test doubles shipped with the package, so tests of code built on it need no mocks.

``FakeClock`` jumps instead of sleeping, so a 45-minute routine runs in
milliseconds; keys are scripted at virtual times. ``RecordingOutput`` keeps
what would have been played, and when. ``--dry-run`` uses the same clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from voicecoach.audio.clips import Clip


class FakeClock:
    """Virtual time. ``keys`` are ``(time, key)`` pairs, delivered in time order."""

    def __init__(self, keys: Iterable[tuple[float, str]] = (), start: float = 0.0):
        self.t = start
        self.keys: deque[tuple[float, str]] = deque(sorted(keys, key=lambda k: k[0]))

    def now(self) -> float:
        return self.t

    def wait(self, deadline: float) -> str | None:
        if self.keys and self.keys[0][0] <= deadline:
            at, key = self.keys.popleft()
            self.t = max(self.t, at)
            return key
        self.t = max(self.t, deadline)
        return None


class RecordingOutput:
    """Keeps ``(time, clip)`` pairs; cancellation drops clips after a time."""

    name = "recording"
    lookahead = 0.3
    lead = 0.0

    def __init__(self) -> None:
        self.played: list[tuple[float, Clip]] = []
        self.closed = False
        self.fail_after: int | None = None  # simulate a device lost after N clips

    def start(self, now: float) -> None:
        pass

    def play(self, clip: Clip, at: float) -> None:
        self.played.append((at, clip))

    def cancel_after(self, at: float) -> None:
        self.played = [(t, c) for t, c in self.played if t <= at]

    def healthy(self) -> bool:
        return self.fail_after is None or len(self.played) < self.fail_after

    def close(self) -> None:
        self.closed = True
