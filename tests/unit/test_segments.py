"""The utterance cutter's rules on scripted speech probabilities (no model, no audio)."""

from __future__ import annotations

import pytest

from voicecoach.inputs.segments import (
    FRAME,
    FRAME_SECONDS,
    HANGOVER,
    MAX_UTTERANCE,
    POST_ROLL,
    PRE_ROLL,
    Segmenter,
    Utterance,
)


class _Script:
    """A detector that answers each frame with the next scripted probability."""

    def __init__(self, probs: list[float]):
        self.probs = list(probs)
        self.resets = 0

    def __call__(self, frame: bytes) -> float:
        assert len(frame) == FRAME * 2
        return self.probs.pop(0) if self.probs else 0.0

    def reset(self) -> None:
        self.resets += 1


def _run(probs: list[float], chunk_samples: int = FRAME) -> list[Utterance]:
    seg = Segmenter(_Script(probs))
    pcm = bytes(2 * FRAME * len(probs))
    out: list[Utterance] = []
    step = chunk_samples * 2
    for i in range(0, len(pcm), step):
        out += seg.feed(pcm[i : i + step], (i + step) / 2 / 16000)
    return out


def test_one_word_is_one_utterance_with_its_pre_roll() -> None:
    """Speech between quiet gives one utterance, starting the pre-roll before its onset."""
    (utt,) = _run([0.0] * 20 + [0.9] * 10 + [0.0] * 20)
    assert utt.start == pytest.approx((20 - (PRE_ROLL - 1)) * FRAME_SECONDS)
    assert utt.voiced == pytest.approx(10 * FRAME_SECONDS)
    assert len(utt.pcm) == 2 * FRAME * ((PRE_ROLL - 1) + 10 + POST_ROLL)
    assert utt.end == pytest.approx((30 + HANGOVER) * FRAME_SECONDS)


def test_a_short_dip_does_not_split_a_word() -> None:
    """Fewer quiet frames than the hangover inside speech keep it one utterance."""
    probs = [0.0] * 12 + [0.9] * 5 + [0.1] * (HANGOVER - 1) + [0.9] * 5 + [0.0] * 20
    (utt,) = _run(probs)
    assert utt.voiced == pytest.approx(10 * FRAME_SECONDS)


def test_between_the_thresholds_is_neither_speech_nor_quiet() -> None:
    """A probability between offset and onset holds the utterance open but is not voiced."""
    (utt,) = _run([0.0] * 12 + [0.9] * 4 + [0.4] * 30 + [0.0] * 20)
    assert utt.voiced == pytest.approx(4 * FRAME_SECONDS)
    assert utt.end == pytest.approx((12 + 4 + 30 + HANGOVER) * FRAME_SECONDS)


def test_endless_speech_is_cut_at_the_limit() -> None:
    """Speech that never stops is cut into pieces no longer than MAX_UTTERANCE."""
    frames = int(3 * MAX_UTTERANCE / FRAME_SECONDS)
    utts = _run([0.9] * frames)
    assert len(utts) >= 2
    assert all(u.end - u.start <= MAX_UTTERANCE + 2 * FRAME_SECONDS for u in utts)


def test_chunks_need_not_align_with_frames() -> None:
    """30 ms microphone chunks give the same utterance as whole frames."""
    probs = [0.0] * 20 + [0.9] * 10 + [0.0] * 20
    ((a, b),) = zip(_run(probs, chunk_samples=480), _run(probs), strict=True)
    assert (a.pcm, a.voiced) == (b.pcm, b.voiced)
    assert (a.start, a.end) == pytest.approx((b.start, b.end))


def test_reset_forgets_an_open_utterance() -> None:
    """After reset (the listener was deaf) a half-heard word is never delivered."""
    det = _Script([0.0] * 12 + [0.9] * 5)
    seg = Segmenter(det)
    assert list(seg.feed(bytes(2 * FRAME * 17), 17 * FRAME_SECONDS)) == []
    seg.reset()
    det.probs = [0.0] * 20
    assert list(seg.feed(bytes(2 * FRAME * 20), 37 * FRAME_SECONDS)) == []
    assert det.resets == 1
