"""The button menu for "How many in reserve?" on the fake clock."""

from __future__ import annotations

import pytest

from voicecoach.inputs.button_answers import (
    GAP,
    NEXT,
    PLAY,
    PREV,
    PROPOSE_HOLD,
    QUESTION,
    REACTION,
    STEP,
    UNDO,
    ButtonMenu,
    ask_by_buttons,
    round_seconds,
)
from voicecoach.testing import FakeClock

T0 = 100.0  # the menu opens when the question has been spoken
SPEAK = 0.5  # every phrase lasts this long here
COUNT0 = T0 + SPEAK + PROPOSE_HOLD  # when "zero" is spoken
TIMEOUT = 20.0  # the routine's default RIR timeout
ROUND = round_seconds(lambda t: SPEAK)  # one full round, with the allowance after "five"


def number_at(n: int) -> float:
    """When the count says ``n`` in the first round."""
    return COUNT0 + n * STEP


def ask(keys: list[tuple[float, str]], expected: int = 2, timeout: float = TIMEOUT):  # type: ignore[no-untyped-def]
    clock = FakeClock(keys, start=T0)
    said: list[tuple[float, str]] = []
    rir, confirmed = ask_by_buttons(
        clock, lambda text: said.append((clock.now(), text)), expected, lambda t: SPEAK, timeout
    )
    return rir, confirmed, said, clock


def texts(said: list[tuple[float, str]]) -> list[str]:
    return [t for _, t in said]


def test_proposal_then_slow_count() -> None:
    """The coach proposes the expected answer, then counts zero to five a step apart."""
    _, _, said, _ = ask([(number_at(5) + 0.8, PLAY)])
    said = [(round(t, 3), text) for t, text in said]
    assert said[:7] == [
        (T0, "Two?"),
        *[(round(number_at(n), 3), w) for n, w in enumerate(["zero", "one", "two", "three"])],
        (round(number_at(4), 3), "four"),
        (round(number_at(5), 3), "five"),
    ]


def test_play_picks_the_number_just_spoken() -> None:
    """Play pressed while "three" is heard answers three, confirmed aloud."""
    rir, confirmed, said, _ = ask([(number_at(3) + 0.8, PLAY)])
    assert (rir, confirmed) == (3, True)
    assert texts(said)[-1] == "Three in reserve."


def test_press_right_after_a_new_number_means_the_one_before() -> None:
    """A press 0.1 s into "four" is a reaction to "three"."""
    rir, _, _, _ = ask([(number_at(4) + 0.1, PLAY)])
    assert rir == 3


def test_play_during_the_proposal_takes_it() -> None:
    """Play while "Two?" is offered answers two."""
    rir, _, _, _ = ask([(T0 + 1.0, PLAY)])
    assert rir == 2


def test_five_is_confirmed_as_five_or_more() -> None:
    """Five is said the way the engine says it."""
    _, _, said, _ = ask([(number_at(5) + 0.5, PLAY)])
    assert texts(said)[-1] == "Five or more in reserve."


def test_no_press_asks_again_then_gives_up() -> None:
    """No press in 20 s: after a full round the question is repeated and the count runs
    as far as fits, then no answer, by the timeout."""
    rir, confirmed, said, clock = ask([])
    assert (rir, confirmed) == (None, False)
    assert texts(said).count(QUESTION) == 1  # the second round starts with it
    assert texts(said).count("five") == 1  # and does not reach five within 20 s
    assert number_at(5) + STEP < clock.now() <= T0 + TIMEOUT


def test_round_seconds_is_the_full_round() -> None:
    """One round: the proposal and its hold, six numbers, the allowance after "five"."""
    assert round_seconds(lambda t: SPEAK) == pytest.approx(
        SPEAK + PROPOSE_HOLD + 6 * STEP + REACTION
    )


# The longest the menu may end before the timeout: a round's start (the question, the
# proposal's window) that did not fit, so was not begun.
SLACK = SPEAK + GAP + SPEAK + PROPOSE_HOLD + REACTION


