"""The button menu for "Reps in reserve?" on the fake clock (issue 13)."""

from __future__ import annotations

from voicecoach.inputs.button_answers import (
    IDLE,
    NEXT,
    PLAY,
    PREV,
    PROPOSE_HOLD,
    QUESTION,
    STEP,
    UNDO,
    ButtonMenu,
    ask_by_buttons,
)
from voicecoach.testing import FakeClock

T0 = 100.0  # the menu opens when the question has been spoken
SPEAK = 0.5  # every phrase lasts this long here
COUNT0 = T0 + SPEAK + PROPOSE_HOLD  # when "zero" is spoken


def number_at(n: int) -> float:
    """When the count says ``n`` in the first round."""
    return COUNT0 + n * STEP


def ask(keys: list[tuple[float, str]], expected: int = 2):  # type: ignore[no-untyped-def]
    clock = FakeClock(keys, start=T0)
    said: list[tuple[float, str]] = []
    rir, confirmed = ask_by_buttons(
        clock, lambda text: said.append((clock.now(), text)), expected, lambda t: SPEAK
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
    """Two counts without a press: the question is repeated once, then no answer."""
    rir, confirmed, said, clock = ask([])
    assert (rir, confirmed) == (None, False)
    assert texts(said).count(QUESTION) == 1  # the second round starts with it
    assert texts(said).count("five") == 2
    assert clock.now() > number_at(5) + STEP  # it waited out both rounds


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


def test_stepping_without_a_press_gives_up() -> None:
    """Idle after stepping for IDLE seconds: no answer."""
    rir, _, _, clock = ask([(T0 + 1.0, NEXT)])
    assert rir is None
    assert clock.now() == T0 + 1.0 + IDLE


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


def test_keyboard_r_asks_again() -> None:
    """r repeats the question, as it does without buttons."""
    _, _, said, _ = ask([(T0 + 1.0, "r"), (T0 + 2.0, PLAY)])
    assert texts(said)[:2] == ["Two?", QUESTION]


def test_play_during_a_repeated_question_is_ignored() -> None:
    """Nothing is offered while the question is spoken again, so play picks nothing."""
    menu = ButtonMenu(2, lambda t: SPEAK)
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


def session(keys: list[tuple[float, str]] = (), buttons: bool = True):  # type: ignore[assignment]
    from voicecoach.events import Event
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
        buttons=buttons,
    )
    Session(parse_routine_text(ROUTINE), env).run()
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
