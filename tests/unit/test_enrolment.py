"""The speaker check: DTW on fixed feature arrays, leave-one-out thresholds, the file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from voicecoach.inputs import enrolment, voiceprint
from voicecoach.inputs.enrolment import MARGIN, Enrolment, EnrolmentError, calibrate, load
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


def test_threshold_is_margin_times_the_farthest_leave_one_out_distance() -> None:
    takes = [ramp(30, 0.0), ramp(30, 0.02), ramp(30, 0.05)]
    loo = [voiceprint.distances(t, [u for u in takes if u is not t]).min() for t in takes]
    wide = [ramp(30, 0.0), ramp(30, 0.1), ramp(30, 0.2)]
    th = calibrate({"three": takes, "two": wide})
    assert th["two"] > th["three"]
    # the tight word is floored at the median over all words, so never below its own spread
    assert th["three"] >= MARGIN * max(loo) - 1e-9


def two_words() -> Enrolment:
    return Enrolment(
        {
            "three": [ramp(30, 0.0), ramp(32, 0.01), ramp(28, 0.02)],
            "five": [ramp(30, 0.3), ramp(32, 0.31), ramp(28, 0.32)],
        }
    )


def test_the_lifters_word_is_taken() -> None:
    v = two_words().judge(ramp(31, 0.005), "three")
    assert v.accepted and v.nearest == "three" and v.distance <= v.threshold


def test_a_word_nearer_another_words_takes_is_refused() -> None:
    # the grammar proposes "five", but it sounds like this lifter's "three"
    v = two_words().judge(ramp(31, 0.005), "five")
    assert not v.accepted and v.nearest == "three"


def test_a_far_voice_saying_nothing_enrolled_is_refused() -> None:
    v = two_words().judge(ramp(30, 0.15), "three")  # between the two, near neither
    assert not v.accepted and v.distance > v.threshold


def test_a_word_not_enrolled_is_refused() -> None:
    assert not two_words().judge(ramp(30, 0.0), "undo").accepted


def full() -> Enrolment:
    words = enumerate(enrolment.WORDS)
    return Enrolment({w: [ramp(30, i / 40), ramp(31, i / 40 + 0.005)] for i, w in words})


def test_the_file_round_trips_with_its_version(tmp_path: Path) -> None:
    path = tmp_path / "voice-enrolment.json"
    e = full()
    e.save(path)
    doc = json.loads(path.read_text())
    assert doc["version"] == enrolment.VERSION and doc["format"] == enrolment.FORMAT
    back = load(path)
    assert back is not None
    assert set(back.templates) == set(enrolment.WORDS)
    for w in enrolment.WORDS:
        assert back.thresholds[w] == pytest.approx(e.thresholds[w], abs=1e-4)
    assert back.judge(ramp(30, 0.0), enrolment.WORDS[0]).accepted


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
    path.write_text(json.dumps(doc))
    with pytest.raises(EnrolmentError, match="undo not enrolled"):
        load(path)
    doc = full().to_json()
    doc["words"]["yes"]["takes"] = [[[1.0, 2.0]]]
    path.write_text(json.dumps(doc))
    with pytest.raises(EnrolmentError, match="wrong shape"):
        load(path)


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
    assert ok and f"{len(enrolment.WORDS)} words" in line
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
    th = calibrate({"three": [ramp(30, 0.0)], "two": [ramp(30, 0.3), ramp(30, 0.32)]})
    assert th["three"] == pytest.approx(th["two"])
