"""End to end: ``voicecoach run`` as a subprocess in a pseudo-terminal, keys sent,
audio recorded from the null sink, the journal checked afterwards."""

from __future__ import annotations

import os
import signal
import sqlite3
import termios
from pathlib import Path

import pytest

from helpers import (
    PulseServer,
    mini_routine,
    onsets,
    run_voicecoach,
    start_in_terminal,
    voicecoach_env,
)

TINY = mini_routine(2, "3-4", "Tiny E2E")


def _env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    return voicecoach_env(home, **(extra or {}))


def _journal_rows(home: Path) -> list[tuple]:
    db = home / "data" / "journal.sqlite3"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return con.execute("SELECT set_no, weight, reps, rir FROM sets ORDER BY id").fetchall()


def test_real_run_keys_audio_and_journal(
    pulse: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """RIR key raises the next load, Enter ends a set early, speech is heard, tty restored."""
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    proc, term, slave, before = start_in_terminal(
        ["run", str(routine), "--audio", "stream"], _env(voicecoach_home, pulse.env())
    )
    master = term.master
    with pulse.record(tmp_path / "run.raw") as rec:
        try:
            assert term.expect(b"How many in reserve?", 60), term.text
            term.send(b"3")  # top of the range with RIR 3: the next set gets +5 lb
            assert term.expect(b"[load] Upright row: 100 lb -> 105 lb", 30), term.text
            assert term.expect(b"set 2/2", 60), term.text
            assert term.expect("rep 2 · pull".encode(), 30), term.text
            term.send(b"\r")  # end set two early, at the start of rep two
            assert term.expect(b"How many in reserve?", 30), term.text
            term.send(b"1")
            assert proc.wait(60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        term.expect(b"sets saved", 5)
    assert "completed: 2 sets saved" in term.text, term.text
    assert termios.tcgetattr(slave) == before  # the terminal modes are back
    os.close(master)
    os.close(slave)
    rows = _journal_rows(voicecoach_home)
    assert rows == [(1, 100.0, 4, 3), (2, 105.0, 1, 1)]
    heard = onsets(rec.samples(), min_gap=0.2)
    assert len(heard) > 15  # intro, count-in, reps, questions, summary: really played


def test_sigkill_mid_set_keeps_finished_sets_then_resume(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """SIGKILL during set two: set one is in the journal intact; --resume finishes the rest."""
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    env = _env(voicecoach_home)
    args = [
        "run",
        str(routine),
        "--audio",
        "none",
        "--engine",
        "estimate",
        "--answers",
        "2,2",
    ]
    proc, term, slave, _ = start_in_terminal(args, env)
    try:
        assert term.expect(b"set 2/2", 90), term.text
        assert term.expect("rep 2 · pull".encode(), 30), term.text
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(term.master)
        os.close(slave)
    rows = _journal_rows(voicecoach_home)
    assert rows == [(1, 100.0, 4, 2)]
    db = sqlite3.connect(voicecoach_home / "data" / "journal.sqlite3")
    assert db.execute("SELECT status FROM sessions").fetchone()[0] == "running"

    proc, term, slave, _ = start_in_terminal([*args[:-1], "2", "--resume"], env)
    try:
        assert term.expect(b"sets saved", 120), term.text
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(term.master)
        os.close(slave)
    assert "Picking up where you stopped" in term.text
    rows = _journal_rows(voicecoach_home)
    assert [r[:2] for r in rows] == [(1, 100.0), (2, 105.0)]
    assert db.execute("SELECT COUNT(*), MAX(status) FROM sessions").fetchone() == (1, "completed")


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_signals_exit_cleanly_and_restore_terminal(
    tmp_path: Path, voicecoach_home: Path, signame: str
) -> None:
    """SIGTERM/SIGHUP: exit 143/129, session marked aborted, terminal modes restored."""
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    proc, term, slave, before = start_in_terminal(
        ["run", str(routine), "--audio", "none", "--engine", "estimate"],
        _env(voicecoach_home),
    )
    try:
        assert term.expect(b"[set] Upright row set 1/2", 60), term.text
        during = termios.tcgetattr(slave)
        assert not during[3] & termios.ICANON  # cbreak while running
        proc.send_signal(getattr(signal, signame))
        code = proc.wait(20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 128 + getattr(signal, signame)
    assert termios.tcgetattr(slave) == before
    os.close(term.master)
    os.close(slave)
    db = sqlite3.connect(voicecoach_home / "data" / "journal.sqlite3")
    assert db.execute("SELECT status FROM sessions").fetchone()[0] == "aborted"


def test_dry_run_loads_carry_to_next_dry_run(voicecoach_home: Path) -> None:
    """A dry run with answers, then another: the second starts at the first's final loads."""

    args = ["run", "upper-back-strength", "--dry-run", "--engine", "estimate"]
    env = _env(voicecoach_home)
    first = run_voicecoach([*args, "--answers", "2,2,2"], env)
    assert first.returncode == 0, first.stderr
    assert "Deadlift: 245 lb -> 255 lb" in first.stdout
    second = run_voicecoach(args, env)
    assert "Starting where you left off: Deadlift, two hundred fifty-five pounds" in second.stdout
    assert "SET Deadlift set 1/3 · 255 lb" in second.stdout


def test_no_audio_device_falls_back_to_text_with_one_line(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """No sound server and no card: one warning line on stderr, the run completes in text."""
    routine = tmp_path / "one.yaml"
    routine.write_text(mini_routine(1, "1", "One"))
    env = _env(voicecoach_home, {"PULSE_SERVER": f"unix:{tmp_path}/no-server"})
    done = run_voicecoach(["run", str(routine), "--answers", "2", "--no-journal"], env)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    assert warnings == [
        "voicecoach: no audio device found, coaching in text only (run "
        "'voicecoach doctor' to see why and how to fix it)"
    ]
    assert "How many in reserve?" in done.stdout and "\x1b[" not in done.stdout