@pytest.mark.parametrize("timeout", [15.0, 20.0, 30.0, 45.0, 60.0, 120.0])
def test_no_answer_at_the_timeout_never_mid_number(timeout: float) -> None:
    """For timeouts longer than a round the menu ends by the timeout, not more than one
    round start early, and every number spoken keeps its whole STEP window."""
    rir, _, said, clock = ask([], timeout=timeout)
    assert rir is None
    assert T0 + timeout - SLACK < clock.now() <= T0 + timeout
    times = [t for t, _ in said] + [clock.now() - REACTION]  # the last window's close
    for (at, text), following in zip(said, times[1:], strict=True):
        if text in ("zero", "one", "two", "three", "four", "five"):
            assert following - at == pytest.approx(STEP)
    # The first round, then as many whole repeats (the question first) as fit.
    repeats = int((timeout - ROUND) // (SPEAK + GAP + ROUND - REACTION))
    assert texts(said).count("five") == 1 + repeats


@pytest.mark.parametrize("timeout", [0.0, 5.0, 10.0, ROUND - 0.1])
def test_a_short_timeout_still_offers_one_full_round(timeout: float) -> None:
    """A timeout shorter than a round: the whole count is offered once, then no answer."""
    rir, _, said, clock = ask([], timeout=timeout)
    assert rir is None
    assert texts(said) == ["Two?", "zero", "one", "two", "three", "four", "five"]
    assert clock.now() == pytest.approx(T0 + ROUND)
    rir, _, _, _ = ask([(number_at(5) + 0.5, PLAY)], timeout=timeout)
    assert rir == 5  # past the timeout, "five" is still answerable


def test_the_last_number_keeps_its_reaction_allowance() -> None:
    """A press just after the last window closes (within REACTION) still picks it."""
    rir, confirmed, _, _ = ask([(number_at(5) + STEP + 0.1, PLAY)], timeout=5.0)
    assert (rir, confirmed) == (5, True)
    rir, _, _, _ = ask([(number_at(5) + STEP + 0.1, PLAY)])
    assert rir == 5  # and across the repeated question that starts round two


def test_a_press_in_the_last_window_before_the_timeout_counts() -> None:
    """The last number offered before the timeout is answerable to its window's end."""
    _, _, said, clock = ask([])
    last = said[-1][1]
    rir, _, _, _ = ask([(clock.now() - REACTION - 0.05, PLAY)])
    assert last == "one" and rir == 1


def test_next_and_previous_step_from_the_proposal() -> None:
    """Next twice from two offers three, then four; play confirms four."""
    rir, _, said, _ = ask([(T0 + 1.0, NEXT), (T0 + 1.5, NEXT), (T0 + 2.0, PLAY)])
    assert rir == 4
    assert texts(said) == ["Two?", "Three?", "Four?", "Four in reserve."]


def test_stepping_stops_the_count() -> None:
    """After a next or previous press the coach no longer counts."""
    _, _, said, _ = ask([(T0 + 1.0, PREV), (T0 + 8.0, PLAY)])
    assert texts(said) == ["Two?", "One?", "One in reserve."]


def test_previous_stops_at_zero_and_next_at_five() -> None:
    """The proposal stays within zero to five."""
    rir, _, said, _ = ask([(T0 + 1, PREV), (T0 + 2, PREV), (T0 + 3, PLAY)], expected=0)
    assert rir == 0
    assert texts(said)[1:3] == ["Zero?", "Zero?"]
    rir, _, _, _ = ask([(T0 + 1, NEXT), (T0 + 3, PLAY)], expected=5)
    assert rir == 5


def test_stepping_without_a_press_gives_up_at_the_timeout() -> None:
    """Stepped, then idle: no answer when the timeout comes, not before."""
    for timeout in (20.0, 45.0):
        rir, _, _, clock = ask([(T0 + 1.0, NEXT)], timeout=timeout)
        assert rir is None
        assert clock.now() == T0 + timeout


def test_stepping_keeps_the_full_round_floor() -> None:
    """With a timeout shorter than a round, stepping waits as long as the round would."""
    rir, _, _, clock = ask([(T0 + 1.0, NEXT)], timeout=5.0)
    assert rir is None
    assert clock.now() == pytest.approx(T0 + ROUND)


def test_a_step_near_the_timeout_gets_its_window() -> None:
    """Next 0.2 s before the timeout: "Three?" is still offered in full and play takes it."""
    step = T0 + TIMEOUT - 0.2
    play = step + SPEAK + PROPOSE_HOLD - 0.1
    rir, _, said, _ = ask([(T0 + 1.0, NEXT), (step, NEXT), (play, PLAY)])
    assert rir == 4
    assert texts(said)[-1] == "Four in reserve."
    rir, _, _, clock = ask([(T0 + 1.0, NEXT), (step, NEXT)])
    assert rir is None and clock.now() == pytest.approx(step + SPEAK + PROPOSE_HOLD)


def test_a_button_within_the_undo_window_asks_again() -> None:
    """Previous 2 s after "Two in reserve." takes it back; the next pick stands."""
    picked = number_at(2) + 0.8
    undo = picked + SPEAK + 2.0
    keys = [(picked, PLAY), (undo, PREV), (undo + 2.0, PREV), (undo + 3.0, PLAY)]
    rir, confirmed, said, _ = ask(keys)
    assert (rir, confirmed) == (1, True)
    assert texts(said) == [
        *["Two?", "zero", "one", "two", "Two in reserve."],
        QUESTION,  # the undo
        "Two?",  # offered again from the expected answer
        "One?",
        "One in reserve.",
    ]


def test_undo_reopens_with_the_question() -> None:
    """Any button within UNDO seconds of the confirmation asks the question again."""
    picked = number_at(2) + 0.8
    rir, _, said, _ = ask([(picked, PLAY), (picked + SPEAK + 1.0, PLAY), (picked + 3.5, PLAY)])
    assert texts(said)[4:7] == ["Two in reserve.", QUESTION, "Two?"]
    assert rir == 2


def test_undo_past_the_timeout_asks_again_with_a_full_round() -> None:
    """A pick just before the timeout can be undone after it; the question is asked again
    with a whole round, and the new pick stands."""
    _, _, said, clock = ask([])
    pick = clock.now() - REACTION - 0.05  # in the last window: "one"
    undo = pick + SPEAK + UNDO - 0.5  # after the timeout, inside the undo window
    assert undo > T0 + TIMEOUT
    again = undo + SPEAK + GAP + SPEAK + PROPOSE_HOLD + 4 * STEP + 0.8  # at "four"
    rir, confirmed, said, _ = ask([(pick, PLAY), (undo, PLAY), (again, PLAY)])
    assert (rir, confirmed) == (4, True)
    tail = texts(said)[texts(said).index("One in reserve.") :]
    assert tail[:3] == ["One in reserve.", QUESTION, "Two?"]
    assert tail[-1] == "Four in reserve."
    _, _, said, clock = ask([(pick, PLAY), (undo, PLAY)])
    assert texts(said).count("five") == 2  # the reopened round ran in full
    assert clock.now() == pytest.approx(undo + SPEAK + GAP + ROUND)


def test_the_answer_stands_after_the_undo_window() -> None:
    """A press after the undo window is not taken by the menu."""
    picked = number_at(1) + 0.8
    late = picked + SPEAK + UNDO + 0.5
    rir, _, _, clock = ask([(picked, PLAY), (late, PREV)])
    assert rir == 1
    assert clock.keys[0] == (late, PREV)  # left for whatever comes next


def test_keyboard_digit_answers_at_once() -> None:
    """A typed digit during the count answers directly, as without buttons."""
    rir, confirmed, said, _ = ask([(number_at(1), "4")])
    assert (rir, confirmed) == (4, False)
    assert "Four in reserve." not in texts(said)  # the engine confirms a typed answer


def test_keyboard_digits_above_five_are_five_and_a_superscript_is_no_answer() -> None:
    """8 typed during the menu is five or more; "²" (no number int() reads) is passed over."""
    assert ask([(number_at(1), "8")])[:2] == (5, False)
    assert ask([(number_at(1), "²"), (number_at(2), "3")])[:2] == (3, False)


def test_keyboard_r_asks_again() -> None:
    """r repeats the question, as it does without buttons."""
    _, _, said, _ = ask([(T0 + 1.0, "r"), (T0 + 2.0, PLAY)])
    assert texts(said)[:2] == ["Two?", QUESTION]


def test_play_during_a_repeated_question_is_ignored() -> None:
    """Nothing is offered while the question is spoken again, so play picks nothing."""
    menu = ButtonMenu(2, lambda t: SPEAK, TIMEOUT)
    menu.open(T0, ask=True)
    assert menu.press(PLAY, T0 + 0.2) == []
    assert not menu.finished


# --- the engine's hook -----------------------------------------------------------------------

ROUTINE = """
name: Buttons
count_in: 0
exercises:
  - {use: barbell-row, sets: 2, reps: 3-5, load: 100 lb, rest: 30s, rir: 1-2,
     tempo: [pull 1, lower 1]}
"""


def session(  # type: ignore[no-untyped-def]
    keys: list[tuple[float, str]] = (),  # type: ignore[assignment]
    buttons: bool = True,
    rir_timeout: float | None = None,
):
    from voicecoach.events import Event
    from voicecoach.routines.loader import parse_routine_text
    from voicecoach.session.engine import Session
    from voicecoach.session.environment import Environment
    from voicecoach.session.state import Coaching
    from voicecoach.speech.base import Voice
    from voicecoach.speech.estimate import EstimateRenderer
    from voicecoach.testing import RecordingOutput

    events: list[Event] = []
    env = Environment(
        clock=FakeClock(keys),
        voice=Voice(EstimateRenderer()),
        output=RecordingOutput(),
        sinks=[events.append],
        buttons=buttons,
    )
    Session(parse_routine_text(ROUTINE), env, coaching=Coaching(rir_timeout=rir_timeout)).run()
    return events


def test_session_with_buttons_speaks_the_mapping() -> None:
    """With buttons on, the intro says what each button does; without, it does not."""
    from voicecoach.inputs.button_answers import HELP

    assert HELP in [e.text for e in session() if e.kind == "say"]
    assert HELP not in [e.text for e in session(buttons=False) if e.kind == "say"]


def test_session_answer_picked_by_play_is_used_and_said_once() -> None:
    """Play during the proposal answers the set; "Two in reserve." is not said twice."""
    offered = next(e.due for e in session() if e.kind == "say" and e.text == "Two?")
    events = session([(offered + 1.0, PLAY)])
    answers = [e.text for e in events if e.kind == "answer"]
    assert answers[0] == "2"
    second_set = [n for n, e in enumerate(events) if e.kind == "set"][1]
    first_set = [e.text for e in events[:second_set] if e.kind == "say"]
    assert first_set.count("Two in reserve.") == 1
    assert "Next set: up to one hundred five pounds." in first_set  # the rest of the lines


def test_session_without_buttons_has_no_menu() -> None:
    """Without buttons the question is followed by no count (the keyboard flow)."""
    said = [e.text for e in session(buttons=False) if e.kind == "say"]
    assert "Two?" not in said and "zero" not in said


def test_session_passes_its_rir_timeout_to_the_menu() -> None:
    """--rir-timeout reaches the menu: the count repeats more in 60 s than in 20 s, and a
    timeout shorter than a round still gets the whole count once."""

    def fives(rir_timeout: float | None) -> int:
        events = session(rir_timeout=rir_timeout)
        first = next(n for n, e in enumerate(events) if e.kind == "answer")
        return [e.text for e in events[:first] if e.kind == "say"].count("five")

    assert fives(None) == 1  # the routine's 20 s: one round and part of a second
    assert fives(3.0) == 1
    assert fives(60.0) >= 4
