"""Shape a rendered phrase for earbuds in a noisy gym: trim, EQ, compress, level, limit, floor.

Why each stage (measured in ``bench/intelligibility.py``):

- **Trim** leading and trailing silence, so a clip starts at its first sound:
  the mixer places a clip by its first sample (see :func:`voicecoach.audio.clips.trim`).
- **Presence boost** around 2–4 kHz, where consonants live. espeak-ng is
  intelligible in pink noise because it is bright; Piper is not, because it
  is dark (8 % of its energy at 1–3 kHz against espeak-ng's 21 %).
- **Gentle compression**, so quiet syllables are not lost under the noise.
- **Loudness** normalised to one target (ITU-R BS.1770 gated, K-weighted), so
  every voice and phrase is equally loud, and a limiter so nothing clips.
- **A noise floor** at about −60 dBFS instead of exact digital zeros: what
  earbuds play anyway, and exact zeros inside words throw a recogniser off.
  The floor is seeded from the clip itself, so the same phrase always comes
  out byte-identical (the phrase cache and the tests rely on that).

numpy only (no scipy): filters are applied as zero-phase gains in the FFT
domain, and the compressor works on short RMS frames.
"""

from __future__ import annotations

import zlib

import numpy as np

from voicecoach.audio.clips import SILENCE_THRESHOLD, Clip
from voicecoach.speech.chain import DEFAULT_CHAIN, RAW, Chain

__all__ = ["DEFAULT_CHAIN", "RAW", "Chain", "loudness", "process"]

FULL_SCALE = 32768.0
_BLOCK = 0.4  # BS.1770 gating block, seconds
_BLOCK_STEP = 0.1  # 75 % overlap
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_FRAME = 0.010  # compressor RMS frame, seconds
_ATTACK = 0.005
_RELEASE = 0.080
_KNEE_DB = 6.0
_PASSES = 4
_TAIL = 0.02  # seconds kept after the last sound, as clips.trim does


def process(clip: Clip, chain: Chain) -> Clip:
    """Apply ``chain`` to ``clip``; same rate, never clips, empty in → empty out."""
    if chain.is_off or not clip.pcm:
        return clip
    x = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / FULL_SCALE
    if chain.trim:
        x = trim(x, clip.rate)
    if x.size == 0:
        return Clip(b"", clip.rate)
    x = equalise(x, clip.rate, chain)
    if chain.loudness is not None:
        x = normalise(x, clip.rate, chain.loudness)
        if chain.compress_db is not None and chain.ratio > 1:
            x = compress(x, clip.rate, chain.compress_db, chain.ratio)
            x = normalise(x, clip.rate, chain.loudness)
    elif chain.compress_db is not None and chain.ratio > 1:
        x = compress(x, clip.rate, chain.compress_db, chain.ratio)
    ceiling = 10 ** (chain.ceiling_db / 20)
    x = limit(x, clip.rate, ceiling)
    for _ in range(_PASSES if chain.loudness is not None else 0):
        # Limiting lowers the level a little; a few passes get back within 0.1 LU
        # unless the target itself is too loud for the ceiling.
        if abs(loudness(x, clip.rate) - chain.loudness) < 0.1:  # type: ignore[operator]
            break
        x = limit(normalise(x, clip.rate, chain.loudness), clip.rate, ceiling)  # type: ignore[arg-type]
    if chain.floor_db is not None:
        x = x + noise_floor(x.size, chain.floor_db, seed=zlib.crc32(clip.pcm))
    peak = ceiling * (FULL_SCALE - 1) / FULL_SCALE
    out = np.round(np.clip(x, -peak, peak) * FULL_SCALE).astype("<i2")
    return Clip(out.tobytes(), clip.rate)


def trim(x: np.ndarray, rate: int) -> np.ndarray:
    """From the first to just past the last sample above espeak's padding level."""
    loud = np.flatnonzero(np.abs(x) * FULL_SCALE > SILENCE_THRESHOLD)
    if loud.size == 0:
        return x[:0]
    end = min(x.size, loud[-1] + 1 + int(_TAIL * rate))
    return x[loud[0] : end]


