"""How one spoken word sounds, as a sequence of frames, and how far apart two such words are.

A word is analysed into mel-band powers every 10 ms (:func:`analyse`), with
the noise it was heard in (the mean of its quietest fifth of frames: the
detector keeps a third of a second before the word, so an utterance cut in a
gym carries a sample of that gym) and its speech level above that noise.

An enrolled take is kept clean (:func:`template`: its own small noise
removed). To compare it with a word heard in noise, the take is not cleaned
further, the heard word is not "denoised": the heard noise is *added* to the
take (:func:`adapt`), scaled to the heard speech level, so both sides carry
the same noise. Powers of speech and an unrelated noise add, so this is the
take as it would have sounded in that room. Removing noise from the heard
word instead (spectral subtraction) leaves ragged remains that no clean take
resembles; measured on the bench, that put every word said at 10 dB SNR
three to five times farther from its takes than in quiet, and past every
threshold.

Both sides are then trimmed by the same rule (frames within ``TRIM_DB`` of
the loudest and clearly above the noise), floored ``FLOOR_DB`` below their
loudest band, and turned into 12 mel-frequency cepstral coefficients (c1..c12)
with their mean over the word subtracted (cepstral mean normalisation), so a
different microphone, which multiplies the spectrum by a fixed curve, shifts
every frame alike and cancels. c0 (loudness) is left out: how loud the lifter
is says nothing about which word it is.

Distance: dynamic time warping, so a word said faster or slower still lines
up with its template. The step pattern moves one frame of the heard word at
a time and zero, one or two frames of the template, so each row of the cost
table depends only on the row before and is computed as one numpy operation
against every template at once. The total is divided by the heard word's
frames: a mean cost per frame, comparable between words of any length.

numpy only: no new dependency for ~150 lines of textbook signal processing.
"""

from __future__ import annotations

from dataclasses import dataclass

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
ABOVE_NOISE = 2.0  # nor are frames with less than this many times the noise's power
NOISE_PERCENTILE = 20.0  # the quietest frames, taken as the noise
CLEAN_FLOOR = 1e-3  # a cleaned take keeps at least this share of each band's power
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


# Stored transposed and contiguous: ``x @ bank.T`` on the transposed *view* takes a slow
# path in OpenBLAS that, on a loaded two-core machine, cost 6-13 ms a word instead of 0.03.
_BANK_T = np.ascontiguousarray(_filterbank().T)
_DCT_T = np.ascontiguousarray(_dct().T)
_HAMMING = np.hamming(WINDOW)
_SILENT = np.zeros(MELS)


def mel_frames(pcm: bytes) -> np.ndarray:
    """16 kHz mono s16le → mel-band powers of its 25 ms frames every 10 ms, (frames, MELS)."""
    a = np.frombuffer(pcm, dtype=np.int16).astype(np.float64) / 32768.0
    if len(a) < WINDOW:
        return np.zeros((0, MELS))
    a = np.append(a[0], a[1:] - 0.97 * a[:-1])  # pre-emphasis: consonants carry the word
    count = 1 + (len(a) - WINDOW) // HOP
    idx = np.arange(WINDOW)[None, :] + HOP * np.arange(count)[:, None]
    power = np.abs(np.fft.rfft(a[idx] * _HAMMING, FFT)) ** 2
    return np.asarray(power @ _BANK_T)


