"""End to end: a real ``voicecoach run`` in a pty is an MPRIS2 player on a private session
bus, and stock D-Bus clients press its buttons (issue 13)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbus_helpers import SessionBus
from helpers import mini_routine, run_voicecoach, start_in_terminal, voicecoach_env

FAST = ["--audio", "none", "--engine", "estimate"]
# A rest long enough that four button presses land inside it on a busy machine.
LONG_REST = mini_routine(2, "3", "Buttons").replace("rest: 3s", "rest: 30s")


@pytest.fixture(scope="module")
def bus() -> Iterator[SessionBus]:
    if shutil.which("dbus-daemon") is None or shutil.which("dbus-send") is None:
        if os.environ.get("CI"):
            pytest.fail("dbus-daemon/dbus-send missing under CI: run scripts/install.sh --test")
        pytest.skip("dbus-daemon and dbus-send are needed for the media button tests")
    daemon = SessionBus()
    try:
        yield daemon
    finally:
        daemon.stop()


def _start(tmp_path: Path, home: Path, bus: SessionBus, routine: str, *extra: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "routine.yaml"
    path.write_text(routine)
    transcript = tmp_path / "run.jsonl"
    proc, term, slave, _ = start_in_terminal(
        ["run", str(path), *FAST, "--transcript", str(transcript), *extra],
        voicecoach_env(home, **bus.env()),
    )
    return proc, term, slave, transcript


def _finish(proc, term, slave) -> None:  # type: ignore[no-untyped-def]
    try:
        assert proc.wait(60) == 0, term.text
    finally:
        if proc.poll() is None:
            proc.kill()
        term.drain(1)
        os.close(term.master)
        os.close(slave)


def _events(transcript: Path) -> list[tuple[str, str]]:
    lines = transcript.read_text().splitlines()
    return [(e["kind"], e["text"]) for e in map(json.loads, lines)]


def _sets(home: Path) -> list[tuple]:
    con = sqlite3.connect(home / "data" / "journal.sqlite3")
    return con.execute("SELECT set_no, reps, rir FROM sets ORDER BY id").fetchall()


def test_metadata_shows_the_set_and_changes_are_signalled(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Metadata names the exercise and "Set 1 of 2 · 100 lb"; PropertiesChanged carries it."""
    signals = tmp_path / "signals.txt"
    monitor = bus.monitor(signals)
    try:
        proc, term, slave, _ = _start(tmp_path, voicecoach_home, bus, mini_routine(2, "3"))
        assert term.expect(b"[set] Upright row set 1/2", 60), term.text
        assert bus.wait_for_player()
        meta = bus.get("Metadata")
        assert 'string "Upright row"' in meta
        assert 'string "Set 1 of 2 · 100 lb"' in meta
        assert "/org/voicecoach/track/" in meta
        assert 'string "Playing"' in bus.get("PlaybackStatus")
        assert 'string "voicecoach"' in bus.get("Identity", "org.mpris.MediaPlayer2")
        assert "boolean true" in bus.get("CanGoNext")
        term.send(b"q")
        assert term.expect(b"quit?", 30), term.text
        term.send(b"q")
        _finish(proc, term, slave)
    finally:
        monitor.terminate()
        monitor.wait(5)
    seen = signals.read_text(errors="replace")
    assert "xesam:title" in seen and 'string "Set 1 of 2 · 100 lb"' in seen
    assert not bus.has_player()  # the name is released when the run ends


