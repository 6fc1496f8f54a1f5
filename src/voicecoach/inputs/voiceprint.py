"""How one spoken word sounds, as a sequence of frames, and how far apart two such words are.

Features: 12 mel-frequency cepstral coefficients (c1..c12) every 10 ms, with
the utterance's own mean subtracted from each (cepstral mean normalisation),
so a different microphone or room, which multiplies the spectrum by a fixed
curve, shifts every frame alike and cancels. c0 (loudness) is left out: how
loud the lifter is says nothing about which word it is. Mel energies are
floored 50 dB below the word's loudest band, so the near-silence around and
between sounds (where noise differs most from a quiet enrolment) weighs little.

Distance: dynamic time warping, so a word said faster or slower still lines
up with its template. The step pattern moves one frame of the heard word at
a time and zero, one or two frames of the template, so each row of the cost
table depends only on the row before and is computed as one numpy operation
against every template at once; a word of 60 frames against 42 templates
costs about a millisecond. The total is divided by the heard word's frames:
a mean cost per frame, comparable between words of any length.

numpy only: no new dependency for ~100 lines of textbook signal processing.
"""

from __future__ import annotations

import numpy as np

RATE = 16000
WINDOW = 400  # 25 ms
HOP = 160  # 10 ms
FFT = 512
MELS = 26
CEPSTRA = 12  # c1..c12
LOW_HZ, HIGH_HZ = 100.0, 7600.0
FLOOR_DB = 35.0  # mel energies below the word's loudest band by more than this are floored
TRIM_DB = 25.0  # frames this far below the loudest frame, at either end, are not the word
NOISE_PERCENTILE = 20.0  # the quietest frames, taken as the noise
OVERSUBTRACT = 2.0
SPECTRAL_FLOOR = 0.05
MIN_FRAMES = 8  # under 80 ms of word: nothing to compare


def _mel(hz: np.ndarray | float) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _filterbank() -> np.ndarray:
    """Triangular mel filters over the FFT bins, (MELS, FFT // 2 + 1)."""
    edges_mel = np.linspace(_mel(LOW_HZ), _mel(HIGH_HZ), MELS + 2)
    edges_hz = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    bins = np.fft.rfftfreq(FFT, 1.0 / RATE)
    bank = np.zeros((MELS, len(bins)))
    for m in range(MELS):
        lo, mid, hi = edges_hz[m], edges_hz[m + 1], edges_hz[m + 2]
        rise = (bins - lo) / (mid - lo)
        fall = (hi - bins) / (hi - mid)
        bank[m] = np.clip(np.minimum(rise, fall), 0.0, None)
    return bank


def _dct() -> np.ndarray:
    """DCT-II rows 1..CEPSTRA (orthonormal), (CEPSTRA, MELS)."""
    n = np.arange(MELS)
    k = np.arange(1, CEPSTRA + 1)[:, None]
    return np.sqrt(2.0 / MELS) * np.cos(np.pi * k * (2 * n + 1) / (2 * MELS))


_BANK = _filterbank()
_DCT = _dct()
_HAMMING = np.hamming(WINDOW)


def _power(a: np.ndarray) -> np.ndarray:
    """Power spectra of the 25 ms frames every 10 ms, (frames, FFT // 2 + 1)."""
    count = 1 + (len(a) - WINDOW) // HOP
    idx = np.arange(WINDOW)[None, :] + HOP * np.arange(count)[:, None]
    return np.abs(np.fft.rfft(a[idx] * _HAMMING, FFT)) ** 2


def denoise(power: np.ndarray) -> np.ndarray:
    """Spectral subtraction: the noise is what the quietest fifth of the frames holds.

    The detector keeps a third of a second before the word, so an utterance
    cut in a noisy gym carries a sample of that gym's noise. Removing it (twice
    over, floored at a twentieth of the frame's own power so nothing goes
    negative) makes a word in noise look more like the same word enrolled in
    quiet; in quiet the estimate is near zero and changes nothing.
    """
    energy = power.sum(axis=1)
    quiet = energy <= np.percentile(energy, NOISE_PERCENTILE)
    noise = power[quiet].mean(axis=0)
    return np.maximum(power - OVERSUBTRACT * noise, SPECTRAL_FLOOR * power)


def trim(power: np.ndarray) -> np.ndarray:
    """The frames from the first to the last within ``TRIM_DB`` of the loudest: the rest of
    what the detector kept is silence or noise around the word, not the word."""
    energy = power.sum(axis=1) + 1e-12
    loud = np.nonzero(10 * np.log10(energy / energy.max()) >= -TRIM_DB)[0]
    return power[loud[0] : loud[-1] + 1]


def features(pcm: bytes) -> np.ndarray:
    """16 kHz mono s16le → (frames, CEPSTRA) mean-normalised MFCCs of the word in it.

    Fewer than ``MIN_FRAMES`` rows when there is hardly any sound.
    """
    a = np.frombuffer(pcm, dtype=np.int16).astype(np.float64) / 32768.0
    if len(a) < WINDOW:
        return np.zeros((0, CEPSTRA))
    a = np.append(a[0], a[1:] - 0.97 * a[:-1])  # pre-emphasis: consonants carry the word
    power = trim(denoise(_power(a)))
    mel = power @ _BANK.T
    mel = np.maximum(mel, mel.max() * 10 ** (-FLOOR_DB / 10) + 1e-12)
    cep = np.log(mel) @ _DCT.T
    return cep - cep.mean(axis=0)


def distances(word: np.ndarray, templates: list[np.ndarray]) -> np.ndarray:
    """The mean per-frame DTW cost of ``word`` against each template (inf: cannot align).

    Each frame of ``word`` moves the template on by 0, 1 or 2 frames, so a
    template more than twice the word's length cannot be reached (inf), and a
    word is compared from its first frame to its last with each template's.
    """
    if len(word) < MIN_FRAMES or not templates:
        return np.full(len(templates), np.inf)
    longest = max(len(t) for t in templates)
    stack = np.zeros((len(templates), longest, word.shape[1]))
    lengths = np.array([len(t) for t in templates])
    for k, t in enumerate(templates):
        stack[k, : len(t)] = t
    # local[k, i, j]: distance of the word's frame i to template k's frame j
    cross = np.einsum("id,kjd->kij", word, stack)
    square = (word**2).sum(axis=1)[None, :, None] + (stack**2).sum(axis=2)[:, None, :]
    local = np.sqrt(np.maximum(square - 2 * cross, 0.0))
    pad = np.arange(longest)[None, :] >= lengths[:, None]
    local[np.broadcast_to(pad[:, None, :], local.shape)] = np.inf
    cost = np.full((len(templates), longest), np.inf)
    cost[:, 0] = local[:, 0, 0]
    for i in range(1, len(word)):
        prev = cost
        best = prev.copy()
        best[:, 1:] = np.minimum(best[:, 1:], prev[:, :-1])
        best[:, 2:] = np.minimum(best[:, 2:], prev[:, :-2])
        cost = best + local[:, i, :]
    end = cost[np.arange(len(templates)), lengths - 1]
    return end / len(word)
