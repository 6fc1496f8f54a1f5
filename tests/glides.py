"""Rising and falling harmonic glides: two synthetic "words" with real acoustic
features, for the enrolment's tests (the voiceprint sees them as it sees speech)."""

from __future__ import annotations

import numpy as np


def glide(rising: bool, seconds: float, base: float) -> bytes:
    """16 kHz PCM: a glide from ``base`` Hz up (or down) by 80 %, in 0.3 s of quiet."""
    t = np.arange(int(16000 * seconds)) / 16000
    f0 = base * (1 + 0.8 * (t / seconds if rising else 1 - t / seconds))
    phase = 2 * np.pi * np.cumsum(f0) / 16000
    a = sum(np.sin(k * phase) / k for k in range(1, 12)) * np.hanning(len(t)) ** 0.3
    quiet = np.zeros(int(0.3 * 16000))
    pcm = np.concatenate([quiet, 6000 * a / np.abs(a).max(), quiet])
    noise = np.random.default_rng(int(base)).normal(0, 3, len(pcm))  # a quiet room's hiss
    return (pcm + noise).astype(np.int16).tobytes()
