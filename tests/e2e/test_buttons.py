"""End to end: a real ``voicecoach run`` in a pty is an MPRIS2 player on a private session
bus, and stock D-Bus clients press its buttons."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbus_helpers import FAST, SessionBus, finish_run, need_tools, start_on_bus
from helpers import PYTHON, close_terminal, mini_routine, voicecoach_env

# A rest long enough that four button presses land inside it on a busy machine.
LONG_REST = mini_routine(2, "3", "Buttons").replace("rest: 3s", "rest: 30s")


@pytest.fixture(scope="module")
def bus() -> Iterator[SessionBus]:
    need_tools("dbus-daemon", "dbus-send")
    daemon = SessionBus()
    try:
        yield daemon
    finally:
        daemon.stop()


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
        proc, term, slave, _ = start_on_bus(
            tmp_path, voicecoach_home, bus.env(), mini_routine(2, "3")
        )
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
        finish_run(proc, term, slave)
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
    proc, term, slave, transcript = start_on_bus(tmp_path, voicecoach_home, bus.env(), LONG_REST)
    assert term.expect("rep 2 · pull".encode(), 60), term.text
    bus.press("PlayPause")  # set done, at the start of rep two
    assert term.expect(b"How many in reserve?", 30), term.text
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
    finish_run(proc, term, slave)
    assert _sets(voicecoach_home) == [(1, 1, 2)]  # set 1: one rep; set 2 skipped
    kinds = [k for k, _ in _events(transcript)]
    assert kinds.count("skip") == 2 and "repeat" in kinds and "pause" in kinds


def test_rir_answered_with_play_only(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """With only PlayPause, a press while the coach counts "four" is journaled as the
    number confirmed aloud (four, or three if the press beat the reaction allowance)."""
    proc, term, slave, transcript = start_on_bus(
        tmp_path, voicecoach_home, bus.env(), mini_routine(1, "1")
    )
    assert term.expect(b"How many in reserve?", 60), term.text
    assert term.expect(b"zero", 30), term.text  # the count, after the proposal
    assert term.expect(b"four", 30), term.text
    bus.press("PlayPause")
    assert term.expect(b"in reserve.", 10), term.text
    finish_run(proc, term, slave)
    events = _events(transcript)
    said = [t for k, t in events if k == "say"]
    answer = int(next(t for k, t in events if k == "answer"))
    assert answer in (3, 4)  # not the proposal (two): the count was used
    assert said.count(f"{['Three', 'Four'][answer - 3]} in reserve.") == 1  # confirmed once
    assert said.index("zero") < said.index("four")
    assert _sets(voicecoach_home) == [(1, 1, answer)]


def test_rir_stepped_with_next_and_previous(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Next, Next, Previous from the proposed two, then PlayPause: three is journaled."""
    proc, term, slave, _ = start_on_bus(tmp_path, voicecoach_home, bus.env(), mini_routine(1, "1"))
    assert term.expect(b"How many in reserve?", 60), term.text
    assert term.expect(b"Two?", 30), term.text
    for method, heard in (("Next", b"Three?"), ("Next", b"Four?"), ("Previous", b"Three?")):
        bus.press(method)
        assert term.expect(heard, 10), term.text
    bus.press("PlayPause")
    assert term.expect(b"Three in reserve.", 10), term.text
    finish_run(proc, term, slave)
    assert _sets(voicecoach_home) == [(1, 1, 3)]


