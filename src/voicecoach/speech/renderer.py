"""What the voice needs from a speech engine."""

from __future__ import annotations

from typing import Protocol

from voicecoach.audio.clips import Clip


class Renderer(Protocol):
    """One speech engine, configured once.

    An engine may subclass this to take the defaults: audible, no duration known
    before rendering, nothing to start, close or kill.
    """

    identity: str  # engine, version, voice, rate, volume and processing: the cache key
    name: str
    audible: bool = True  # False: a silent stand-in that only times the speech

    def render(self, text: str) -> Clip:
        """Render one phrase to PCM; may raise (RenderError or anything else)."""
        ...

    def known_duration(self, text: str) -> float | None:
        """How long ``text`` lasts, if the engine knows without rendering it."""
        return None

    def start(self) -> None:
        """Start the engine now (to show its error before the first word)."""
        return None

    def close(self) -> None:
        """Stop the engine, letting a render in progress finish."""
        return None

    def kill(self) -> None:
        """Stop the engine at once: the run ends on a signal."""
        return None
