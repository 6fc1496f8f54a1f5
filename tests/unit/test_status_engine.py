"""What the engine puts in the status line, and when, on the fake clock."""

from __future__ import annotations

from collections import deque
from itertools import pairwise

from voicecoach.events import Event
from voicecoach.routines.loader import parse_routine_text
from voicecoach.session.answers import Answer
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.statusline import Status
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

TWO_SETS = """
name: Two Sets
count_in: 0
exercises:
  - use: barbell-row
    sets: 2
    reps: 3
    load: 100 lb
    rest: 30s
    tempo: [pull 1, lower 1]
"""

HOLD = """
name: Hang
count_in: 0
exercises:
  - use: dead-hang
    sets: 1
    hold: 12s
"""


def _run(text: str, keys=()):  # type: ignore[no-untyped-def]
    clock = FakeClock(keys)
    shown: list[tuple[float, Status]] = []
    events: list[Event] = []
    env = Environment(
        clock=clock,
        voice=Voice(EstimateRenderer()),
        output=RecordingOutput(),
        sinks=[events.append],
        answers=deque([Answer(None, 2), Answer(None, 2)]),
        status=lambda s: shown.append((clock.now(), s)),
    )
    result = Session(parse_routine_text(text), env).run()
    return result, shown, events


def test_set_status_has_exercise_set_and_load() -> None:
    """During a set the status names the exercise, the set and the load, then the rep."""
    _, shown, _ = _run(TWO_SETS)
    reps = [s for _, s in shown if s.detail.startswith("rep 2")]
    assert reps and reps[0].exercise == "Barbell row"
    assert reps[0].set == "set 1/2" and reps[0].load == "100 lb"


def test_status_shows_rep_and_phase() -> None:
    """Each phase word shows beside the rep number: "rep 2 · lower"."""
    _, shown, _ = _run(TWO_SETS)
    details = [s.detail for _, s in shown]
    assert "rep 2 · pull" in details and "rep 2 · lower" in details


def test_rest_counts_down_one_second_at_a_time() -> None:
    """During the rest the status counts down every second to 0:01, never a stale rep."""
    _, shown, _ = _run(TWO_SETS)
    rest = [(t, s) for t, s in shown if s.detail.startswith("rest ")]
    assert [s.detail for _, s in rest[-3:]] == ["rest 0:03", "rest 0:02", "rest 0:01"]
    seconds = [int(s.detail.split(":")[1]) for _, s in rest]
    assert seconds == sorted(seconds, reverse=True) and len(set(seconds)) == len(seconds)
    gaps = [round(b[0] - a[0], 6) for a, b in pairwise(rest[1:])]  # the first is partial
    assert set(gaps) == {1.0}
    assert all(s.exercise == "next: Barbell row" and s.set == "set 2/2" for _, s in rest)


def test_rest_countdown_starts_at_the_rest_length() -> None:
    """The first rest status shows the whole rest: 0:30 for a 30 s rest."""
    _, shown, _ = _run(TWO_SETS)
    first = next(s for _, s in shown if s.detail.startswith("rest "))
    assert first.detail == "rest 0:30"


def test_hold_counts_down() -> None:
    """A timed hold counts its seconds down in the status line."""
    _, shown, _ = _run(HOLD)
    details = [s.detail for _, s in shown if s.detail.startswith("hold ")]
    assert details[0] == "hold 0:12" and details[-1] == "hold 0:01"


def test_key_after_quit_confirmed_is_not_handled() -> None:
    """q, q (quit confirmed), then space: the space does not pause the goodbye."""
    keys = [(10.0, "q"), (11.0, "q"), (11.5, " "), (12.0, " ")]
    result, _, events = _run(TWO_SETS, keys)
    quit_at = next(i for i, e in enumerate(events) if e.kind == "quit")
    assert result.status == "aborted"
    assert not [e for e in events[quit_at:] if e.kind in ("pause", "resume")]


def test_quit_prompt_does_not_stay_in_the_status_line() -> None:
    """Quit asked, then cancelled: the status goes back to what it showed before."""
    _, shown, _ = _run(TWO_SETS, [(10.0, "q"), (11.0, "x")])
    asked = [s.detail for t, s in shown if t < 11.0][-1]
    after = [s.detail for t, s in shown if t >= 11.0]
    assert asked.startswith("quit?") and not after[0].startswith("quit?")


def test_status_follows_the_voice_not_the_lookahead() -> None:
    """Each rep's phase words show with that rep's number, when they are heard."""
    _, shown, events = _run(TWO_SETS)
    pulls = [(t, s.detail) for t, s in shown if s.detail.endswith("· pull")]
    assert [d for _, d in pulls] == [f"rep {n} · pull" for n in (1, 2, 3)] * 2
    heard = [e.due for e in events if e.kind == "say" and e.text.endswith(". pull")]
    assert [round(t, 6) for t, _ in pulls] == [round(t, 6) for t in heard]
