"""What the engine needs from an audio output."""

from __future__ import annotations

from typing import Protocol

from voicecoach.audio.clips import Clip


class AudioUnavailable(RuntimeError):
    """The output cannot play; the message says how to fix it."""


class Output(Protocol):
    """Plays clips at absolute times on the engine's clock.

    ``lookahead`` is how long before its due time the engine may hand a clip
    over: a stream output places it at an exact sample, so it wants clips
    early; a one-shot player starts a clip the moment it gets it, so it wants
    them on time (0).
    """

    name: str
    lookahead: float
    lead: float  # how far ahead of now a new segment starts (covers the device's buffer)

    def start(self, now: float) -> None:
        """Open the device; ``now`` is the engine clock's current time."""

    def play(self, clip: Clip, at: float) -> None:
        """Schedule ``clip`` to start at engine time ``at``."""

    def cancel_after(self, at: float) -> None:
        """Drop clips that start after ``at`` (pause, skip)."""

    def healthy(self) -> bool:
        """False once the device has failed; the engine then goes on in text."""

    def close(self) -> None:
        """Let queued audio finish and release the device."""


class SilentOutput:
    """``none``: text only."""

    name = "none"
    lookahead = 0.0
    lead = 0.0

    def start(self, now: float) -> None:
        pass

    def play(self, clip: Clip, at: float) -> None:
        pass

    def cancel_after(self, at: float) -> None:
        pass

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        pass


def cut_short(output: object) -> None:
    """The run ends on a signal: every output inside ``output`` (through ``inner``) stops
    at its close instead of playing out what it has queued. Ending within half a second
    matters more there than the last word: a SIGTERM from a service manager or a closed
    terminal is followed by a SIGKILL if the process lingers."""
    node: object | None = output
    while node is not None:
        cut = getattr(node, "cut", None)
        if cut is not None:
            cut()
        node = getattr(node, "inner", None)
