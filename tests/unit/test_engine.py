"""The engine on the fake clock: controls, answers and progression, in virtual time."""

from __future__ import annotations

from collections import deque

import pytest

from voicecoach.events import Event
from voicecoach.inputs.keys import ENTER
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.loads import Weight
from voicecoach.session.answers import Answer
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

TINY = """
name: Tiny
count_in: 3
exercises:
  - use: barbell-row
    sets: 2
    reps: 3-5
    load: 100 lb
    rest: 60s
    tempo: [pull 1, lower 1]
"""


def run(text: str = TINY, keys=(), answers=()):  # type: ignore[no-untyped-def]
    events: list[Event] = []
    out = RecordingOutput()
    env = Environment(
        clock=FakeClock(keys),
        voice=Voice(EstimateRenderer()),
        output=out,
        sinks=[events.append],
        answers=deque(answers),
    )
    session = Session(parse_routine_text(text), env)
    result = session.run()
    return result, events, session, out


def said(events: list[Event]) -> list[tuple[float, str]]:
    return [(round(e.due, 2), e.text) for e in events if e.kind == "say"]


def first(events: list[Event], text: str) -> float:
    return next(e.due for e in events if e.kind == "say" and e.text == text)


def test_answers_move_the_load() -> None:
    """RIR 2 at the top of the range raises the next set by the step."""
    result, events, session, _ = run(answers=[Answer(None, 2), Answer(None, 2)])
    assert result.status == "completed"
    assert any("100 lb -> 105 lb" in e.text for e in events if e.kind == "load")
    assert session.state[0].load == Weight(110, "lb")


def test_no_answer_keeps_load_after_timeout() -> None:
    """With no key, the question is asked twice and the load stays."""
    _result, events, session, _ = run()
    asks = [t for t, s in said(events) if s.startswith("How many in reserve?")]
    assert len(asks) == 4  # asked, re-asked, for each of two sets
    assert session.state[0].load == Weight(100, "lb")


def test_rir_keypress_is_the_answer() -> None:
    """A digit key after the question answers it."""
    _, events, _, _ = run(keys=[(35.0, "3"), (200.0, "1")])
    answers = [e.text for e in events if e.kind == "answer"]
    assert answers[0] == "3"


@pytest.mark.parametrize("key", ["6", "7", "8", "9"])
def test_a_key_above_five_is_five_or_more_shown_said_and_saved(key: str) -> None:
    """6-9 at the question: the answer is 5, a note says so, the coach says "five or more"."""
    _, base, _, _ = run()
    t = _question(base) + 2.0
    _, events, session, _ = run(keys=[(t, key)])
    answers = [e.text for e in events if e.kind == "answer"]
    assert answers[0] == "5"
    notes = [e.text for e in events if e.kind == "note"]
    assert f"{key} pressed: reps in reserve goes up to 5; taken as five or more" in notes
    after = [s for d, s in said(events) if d >= t]
    assert after[0] == "Five or more in reserve."
    # RIR 5 at the top of the range moves the load as a 5 does.
    _, _, five_session, _ = run(keys=[(t, "5")])
    assert session.state[0].load == five_session.state[0].load


def test_a_superscript_digit_at_the_question_is_no_answer_and_no_crash() -> None:
    """ "²" is a digit to str.isdigit but no number int() reads: ignored, then 3 answers."""
    _, base, _, _ = run()
    t = _question(base) + 2.0
    result, events, _, _ = run(keys=[(t, "²"), (t + 1, "3")])
    assert result.status == "completed"
    assert next(e.text for e in events if e.kind == "answer") == "3"


def test_enter_ends_set_early_with_reps_reached() -> None:
    """Enter half-way through rep 3 records two reps, which is below the range: load drops."""
    # Work starts after the intro and count-in; find it from a first run.
    _, base, _, _ = run()
    rep3 = first(base, "three. pull")
    _, events, _session, _ = run(keys=[(rep3 + 0.5, ENTER), (rep3 + 3, "1")])
    assert any("100 lb -> 95 lb" in e.text for e in events if e.kind == "load")


def test_pause_shifts_the_timeline() -> None:
    """A 30 s pause moves every later cue by exactly 30 s: nothing skipped or bunched."""
    _, base, _, _ = run()
    t = first(base, "two. pull")
    _, paused, _, _ = run(keys=[(t + 0.2, " "), (t + 30.2, " ")])
    after = [
        (round(e.due - 30, 2), e.text)
        for e in paused
        if e.kind == "say" and e.due > t + 30.2 and e.text not in ("Go on.",)
    ]
    expected = [(d, s) for d, s in said(base) if d > t + 0.2]
    assert after[: len(expected)] == expected[: len(after)]
    assert len(after) >= len(expected) - 1
    assert "Paused." in [s for _, s in said(paused)]


