"""Collapse presses that come faster than a finger can press.

A thumb on an earbud or a media key repeats at most about ten times a second
(fast tappers reach 70 ms between presses). A client that sends PlayPause in
a loop, or a headset stuck repeating, sends hundreds in that time; each one
would toggle the workout's pause, step an answer or end a set. So a press
that follows the previous one (kept or not) by less than ``HUMAN_GAP`` is
dropped: a flood of any length becomes its first press, and the next press
after a quiet moment counts again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

HUMAN_GAP = 0.05  # seconds; below what a person can repeat, above a bus's jitter


class PressGate:
    """``admit()`` once per incoming press; True if it should reach the session."""

    def __init__(self, now: Callable[[], float] = time.monotonic, gap: float = HUMAN_GAP):
        self.now = now
        self.gap = gap
        self.dropped = 0  # presses collapsed so far
        self._last: float | None = None

    def admit(self) -> bool:
        at = self.now()
        last, self._last = self._last, at
        if last is not None and at - last < self.gap:
            self.dropped += 1
            return False
        return True