def _spectrum_gain(n: int, rate: int, chain: Chain) -> tuple[int, np.ndarray] | None:
    """The FFT size and per-bin gain of the EQ, or None when the EQ is flat."""
    if not chain.presence_db and not chain.lowcut_hz:
        return None
    size = 1 << int(np.ceil(np.log2(n + rate // 10)))  # room for the filters' ring-out
    f = np.fft.rfftfreq(size, 1 / rate)
    gain = np.ones_like(f)
    if chain.presence_db:
        octaves = np.log2(np.maximum(f, 1.0) / chain.presence_hz)
        bell = np.exp(-0.5 * (octaves / chain.presence_octaves) ** 2)
        gain *= 10 ** (chain.presence_db * bell / 20)
    if chain.lowcut_hz:
        ratio = chain.lowcut_hz / np.maximum(f, 1e-3)
        gain *= 1 / np.sqrt(1 + ratio**4)  # 2nd-order Butterworth magnitude
    return size, gain


def equalise(x: np.ndarray, rate: int, chain: Chain) -> np.ndarray:
    """Presence bell and low cut as zero-phase gains on the spectrum."""
    spec = _spectrum_gain(x.size, rate, chain)
    if spec is None:
        return x
    size, gain = spec
    return np.fft.irfft(np.fft.rfft(x, size) * gain, size)[: x.size]


def _biquad_response(b: tuple[float, ...], a: tuple[float, ...], w: np.ndarray) -> np.ndarray:
    z = np.exp(-1j * w)
    num = b[0] + b[1] * z + b[2] * z**2
    den = a[0] + a[1] * z + a[2] * z**2
    return np.abs(num / den)


def k_weighting(f: np.ndarray, rate: int) -> np.ndarray:
    """BS.1770's K-weighting magnitude at frequencies ``f``: the shelf and the RLB high-pass.

    The two biquads are designed for ``rate`` from their analogue prototypes
    (shelf +4 dB at 1.5 kHz, Q 1/√2; high-pass 38 Hz, Q 0.5), as BS.1770-4
    describes for rates other than 48 kHz.
    """
    w = 2 * np.pi * f / rate
    big_a = 10 ** (4.0 / 40)
    w0 = 2 * np.pi * 1500.0 / rate
    alpha = np.sin(w0) / (2 / np.sqrt(2))
    cos, root = np.cos(w0), 2 * np.sqrt(big_a) * alpha
    shelf = _biquad_response(
        (
            big_a * ((big_a + 1) + (big_a - 1) * cos + root),
            -2 * big_a * ((big_a - 1) + (big_a + 1) * cos),
            big_a * ((big_a + 1) + (big_a - 1) * cos - root),
        ),
        (
            (big_a + 1) - (big_a - 1) * cos + root,
            2 * ((big_a - 1) - (big_a + 1) * cos),
            (big_a + 1) - (big_a - 1) * cos - root,
        ),
        w,
    )
    w0 = 2 * np.pi * 38.0 / rate
    alpha = np.sin(w0) / (2 * 0.5)
    cos = np.cos(w0)
    highpass = _biquad_response(
        ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2), (1 + alpha, -2 * cos, 1 - alpha), w
    )
    return shelf * highpass


def loudness(x: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (BS.1770: K-weighted, 400 ms blocks, gated).

    A clip shorter than one block is measured as one block, so that a short
    word ("go") is levelled like the rest. Silence is −inf.
    """
    if x.size == 0:
        return float("-inf")
    size = 1 << int(np.ceil(np.log2(x.size + rate // 10)))
    weighted = np.fft.irfft(
        np.fft.rfft(x, size) * k_weighting(np.fft.rfftfreq(size, 1 / rate), rate), size
    )[: x.size]
    block, step = int(_BLOCK * rate), int(_BLOCK_STEP * rate)
    if x.size <= block:
        powers = np.array([np.mean(weighted**2)])
    else:
        starts = np.arange(0, x.size - block + 1, step)
        cumulative = np.concatenate(([0.0], np.cumsum(weighted**2)))
        powers = (cumulative[starts + block] - cumulative[starts]) / block
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(powers)
    kept = powers[levels > _ABSOLUTE_GATE]
    if kept.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(np.mean(kept)) + _RELATIVE_GATE
    kept = powers[(levels > _ABSOLUTE_GATE) & (levels > relative)]
    return float(-0.691 + 10 * np.log10(np.mean(kept)))


def normalise(x: np.ndarray, rate: int, target: float) -> np.ndarray:
    """Scale to ``target`` LUFS; a silent clip stays as it is."""
    level = loudness(x, rate)
    if not np.isfinite(level):
        return x
    return x * 10 ** ((target - level) / 20)


def compress(x: np.ndarray, rate: int, threshold_db: float, ratio: float) -> np.ndarray:
    """A feed-forward compressor on 10 ms RMS frames, soft knee, attack 5 ms, release 80 ms."""
    frame = max(1, int(_FRAME * rate))
    count = -(-x.size // frame)
    padded = np.zeros(count * frame)
    padded[: x.size] = x
    rms = np.sqrt(np.mean(padded.reshape(count, frame) ** 2, axis=1))
    level = 20 * np.log10(np.maximum(rms, 1e-9))
    over = level - threshold_db
    slope = 1 - 1 / ratio
    reduction = np.where(
        over <= -_KNEE_DB / 2,
        0.0,
        np.where(
            over >= _KNEE_DB / 2,
            slope * over,
            slope * (over + _KNEE_DB / 2) ** 2 / (2 * _KNEE_DB),
        ),
    )
    attack = np.exp(-_FRAME / _ATTACK)
    release = np.exp(-_FRAME / _RELEASE)
    smoothed = np.empty_like(reduction)
    state = 0.0
    for i, target in enumerate(reduction):  # a few hundred frames per phrase
        coeff = attack if target > state else release
        state = coeff * state + (1 - coeff) * target
        smoothed[i] = state
    centres = (np.arange(count) + 0.5) * frame
    gain_db = np.interp(np.arange(x.size), centres, -smoothed)
    return x * 10 ** (gain_db / 20)


def limit(x: np.ndarray, rate: int, ceiling: float) -> np.ndarray:
    """Keep every sample within ``ceiling`` with a smooth gain (1 ms either side of a peak).

    The gain is the running minimum of ``ceiling/|x|`` over a window, then
    averaged over the same window: each averaged value comes from minima that
    all include the peak, so the peak is guaranteed under the ceiling.
    """
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(x), 1e-12))
    if need.min() >= 1.0:
        return x
    half = max(1, int(0.001 * rate))
    width = 2 * half + 1
    padded = np.pad(need, half, constant_values=1.0)
    minimum = np.lib.stride_tricks.sliding_window_view(padded, width).min(axis=1)
    padded = np.pad(minimum, half, constant_values=1.0)
    cumulative = np.concatenate(([0.0], np.cumsum(padded)))
    gain = (cumulative[width:] - cumulative[:-width]) / width
    return np.clip(x * gain, -ceiling, ceiling)


def noise_floor(n: int, level_db: float, seed: int) -> np.ndarray:
    """Gaussian noise with an RMS of ``level_db`` dBFS, the same for the same seed."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) * 10 ** (level_db / 20)