def test_skip_ends_the_rest() -> None:
    """'s' during a rest goes straight to the next set."""
    _, base, _, _ = run()
    rest = first(base, "Rest one minute.")
    _, events, _, _ = run(keys=[(rest + 5, "s")])
    assert any(e.kind == "skip" and e.text == "rest" for e in events)
    second_set = [e.due for e in events if e.kind == "say" and e.text == "one. pull"][1]
    base_second_set = [e.due for e in base if e.kind == "say" and e.text == "one. pull"][1]
    assert second_set < base_second_set - 40  # most of the 60 s rest was skipped


def test_skip_during_work_skips_the_exercise() -> None:
    """'s' during a set skips the rest of that exercise."""
    _, base, _, _ = run()
    t = first(base, "two. pull")
    result, events, _, _ = run(keys=[(t + 0.1, "s")])
    assert result.sets_done == 0
    assert any(e.kind == "skip" and e.text == "Barbell row" for e in events)


@pytest.mark.parametrize(("key", "change"), [("+", 15.0), ("-", -15.0)])
def test_rest_plus_minus_fifteen(key: str, change: float) -> None:
    """+ and - move the end of the rest by 15 s."""
    _, base, _, _ = run()
    rest = first(base, "Rest one minute.")
    _, events, _, _ = run(keys=[(rest + 5, key)])
    base_go = [e.due for e in base if e.kind == "say" and e.text == "Go!"][1]
    go = [e.due for e in events if e.kind == "say" and e.text == "Go!"][1]
    assert go - base_go == pytest.approx(change, abs=0.01)


def test_repeat_replays_last_cue() -> None:
    """'r' speaks the last cue again."""
    _, base, _, _ = run()
    t = first(base, "Rest one minute.")
    _, events, _, _ = run(keys=[(t + 0.5, "r")])
    repeats = [e for e in events if e.kind == "repeat"]
    assert repeats and repeats[0].text == "Rest one minute."


def test_quit_needs_confirmation_and_keeps_result() -> None:
    """q then q stops the session as aborted; q then another key goes on."""
    _, base, _, _ = run()
    t = first(base, "Rest one minute.")
    result, _events, _, _ = run(keys=[(t + 1, "q"), (t + 2, "q")])
    assert result.status == "aborted" and result.sets_done == 1
    result2, _, _, _ = run(keys=[(t + 1, "q"), (t + 2, "x")])
    assert result2.status == "completed"


def test_device_lost_mid_session_goes_on_in_text() -> None:
    """When the output fails, the session continues and says so once."""
    events: list[Event] = []
    out = RecordingOutput()
    out.fail_after = 5
    env = Environment(
        clock=FakeClock(), voice=Voice(EstimateRenderer()), output=out, sinks=[events.append]
    )
    result = Session(parse_routine_text(TINY), env).run()
    assert result.status == "completed"
    assert [e.kind for e in events].count("note") == 1


def test_unilateral_switches_sides() -> None:
    """A sided exercise announces the first side, switches, then does the second."""
    text = "name: S\nexercises:\n  - {use: kroc-row, sets: 1, reps: 3, load: 50 lb, switch: 10s}\n"
    _, events, _, _ = run(text)
    lines = [s for _, s in said(events)]
    assert "Right side first." in lines
    assert "Switch sides. Left side." in lines
    assert lines.count("two. pull") == 2 and lines.count("last one. pull") == 2


def test_hold_counts_down() -> None:
    """A timed hold has the halfway point and the last three seconds."""
    text = "name: H\nexercises:\n  - {use: dead-hang, sets: 1, hold: 30s}\n"
    _, events, _, _ = run(text)
    go = next(e.due for e in events if e.kind == "say" and e.text == "Go!")
    work = go + 1.0
    assert first(events, "halfway") == pytest.approx(work + 15)
    assert first(events, "done") == pytest.approx(work + 30)


def test_dry_run_is_fast_for_longest_builtin() -> None:
    """The engine never sleeps for real on the fake clock (sanity: returns at all)."""
    from voicecoach.routines.catalog import load

    env = Environment(clock=FakeClock(), voice=Voice(EstimateRenderer()))
    result = Session(load("pull-day"), env).run()
    assert result.status == "completed" and env.clock.now() > 30 * 60


