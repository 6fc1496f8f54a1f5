"""End to end: buttons that cannot wedge a run. A real ``voicecoach run`` in a pty on a
private session bus gets a flood of 20,000 PlayPause, loses its bus and gets it back, loses
it for good, and has presses queued across the end of the workout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbus_helpers import SessionBus, finish_run, need_tools, start_on_bus
from helpers import Terminal
from voicecoach.plan.wording import QUESTION

# Two one-rep sets of an exercise with no set-up cues and a rest long enough for a flood.
LONG_REST = (
    "name: Flood\ncount_in: 0\nexercises:\n"
    "  - {name: Row, sets: 2, reps: '1', load: 100 lb, rest: 30s, tempo: [pull 1, lower 1]}\n"
)
PROBLEMS = ("Traceback", "Exception")


@pytest.fixture
def tools() -> None:
    need_tools("dbus-daemon", "dbus-send")


@pytest.fixture
def bus(tools: None) -> Iterator[SessionBus]:
    daemon = SessionBus()
    try:
        yield daemon
    finally:
        daemon.stop()


def _kinds(transcript: Path) -> list[str]:
    return [json.loads(line)["kind"] for line in transcript.read_text().splitlines()]


def _to_the_rest(term: Terminal, bus: SessionBus) -> None:
    assert term.expect(b"[set] Row set 1/2", 60), term.text
    assert bus.wait_for_player()
    assert term.expect(QUESTION.encode(), 60), term.text
    term.send(b"2")
    assert term.expect(b"[rest] 30s", 30), term.text


def _status(bus: SessionBus) -> str:
    return bus.get("PlaybackStatus").split('string "')[1].split('"')[0]


def _status_until(bus: SessionBus, want: str, timeout: float = 10.0) -> str:
    import time

    deadline = time.monotonic() + timeout
    while (status := _status(bus)) != want and time.monotonic() < deadline:
        time.sleep(0.05)
    return status


def test_a_flood_of_playpause_collapses_and_the_player_stays(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """20,000 PlayPause in one burst during the rest: every call is answered by the player
    (none finds its name gone), they reach the session as one press or a few, not
    thousands of pauses, and the next single press still works."""
    proc, term, slave, transcript = start_on_bus(tmp_path, voicecoach_home, bus.env(), LONG_REST)
    try:
        _to_the_rest(term, bus)
        answered, errors, took = bus.flood("PlayPause", 20_000)
        assert (answered, errors) == (20_000, 0), (answered, errors, took)
        assert bus.has_player()
        before = _status(bus)
        bus.press("PlayPause")  # after a quiet moment: a press like any other
        after = "Playing" if before == "Paused" else "Paused"
        assert _status_until(bus, after) == after
        if after == "Paused":
            bus.press("PlayPause")
            assert _status_until(bus, "Playing") == "Playing"
        bus.press("Next")
        assert term.expect(b"[skip] rest", 10), term.text
        assert term.expect(QUESTION.encode(), 60), term.text
        term.send(b"2")
    finally:
        if proc.poll() is None:
            finish_run(proc, term, slave)
    toggles = _kinds(transcript).count("pause") + _kinds(transcript).count("resume")
    assert 1 <= toggles <= 12, toggles  # unguarded, one burst made about 2,300 toggles
    assert not any(p in term.text for p in PROBLEMS), term.text


def test_a_lost_bus_is_joined_again_and_a_bus_gone_for_good_is_said_once(
    tools: None, tmp_path: Path, voicecoach_home: Path
) -> None:
    """The session bus restarts at its address mid-run: the player is back on it and its
    buttons work. Then it goes away for good: one line says the buttons stopped working;
    the keyboard finishes the workout."""
    listen = f"unix:path={tmp_path / 'bus'}"
    first = SessionBus(listen)
    second: SessionBus | None = None
    proc, term, slave, _ = start_on_bus(tmp_path, voicecoach_home, first.env(), LONG_REST)
    try:
        _to_the_rest(term, first)
        first.stop()
        second = SessionBus(listen)
        assert second.wait_for_player(20), term.text  # taken again, with backoff
        second.press("PlayPause")
        assert term.expect(b"[pause] paused", 10), term.text
        second.press("PlayPause")
        assert term.expect(b"[resume] resumed", 10), term.text
        second.stop()
        assert term.expect(b"media buttons stopped working", 40), term.text
        term.send(b"s")  # skip the rest from the keyboard
        assert term.expect(QUESTION.encode(), 60), term.text
        term.send(b"2")
        assert term.expect(b"Workout done", 60), term.text
    finally:
        first.stop()
        if second is not None:
            second.stop()
        if proc.poll() is None:
            finish_run(proc, term, slave)
    assert term.text.count("media buttons stopped working") == 1, term.text
    assert "the keyboard still works" in term.text
    assert "Traceback" not in term.text
