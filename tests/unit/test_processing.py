"""The earbud processing chain on synthetic speech-like clips; pyloudnorm checks the loudness."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from voicecoach.audio.clips import Clip
from voicecoach.speech.processing import DEFAULT_CHAIN, RAW, Chain, loudness, process

RATE = 22050


def as_clip(x: np.ndarray, rate: int = RATE) -> Clip:
    return Clip((np.clip(x, -1, 32767 / 32768) * 32768).astype("<i2").tobytes(), rate)


def as_array(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / 32768


def syllables(
    seconds: float = 1.6,
    level: float = 0.2,
    lead: float = 0.3,
    tail: float = 0.3,
    rate: int = RATE,
    gaps: bool = True,
) -> np.ndarray:
    """Voiced "syllables": a 140 Hz harmonic series, loud and soft in turn, exact zeros between.

    Like espeak-ng's output: digital silence before, after and inside the phrase.
    """
    t = np.arange(int(seconds * rate)) / rate
    voiced = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 30))
    envelope = np.where((t * 4).astype(int) % 2 == 0, 1.0, 0.15)  # loud, soft, loud, soft
    if gaps:
        envelope = np.where((t % 0.5) > 0.45, 0.0, envelope)
    x = level * voiced * envelope / np.max(np.abs(voiced))
    return np.concatenate([np.zeros(int(lead * rate)), x, np.zeros(int(tail * rate))])


def band_share(x: np.ndarray, low: float, high: float, rate: int = RATE) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / rate)
    return float(power[(f >= low) & (f < high)].sum() / power.sum())


def longest_zero_run(x: np.ndarray) -> int:
    best = run = 0
    for zero in x == 0:
        run = run + 1 if zero else 0
        best = max(best, run)
    return best


@pytest.mark.parametrize("target", [-24.0, -18.0, -14.0])
@pytest.mark.parametrize("level", [0.02, 0.2, 0.9])
def test_loudness_reaches_target(target: float, level: float) -> None:
    """A processed clip is within 1 LU of the target, measured by pyloudnorm."""
    out = process(as_clip(syllables(level=level)), DEFAULT_CHAIN.with_(loudness=target))
    measured = pyloudnorm.Meter(RATE).integrated_loudness(as_array(out))
    assert abs(measured - target) < 1.0


@pytest.mark.parametrize("rate", [16000, 22050, 48000])
def test_own_loudness_meter_agrees_with_pyloudnorm(rate: int) -> None:
    """The numpy BS.1770 meter reads within 0.2 LU of pyloudnorm's, at any rate."""
    x = syllables(rate=rate, gaps=False)
    x = x + 0.01 * np.random.default_rng(1).standard_normal(x.size)
    assert abs(loudness(x, rate) - pyloudnorm.Meter(rate).integrated_loudness(x)) < 0.2


def test_presence_boost_raises_the_2_to_4_khz_share() -> None:
    """The presence bell puts a larger share of the energy between 2 and 4 kHz."""
    clip = as_clip(syllables())
    flat = as_array(process(clip, DEFAULT_CHAIN.with_(presence_db=0.0)))
    bright = as_array(process(clip, DEFAULT_CHAIN.with_(presence_db=8.0)))
    assert band_share(bright, 2000, 4000) > 2 * band_share(flat, 2000, 4000)


def test_no_runs_of_exact_zeros_inside() -> None:
    """Digital silence inside the phrase becomes a noise floor: no 4 zeros in a row."""
    out = as_array(process(as_clip(syllables(gaps=True)), DEFAULT_CHAIN))
    assert longest_zero_run(out) < 4


def test_noise_floor_is_about_minus_60_dbfs() -> None:
    """In a gap between syllables the floor's RMS is within 3 dB of −60 dBFS."""
    flat = Chain()  # no EQ, whose ring-out would fill the gap
    out = as_array(process(as_clip(syllables(gaps=True)), flat))
    gap = out[int(0.46 * RATE) : int(0.49 * RATE)]  # the first gap, as trimmed (lead cut)
    rms_db = 20 * np.log10(np.sqrt(np.mean(gap**2)))
    assert -63 < rms_db < -57


