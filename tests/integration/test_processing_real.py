"""The earbud chain on real espeak-ng speech: louder, brighter, no digital holes."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from voicecoach.audio.clips import Clip
from voicecoach.speech.chain import Chain
from voicecoach.speech.engines import EngineSpec
from voicecoach.speech.processing import DEFAULT_CHAIN, process
from voicecoach.speech.worker_client import WorkerRenderer

PHRASES = ("Next set: up to one hundred fifty-five pounds.", "Rest ninety seconds.", "seven. pull")


@pytest.fixture(scope="module")
def spoken() -> dict[str, Clip]:
    """Raw espeak-ng speech, from the speech worker with the processing chain off."""
    renderer = WorkerRenderer(EngineSpec("espeak", None, chain=Chain.off()))
    try:
        return {text: renderer.render(text) for text in PHRASES}
    finally:
        renderer.close()


def _array(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / 32768


def _share_1_to_4_khz(clip: Clip) -> float:
    x = _array(clip)
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / clip.rate)
    return float(power[(f >= 1000) & (f < 4000)].sum() / power.sum())


def _loudness(clip: Clip) -> float:
    x = _array(clip)
    if x.size < int(0.4 * clip.rate):  # pyloudnorm needs one 400 ms block
        x = np.concatenate([x, np.zeros(int(0.4 * clip.rate) - x.size)])
    return float(pyloudnorm.Meter(clip.rate).integrated_loudness(x))


@pytest.mark.parametrize("text", PHRASES[:2])
def test_real_speech_lands_on_the_loudness_target(spoken: dict[str, Clip], text: str) -> None:
    """espeak-ng's phrases, whatever their own level, come out within 1 LU of the target."""
    out = process(spoken[text], DEFAULT_CHAIN)
    assert DEFAULT_CHAIN.loudness is not None
    assert abs(_loudness(out) - DEFAULT_CHAIN.loudness) < 1.0


def test_real_speech_comes_out_louder(spoken: dict[str, Clip]) -> None:
    """espeak-ng renders below the target; the chain brings every phrase up."""
    for clip in spoken.values():
        assert _loudness(process(clip, DEFAULT_CHAIN)) > _loudness(clip) + 1


def test_real_speech_comes_out_brighter(spoken: dict[str, Clip]) -> None:
    """The presence boost raises the share of energy between 1 and 4 kHz."""
    for clip in spoken.values():
        assert _share_1_to_4_khz(process(clip, DEFAULT_CHAIN)) > _share_1_to_4_khz(clip) + 0.05


def test_real_speech_has_no_digital_silence_inside(spoken: dict[str, Clip]) -> None:
    """espeak-ng leaves runs of exact zeros inside words; the floor fills them."""
    raw = _array(spoken[PHRASES[0]])
    out = _array(process(spoken[PHRASES[0]], DEFAULT_CHAIN))
    assert np.mean(raw == 0) > 0.05  # the problem is real: espeak-ng's own output
    zero_runs = np.diff(np.flatnonzero(np.diff(np.concatenate(([0], out == 0, [0])))))[::2]
    assert zero_runs.size == 0 or zero_runs.max() < 4


def test_real_speech_starts_at_its_first_sound(spoken: dict[str, Clip]) -> None:
    """Padding is trimmed: the clip is shorter, and its first 2 ms already carry sound."""
    clip = spoken[PHRASES[1]]
    out = process(clip, DEFAULT_CHAIN)
    x = _array(out)
    assert out.frames < clip.frames
    assert np.max(np.abs(x[: int(0.002 * out.rate)])) > 0.005
