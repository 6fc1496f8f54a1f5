"""What ``voices`` and ``doctor`` say about the speech engines: voices, licences, health."""

from __future__ import annotations

from typing import Any

from voicecoach.plan.wording import QUESTION
from voicecoach.settings import Settings
from voicecoach.speech.engines import ENGINES, EngineSpec, default_engine, parse_voice


def all_voices() -> list[dict[str, Any]]:
    """Every voice of every installed engine, the default first, with licence and rate."""
    from voicecoach.speech.espeak_engine import EngineFailed, espeak_voices
    from voicecoach.speech.piper_engine import DEFAULT_VOICE, VOICES, installed

    default = default_engine()
    rows: list[dict[str, Any]] = []
    for info in VOICES.values():
        rows.append(
            {
                "id": f"piper:{info.id}",
                "engine": "piper",
                "name": info.name,
                "languages": [info.language],
                "sample_rate": info.sample_rate,
                "licence": f"{info.licence}; {ENGINES['piper'].licence}",
                "installed": installed(info.id),
                "default": default == "piper" and info.id == DEFAULT_VOICE,
            }
        )
    try:
        espeak = espeak_voices()
    except EngineFailed:
        espeak = []
    for v in espeak:
        rows.append(
            {
                "id": f"espeak:{v['id']}",
                "engine": "espeak",
                "name": v["name"],
                "languages": v["languages"],
                "sample_rate": 22050,
                "licence": ENGINES["espeak"].licence,
                "installed": True,
                "default": default == "espeak" and v["id"] in ("gmw/en-us", "en-us"),
            }
        )
    return rows


def engine_health(settings: Settings, engine: str) -> tuple[bool, str, str]:
    """(ok, detail, fix) for one engine: start its worker and render a test phrase."""
    from voicecoach.audio.clips import trim
    from voicecoach.speech.check import clip_problem
    from voicecoach.speech.worker_client import WorkerRenderer

    info = ENGINES[engine]
    if not info.installed():
        return False, "not installed", info.install_hint
    name, voice = parse_voice(settings.engine, settings.voice)
    spec = EngineSpec(engine, voice if name == engine else None, settings.rate, settings.volume)
    renderer = WorkerRenderer(spec)
    try:
        renderer.start()
        text = QUESTION
        clip = trim(renderer.render(text))
        problem = clip_problem(clip, text)
    except Exception as exc:  # RenderError and whatever an engine raises
        return False, str(exc), info.install_hint
    finally:
        renderer.close()
    if problem:
        return False, f"a test phrase came back wrong: {problem}", info.install_hint
    return True, f"{info.label}: a test phrase rendered {clip.seconds:.2f} s of speech", ""
