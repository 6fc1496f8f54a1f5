"""Faults a lifter can cause or meet: Ctrl-C, Ctrl-Z, pipes, a broken journal, no espeak-ng.

Each runs the real CLI in a subprocess and checks the terminal's modes afterwards.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import termios
import time
from pathlib import Path

from helpers import mini_routine, run_voicecoach, start_in_terminal, voicecoach_env

TINY = mini_routine(2, "3", "Tiny Hardening")
ONE = mini_routine(1, "2", "One Set")


def _start(tmp_path: Path, home: Path, *extra: str):  # type: ignore[no-untyped-def]
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    args = ["run", str(routine), "--audio", "none", "--engine", "estimate", *extra]
    return start_in_terminal(args, voicecoach_env(home))


def _status(home: Path) -> str:
    con = sqlite3.connect(home / "data" / "journal.sqlite3")
    return con.execute("SELECT status FROM sessions").fetchone()[0]


def test_ctrl_c_asks_then_second_ctrl_c_quits(tmp_path: Path, voicecoach_home: Path) -> None:
    """First Ctrl-C asks to quit and save; a second quits at once (130), terminal restored."""
    proc, term, slave, before = _start(tmp_path, voicecoach_home)
    try:
        assert term.expect(b"[set] Upright row set 1/2", 60), term.text
        proc.send_signal(signal.SIGINT)
        assert term.expect(b"Press q again to quit", 20), term.text
        assert proc.poll() is None  # the first Ctrl-C only asks
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    assert termios.tcgetattr(slave) == before
    assert _status(voicecoach_home) == "aborted"
    os.close(slave)


def test_ctrl_c_then_other_key_goes_on(tmp_path: Path, voicecoach_home: Path) -> None:
    """Ctrl-C, then any other key: the workout continues to the end."""
    proc, term, slave, _ = _start(tmp_path, voicecoach_home, "--answers", "2,2")
    try:
        assert term.expect(b"[set] Upright row set 1/2", 60), term.text
        assert term.expect("rep 1 · pull".encode(), 30), term.text
        proc.send_signal(signal.SIGINT)
        assert term.expect(b"Press q again to quit", 20), term.text
        term.send(b"x")
        assert term.expect(b"quit cancelled", 20), term.text
        assert proc.wait(120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _status(voicecoach_home) == "completed"
    os.close(slave)


def test_ctrl_z_restores_terminal_and_fg_pauses(tmp_path: Path, voicecoach_home: Path) -> None:
    """Ctrl-Z: cooked terminal while stopped; fg: cbreak again and the timeline paused."""
    proc, term, slave, before = _start(tmp_path, voicecoach_home)
    try:
        assert term.expect(b"[set] Upright row set 1/2", 60), term.text
        proc.send_signal(signal.SIGTSTP)
        assert _wait_state(proc.pid, "T"), "process did not stop"
        assert termios.tcgetattr(slave) == before  # restored while suspended
        proc.send_signal(signal.SIGCONT)
        assert term.expect(b"[pause] paused", 20), term.text
        assert not termios.tcgetattr(slave)[3] & termios.ICANON  # cbreak again after fg
        term.send(b" ")
        assert term.expect(b"[resume] resumed", 20), term.text
        term.send(b"q")
        assert term.expect(b"Press q again", 20), term.text
        term.send(b"q")
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert termios.tcgetattr(slave) == before
    os.close(slave)


def _wait_state(pid: int, state: str, timeout: float = 10.0) -> bool:
    """Poll /proc until the process is in ``state`` (T = stopped)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] == state:
            return True
        time.sleep(0.02)
    return False


