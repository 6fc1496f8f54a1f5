"""The MPRIS player's state, followed from real engine events on the fake clock."""

from __future__ import annotations

from voicecoach.events import Event
from voicecoach.inputs.button_answers import PLAY
from voicecoach.inputs.keys import ENTER
from voicecoach.inputs.player_state import PlayerState, set_lengths
from voicecoach.routines.loader import parse_routine_text
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

ROUTINE = """
name: Player
count_in: 0
exercises:
  - {use: barbell-row, sets: 2, reps: 3-5, load: 70 lb, rest: 30s, tempo: [pull 1, lower 1]}
"""


def follow(keys=()):  # type: ignore[no-untyped-def]
    """Run a session; return the state and, per event, (event, changed, snapshot)."""
    routine = parse_routine_text(ROUTINE)
    state = PlayerState(routine.name, set_lengths(routine))
    seen: list[tuple[Event, dict, dict, str]] = []

    def sink(event: Event) -> None:
        changed = state.feed(event)
        seen.append((event, changed, state.properties(), state.phase))

    env = Environment(
        clock=FakeClock(keys), voice=Voice(EstimateRenderer()), output=RecordingOutput()
    )
    env.sinks.append(sink)
    Session(routine, env).run()
    return state, seen


def at_kind(seen, kind: str, n: int = 0):  # type: ignore[no-untyped-def]
    return [s for s in seen if s[0].kind == kind][n]


def test_set_metadata_shows_exercise_and_set() -> None:
    """At set 2, the title is the exercise and the artist "Set 2 of 2 · <load>"."""
    _, seen = follow()
    meta = at_kind(seen, "set", 1)[2]["Metadata"]
    assert meta["xesam:title"] == ("s", "Barbell row")
    assert meta["xesam:artist"][0] == "as"
    assert meta["xesam:artist"][1][0].startswith("Set 2 of 2 · ")
    assert meta["xesam:album"] == ("s", "Player")
    assert meta["mpris:length"] == ("x", 10_000_000)  # 5 reps of a 2 s tempo


def test_every_set_and_rest_is_a_new_track() -> None:
    """Track ids differ from set to rest to set, and stay out of /org/mpris."""
    _, seen = follow()
    ids = [s[2]["Metadata"]["mpris:trackid"][1] for s in seen if s[0].kind in ("set", "rest")]
    assert len(ids) == len(set(ids)) == 3
    assert all(i.startswith("/org/voicecoach/track/") for i in ids)


def test_rest_metadata_has_its_length() -> None:
    """A rest shows as "Rest" with its length."""
    _, seen = follow()
    meta = at_kind(seen, "rest")[2]["Metadata"]
    assert meta["xesam:title"] == ("s", "Rest")
    assert meta["mpris:length"] == ("x", 30_000_000)


def test_feed_reports_only_changes() -> None:
    """A spoken cue changes nothing; a set changes the metadata, not the status."""
    _, seen = follow()
    assert all(changed == {} for e, changed, _, _ in seen if e.kind == "say")
    assert set(at_kind(seen, "set")[1]) == {"Metadata"}


def test_status_follows_pause_and_end() -> None:
    """Paused while paused, Playing after, Stopped when the workout is done."""
    state, seen = follow(keys=[(3.0, " "), (10.0, " ")])
    assert at_kind(seen, "pause")[2]["PlaybackStatus"] == "Paused"
    assert at_kind(seen, "resume")[2]["PlaybackStatus"] == "Playing"
    assert state.status == "Stopped"


def test_play_means_set_done_in_a_set_and_pause_in_a_rest() -> None:
    """The key behind play depends on where the session is."""
    state = PlayerState("x")
    state.feed(Event(0, 0, "set", "Barbell row set 1/2 · 70 lb"))
    assert state.key_for("play") == ENTER
    state.feed(Event(0, 0, "ask", "RIR"))
    assert state.key_for("play") == PLAY
    state.feed(Event(0, 0, "answer", "2"))
    state.feed(Event(0, 0, "rest", "30s"))
    assert state.key_for("play") == " "
    state.feed(Event(0, 0, "pause", "paused"))
    assert (state.key_for("play"), state.key_for("next")) == (" ", None)


def test_next_skips_and_previous_repeats_outside_the_question() -> None:
    """Next is s and previous is r in sets and rests."""
    state = PlayerState("x")
    state.feed(Event(0, 0, "set", "Barbell row set 1/2 · 70 lb"))
    assert (state.key_for("next"), state.key_for("previous")) == ("s", "r")


def test_no_keys_once_done() -> None:
    """After the workout, buttons do nothing."""
    state = PlayerState("x")
    state.feed(Event(0, 0, "sound", "workout-done"))
    assert state.key_for("play") is None
