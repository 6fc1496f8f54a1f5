"""Audio processing for earbuds (interface placeholder until the measured chain lands)."""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.audio.clips import Clip, trim


@dataclass(frozen=True)
class Chain:
    """Processing settings; part of the phrase cache key."""

    trim: bool = True

    def key(self) -> str:
        return "trim" if self.trim else "raw"

    @classmethod
    def off(cls) -> Chain:
        return cls(trim=False)


DEFAULT_CHAIN = Chain()


def process(clip: Clip, chain: Chain) -> Clip:
    return trim(clip) if chain.trim else clip