def test_digit_typed_ahead_answers_the_next_question() -> None:
    """A digit pressed during the set is kept as the answer to the question that follows."""
    _, base, _, _ = run()
    t = first(base, "two. pull")
    _, events, _, _ = run(keys=[(t + 0.2, "4")])
    assert next(e.text for e in events if e.kind == "answer") == "4"


@pytest.mark.parametrize("key", [" ", "q", "s", "r", "3"])
def test_a_press_during_the_summary_cannot_wedge_the_finished_session(key: str) -> None:
    """A press queued across the end of the workout is ignored: the session completes."""
    _, base, _, _ = run(answers=[Answer(None, 2), Answer(None, 2)])
    done = first(base, "Workout done. Two sets.")
    presses = [(done + 0.1, key), (done + 0.2, key), (done + 0.3, key)]
    result, events, _, _ = run(keys=presses, answers=[Answer(None, 2), Answer(None, 2)])
    assert result.status == "completed"
    after = [s for d, s in said(events) if d >= done]
    assert "Paused." not in after and after == [s for d, s in said(base) if d >= done]


@pytest.mark.parametrize("key", [" ", "q"])
def test_a_press_during_the_last_answers_words_cannot_wedge_the_session(key: str) -> None:
    """The words after the last set's answer are part of the end: a press there (one of a
    stream, or a flood's one) is ignored; the same press after the first set still pauses."""
    answers = [Answer(None, 2), Answer(None, 2)]
    _, base, _, _ = run(answers=answers)
    words = [d for d, s in said(base) if s == "Two in reserve."]
    last, first_words = words[-1], words[0]
    result, events, _, _ = run(keys=[(last + 0.1, key)], answers=answers)
    assert result.status == "completed"
    assert not [e for e in events if e.kind in ("pause", "quit")]
    go_on = [(first_words + 0.1, " "), (first_words + 5.0, " ")]
    _, paused, _, _ = run(keys=go_on, answers=answers)
    assert ("pause", "paused") in [(e.kind, e.text) for e in paused]


def _question(events: list[Event]) -> float:
    """When the first "How many in reserve?" starts."""
    return first(events, "How many in reserve?")


def test_q_q_while_the_question_waits_quits_and_keeps_the_set() -> None:
    """q at "How many in reserve?" asks to quit; a second q stops, with the finished set saved."""
    _, base, _, _ = run()
    t = _question(base) + 2.0  # the question has been spoken; only digits used to count
    result, events, _, _ = run(keys=[(t, "q"), (t + 1, "q")])
    assert result.status == "aborted" and result.sets_done == 1
    assert ("ask", "quit?") in [(e.kind, e.text) for e in events]
    assert not any(e.text == "Rest one minute." for e in events if e.kind == "say")


def test_q_then_another_key_at_the_question_asks_it_again() -> None:
    """q, then x: quit is cancelled, the question is asked again, and a digit answers it."""
    _, base, _, _ = run()
    t = _question(base) + 2.0
    result, events, _, _ = run(keys=[(t, "q"), (t + 1, "x"), (t + 6, "3")])
    assert result.status == "completed"
    assert next(e.text for e in events if e.kind == "answer") == "3"
    asked = [d for d, s in said(events) if s == "How many in reserve?"]
    assert len(asked) >= 2 and t + 1 <= asked[1] < t + 3


def test_space_pauses_the_question_and_its_timeout() -> None:
    """Space at the question pauses: no timeout while paused; after space again it is asked anew."""
    _, base, _, _ = run()
    t = _question(base) + 2.0
    pause = 600.0  # far beyond the question's timeout
    _, events, _, _ = run(keys=[(t, " "), (t + pause, " "), (t + pause + 4, "1")])
    kinds = [(e.kind, e.text) for e in events]
    assert ("pause", "paused") in kinds and ("resume", "resumed") in kinds
    # No "No answer" while paused: the answer is the key pressed after the pause.
    assert next(e.text for e in events if e.kind == "answer") == "1"
    assert not [d for d, s in said(events) if s.startswith("No answer") and d < t + pause]
    assert any(s == "How many in reserve?" and t + pause <= d for d, s in said(events))


def test_q_q_while_the_question_is_spoken_keeps_the_set() -> None:
    """q, q during the words "How many in reserve?" themselves: the finished set is still saved."""
    _, base, _, _ = run()
    t = _question(base) + 0.1
    result, _, _, _ = run(keys=[(t, "q"), (t + 0.2, "q")])
    assert result.status == "aborted" and result.sets_done == 1
