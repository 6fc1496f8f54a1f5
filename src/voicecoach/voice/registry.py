"""Speech engines by name (STYLE.md §6): adding Piper later touches only this file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from voicecoach.settings import Settings
from voicecoach.voice.base import ClipCache, Renderer, SpeechUnavailable, Voice
from voicecoach.voice.estimate import EstimateRenderer


def _pyttsx3(settings: Settings) -> Renderer:
    from voicecoach.voice.pyttsx3_engine import Pyttsx3Renderer

    return Pyttsx3Renderer(settings.voice, settings.rate, settings.volume)


def _estimate(settings: Settings) -> Renderer:
    return EstimateRenderer()


ENGINES: dict[str, Callable[[Settings], Renderer]] = {
    "pyttsx3": _pyttsx3,
    "estimate": _estimate,
}


def make_voice(settings: Settings, cache_dir: Path | None) -> Voice:
    """Build the configured voice; raises SpeechUnavailable with a fix if it can't start."""
    factory = ENGINES.get(settings.engine)
    if factory is None:
        raise SpeechUnavailable(
            f"unknown speech engine {settings.engine!r}; use one of {', '.join(ENGINES)}"
        )
    renderer = factory(settings)
    cache = ClipCache(cache_dir if settings.engine != "estimate" else None)
    return Voice(renderer, cache)
