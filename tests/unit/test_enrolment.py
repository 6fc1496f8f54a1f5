"""The speaker check: DTW on fixed feature arrays, leave-one-out thresholds, the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from glides import glide
from voicecoach.inputs import enrolment, voiceprint
from voicecoach.inputs.enrolment import (
    MARGIN,
    NOISY_SNR,
    Enrolment,
    EnrolmentError,
    Threshold,
    limits,
    load,
)
from voicecoach.inputs.mictrain import take_problem
from voicecoach.inputs.segments import Utterance

D = voiceprint.CEPSTRA


def ramp(frames: int, phase: float) -> np.ndarray:
    """A smooth (frames, D) trajectory; ``phase`` makes a different 'word'."""
    t = np.linspace(0.0, 1.0, frames)[:, None]
    k = np.arange(1, D + 1)[None, :]
    return np.sin(2 * np.pi * (t * k / 4 + phase))


def test_identical_sequences_are_zero_apart() -> None:
    a = ramp(30, 0.0)
    assert voiceprint.distances(a, [a])[0] == pytest.approx(0.0, abs=1e-6)


def test_a_slower_take_of_the_same_word_aligns_closer_than_another_word() -> None:
    word = ramp(30, 0.0)
    slower = np.repeat(word, 2, axis=0)[:50]  # the same path, said slower
    other = ramp(30, 0.37)
    near, far = voiceprint.distances(word, [slower, other])
    assert near < 0.5 * far


def test_too_short_or_unreachable_is_infinite() -> None:
    short = ramp(voiceprint.MIN_FRAMES - 1, 0.0)
    assert np.isinf(voiceprint.distances(short, [ramp(20, 0.0)])).all()
    # each heard frame moves the template at most two frames on: 10 frames cannot reach 25
    d = voiceprint.distances(ramp(10, 0.0), [ramp(25, 0.0), ramp(12, 0.0)])
    assert np.isinf(d[0]) and np.isfinite(d[1])


def test_limits_are_margin_times_the_farthest_repeat_floored_at_the_median() -> None:
    th = limits({"three": [1.0, 1.2, 1.1], "two": [2.0, 3.0, 2.5], "one": [0.2, 0.3, 0.25]})
    assert th["two"] == pytest.approx(MARGIN * 3.0)
    # a tight word is floored at the median over all words (three takes are few)
    assert th["one"] == pytest.approx(MARGIN * 1.1)
    assert th["three"] == pytest.approx(MARGIN * 1.2)


def test_the_threshold_moves_from_quiet_to_noisy_with_the_heard_snr() -> None:
    th = Threshold(quiet=1.0, noisy=2.0)
    assert th.at(60.0) == pytest.approx(1.0)
    assert th.at(enrolment.QUIET_SNR) == pytest.approx(1.0)
    assert th.at((enrolment.QUIET_SNR + NOISY_SNR) / 2) == pytest.approx(1.5)
    # deeper in noise than calibrated: no looser than the noisy threshold
    assert th.at(0.0) == pytest.approx(2.0)


def mel(frames: int, phase: float) -> np.ndarray:
    """Mel-band powers whose cepstra follow a smooth trajectory; ``phase`` makes another word."""
    t = np.linspace(0.0, 1.0, frames)[:, None]
    bands = np.arange(voiceprint.MELS)[None, :]
    return 10 ** (2 * np.sin(2 * np.pi * (t + phase) + bands / 5) - 4)


def two_words() -> Enrolment:
    same = Threshold(4.0, 6.0)
    return Enrolment(
        {
            "three": [mel(30, 0.0), mel(32, 0.01), mel(28, 0.02)],
            "five": [mel(30, 0.45), mel(32, 0.46), mel(28, 0.47)],
        },
        {"three": same, "five": same},
    )


def heard(frames: int, phase: float) -> voiceprint.Heard:
    return voiceprint.Heard.clean(mel(frames, phase))


def test_the_lifters_word_is_taken() -> None:
    v = two_words().judge(heard(31, 0.005), "three")
    assert v.accepted and v.nearest == "three" and v.distance <= v.threshold


def test_a_word_nearer_another_words_takes_is_refused() -> None:
    # the grammar proposes "five", but it sounds like this lifter's "three"
    v = two_words().judge(heard(31, 0.005), "five")
    assert not v.accepted and v.nearest == "three"


def test_a_far_voice_saying_nothing_enrolled_is_refused() -> None:
    e = two_words()
    v = e.judge(heard(30, 0.22), "three")  # between the two, near neither
    assert v.distance > e.judge(heard(31, 0.005), "three").distance
    tight = Enrolment(
        e.templates, {w: Threshold(v.distance / 2, v.distance / 2) for w in e.templates}
    )
    assert not tight.judge(heard(30, 0.22), "three").accepted


def test_a_word_not_enrolled_is_refused() -> None:
    assert not two_words().judge(heard(30, 0.0), "undo").accepted


# --- on real audio: rising and falling harmonic glides stand in for two words -------------


def glides() -> Enrolment:
    return Enrolment.from_takes(
        {
            "up": [glide(True, s, b) for s, b in ((0.45, 150), (0.5, 155), (0.55, 145))],
            "down": [glide(False, s, b) for s, b in ((0.45, 150), (0.5, 155), (0.55, 145))],
        }
    )


def test_calibration_is_looser_in_noise_than_in_quiet() -> None:
    for th in glides().thresholds.values():
        assert 0 < th.quiet < th.noisy


def test_a_word_in_pink_noise_at_10_db_is_still_taken_and_told_apart() -> None:
    """The heard noise is added to the takes, so a word at 10 dB SNR still matches its own
    takes (and not the other word's), within the threshold for its noise."""
    e = glides()
    rng = np.random.default_rng(3)
    for word, rising in (("up", True), ("down", False)):
        noisy = voiceprint.with_noise(glide(rising, 0.5, 152), NOISY_SNR, rng)
        v = e.verdict(noisy, word)
        assert v.nearest == word and v.accepted, v
        other = "down" if rising else "up"
        assert not e.verdict(noisy, other).accepted


def test_analyse_measures_the_noise_it_was_heard_in() -> None:
    pcm = glide(True, 0.5, 150)
    rng = np.random.default_rng(4)
    quiet = voiceprint.analyse(pcm).snr_db
    ten = voiceprint.analyse(voiceprint.with_noise(pcm, 10.0, rng)).snr_db
    assert quiet > 30.0
    assert 4.0 < ten < 16.0  # the word's level over its noise, as with_noise set it


def full(enrolled: tuple[str, ...] = enrolment.ENROLLED) -> Enrolment:
    """Every word mic-train asks for (or only ``enrolled``), two takes each."""
    words = enumerate(enrolled)
    return Enrolment(
        {w: [mel(30, i / 40), mel(31, i / 40 + 0.005)] for i, w in words},
        {w: Threshold(1.5 + i / 100, 2.5) for i, w in enumerate(enrolled)},
    )


def test_the_file_round_trips_with_its_version(tmp_path: Path) -> None:
    path = tmp_path / "voice-enrolment.json"
    e = full()
    e.save(path)
    doc = json.loads(path.read_text())
    assert doc["version"] == enrolment.VERSION and doc["format"] == enrolment.FORMAT
    assert doc["near_words"] == list(enrolment.NEAR_WORDS)
    back = load(path)
    assert back is not None
    assert set(back.templates) == set(enrolment.ENROLLED)
    assert back.near_words == list(enrolment.NEAR_WORDS)
    for w in enrolment.ENROLLED:
        assert back.thresholds[w].quiet == pytest.approx(e.thresholds[w].quiet, abs=1e-4)
        assert back.thresholds[w].noisy == pytest.approx(e.thresholds[w].noisy, abs=1e-4)
        for a, b in zip(back.templates[w], e.templates[w], strict=True):
            assert np.allclose(10 * np.log10(a), 10 * np.log10(b), atol=0.01)
    w = enrolment.WORDS[0]
    assert back.judge(heard(30, 0.1), w).distance == pytest.approx(
        e.judge(heard(30, 0.1), w).distance, abs=1e-2
    )


def test_an_enrolment_made_before_near_words_still_loads_and_says_how_to_add_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "e.json"
    doc = full(enrolment.WORDS).to_json()
    del doc["near_words"]  # the file as the version before near words wrote it
    path.write_text(json.dumps(doc))
    back = load(path)
    assert back is not None and back.near_words == []
    assert set(back.templates) == set(enrolment.WORDS)
    ok, line = enrolment.status(path)
    assert ok and "no near words" in line and "mic-train" in line


def refused(path: Path, doc: dict[str, Any], match: str) -> None:
    """Saving ``doc`` at ``path`` gives an enrolment ``load`` refuses, saying ``match``."""
    path.write_text(json.dumps(doc))
    with pytest.raises(EnrolmentError, match=match):
        load(path)


def test_a_near_word_without_takes_or_that_is_an_answer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    doc = full().to_json()
    del doc["words"]["fine"]
    refused(path, doc, "near word 'fine' is not enrolled")
    doc = full().to_json()
    doc["near_words"] = ["five"]  # an answer can never be a word a run refuses
    refused(path, doc, "near word 'five'")
    doc["near_words"] = "fine"
    refused(path, doc, "not a list of words")


def test_no_file_is_no_enrolment(tmp_path: Path) -> None:
    assert load(tmp_path / "absent.json") is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{\n  nope", ":2: not JSON"),
        ('{"format": "other"}', "not a voicecoach enrolment"),
        ('{"format": "voicecoach-enrolment", "version": 99}', "another version"),
    ],
)
def test_a_bad_file_is_one_line_with_how_to_redo(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "e.json"
    path.write_text(text)
    with pytest.raises(EnrolmentError) as err:
        load(path)
    assert says in str(err.value) and "mic-train" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_missing_word_or_bad_take_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    doc = full().to_json()
    del doc["words"]["undo"]
    refused(path, doc, "undo not enrolled")
    doc = full().to_json()
    doc["words"]["yes"]["takes"] = [[[1.0, 2.0]]]
    refused(path, doc, "wrong shape")
    doc = full().to_json()
    doc["words"]["no"]["threshold"] = 1.5  # version 1's single threshold
    refused(path, doc, "no valid thresholds")


def test_an_oversized_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enrolment, "ENROLMENT_LIMIT", 100)
    path = tmp_path / "e.json"
    full().save(path)
    with pytest.raises(EnrolmentError, match="cannot read it"):
        load(path)


