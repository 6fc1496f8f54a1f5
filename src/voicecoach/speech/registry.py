"""Build the configured Voice: the chosen engine first, espeak-ng behind it, the cache around.

Engines themselves are listed in :mod:`.engines`; this module only turns
settings into renderers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from voicecoach.settings import Settings
from voicecoach.speech.base import ClipCache, Renderer, SpeechUnavailable, Voice
from voicecoach.speech.engines import ENGINES, EngineSpec, fallbacks, parse_voice
from voicecoach.speech.estimate import EstimateRenderer

ENGINE_CHOICES = ["auto", *ENGINES, "pyttsx3", "estimate"]


def primary_spec(settings: Settings) -> EngineSpec:
    """The engine and voice the settings ask for; SpeechUnavailable if unknown."""
    engine, voice = parse_voice(settings.engine, settings.voice)
    if engine not in ENGINES:
        raise SpeechUnavailable(
            f"unknown speech engine {engine!r}; use one of {', '.join(ENGINE_CHOICES)}"
        )
    if engine == "piper" and voice is None:
        from voicecoach.speech.piper_engine import DEFAULT_VOICE

        voice = DEFAULT_VOICE
    return EngineSpec(engine, voice, settings.rate, settings.volume)


def make_voice(
    settings: Settings,
    cache_dir: Path | None,
    warn: Callable[[str], None] | None = None,
) -> Voice:
    """The configured voice. Engines start lazily, in their own worker processes."""
    if settings.engine == "estimate":
        return Voice(EstimateRenderer())
    from voicecoach.speech.worker_client import WorkerRenderer

    renderers: list[Renderer] = [
        WorkerRenderer(s, settings.render_timeout) for s in fallbacks(primary_spec(settings))
    ]
    return Voice(renderers, ClipCache(cache_dir, settings.cache_mb * 1024 * 1024), warn)