def test_answers_from_a_pipe(tmp_path: Path, voicecoach_home: Path) -> None:
    """With stdin a pipe, each line is a key: a digit line answers the RIR question."""
    routine = tmp_path / "tiny.yaml"
    routine.write_text(ONE)
    done = run_voicecoach(
        [
            "run",
            str(routine),
            "--audio",
            "none",
            "--engine",
            "estimate",
            "--rir-timeout",
            "3",
        ],
        voicecoach_env(voicecoach_home),
        input="3\n",
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "[answer] 3" in done.stdout
    assert "\x1b[" not in done.stdout  # plain lines when stdout is not a TTY
    assert _status(voicecoach_home) == "completed"


def test_stdin_dev_null_runs_with_defaults(tmp_path: Path, voicecoach_home: Path) -> None:
    """stdin at /dev/null: no answers, no busy loop (CPU near zero), the run completes."""
    import resource

    routine = tmp_path / "tiny.yaml"
    routine.write_text(ONE)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = run_voicecoach(
        [
            "run",
            str(routine),
            "--audio",
            "none",
            "--engine",
            "estimate",
            "--rir-timeout",
            "8",
        ],
        voicecoach_env(voicecoach_home),
        timeout=180,
    )
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("[answer] -") == 1
    # Start-up costs ~0.3 s of CPU; a busy loop would burn the whole wall time.
    assert cpu < 0.1 * wall, (cpu, wall)


def test_unwritable_journal_warns_and_runs(tmp_path: Path, voicecoach_home: Path) -> None:
    """A journal that can't be opened: one line saying the session won't be saved, then coach."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    routine = tmp_path / "tiny.yaml"
    routine.write_text(ONE)
    done = run_voicecoach(
        [
            "run",
            str(routine),
            "--audio",
            "none",
            "--engine",
            "estimate",
            "--answers",
            "2",
            "--db",
            str(blocker / "j.sqlite3"),
        ],
        voicecoach_env(voicecoach_home),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "will not be saved" in done.stderr and "Traceback" not in done.stderr


def test_unwritable_home_still_coaches(tmp_path: Path) -> None:
    """VOICECOACH_HOME under a regular file: warnings, no traceback, the session runs."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    routine = tmp_path / "tiny.yaml"
    routine.write_text(ONE)
    done = run_voicecoach(
        ["run", str(routine), "--audio", "none", "--answers", "2"],
        voicecoach_env(blocker / "home"),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "will not be saved" in done.stderr


def test_missing_espeak_falls_back_to_text(tmp_path: Path, voicecoach_home: Path) -> None:
    """Simulated missing libespeak-ng: one line naming the apt-get fix, then text coaching."""
    shim = tmp_path / "shim"
    shim.mkdir()
    # pyttsx3 loads espeak through ctypes; make that load fail as on a machine without it.
    (shim / "sitecustomize.py").write_text(
        "import ctypes\n"
        "_orig = ctypes.cdll.LoadLibrary\n"
        "def _load(name, *a, **k):\n"
        "    if 'espeak' in str(name):\n"
        "        raise OSError(f'{name}: cannot open shared object file: No such file')\n"
        "    return _orig(name, *a, **k)\n"
        "ctypes.cdll.LoadLibrary = _load\n"
        "_CDLL = ctypes.CDLL\n"
        "class CDLL(_CDLL):\n"
        "    def __init__(self, name, *a, **k):\n"
        "        if 'espeak' in str(name):\n"
        "            raise OSError(f'{name}: cannot open shared object file')\n"
        "        super().__init__(name, *a, **k)\n"
        "ctypes.CDLL = CDLL\n"
    )
    routine = tmp_path / "tiny.yaml"
    routine.write_text(ONE)
    env = voicecoach_env(
        voicecoach_home, PYTHONPATH=f"{shim}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    )
    done = run_voicecoach(
        [
            "run",
            str(routine),
            "--audio",
            "none",
            "--engine",
            "espeak",  # the one engine asked for is missing (the neural voice would cover it)
            "--answers",
            "2",
            "--no-journal",
        ],
        env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [x for x in done.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "apt-get install libespeak-ng1" in lines[0], done.stderr
    assert "How many in reserve?" in done.stdout


def test_plain_run_offers_to_resume_an_unfinished_session(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """After a quit mid-workout, a plain run asks once; 'y' picks up where it stopped."""
    proc, term, slave, _ = _start(tmp_path, voicecoach_home)
    try:
        assert term.expect(b"[set] Upright row set 1/2", 60), term.text
        term.send(b"q")
        assert term.expect(b"Press q again", 20), term.text
        term.send(b"q")
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(slave)
    assert _status(voicecoach_home) == "aborted"
    proc, term, slave, _ = _start(tmp_path, voicecoach_home, "--answers", "2,2")
    try:
        assert term.expect(b"Resume it? [y/N]", 30), term.text
        term.send(b"y\n")
        assert term.expect(b"Picking up where you stopped", 30), term.text
        term.send(b"q")
        assert term.expect(b"Press q again", 20), term.text
        term.send(b"q")
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(slave)
    con = sqlite3.connect(voicecoach_home / "data" / "journal.sqlite3")
    assert con.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
