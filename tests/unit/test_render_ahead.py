"""What a session asks of its voice, and when: clips render while the words before them play.

On the fake clock with a voice that records every request. A phrase asked
for (its clip, or its duration to lay a segment out) before the worker could
have rendered it is a phrase the lifter waits for; these tests pin down that
the session asks late enough and foresees what it cannot ask late.
"""

from __future__ import annotations

from collections import deque

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


def test_a_drop_sets_announcement_is_foreseen_with_the_answer_before_it() -> None:
    voice, _, _ = session()
    drop = next(t for t in voice.asked if t.startswith("Drop set"))
    foreseen = [at for at, texts in voice.wanted if drop in texts]
    assert foreseen and foreseen[0] < voice.asked[drop] - 5.0