def test_buttons_end_a_set_pause_repeat_and_skip(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """PlayPause ends set 1 early; in the rest it pauses and resumes; Previous repeats;
    Next skips the rest, then skips the last set."""
    proc, term, slave, transcript = _start(tmp_path, voicecoach_home, bus, LONG_REST)
    assert term.expect(b"two, pull", 60), term.text
    bus.press("PlayPause")  # set done, at the start of rep two
    assert term.expect(b"Reps in reserve?", 30), term.text
    term.send(b"2")  # the keyboard still answers, alongside the buttons
    assert term.expect(b"[rest] 30s", 30), term.text
    bus.press("PlayPause")
    assert term.expect(b"[pause] paused", 10), term.text
    assert 'string "Paused"' in bus.get("PlaybackStatus")
    bus.press("PlayPause")
    assert term.expect(b"[resume] resumed", 10), term.text
    bus.press("Previous")
    assert term.expect(b"[repeat]", 10), term.text
    bus.press("Next")
    assert term.expect(b"[skip] rest", 10), term.text
    assert term.expect(b"[set] Upright row set 2/2", 10), term.text
    bus.press("Next")
    assert term.expect(b"[skip] Upright row", 30), term.text
    _finish(proc, term, slave)
    assert _sets(voicecoach_home) == [(1, 1, 2)]  # set 1: one rep; set 2 skipped
    kinds = [k for k, _ in _events(transcript)]
    assert kinds.count("skip") == 2 and "repeat" in kinds and "pause" in kinds


def test_rir_answered_with_play_only(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """With only PlayPause, a press while the coach counts "four" is journaled as the
    number confirmed aloud (four, or three if the press beat the reaction allowance)."""
    proc, term, slave, transcript = _start(tmp_path, voicecoach_home, bus, mini_routine(1, "3"))
    assert term.expect(b"Reps in reserve?", 60), term.text
    assert term.expect(b"zero", 30), term.text  # the count, after the proposal
    assert term.expect(b"four", 30), term.text
    bus.press("PlayPause")
    assert term.expect(b"in reserve.", 10), term.text
    _finish(proc, term, slave)
    events = _events(transcript)
    said = [t for k, t in events if k == "say"]
    answer = int(next(t for k, t in events if k == "answer"))
    assert answer in (3, 4)  # not the proposal (two): the count was used
    assert said.count(f"{['Three', 'Four'][answer - 3]} in reserve.") == 1  # confirmed once
    assert said.index("zero") < said.index("four")
    assert _sets(voicecoach_home) == [(1, 3, answer)]


def test_rir_stepped_with_next_and_previous(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Next, Next, Previous from the proposed two, then PlayPause: three is journaled."""
    proc, term, slave, transcript = _start(tmp_path, voicecoach_home, bus, mini_routine(1, "3"))
    assert term.expect(b"Reps in reserve?", 60), term.text
    assert term.expect(b"Two?", 30), term.text
    for method, heard in (("Next", b"Three?"), ("Next", b"Four?"), ("Previous", b"Three?")):
        bus.press(method)
        assert term.expect(heard, 10), term.text
    bus.press("PlayPause")
    assert term.expect(b"Three in reserve.", 10), term.text
    _finish(proc, term, slave)
    assert _sets(voicecoach_home) == [(1, 3, 3)]


def test_undo_within_seconds_reopens_the_question(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Previous right after "Two in reserve." takes it back; the next answer is journaled."""
    proc, term, slave, _ = _start(tmp_path, voicecoach_home, bus, mini_routine(1, "3"))
    assert term.expect(b"Reps in reserve?", 60), term.text
    assert term.expect(b"Two?", 30), term.text
    bus.press("PlayPause")
    assert term.expect(b"Two in reserve.", 10), term.text
    bus.press("Previous")  # within the undo window
    assert term.expect(b"Reps in reserve?", 10), term.text
    bus.press("Previous")  # now stepping: one
    assert term.expect(b"One?", 10), term.text
    bus.press("PlayPause")
    assert term.expect(b"One in reserve.", 10), term.text
    _finish(proc, term, slave)
    assert _sets(voicecoach_home) == [(1, 3, 1)]


def _plain_run(tmp_path: Path, home: Path, env_extra: dict[str, str], *extra: str):  # type: ignore[no-untyped-def]
    routine = tmp_path / "routine.yaml"
    routine.write_text(mini_routine(2, "3"))
    transcript = tmp_path / f"run{len(list(tmp_path.glob('run*.jsonl')))}.jsonl"
    env = voicecoach_env(home, **env_extra)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = run_voicecoach(
        ["run", str(routine), *FAST, "--no-journal", "--transcript", str(transcript), *extra],
        env,
        input="2\n1\n",
        stdin=None,
    )
    return done, [e for e in _events(transcript)]


def test_without_a_bus_the_run_is_unchanged(tmp_path: Path, voicecoach_home: Path) -> None:
    """No session bus: the same events as --no-buttons, and not a word about buttons."""
    runtime = tmp_path / "runtime"  # an XDG_RUNTIME_DIR without a bus socket
    runtime.mkdir()
    default, events = _plain_run(tmp_path, voicecoach_home, {"XDG_RUNTIME_DIR": str(runtime)})
    off, events_off = _plain_run(
        tmp_path, voicecoach_home, {"XDG_RUNTIME_DIR": str(runtime)}, "--no-buttons"
    )
    assert default.returncode == off.returncode == 0, default.stderr
    assert events == events_off
    assert "button" not in default.stderr.lower()
    assert ("answer", "2") in events


def test_explicit_buttons_without_a_bus_warns_and_runs(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """--buttons with no bus says why they are off and how to enable them, then coaches."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    done, events = _plain_run(
        tmp_path, voicecoach_home, {"XDG_RUNTIME_DIR": str(runtime)}, "--buttons"
    )
    assert done.returncode == 0
    assert "media buttons are off: no D-Bus session bus" in done.stderr
    assert "dbus-run-session" in done.stderr
    assert ("answer", "1") in events
