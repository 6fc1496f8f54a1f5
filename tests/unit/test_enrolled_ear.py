"""The enrolment as an ear: the grammar's word when the takes agree, else the takes' own
word only when it is clearly the nearest (margin to the second word and to the threshold)."""

from __future__ import annotations

import numpy as np
import pytest

from glides import glide
from voicecoach.inputs import voiceprint
from voicecoach.inputs.commands import WINDOWS
from voicecoach.inputs.enrolled_ear import Ear
from voicecoach.inputs.enrolment import NOISY_SNR, Enrolment, Scores

ANSWER = WINDOWS["answer"]
SET = WINDOWS["set"]


def scores(**distance: float) -> Scores:
    """Distances to each word's takes, every threshold 1.0."""
    return Scores(dict(distance), {w: 1.0 for w in distance})


def test_the_grammars_word_stands_when_the_takes_agree() -> None:
    assert Ear().word(scores(three=0.5, two=0.55), "three", ANSWER) == "three"


def test_with_no_grammar_word_a_clearly_nearest_live_word_is_taken() -> None:
    assert Ear().word(scores(three=0.5, two=0.9, five=1.4), None, ANSWER) == "three"


def test_a_near_tie_is_not_taken_on_the_takes_alone() -> None:
    # 0.55 is within 1.2 times 0.5: the takes cannot tell three from two
    assert Ear().word(scores(three=0.5, two=0.55), None, ANSWER) is None
    # with a smaller margin asked for, the same distances are clear enough
    assert Ear(second=1.05).word(scores(three=0.5, two=0.55), None, ANSWER) == "three"


def test_the_nearest_word_must_be_within_room_times_its_threshold() -> None:
    assert Ear().word(scores(three=1.1, two=2.0), None, ANSWER) is None
    assert Ear(room=1.2).word(scores(three=1.1, two=2.0), None, ANSWER) == "three"
    assert Ear(room=0.8).word(scores(three=0.9, two=2.0), None, ANSWER) is None


def test_a_word_not_live_is_not_taken_even_if_nearest() -> None:
    # nearest is "three", not live in a set: "done", second nearest, is not taken instead
    assert Ear().word(scores(three=0.4, done=0.9), None, SET) is None


def test_a_grammar_word_the_takes_disagree_with_gives_way_to_the_takes() -> None:
    s = scores(three=0.4, five=1.2)
    assert s.verdict("five").accepted is False
    assert Ear().word(s, "five", ANSWER) == "three"
    # filling only where the grammar said nothing: the disagreement removes the word
    assert Ear(override=False).word(s, "five", ANSWER) is None
    assert Ear(override=False).word(s, None, ANSWER) == "three"


def test_a_voice_far_from_every_take_is_refused() -> None:
    assert Ear().word(scores(three=3.0, two=6.0), "three", ANSWER) is None
    assert Ear().word(scores(three=3.0, two=6.0), None, ANSWER) is None


def test_unalignable_or_empty_scores_take_nothing() -> None:
    inf = float("inf")
    assert Ear().word(scores(three=inf, two=inf), None, ANSWER) is None
    assert Ear().word(Scores({}, {}), None, ANSWER) is None


# --- on real features: rising and falling harmonic glides stand in for two words ----------


@pytest.fixture(scope="module")
def glides() -> Enrolment:
    """Two "words" enrolled as "two" (rising) and "three" (falling), three takes each."""
    takes = ((0.45, 150), (0.5, 155), (0.55, 145))
    return Enrolment.from_takes(
        {
            "two": [glide(True, s, b) for s, b in takes],
            "three": [glide(False, s, b) for s, b in takes],
        }
    )


def test_the_ear_names_a_word_in_10_db_pink_noise_the_grammar_missed(glides: Enrolment) -> None:
    rng = np.random.default_rng(5)
    for word, rising in (("two", True), ("three", False)):
        noisy = voiceprint.with_noise(glide(rising, 0.5, 152), NOISY_SNR, rng)
        s = glides.scores(voiceprint.analyse(noisy))
        assert Ear().word(s, None, ANSWER) == word
        # the same utterance in a window where its word is not live takes nothing
        assert Ear().word(s, None, SET) is None


def test_a_sound_like_neither_word_is_not_named(glides: Enrolment) -> None:
    t = np.arange(8000) / 16000  # half a second of a steady vowel-like hum
    hum = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 8)) * 5000
    pad = np.zeros(4800)
    pcm = np.concatenate([pad, hum, pad]).astype(np.int16).tobytes()
    s = glides.scores(voiceprint.analyse(pcm))
    assert Ear().word(s, None, ANSWER) is None


def test_agree_tightens_the_threshold_the_grammars_word_must_meet() -> None:
    s = scores(five=0.9, three=3.0)
    assert Ear().word(s, "five", ANSWER) == "five"  # within the check's threshold, 1.0
    tight = Ear(room=0.85, agree=0.85)
    assert tight.word(s, "five", ANSWER) is None  # 0.9 is past 0.85 of it
    assert tight.word(scores(five=0.8, three=3.0), "five", ANSWER) == "five"


# --- near words: enrolled non-answers ("fine" beside "five") -------------------------------


def test_an_utterance_nearest_a_near_word_is_refused_even_with_the_grammars_word() -> None:
    # the grammar hears "five" (it hears the lifter's "fine" so); the takes put it nearer
    # the lifter's own "fine"
    s = scores(fine=0.5, five=0.6, three=2.0)
    assert s.verdict("five").accepted is False
    assert Ear().word(s, "five", ANSWER) is None
    assert Ear().word(s, None, ANSWER) is None


def test_near_words_are_left_out_of_the_margin_to_the_second_word() -> None:
    # "five" nearest; "fine" close behind (within 1.2 times) is a near word, not a rival:
    # five is taken. Were "fine" an answer word, the same distances would be a near tie.
    s = scores(five=0.5, fine=0.55, three=1.4)
    assert Ear().word(s, None, ANSWER) == "five"
    tie = scores(five=0.5, four=0.55, three=1.4)
    assert Ear().word(tie, None, ANSWER) is None


def test_a_near_word_enrolled_on_real_features_takes_its_sound_away(glides: Enrolment) -> None:
    """A falling glide said as "three" is taken; enrolled as a near word instead, the same
    sound is refused, by the check and by the ear."""
    takes = ((0.45, 150), (0.5, 155), (0.55, 145))
    near = Enrolment.from_takes(
        {
            "two": [glide(True, s, b) for s, b in takes],
            "fine": [glide(False, s, b) for s, b in takes],
        }
    )
    assert near.near_words == ["fine"]
    falling = voiceprint.analyse(glide(False, 0.5, 152))
    assert Ear().word(glides.scores(falling), None, ANSWER) == "three"
    s = near.scores(falling)
    assert s.ranked()[0] == "fine"
    assert Ear().word(s, "two", ANSWER) is None
    assert Ear().word(s, None, ANSWER) is None