def test_status_says_whether_an_enrolment_exists(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    ok, line = enrolment.status(path)
    assert ok and "no voice enrolment" in line
    full().save(path)
    ok, line = enrolment.status(path)
    near = len(enrolment.NEAR_WORDS)
    assert ok and f"{len(enrolment.WORDS)} words and {near} near words" in line
    path.write_text("[]")
    ok, line = enrolment.status(path)
    assert not ok and "not a voicecoach enrolment" in line


def tone(seconds: float, amplitude: float) -> bytes:
    t = np.arange(int(16000 * seconds)) / 16000
    a = amplitude * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return np.clip(a, -32768, 32767).astype(np.int16).tobytes()


def utt(pcm: bytes, voiced: float) -> Utterance:
    return Utterance(0.0, len(pcm) / 32000, pcm, voiced)


def test_take_checks() -> None:
    assert take_problem(None) is not None and "heard nothing" in str(take_problem(None))
    assert take_problem(utt(tone(0.5, 8000), 0.5)) is None
    assert "clipped" in str(take_problem(utt(tone(0.5, 60000), 0.5)))
    assert "quiet" in str(take_problem(utt(tone(0.5, 200), 0.5)))
    assert "short" in str(take_problem(utt(tone(0.5, 8000), 0.01)))
    assert "long" in str(take_problem(utt(tone(4.0, 8000), 4.0)))


def test_a_word_with_one_take_gets_the_pooled_threshold() -> None:
    th = limits({"three": [], "two": [1.0, 2.0], "one": [3.0, 4.0]})
    assert th["three"] == pytest.approx(MARGIN * 2.5)