def trim(mel: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The frames from the first to the last that are the word (see the module docstring)."""
    if len(mel) == 0:
        return mel
    energy = mel.sum(axis=1) + 1e-15
    word = (energy >= energy.max() * 10 ** (-TRIM_DB / 10)) & (energy >= ABOVE_NOISE * noise.sum())
    at = np.nonzero(word)[0]
    return mel[at[0] : at[-1] + 1] if len(at) else mel[:0]


def speech_level(mel: np.ndarray, noise: np.ndarray) -> float:
    """Mean power above the noise of the word's louder half of frames."""
    if len(mel) == 0:
        return 0.0
    above = np.maximum(mel.sum(axis=1) - noise.sum(), 0.0)
    return float(np.sort(above)[-max(1, len(above) // 2) :].mean())


@dataclass(frozen=True)
class Heard:
    """A word as heard: its trimmed mel frames, the noise around it, its speech level."""

    mel: np.ndarray
    noise: np.ndarray
    level: float

    @classmethod
    def clean(cls, mel: np.ndarray) -> Heard:
        """A word heard with no noise at all (a cleaned take, compared with its repeats)."""
        return cls(mel, _SILENT, speech_level(mel, _SILENT))

    @property
    def snr_db(self) -> float:
        """Speech level over the noise, per frame, in dB (large in quiet)."""
        return float(10 * np.log10(max(self.level, 1e-15) / max(self.noise.sum(), 1e-15)))


def analyse(pcm: bytes) -> Heard:
    """An utterance as the detector cut it → the word in it and the noise around it."""
    mel = mel_frames(pcm)
    if len(mel) == 0:
        return Heard(mel, _SILENT, 0.0)
    energy = mel.sum(axis=1)
    noise = mel[energy <= np.percentile(energy, NOISE_PERCENTILE)].mean(axis=0)
    word = trim(mel, noise)
    return Heard(word, noise, speech_level(word, noise))


def template(pcm: bytes) -> np.ndarray:
    """An enrolment take → its word's mel frames with the take's own noise removed."""
    heard = analyse(pcm)
    return np.maximum(heard.mel - heard.noise, CLEAN_FLOOR * heard.mel)


def cepstra(mel: np.ndarray) -> np.ndarray:
    """Mel frames → (frames, CEPSTRA) mean-normalised MFCCs."""
    if len(mel) == 0:
        return np.zeros((0, CEPSTRA))
    floored = np.maximum(mel, mel.max() * 10 ** (-FLOOR_DB / 10) + 1e-15)
    cep = np.log(floored) @ _DCT_T
    return np.asarray(cep - cep.mean(axis=0))


def adapt(take: np.ndarray, heard: Heard) -> np.ndarray:
    """A clean take as it would sound at the heard word's level in the heard word's noise,
    as cepstra, trimmed by the same rule as the heard word."""
    gain = heard.level / max(speech_level(take, _SILENT), 1e-15)
    return cepstra(trim(gain * take + heard.noise, heard.noise))


def features(pcm: bytes) -> np.ndarray:
    """The heard word's cepstra; fewer than ``MIN_FRAMES`` rows when there is hardly any."""
    return cepstra(analyse(pcm).mel)


def pink_noise(samples: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS pink (1/f power) noise: the spectrum of a gym's fans and crowd."""
    spec = np.fft.rfft(rng.standard_normal(samples))
    f = np.fft.rfftfreq(samples, 1.0 / RATE)
    spec[0] = 0.0
    spec[1:] /= np.sqrt(f[1:])
    x = np.fft.irfft(spec, samples)
    return np.asarray(x / max(float(np.sqrt(np.mean(x**2))), 1e-15))


def with_noise(pcm: bytes, snr_db: float, rng: np.random.Generator) -> bytes:
    """A take with pink noise at ``snr_db`` below its speech, and 0.3 s of that noise either
    side (as the detector would have cut it in that room)."""
    a = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    frames = len(a) // HOP
    if frames == 0:
        return pcm
    energy = (a[: frames * HOP].reshape(frames, HOP) ** 2).mean(axis=1)
    active = float(np.sqrt(energy[energy >= energy.max() * 1e-3].mean()))
    pad = np.zeros(int(0.3 * RATE))
    a = np.concatenate([pad, a, pad])
    a = a + pink_noise(len(a), rng) * active / 10 ** (snr_db / 20)
    peak = float(np.abs(a).max())
    if peak > 32000:  # scale, not clip: the SNR stays as asked
        a *= 32000 / peak
    return a.astype(np.int16).tobytes()


def distances(word: np.ndarray, templates: list[np.ndarray]) -> np.ndarray:
    """The mean per-frame DTW cost of ``word`` against each template (inf: cannot align).

    Each frame of ``word`` moves the template on by 0, 1 or 2 frames, so a
    template more than twice the word's length cannot be reached (inf), and a
    word is compared from its first frame to its last with each template's.
    """
    if len(word) < MIN_FRAMES or not templates:
        return np.full(len(templates), np.inf)
    lengths = np.array([len(t) for t in templates])
    longest = max(int(lengths.max()), 1)
    stack = np.zeros((len(templates), longest, word.shape[1]))
    for k, t in enumerate(templates):
        stack[k, : len(t)] = t
    # local[k, i, j]: distance of the word's frame i to template k's frame j
    cross = np.matmul(stack, word.T).transpose(0, 2, 1)  # a batched product: 7x einsum's speed
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
    # An adapted take wholly under the noise has no frames: its row is all inf.
    end = cost[np.arange(len(templates)), np.maximum(lengths, 1) - 1]
    return np.asarray(end / len(word))
