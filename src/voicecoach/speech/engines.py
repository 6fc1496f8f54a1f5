"""The speech engines by name, in one table: adding one touches only this file.

Each engine is described without importing it, so that a warm run (every
phrase cached) never loads one, and the cache key is known up front. The
engine itself is loaded only inside the speech worker (:mod:`.worker`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from voicecoach.speech.chain import DEFAULT_CHAIN, Chain
from voicecoach.speech.dist_version import installed_version


@dataclass(frozen=True)
class EngineInfo:
    name: str
    label: str
    loader: str  # "module:Class", imported only in the worker
    distribution: str  # whose version goes into the cache key
    licence: str
    installed: Callable[[], bool]
    install_hint: str
    # Set in its worker's environment (unless already set): read once, as it starts.
    worker_env: tuple[tuple[str, str], ...] = ()


def _espeak_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("pyttsx3") is not None


def _piper_installed() -> bool:
    from voicecoach.speech.piper_engine import installed

    return installed()


ENGINES: dict[str, EngineInfo] = {
    "piper": EngineInfo(
        name="piper",
        label="Piper neural voice (piper-tts, onnxruntime)",
        loader="voicecoach.speech.piper_engine:PiperEngine",
        distribution="piper-tts",
        licence="piper-tts: GPL-3.0-or-later",
        installed=_piper_installed,
        install_hint="pip install 'voicecoach[neural]'",
        # glibc maps blocks of 1 MB and more apart, so onnxruntime's arena, shrunk after
        # each render, hands them back to the system (see piper_engine._load).
        worker_env=(("MALLOC_MMAP_THRESHOLD_", str(1 << 20)),),
    ),
    "espeak": EngineInfo(
        name="espeak",
        label="espeak-ng through pyttsx3",
        loader="voicecoach.speech.espeak_engine:EspeakEngine",
        distribution="pyttsx3",
        licence="pyttsx3: MPL-2.0; espeak-ng: GPL-3.0-or-later",
        installed=_espeak_installed,
        install_hint="sudo apt-get install libespeak-ng1 espeak-ng-data",
    ),
}
ALIASES = {"pyttsx3": "espeak", "espeak-ng": "espeak", "neural": "piper"}


def load_engine(name: str, voice: str | None, rate: int) -> Any:
    """Import and start an engine (worker side). Volume is applied after processing."""
    module, _, cls = ENGINES[name].loader.partition(":")
    return getattr(importlib.import_module(module), cls)(voice, rate, 1.0)


@dataclass(frozen=True)
class EngineSpec:
    """One engine and voice with its settings: what the worker loads, and the cache key."""

    engine: str
    voice: str | None
    rate: int = 175
    volume: float = 1.0
    chain: Chain = field(default=DEFAULT_CHAIN)

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.voice or 'default'}"

    def identity(self) -> str:
        dist = ENGINES[self.engine].distribution
        return (
            f"{self.engine}-{installed_version(dist)}|{self.voice}|{self.rate}|{self.volume}"
            f"|{self.chain.key()}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "voice": self.voice,
            "rate": self.rate,
            "volume": self.volume,
            "chain": asdict(self.chain),
        }


def parse_voice(engine: str, voice: str | None) -> tuple[str, str | None]:
    """Split ``--voice piper:joe`` / ``espeak:gmw/en-us``; a bare voice belongs to ``engine``.

    ``engine`` "auto" picks the default engine (the one that scored best on the
    intelligibility bench and is installed).
    """
    if voice and ":" in voice:
        head, _, rest = voice.partition(":")
        head = ALIASES.get(head.lower(), head.lower())
        if head in ENGINES:
            return head, rest or None
    name = ALIASES.get(engine, engine)
    if name == "auto":
        name = default_engine() if not voice else "espeak"
    return name, voice


# Chosen by the intelligibility bench (bench/intelligibility.py, README "Voice and audio").
PREFERRED = ("piper", "espeak")


def default_engine() -> str:
    return next((n for n in PREFERRED if ENGINES[n].installed()), "espeak")


def fallbacks(primary: EngineSpec) -> list[EngineSpec]:
    """The primary, then espeak-ng (always there on a working install) as the fallback."""
    specs = [primary]
    if primary.engine != "espeak":
        specs.append(EngineSpec("espeak", None, primary.rate, primary.volume, primary.chain))
    return specs
