"""The lifter's journey: the same routine again next week, with loads changed since.

A second session says phrases the first never did ("Starting where you left
off: ... one hundred five pounds"), so it must render them with the cache
warm for everything else. That is where pyttsx3's espeak driver handed back
zero bytes and the run died. Real runs, real engines, a real
journal; the fault tests inject failures into the real engine processes.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from helpers import run_voicecoach, voicecoach_env

FAULTS = str(Path(__file__).parent.parent / "faults")
ROUTINE = """\
name: Week By Week
count_in: 0
exercises:
  - {use: upright-row, sets: 1, reps: '1', load: 100 lb, rest: 0s,
     tempo: [pull 1, lower 1], progression: {add: 5 lb, drop: 5 lb}}
"""


def _clips(home: Path) -> set[Path]:
    return set((home / "cache").rglob("*.wav"))


def _sets(home: Path) -> list[tuple]:
    con = sqlite3.connect(home / "data" / "journal.sqlite3")
    try:
        return con.execute("SELECT load, reps, rir, next_load FROM sets ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("engine", ["espeak", "piper"])
def test_second_session_renders_new_phrases(
    engine: str, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Week two starts at last week's load, renders its new phrases, exits 0, prints no chatter."""
    routine = tmp_path / "weeks.yaml"
    routine.write_text(ROUTINE)
    args = ["run", str(routine), "--audio", "none", "--engine", engine, "--answers", "5"]
    env = voicecoach_env(voicecoach_home)
    first = run_voicecoach(args, env)
    assert first.returncode == 0, first.stderr
    after_first = _clips(voicecoach_home)
    second = run_voicecoach(args, env)
    assert second.returncode == 0, second.stderr
    assert "Starting where you left off: Upright row, one hundred five pounds." in second.stdout
    new = _clips(voicecoach_home) - after_first
    assert new, "the second session rendered nothing new"
    assert second.stderr == "" and first.stderr == ""
    assert "Audio saved" not in first.stdout + second.stdout
    loads = [row[0] for row in _sets(voicecoach_home)]
    assert "100" in loads[0] and "105" in loads[1]  # week two began where week one ended


@pytest.mark.parametrize(
    ("engine", "fault", "expect_in_stderr"),
    [
        # raise and Piper's empty render are covered in tests/integration/test_speech_worker.py
        ("espeak", "empty", "showing it as text"),
        ("espeak", "crash", "showing it as text"),
        ("piper", "hang", "using the next voice"),
    ],
)
def test_render_faults_never_end_a_session(
    engine: str, fault: str, expect_in_stderr: str, tmp_path: Path, voicecoach_home: Path
) -> None:
    """An engine returning nothing, raising, crashing or hanging: exit 0, the set journaled."""
    routine = tmp_path / "weeks.yaml"
    routine.write_text(ROUTINE)
    env = voicecoach_env(
        voicecoach_home,
        PYTHONPATH=os.pathsep.join([FAULTS, os.environ.get("PYTHONPATH", "")]),
        VOICECOACH_TEST_FAULT=fault,
        VOICECOACH_TEST_FAULT_MATCH="reserve",
        VOICECOACH_RENDER_TIMEOUT="2",
    )
    if engine == "piper":  # the fault is Piper's alone: the fallback voice starts clean
        env["VOICECOACH_TEST_FAULT_ENGINE"] = "piper"
    result = run_voicecoach(
        ["run", str(routine), "--audio", "none", "--engine", engine, "--answers", "2"], env
    )
    assert result.returncode == 0, result.stderr
    assert "How many in reserve?" in result.stdout  # on screen whatever the voice did
    assert "completed: 1 sets saved" in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expect_in_stderr in lines[0], result.stderr
    assert len(_sets(voicecoach_home)) == 1


def _children(pid: int) -> list[str]:
    """Command lines of ``pid``'s child processes, from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return out


def test_sigterm_while_speech_is_prepared_is_a_clean_143(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """SIGTERM while the speech worker loads its model: exit 143, no traceback.

    The model load is the slowest step of start-up, so it is where a signal is most
    likely to land.
    """
    import signal
    import subprocess
    import sys
    import time

    routine = tmp_path / "weeks.yaml"
    routine.write_text(ROUTINE)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voicecoach",
            "run",
            str(routine),
            "--audio",
            "none",
            "--engine",
            "piper",
        ],
        env=voicecoach_env(voicecoach_home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not any("voicecoach.speech.worker" in c for c in _children(proc.pid)):
        assert proc.poll() is None and time.monotonic() < deadline, "no speech worker started"
        time.sleep(0.01)  # polling /proc for the worker: the event has no other signal
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert b"Traceback" not in err and b"internal error" not in err


def test_week_two_varies_its_lines(tmp_path: Path, voicecoach_home: Path) -> None:
    """The same routine next week: the rest is announced in other words, from the journal."""
    routine = tmp_path / "weeks.yaml"
    routine.write_text(ROUTINE.replace("sets: 1", "sets: 2").replace("rest: 0s", "rest: 4s"))
    args = ["run", str(routine), "--audio", "none", "--engine", "estimate", "--answers", "2,2"]
    env = voicecoach_env(voicecoach_home)
    first = run_voicecoach(args, env)
    second = run_voicecoach(args, env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "Rest four seconds." in first.stdout
    assert "Rest four seconds." not in second.stdout and "Four seconds rest." in second.stdout
