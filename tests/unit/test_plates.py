"""Plates said aloud: the maths for every load a bar can hold, and what the coach says."""

from __future__ import annotations

from collections import deque

import pytest

from voicecoach.events import Event
from voicecoach.plan.plates import Rack
from voicecoach.routines.loader import parse_routine_text
from voicecoach.session.answers import Answer
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.state import Coaching
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

LB = Rack(45.0, (45, 35, 25, 10, 5, 2.5), "lb")
KG = Rack(20.0, (25, 20, 15, 10, 5, 2.5, 1.25), "kg")
ODD = Rack(45.0, (45, 25, 10), "lb")  # a home gym without small plates


@pytest.mark.parametrize(("rack", "cap", "step"), [(LB, 1500, 0.5), (KG, 700, 0.25), (ODD, 700, 1)])
def test_every_load_from_the_bar_to_the_cap(rack: Rack, cap: float, step: float) -> None:
    """Each load is made exactly of its plates, is the nearest loadable one, and never
    uses more plates than needed for what the greedy choice would load."""
    kinds = sorted(set(rack.plates))
    smallest = 2 * kinds[0]
    load = rack.bar
    while load <= cap:
        got = rack.loading(load)
        assert got is not None
        assert got.total == pytest.approx(rack.bar + 2 * sum(got.per_side))
        assert abs(got.total - load) <= smallest / 2 + 1e-9, (load, got)
        assert list(got.per_side) == sorted(got.per_side, reverse=True)
        load += step


def test_words_for_the_common_loads() -> None:
    assert LB.loading(135).say() == "a forty-five each side"  # type: ignore[union-attr]
    assert LB.loading(225).say() == "two forty-fives each side"  # type: ignore[union-attr]
    assert LB.loading(185).say() == "a forty-five and a twenty-five each side"  # type: ignore[union-attr]
    assert LB.loading(50).say() == "a two and a half each side"  # type: ignore[union-attr]
    assert LB.loading(30).say() == "just the bar"  # type: ignore[union-attr]
    assert KG.loading(82.5).say() == "a twenty-five, a five and a one and a quarter each side"  # type: ignore[union-attr]
    assert KG.loading(22.5).say() == "a one and a quarter each side"  # type: ignore[union-attr]
    assert Rack(20, (20, 1.25), "kg").loading(25).say() == (  # type: ignore[union-attr]
        "two plates of one and a quarter each side"
    )  # type: ignore[union-attr]


def test_only_the_change_is_said_between_sets() -> None:
    a, b, c = (LB.loading(t) for t in (135, 145, 185))
    assert a and b and c
    assert b.change_from(a) == "add a five each side"
    assert a.change_from(b) == "take off a five each side"
    assert b.change_from(b) == ""
    assert c.change_from(b) == "take off a five, then add a twenty-five each side"


def test_no_plates_says_nothing() -> None:
    assert Rack(45.0, (), "lb").loading(135) is None


ROUTINE = """\
name: Bench
count_in: 0
exercises:
  - {use: bench-press, sets: 2, reps: 3, load: 137 lb, rest: 30s, progression: {add: 5 lb}}
  - {use: trap-bar-deadlift, sets: 1, reps: 2, load: 145 lb, bar: 55 lb}
  - {use: lat-pulldown, sets: 1, reps: 3, load: 72 lb}
"""


def _run(rack: Rack | None) -> tuple[list[str], list[str]]:
    events: list[Event] = []
    env = Environment(
        clock=FakeClock([]),
        voice=Voice(EstimateRenderer()),
        output=RecordingOutput(),
        sinks=[events.append],
        answers=deque([Answer(None, 2)] * 4),
    )
    Session(parse_routine_text(ROUTINE), env, coaching=Coaching(rack=rack)).run()
    sets = [e.text for e in events if e.kind == "set"]
    return [e.text for e in events if e.kind == "say"], sets


def test_the_session_says_the_plates_and_lifts_what_they_make() -> None:
    said, sets = _run(LB)
    # 137 lb cannot be made: 135 is lifted, said and kept.
    assert "Set one of two, one hundred thirty-five pounds, three reps." in said
    assert "A forty-five each side." in said
    assert "Add a two and a half each side." in said  # the next set: 140
    assert sets[0].endswith("· 135 lb") and sets[1].endswith("· 140 lb")
    # The trap bar weighs 55 lb: 145 is a forty-five each side on it.
    assert said.count("A forty-five each side.") == 2
    # A cable stack is not a bar: nothing about plates.
    pulldown = said.index(next(s for s in said if "lat pulldown" in s.lower()))
    assert not any("each side" in s for s in said[pulldown:])


def test_without_a_rack_nothing_changes() -> None:
    said, _sets = _run(None)
    assert not any("each side" in s for s in said)
    assert "Set one of two, one hundred thirty-seven pounds, three reps." in said