@pytest.mark.parametrize("target", [-18.0, -8.0, -3.0])
def test_peaks_stay_below_full_scale(target: float) -> None:
    """Even a target too loud for the ceiling never clips: peaks stay under −1 dBFS."""
    out = as_array(process(as_clip(syllables(level=0.99)), DEFAULT_CHAIN.with_(loudness=target)))
    assert np.max(np.abs(out)) <= 10 ** (-1 / 20) + 1 / 32768


def test_leading_and_trailing_silence_trimmed() -> None:
    """The clip starts at its first sound and ends 20 ms after its last."""
    x = syllables(lead=0.5, tail=0.5)
    loud = np.flatnonzero(np.abs(x) * 32768 > 300)
    out = process(as_clip(x), DEFAULT_CHAIN)
    assert out.frames == loud[-1] + 1 + int(0.02 * RATE) - loud[0]


def test_first_sample_is_the_first_sound() -> None:
    """The processed clip's first sample is the onset, not padding."""
    out = as_array(process(as_clip(syllables(lead=0.5)), DEFAULT_CHAIN))
    assert np.max(np.abs(out[:20])) > 10 ** (-40 / 20)


@pytest.mark.parametrize("frames", [0, 1, 3, 200])
def test_empty_and_very_short_clips(frames: int) -> None:
    """Empty and very short clips come back without error, at their rate, no longer."""
    x = 0.5 * np.sin(np.arange(frames))
    out = process(as_clip(x, 16000), DEFAULT_CHAIN)
    assert out.rate == 16000 and out.frames <= frames


def test_all_silent_clip_becomes_empty() -> None:
    """A clip with no sound at all trims to nothing (the voice retries an empty render)."""
    assert process(Clip(bytes(4000), RATE), DEFAULT_CHAIN).pcm == b""


@pytest.mark.parametrize("rate", [16000, 22050, 44100])
def test_rate_is_kept(rate: int) -> None:
    """The chain never resamples."""
    assert process(as_clip(syllables(rate=rate), rate), DEFAULT_CHAIN).rate == rate


def test_same_input_gives_same_bytes() -> None:
    """The seeded floor makes processing deterministic (the phrase cache depends on it)."""
    clip = as_clip(syllables())
    assert process(clip, DEFAULT_CHAIN).pcm == process(clip, DEFAULT_CHAIN).pcm


def test_processing_twice_keeps_length_and_level() -> None:
    """Processing an already processed clip changes neither its length nor its loudness."""
    once = process(as_clip(syllables()), DEFAULT_CHAIN)
    twice = process(once, DEFAULT_CHAIN)
    meter = pyloudnorm.Meter(RATE)
    assert twice.frames == once.frames
    assert (
        abs(meter.integrated_loudness(as_array(twice)) - meter.integrated_loudness(as_array(once)))
        < 0.5
    )


def test_compression_narrows_loud_soft_difference() -> None:
    """With compression, soft syllables come up relative to loud ones."""
    x = syllables(gaps=False, lead=0, tail=0)

    def spread(y: np.ndarray) -> float:
        quarter = RATE // 4
        loud = np.sqrt(np.mean(y[:quarter] ** 2))
        soft = np.sqrt(np.mean(y[quarter : 2 * quarter] ** 2))
        return float(20 * np.log10(loud / soft))

    plain = as_array(process(as_clip(x), Chain(floor_db=None)))
    squeezed = as_array(process(as_clip(x), Chain(floor_db=None, compress_db=-30, ratio=4)))
    assert spread(squeezed) < spread(plain) - 3


def test_off_chain_returns_clip_unchanged() -> None:
    """Chain.off() is a no-op, byte for byte, padding included."""
    clip = as_clip(syllables(level=1.0))
    assert process(clip, Chain.off()) == clip
    assert Chain.off() == RAW


def test_keys_are_short_stable_and_distinct() -> None:
    """key() names the settings: equal chains share it, different ones do not."""
    keys = {
        Chain.off().key(),
        Chain().key(),
        DEFAULT_CHAIN.key(),
        DEFAULT_CHAIN.with_(presence_db=4.0).key(),
        DEFAULT_CHAIN.with_(floor_db=None).key(),
        DEFAULT_CHAIN.with_(ratio=2.0).key(),
    }
    assert len(keys) == 6
    assert Chain.off().key() == "off"
    assert DEFAULT_CHAIN.key() == Chain(**DEFAULT_CHAIN.__dict__).key()
    assert all(len(k) <= 60 for k in keys)