def test_undo_within_seconds_reopens_the_question(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Previous right after "Two in reserve." takes it back; the next answer is journaled."""
    proc, term, slave, _ = start_on_bus(tmp_path, voicecoach_home, bus.env(), mini_routine(1, "1"))
    assert term.expect(b"How many in reserve?", 60), term.text
    assert term.expect(b"Two?", 30), term.text
    bus.press("PlayPause")
    assert term.expect(b"Two in reserve.", 10), term.text
    bus.press("Previous")  # within the undo window
    assert term.expect(b"How many in reserve?", 10), term.text
    bus.press("Previous")  # now stepping: one
    assert term.expect(b"One?", 10), term.text
    bus.press("PlayPause")
    assert term.expect(b"One in reserve.", 10), term.text
    finish_run(proc, term, slave)
    assert _sets(voicecoach_home) == [(1, 1, 1)]


def _plain_runs(tmp_path: Path, home: Path, *variants: list[str]) -> list[tuple]:  # type: ignore[type-arg]
    """Run the same one-set routine once per variant of extra arguments, all at once (they
    spend their time waiting on the real clock), with no session bus; the keyboard is a
    pipe that answers 2. Returns (exit code, stderr, events) per variant."""
    routine = tmp_path / "routine.yaml"
    routine.write_text(mini_routine(1, "1"))
    runtime = tmp_path / "runtime"  # an XDG_RUNTIME_DIR without a bus socket
    runtime.mkdir(exist_ok=True)
    env = voicecoach_env(home, XDG_RUNTIME_DIR=str(runtime))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    procs = []
    for n, extra in enumerate(variants):
        transcript = tmp_path / f"run{n}.jsonl"
        args = ["run", str(routine), *FAST, "--no-journal", "--transcript", str(transcript)]
        proc = subprocess.Popen(
            [PYTHON, "-m", "voicecoach", *args, *extra],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdin is not None
        proc.stdin.write("2\n")  # typed ahead: it answers the question when it comes
        proc.stdin.close()
        procs.append((proc, transcript))
    out = []
    for proc, transcript in procs:
        assert proc.stderr is not None
        err = proc.stderr.read()  # until it exits; stdout goes nowhere, so nothing blocks
        proc.wait(120)
        out.append((proc.returncode, err, _events(transcript)))
    return out


def test_without_a_bus_the_run_is_unchanged(tmp_path: Path, voicecoach_home: Path) -> None:
    """No session bus: the same events as --no-buttons, and not a word about buttons."""
    (code, err, events), (code_off, _, events_off) = _plain_runs(
        tmp_path, voicecoach_home, [], ["--no-buttons"]
    )
    assert code == code_off == 0, err
    assert events == events_off
    assert "button" not in err.lower()
    assert ("answer", "2") in events


def test_explicit_buttons_without_a_bus_warns_and_runs(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """--buttons with no bus says why they are off and how to enable them, then coaches."""
    [(code, err, events)] = _plain_runs(tmp_path, voicecoach_home, ["--buttons"])
    assert code == 0
    assert "media buttons are off: no D-Bus session bus" in err
    assert "dbus-run-session" in err
    assert ("answer", "2") in events


def test_doctor_reports_buttons_on_with_a_bus(
    bus: SessionBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a session bus, doctor registers a player for a moment and says buttons are on."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    check = {c["name"]: c for c in json.loads(result.output)}["media buttons"]
    assert check["ok"], check
    assert "org.mpris.MediaPlayer2.voicecoach" in check["detail"]
    assert not bus.has_player()  # and left the bus again


def test_doctor_says_why_buttons_are_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a session bus, doctor says why buttons are off and how to enable them."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    check = {c["name"]: c for c in json.loads(result.output)}["media buttons"]
    assert not check["ok"]
    assert "DBUS_SESSION_BUS_ADDRESS is not set" in check["detail"]
    assert "dbus-run-session" in check["fix"] and "mpris-proxy" in check["fix"]
    assert result.exit_code == 0  # buttons are optional


def test_bus_gone_mid_session_the_run_goes_on(tmp_path: Path, voicecoach_home: Path) -> None:
    """The session bus dies during set 1: the keyboard finishes the run, exit 0, no traceback."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is needed")
    own = SessionBus()  # this test kills its bus, so not the module's
    try:
        proc, term, slave, _ = start_on_bus(
            tmp_path, voicecoach_home, own.env(), mini_routine(1, "3")
        )
        assert term.expect(b"[set] Upright row set 1/1", 60), term.text
        assert own.wait_for_player()
        own.stop()
        assert term.expect(b"How many in reserve?", 60), term.text
        term.send(b"2")
        assert term.expect(b"Workout done", 60), term.text
        finish_run(proc, term, slave)
    finally:
        own.stop()
    assert "Traceback" not in term.text and "Exception" not in term.text
    assert _sets(voicecoach_home) == [(1, 3, 2)]


def test_presses_queued_across_the_end_of_the_workout_cannot_hold_it(
    bus: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Play/pause pressed again and again from the last answer through the summary, then a
    burst of 2,000: the summary plays through, the process ends at once with exit 0 and the
    session is complete. (It once sat paused in the summary for 12 minutes until SIGTERM,
    which then marked the finished session aborted.)"""
    import time

    proc, term, slave, _ = start_on_bus(
        tmp_path, voicecoach_home, bus.env(), mini_routine(1, "1", "End")
    )
    try:
        assert term.expect(b"[set] Upright row set 1/1", 60), term.text
        assert bus.wait_for_player()
        assert term.expect(b"[ask] RIR", 60), term.text
        term.send(b"2")
        assert term.expect(b"Two in reserve.", 20), term.text
        presses = 0
        while proc.poll() is None and presses < 40:  # spaced like a thumb, up to the exit
            try:
                bus.press("PlayPause")
            except RuntimeError:  # the player left the bus: the run is ending
                break
            presses += 1
            if b"Workout done" in term.seen and presses >= 6:
                break
        started = time.monotonic()
        bus.flood("PlayPause", 2_000)  # errors are fine: the player may be gone mid-burst
        try:
            code = proc.wait(15)
        except subprocess.TimeoutExpired:
            term.drain(1)
            pytest.fail(f"still running 15 s after the presses: {term.text[-1500:]}")
        ended_after = time.monotonic() - started
    finally:
        close_terminal(proc, term, slave, drain=1)
    assert presses >= 3, presses  # some presses did land across the end
    assert code == 0, term.text
    assert ended_after < 15, ended_after
    assert "completed: 1 sets saved" in term.text, term.text
    assert "Traceback" not in term.text
    con = sqlite3.connect(voicecoach_home / "data" / "journal.sqlite3")
    assert con.execute("SELECT status FROM sessions").fetchall() == [("completed",)]
