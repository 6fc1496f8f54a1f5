"""A silent engine that only estimates durations: for previews and deterministic transcripts.

The golden transcripts use it, so that they do not change with espeak-ng's
version; a separate test checks the plan with real clip durations.
"""

from __future__ import annotations

from voicecoach.clips import Clip, silence

SECONDS_PER_CHAR = 0.042  # fitted to espeak-ng at 175 wpm after trimming
BASE_SECONDS = 0.12


def estimate(text: str) -> float:
    return round(BASE_SECONDS + SECONDS_PER_CHAR * len(text), 3)


class EstimateRenderer:
    audible = False
    identity = "estimate-1"

    def render(self, text: str) -> Clip:
        # A faint tone rather than silence, so trimming keeps the estimated length.
        clip = silence(estimate(text))
        pcm = bytearray(clip.pcm)
        for i in range(0, len(pcm), 4):
            pcm[i : i + 2] = (400).to_bytes(2, "little", signed=True)
        return Clip(bytes(pcm), clip.rate)

    def voices(self) -> list[dict[str, object]]:
        return [{"id": "estimate", "name": "silent estimate", "languages": []}]
