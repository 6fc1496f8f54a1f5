"""What a session asks of its voice, and when: clips render while the words before them play.

On the fake clock with a voice that records every request. A phrase asked
for (its clip, or its duration to lay a segment out) before the worker could
have rendered it is a phrase the lifter waits for; these tests pin down that
the session asks late enough and foresees what it cannot ask late.
"""

from __future__ import annotations

from collections import deque

from voicecoach.inputs.keys import ENTER
from voicecoach.routines.loader import parse_routine_text
from voicecoach.session.answers import Answer
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.summary import summary_lines
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

ROUTINE = """
name: Tiny
count_in: 3
exercises:
  - use: bench-press
    sets: 1
    reps: 5
    load: 100 lb
    drop: [-20%]
    rest: 60s
  - use: barbell-row
    sets: 1
    reps: 3-5
    load: 100 lb
    tempo: [pull 1, lower 1]
"""
SET_LINE = "One set, one hundred pounds, five reps."


class Recorder:
    """A voice that notes when each phrase is first asked for, and every ``want``."""

    def __init__(self, clock: FakeClock):
        self.inner = Voice(EstimateRenderer())
        self.clock = clock
        self.asked: dict[str, float] = {}
        self.wanted: list[tuple[float, list[str]]] = []

    def clip(self, text: str):  # type: ignore[no-untyped-def]
        self.asked.setdefault(text, self.clock.now())
        return self.inner.clip(text)

    def duration(self, text: str) -> float:
        return self.clip(text).seconds

    def want(self, texts, due: float = 0.0) -> None:  # type: ignore[no-untyped-def]
        self.wanted.append((self.clock.now(), list(texts)))


def session(rir: int = 2) -> tuple[Recorder, RecordingOutput, Session]:
    clock = FakeClock()
    voice = Recorder(clock)
    out = RecordingOutput()
    env = Environment(
        clock=clock,
        voice=voice,  # type: ignore[arg-type]
        output=out,
        answers=deque([Answer(None, rir)] * 10),
    )
    s = Session(parse_routine_text(ROUTINE), env)
    s.run()
    return voice, out, s


def test_the_count_in_and_reps_are_asked_for_only_as_the_announcement_ends() -> None:
    voice, _, _ = session()
    announced = voice.asked[SET_LINE]
    assert voice.asked["Bench press."] == announced  # the announcement is laid out at once
    # The count-in and the reps, once it has been heard (about 10 s of words): before,
    # the set's segment asked for all of them with the announcement.
    spoken = sum(voice.inner.duration(t) for t, at in voice.asked.items() if at == announced)
    for text in ("three", "Go!", "one. down slow", "four. down slow"):
        assert voice.asked[text] >= announced + spoken, text


def test_sentences_in_a_row_are_asked_for_one_by_one_in_their_spoken_form() -> None:
    voice, _, _ = session()
    intro = [t for t in voice.asked if t.startswith("Tiny.")]
    assert intro and voice.asked[intro[0]] == 0.0
    # The answer is said as "Two in reserve.": its lower-case form is never rendered.
    assert "Two in reserve." in voice.asked
    assert "two in reserve." not in voice.asked
    assert all(t[:1] == t[:1].upper() for t in voice.asked if " " in t and t.endswith("."))


def test_the_summary_is_wanted_before_the_last_words_of_the_last_set() -> None:
    voice, _, s = session()
    summary = summary_lines(s)
    first_asked = min(voice.asked[t] for t in summary)
    wanted = [at for at, texts in voice.wanted if set(summary) <= set(texts)]
    assert wanted and wanted[0] < first_asked


def test_the_summary_of_every_answer_to_the_last_set_is_wanted_as_that_set_starts() -> None:
    # Once the answer is known only its confirmation is left to say: a few seconds.
    voice, _, s = session()
    summary = summary_lines(s)
    assert any("Barbell row went up" in t for t in summary)  # the answer's own outcome
    first_asked = min(voice.asked[t] for t in summary)
    wanted = [at for at, texts in voice.wanted if set(summary) <= set(texts)]
    assert wanted[0] <= voice.asked["one. pull"]  # before its first rep
    assert first_asked - wanted[0] > 10.0


def test_a_drop_sets_announcement_is_foreseen_with_the_answer_before_it() -> None:
    voice, _, _ = session()
    drop = next(t for t in voice.asked if t.startswith("Drop set"))
    foreseen = [at for at, texts in voice.wanted if drop in texts]
    assert foreseen and foreseen[0] < voice.asked[drop] - 5.0


LAST_DROP = """
name: Last drop
exercises:
  - use: triceps-pushdown
    sets: 1
    reps: 10-15
    load: 40 lb
    drop: [-25%]
"""
LAST_DROP_SIDES = """
name: Last drop, both arms
exercises:
  - use: one-arm-dumbbell-row
    sets: 1
    reps: 8
    load: 40 lb
    drop: [-25%]
"""


def last_drop(text: str, keys: tuple[tuple[float, str], ...] = ()) -> tuple[Recorder, Session]:
    clock = FakeClock(keys)
    voice = Recorder(clock)
    env = Environment(
        clock=clock,
        voice=voice,  # type: ignore[arg-type]
        answers=deque([Answer(None, 2)]),  # the load goes up: a load line is said too
    )
    s = Session(parse_routine_text(text), env)
    s.run()
    return voice, s


def _wanted_before(voice: Recorder, lines: list[str]) -> float:
    """When one ``want`` first held every line of the summary said."""
    return min(at for at, texts in voice.wanted if set(lines) <= set(texts))


def test_the_summary_after_a_final_drop_set_is_wanted_as_the_drop_set_starts() -> None:
    # Nothing is said between a last drop set and the summary: wanted only at its end,
    # the summary's clips were rendered while the lifter waited for them.
    voice, s = last_drop(LAST_DROP)
    summary = summary_lines(s)
    assert any(t.startswith("Total volume") for t in summary)
    assert any("went up" in t for t in summary)
    needed = min(voice.asked[t] for t in summary)
    drop = next(t for t in voice.asked if t.startswith("Drop set"))
    wanted = _wanted_before(voice, summary)
    assert wanted <= voice.asked[drop]  # as the drop set starts
    assert needed - wanted > 60.0  # 35 reps of the drop set ahead of it


def test_a_drop_set_ended_early_finds_its_summary_wanted_too_the_fewest_reps_first() -> None:
    voice, _ = last_drop(LAST_DROP)
    drop_at = voice.asked[next(t for t in voice.asked if t.startswith("Drop set"))]
    voice, s = last_drop(LAST_DROP, keys=((drop_at + 20.0, ENTER),))  # Enter, a few reps in
    summary = summary_lines(s)
    volume = next(t for t in summary if t.startswith("Total volume"))
    wanted = next(texts for _, texts in voice.wanted if volume in texts)
    totals = [t for t in wanted if t.startswith("Total volume")]
    assert len(totals) > 20  # one a rep count, and the drop set skipped
    assert totals.index(volume) < 8  # a few reps: among the first rendered
    assert min(voice.asked[t] for t in summary) - _wanted_before(voice, summary) >= 15.0


def test_a_two_sided_final_drop_set_counts_both_sides_in_the_summary_it_foresees() -> None:
    voice, s = last_drop(LAST_DROP_SIDES)
    summary = summary_lines(s)
    assert summary[0] == "Workout done. Four sets."  # a set and a drop set, both arms
    assert min(voice.asked[t] for t in summary) - _wanted_before(voice, summary) > 30.0
