"""PCM clips: 16-bit mono audio with its sample rate, and the helpers to shape them."""

from __future__ import annotations

import array
import io
import sys
import wave
from dataclasses import dataclass

RATE = 22050  # espeak-ng's native rate; the stream output runs at it too, so nothing resamples
SILENCE_THRESHOLD = 300  # of 32767: below this, espeak's padding is silence


@dataclass(frozen=True)
class Clip:
    """Mono signed 16-bit little-endian PCM."""

    pcm: bytes
    rate: int = RATE

    @property
    def frames(self) -> int:
        return len(self.pcm) // 2

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def samples(clip: Clip) -> array.array[int]:
    a = array.array("h")
    a.frombytes(clip.pcm)
    if sys.byteorder == "big":  # pragma: no cover
        a.byteswap()
    return a


def from_samples(a: array.array[int], rate: int = RATE) -> Clip:
    if sys.byteorder == "big":  # pragma: no cover
        a = array.array("h", a)
        a.byteswap()
    return Clip(a.tobytes(), rate)


def from_wav(data: bytes) -> Clip:
    """Decode a mono or stereo 16-bit WAV; stereo is averaged to mono, rate kept."""
    with wave.open(io.BytesIO(data)) as w:
        if w.getsampwidth() != 2:
            raise ValueError("only 16-bit WAV is supported")
        raw = w.readframes(w.getnframes())
        rate, channels = w.getframerate(), w.getnchannels()
    clip = Clip(raw, rate)
    if channels == 2:
        s = samples(clip)
        mono = array.array("h", ((s[i] + s[i + 1]) // 2 for i in range(0, len(s) - 1, 2)))
        clip = from_samples(mono, rate)
    if rate != RATE:
        clip = resample(clip, RATE)
    return clip


def to_wav(clip: Clip) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(clip.rate)
        w.writeframes(clip.pcm)
    return buf.getvalue()


def resample(clip: Clip, rate: int) -> Clip:
    """Linear-interpolation resampling; only used for user sounds at another rate."""
    s = samples(clip)
    if not s:
        return Clip(b"", rate)
    n = max(1, round(len(s) * rate / clip.rate))
    step = (len(s) - 1) / max(1, n - 1)
    out = array.array("h", (s[min(len(s) - 1, round(i * step))] for i in range(n)))
    return from_samples(out, rate)


def trim(clip: Clip, keep_tail: float = 0.02) -> Clip:
    """Cut espeak's leading and trailing padding so a clip's start is its first sound.

    The onset of a cue is then exactly where the mixer places it, and the
    clip's length is what the planner must leave room for.
    """
    s = samples(clip)
    start = next((i for i, v in enumerate(s) if abs(v) > SILENCE_THRESHOLD), None)
    if start is None:
        return Clip(b"", clip.rate)
    end = len(s) - next(i for i, v in enumerate(reversed(s)) if abs(v) > SILENCE_THRESHOLD)
    end = min(len(s), end + int(keep_tail * clip.rate))
    return Clip(clip.pcm[start * 2 : end * 2], clip.rate)


def silence(seconds: float, rate: int = RATE) -> Clip:
    return Clip(bytes(2 * int(seconds * rate)), rate)
