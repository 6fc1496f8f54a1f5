"""The recognition bench's acoustic conditions: pink noise, a synthetic band, the mix.

All seeded numpy, no recordings, so every run hears the same sounds.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np

from voicecoach.inputs.recogniser import RATE

PAD_BEFORE, PAD_AFTER = 0.5, 1.5  # seconds of silence (or noise) around each word


def active_rms(a: np.ndarray) -> float:
    """RMS over the 10 ms frames within 30 dB of the loudest: the speech level, not its gaps."""
    n = len(a) // 160
    frames = a[: n * 160].reshape(n, 160)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    keep = rms >= rms.max() / 31.6
    return float(np.sqrt(np.mean(frames[keep] ** 2)))


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS pink (1/f power) noise from 50 Hz up, shaped in the frequency domain.

    Below 50 Hz a microphone's own high-pass removes it; left in, it would
    carry a third of the power and make the stated SNR easier than it sounds.
    """
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    low = f < 50
    spec[~low] /= np.sqrt(f[~low])
    spec[low] = 0
    x = np.fft.irfft(spec, n)
    return x / np.sqrt(np.mean(x**2))


def music(seconds: float, seed: int) -> np.ndarray:
    """A band without copyright: a I–V–vi–IV chord loop at 120 bpm with kick, snare and hi-hat."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n)
    beat = 0.5
    chords = ((48, 52, 55, 60), (43, 50, 55, 59), (45, 52, 57, 60), (41, 48, 53, 57))  # MIDI
    for b in range(int(seconds / beat)):
        start = int(b * beat * RATE)
        seg = np.arange(min(int(beat * RATE), n - start)) / RATE
        env = np.exp(-seg * 3.0)
        for note in chords[(b // 4) % 4]:
            hz = 440 * 2 ** ((note - 69) / 12)
            tone = sum(np.sin(2 * np.pi * hz * k * seg + rng.uniform(0, 6)) / k for k in (1, 2, 3))
            out[start : start + len(seg)] += 0.25 * env * tone
        if b % 2 == 0:  # kick: a falling sine
            sweep = 2 * np.pi * (40 * seg + 40 * (1 - np.exp(-seg * 30)) / 30)
            out[start : start + len(seg)] += 1.2 * np.sin(sweep) * np.exp(-seg * 18)
        else:  # snare: a noise burst
            out[start : start + len(seg)] += 0.6 * rng.standard_normal(len(seg)) * np.exp(-seg * 25)
        for h in (0, len(seg) // 2):  # hi-hat on the eighths: differenced noise
            hat = np.diff(rng.standard_normal(len(seg) - h + 1)) * np.exp(-seg[: len(seg) - h] * 80)
            out[start + h : start + len(seg)] += 0.15 * hat
    out += 0.02 * np.sin(2 * np.pi * 0.1 * t)  # keep it from being exactly periodic
    return out / np.sqrt(np.mean(out**2))


_MUSIC: np.ndarray | None = None


def mix(pcm: bytes, condition: str, seed: int) -> tuple[np.ndarray, float]:
    """The padded clip in a condition, as int16, and the time the speech ends in it."""
    global _MUSIC
    speech = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    loud = np.nonzero(np.abs(speech) > max(np.abs(speech).max() / 100, 30))[0]
    end = (loud[-1] + 1) / RATE if len(loud) else len(speech) / RATE
    before = int(PAD_BEFORE * RATE)
    a = np.concatenate([np.zeros(before), speech, np.zeros(int(PAD_AFTER * RATE))])
    level = active_rms(speech) if len(loud) else 0.0
    rng = np.random.default_rng(seed)
    if condition.startswith("pink"):
        snr = float(condition.split()[1])
        a += pink_noise(len(a), rng) * level / 10 ** (snr / 20)
    elif condition.startswith("music"):
        if _MUSIC is None:
            _MUSIC = music(64.0, 7)
        at = int(rng.integers(0, len(_MUSIC) - len(a)))
        a += _MUSIC[at : at + len(a)] * level / 10 ** (10 / 20)
    peak = np.abs(a).max()
    if peak > 32000:  # scale the mixture, not clip it: the SNR stays as set
        a *= 32000 / peak
    return a.astype(np.int16), PAD_BEFORE + end
