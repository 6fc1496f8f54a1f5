"""Spoken answers a lifter can take back: the machine, and the engine on the fake clock."""

from __future__ import annotations

from voicecoach.events import Event
from voicecoach.inputs.button_answers import UNDO
from voicecoach.inputs.commands import NO, SPOKEN_NUMBER, YES
from voicecoach.inputs.voice_answers import CHECK, SpokenAnswer, check_question
from voicecoach.plan.progression import steps_moved
from voicecoach.routines.loads import Weight
from voicecoach.routines.model import Progression
from voicecoach.testing import FakeClock


def one_second(text: str) -> float:
    return 1.0


def test_a_near_answer_is_confirmed_and_stands_after_the_undo_window() -> None:
    a = SpokenAnswer(3, 1, one_second)
    step = a.start(10.0)
    assert step.say == "Three in reserve." and step.event[0] == "heard"
    assert a.deadline == 10.0 + 1.0 + UNDO
    a.tick(a.deadline - 0.01)
    assert not a.finished
    a.tick(a.deadline)
    assert (a.result, a.rir, a.said) == ("stands", 3, True)


def test_no_within_the_window_takes_it_back() -> None:
    a = SpokenAnswer(3, 0, one_second)
    a.start(0.0)
    a.key(NO)
    assert a.result == "again"


def test_a_media_button_takes_it_back_too() -> None:
    from voicecoach.inputs.button_answers import PLAY

    a = SpokenAnswer(3, 0, one_second)
    a.start(0.0)
    a.key(PLAY)
    assert a.result == "again"


def test_a_far_answer_is_asked_about_and_stands_only_on_yes() -> None:
    a = SpokenAnswer(4, 2, one_second)
    step = a.start(0.0)
    assert step.say == "Four in reserve? Say yes." and step.event[0] == "check"
    a.key(YES)
    assert (a.result, a.rir, a.said) == ("stands", 4, True)
    silent = SpokenAnswer(4, -2, one_second)
    silent.start(0.0)
    silent.tick(1.0 + CHECK)
    assert silent.result == "again"  # nobody said yes: a neighbour's word changes nothing


def test_yes_means_nothing_after_a_near_answer_and_a_typed_digit_wins() -> None:
    a = SpokenAnswer(2, 0, one_second)
    a.start(0.0)
    a.key(YES)
    assert not a.finished
    a.key("1")
    assert (a.result, a.rir, a.said) == ("stands", 1, False)  # the engine confirms it


def test_five_is_asked_about_as_five_or_more() -> None:
    assert check_question(5) == "Five or more in reserve? Say yes."


def test_steps_moved_counts_the_rule_s_steps() -> None:
    rule = Progression(rule="rir-step", add=5, drop=5, round=5)
    assert steps_moved(Weight(100, "lb"), Weight(110, "lb"), rule) == 2
    assert steps_moved(Weight(100, "lb"), Weight(95, "lb"), rule) == 1
    assert steps_moved(Weight(100, "lb"), Weight(100, "lb"), rule) == 0
    bells = Progression(dumbbells=(20, 25, 30, 35))
    assert steps_moved(Weight(20, "lb"), Weight(30, "lb"), bells) == 2


# --- the engine ------------------------------------------------------------------------------

ROUTINE = """
name: Voice
count_in: 0
exercises:
  - {use: barbell-row, sets: 2, reps: 3-5, load: 100 lb, rest: 30s, rir: 1-2,
     tempo: [pull 1, lower 1], progression: {rule: rir-step, add: 5 lb, drop: 5 lb}}
"""


def session(keys: list[tuple[float, str]]) -> list[Event]:
    from voicecoach.routines.loader import parse_routine_text
    from voicecoach.session.engine import Session
    from voicecoach.session.environment import Environment
    from voicecoach.speech.base import Voice
    from voicecoach.speech.estimate import EstimateRenderer
    from voicecoach.testing import RecordingOutput

    events: list[Event] = []
    env = Environment(
        clock=FakeClock(keys),
        voice=Voice(EstimateRenderer()),
        output=RecordingOutput(),
        sinks=[events.append],
    )
    Session(parse_routine_text(ROUTINE), env).run()
    return events


def _asked() -> float:
    """When the first question has been spoken, in a session nobody answers."""
    events = session([])
    return next(e.due + 3.0 for e in events if e.kind == "ask")


def _first_set(events: list[Event]) -> list[Event]:
    second = [n for n, e in enumerate(events) if e.kind == "set"][1]
    return events[:second]


def test_three_then_no_takes_the_answer_back_and_asks_again() -> None:
    """Said "two", then "no" within 3 s: the question again; then a typed 1 is the answer."""
    t = _asked()
    events = _first_set(session([(t, SPOKEN_NUMBER[2]), (t + 2.0, NO), (t + 6.0, "1")]))
    kinds = [(e.kind, e.text) for e in events if e.kind in ("ask", "heard", "answer")]
    assert kinds[0] == ("ask", "RIR") and kinds[1][0] == "heard"
    assert kinds[2] == ("ask", "RIR")  # taken back: the question is open again
    assert [e.text for e in events if e.kind == "answer"] == ["1"]
    said = [e.text for e in events if e.kind == "say"]
    assert said.count("How many in reserve?") == 2
    assert said.count("Two in reserve.") == 1


def test_a_spoken_answer_stands_after_three_seconds_and_is_said_once() -> None:
    t = _asked()
    events = _first_set(session([(t, SPOKEN_NUMBER[2])]))
    assert [e.text for e in events if e.kind == "answer"] == ["2"]
    said = [e.text for e in events if e.kind == "say"]
    assert said.count("Two in reserve.") == 1 and said.count("How many in reserve?") == 1


def test_no_after_the_window_changes_nothing() -> None:
    t = _asked()
    events = _first_set(session([(t, SPOKEN_NUMBER[2]), (t + 1.5 + UNDO + 1.0, NO)]))
    assert [e.text for e in events if e.kind == "answer"] == ["2"]


def test_a_far_answer_needs_yes() -> None:
    """Four against a 1-2 target is two steps up with rir-step: asked about first."""
    t = _asked()
    without = _first_set(session([(t, SPOKEN_NUMBER[4]), (t + 12.0, "2")]))
    said = [e.text for e in without if e.kind == "say"]
    assert "Four in reserve? Say yes." in said
    assert [e.text for e in without if e.kind == "answer"] == ["2"]  # no yes: asked again
    confirmed = _first_set(session([(t, SPOKEN_NUMBER[4]), (t + 2.0, YES)]))
    assert [e.text for e in confirmed if e.kind == "answer"] == ["4"]
    said = [e.text for e in confirmed if e.kind == "say"]
    assert "Four in reserve." not in said  # not said twice after the yes
    assert any(s.startswith("Next set: up to") for s in said)


def test_a_key_typed_while_the_question_is_asked_again_answers_it() -> None:
    """After the undo the question is spoken again; a digit typed over it is the answer."""
    t = _asked()
    events = _first_set(session([(t, SPOKEN_NUMBER[3]), (t + 2.0, NO), (t + 2.3, "1")]))
    assert [e.text for e in events if e.kind == "answer"] == ["1"]
