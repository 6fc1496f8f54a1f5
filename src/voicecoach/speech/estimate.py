"""A silent engine that only estimates durations: for previews and deterministic transcripts.

The golden transcripts use it, so that they do not change with espeak-ng's
version; a separate test checks the plan with real clip durations.
"""

from __future__ import annotations

from voicecoach.audio.clips import RATE, Clip
from voicecoach.speech.renderer import Renderer

SECONDS_PER_CHAR = 0.042  # fitted to espeak-ng at 175 wpm after trimming
BASE_SECONDS = 0.12


def estimate(text: str) -> float:
    return round(BASE_SECONDS + SECONDS_PER_CHAR * len(text), 3)


class EstimateRenderer(Renderer):
    audible = False
    identity = "estimate-1"
    name = "estimate"

    def known_duration(self, text: str) -> float:
        """Known without rendering: the Voice asks this instead of measuring a clip."""
        return estimate(text)

    def render(self, text: str) -> Clip:
        # A faint constant level rather than silence, so trimming keeps the estimated length.
        frames = round(estimate(text) * RATE)
        return Clip(b"\x90\x01" * frames)

    def voices(self) -> list[dict[str, object]]:
        return [{"id": "estimate", "name": "silent estimate", "languages": []}]
