"""The terminal a person sees during ``voicecoach run``, in a real pty: the status line at
80 and 40 columns, TERM=dumb, NO_COLOR, Ctrl-\\ (SIGQUIT), and quitting cleanly."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import termios
from pathlib import Path

import pytest

from helpers import mini_routine, screen_lines, start_in_terminal, voicecoach_env

MINI = mini_routine(2, "3", "Screen Test")
DOT = " · "


def _start(tmp_path: Path, home: Path, *extra: str, columns: int = 80, **env: str):  # type: ignore[no-untyped-def]
    routine = tmp_path / "mini.yaml"
    routine.write_text(MINI)
    environ = voicecoach_env(home, **env)
    environ.pop("COLUMNS", None)  # the width comes from the pty, as for a person
    environ.setdefault("TERM", "xterm-256color")
    args = ["run", str(routine), "--audio", "none", "--engine", "estimate", *extra]
    return start_in_terminal(args, environ, columns=columns)


def _finish(proc, term, timeout: float = 120) -> int:  # type: ignore[no-untyped-def]
    """Wait for the exit, then read what is left; the pty stays open for tcgetattr."""
    try:
        code = proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    term.drain(1)
    return code


def _close(term, slave: int) -> None:  # type: ignore[no-untyped-def]
    os.close(term.master)
    os.close(slave)


def _sets(home: Path) -> int:
    con = sqlite3.connect(home / "data" / "journal.sqlite3")
    return con.execute("SELECT COUNT(*) FROM sets").fetchone()[0]


def test_status_line_at_80_columns(tmp_path: Path, voicecoach_home: Path) -> None:
    """80 columns: exercise, set, load and rep in reverse video; the rest counts down."""
    proc, term, slave, _ = _start(tmp_path, voicecoach_home, "--answers", "2,2")
    line = DOT.join(["Upright row", "set 1/2", "100 lb", "rep 2", "pull"]).encode()
    assert term.expect(b"\x1b[7m" + line, 60), term.text
    assert term.expect(b"[rest] 3s", 60), term.text
    for left in (b"rest 0:02", b"rest 0:01"):  # counting down, not a stale "rep 3"
        assert term.expect(
            DOT.join(["next: Upright row", "set 2/2", "105 lb", ""]).encode() + left, 20
        ), term.text
    assert _finish(proc, term) == 0
    _close(term, slave)


def test_status_line_fits_40_columns_without_colour(tmp_path: Path, voicecoach_home: Path) -> None:
    """40 columns, NO_COLOR: each status line drawn fits 39 cells, shows set and load, and
    carries no SGR attribute; it is still redrawn in place."""
    proc, term, slave, _ = _start(
        tmp_path, voicecoach_home, "--answers", "2,2", columns=40, NO_COLOR="1"
    )
    assert _finish(proc, term) == 0
    _close(term, slave)
    assert re.search(rb"\x1b\[[0-9;]*m", term.seen) is None
    # Each redraw is ESC[K + (a line + newline +) the status line, which has no newline.
    drawn = [p.rsplit("\n", 1)[-1] for p in term.text.split("\r\x1b[K")]
    status = [s for s in drawn if " lb" in s and "[" not in s]
    assert len(status) > 10, term.text
    assert all(len(s) <= 39 for s in status), [s for s in status if len(s) > 39]  # ASCII and ·
    assert any("1/2" in s and "100 lb" in s and "rep 2" in s for s in status), status


def test_term_dumb_gets_no_escape_sequence(tmp_path: Path, voicecoach_home: Path) -> None:
    """TERM=dumb: a whole run writes not one ESC byte (finding 9: ESC[K leaked)."""
    proc, term, slave, _ = _start(tmp_path, voicecoach_home, "--answers", "2,2", TERM="dumb")
    assert _finish(proc, term) == 0
    _close(term, slave)
    assert b"completed: 2 sets saved" in term.seen
    assert b"\x1b" not in term.seen


def test_ctrl_backslash_restores_the_terminal_exactly_and_keeps_sets(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """SIGQUIT (Ctrl-\\) after one finished set: exit 131, termios exactly as before, set kept."""
    proc, term, slave, before = _start(tmp_path, voicecoach_home, "--answers", "2,2")
    assert term.expect(b"[set] Upright row set 2/2", 90), term.text
    assert termios.tcgetattr(slave) != before  # cbreak while running
    proc.send_signal(signal.SIGQUIT)
    assert _finish(proc, term, 20) == 128 + signal.SIGQUIT
    assert termios.tcgetattr(slave) == before
    _close(term, slave)
    assert _sets(voicecoach_home) == 1


def _storm(proc, first: int, then: int, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """``first``, then ``then`` again and again, back to back, until the process is gone.

    The pause between sends only paces the storm (about one per millisecond); the
    process's exit is what ends it.
    """
    import time

    proc.send_signal(first)
    end = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < end:
        try:
            os.kill(proc.pid, then)
        except ProcessLookupError:
            break
        time.sleep(0.001)


@pytest.mark.parametrize(
    "then", [signal.SIGQUIT, signal.SIGINT, signal.SIGTERM], ids=["quit", "int", "term"]
)
def test_signals_during_shutdown_are_absorbed_never_a_core_dump(
    tmp_path: Path, voicecoach_home: Path, then: int
) -> None:
    """Ctrl-\\ then a storm of Ctrl-\\ (or Ctrl-C, SIGTERM) while shutting down: exit 131.

    The handlers used to go back to the default while the shutdown still ran, so a
    second Ctrl-\\ within ~20 ms dumped core (exit -3) with the terminal in cbreak mode.
    """
    proc, term, slave, before = _start(tmp_path, voicecoach_home, "--answers", "2,2")
    assert term.expect(b"[set] Upright row set 2/2", 90), term.text
    _storm(proc, signal.SIGQUIT, then)
    assert _finish(proc, term, 20) == 128 + signal.SIGQUIT
    assert termios.tcgetattr(slave) == before
    _close(term, slave)
    assert _sets(voicecoach_home) == 1


def test_quit_ends_on_a_clean_line_and_ignores_later_keys(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """q, q, then space: the space is not handled, and "aborted:" is a line of its own."""
    proc, term, slave, before = _start(tmp_path, voicecoach_home)
    assert term.expect(b"[set] Upright row set 1/2", 60), term.text
    term.send(b"q")
    assert term.expect(b"Press q again", 20), term.text
    term.send(b"q")
    assert term.expect(b"[quit] confirmed", 20), term.text
    term.send(b" ")  # after the confirmation: must not pause the goodbye
    assert _finish(proc, term, 30) == 0
    assert termios.tcgetattr(slave) == before
    _close(term, slave)
    after = term.text.split("[quit] confirmed", 1)[1]
    assert "[pause]" not in after
    lines = [ln for ln in screen_lines(term.seen) if ln.strip()]
    assert lines[-1] == "aborted: 0 sets saved", lines[-3:]


def test_q_and_space_work_while_reps_in_reserve_waits(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """At "How many in reserve?": space pauses, space goes on; a superscript ² is no answer,
    7 is taken as five or more (and said so). At the next question, q, q quits with both
    sets kept."""
    proc, term, slave, before = _start(tmp_path, voicecoach_home)
    assert term.expect(b"[ask] RIR", 90), term.text
    term.send(b" ")
    assert term.expect(b"[pause] paused", 20), term.text
    term.send(b" ")
    assert term.expect(b"[resume] resumed", 20), term.text
    term.send("²".encode())  # a digit to str.isdigit, once an internal error here
    term.send(b"7")
    assert term.expect(b"[note] 7 pressed: reps in reserve goes up to 5", 20), term.text
    assert term.expect(b"[answer] 5", 5), term.text
    assert term.expect(b"Five or more in reserve.", 10), term.text
    assert term.expect(b"[ask] RIR", 60), term.text
    term.send(b"q")
    assert term.expect(b"Press q again", 20), term.text
    term.send(b"q")
    assert term.expect(b"[quit] confirmed", 20), term.text
    assert _finish(proc, term, 30) == 0
    assert termios.tcgetattr(slave) == before
    _close(term, slave)
    assert "aborted: 2 sets saved" in term.text, term.text
    assert "internal error" not in term.text
    con = sqlite3.connect(voicecoach_home / "data" / "journal.sqlite3")
    rirs = [r for (r,) in con.execute("SELECT rir FROM sets ORDER BY position")]
    assert rirs == [5, None]
