"""Hostile text (escape sequences in a routine, in imported names) never reaches the terminal
raw, from any command; and stdout that is closed or whose reader left is handled quietly.

Every command runs as a real subprocess against a real SQLite journal.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from helpers import PYTHON, mini_routine, run_voicecoach, voicecoach_env

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
TITLE = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J\x1b[H"
BEL = "\x07"
C1 = "\x9b31m"

STRONG = (
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
    '"Weight (lbs)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n'
)


def _csv(tmp_path: Path) -> Path:
    """A Strong CSV whose workout and exercise names are escape sequences."""
    rows = "".join(
        f'"{n}";"2024-01-0{n} 10:00:00";"Day {TITLE}{n}";"600";"Row {OSC52} {CLEAR}";'
        f'"1";"100";"8";"";"";"";"";""\n'
        f'"{n}";"2024-01-0{n} 10:00:00";"Day {TITLE}{n}";"600";"Curl {BEL}{C1}";'
        f'"1";"30";"10";"";"";"";"";""\n'
        for n in (1, 2)
    )
    path = tmp_path / "evil.csv"
    path.write_text(STRONG + rows, encoding="utf-8")
    return path


ROUTINE = """name: "Evil \\e]52;c;aGVsbG8=\\a day"
description: "\\e]0;owned\\a title \\e[2J"
exercises:
  - use: upright-row
    name: "Row \\e[2J\\e[H"
    sets: 1
    reps: 3
    load: 10 lb
    setup: ["Brace \\x9b31m now \\a"]
    rep_cues: {2: "\\e]52;c;aGk=\\a squeeze"}
"""


def _assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    for stream in (done.stdout, done.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream, stream
    assert "Traceback" not in done.stderr


@pytest.fixture
def imported(tmp_path: Path, voicecoach_home: Path) -> dict[str, str]:
    """A journal filled by `voicecoach import` from the hostile CSV; returns the env."""
    env = voicecoach_env(voicecoach_home)
    done = run_voicecoach(["import", str(_csv(tmp_path))], env)
    assert done.returncode == 0, done.stderr
    return env


def test_import_lists_hostile_names_visibly(tmp_path: Path, voicecoach_home: Path) -> None:
    """import names the exercises it could not match with their escapes shown, not obeyed."""
    done = run_voicecoach(["import", str(_csv(tmp_path))], voicecoach_env(voicecoach_home))
    assert done.returncode == 0, done.stderr
    _assert_clean(done)
    assert "Row \\x1b]52;c;aGVsbG8=\\x07" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["history"],
        ["history", "--json"],
        ["history", "--exercise", "Row"],
        ["history", "--exercise", "Curl", "--json"],
        ["export", "--format", "strong"],
        ["export", "--format", "hevy"],
        ["export", "--format", "json"],
    ],
)
def test_imported_escapes_never_reach_the_terminal(
    imported: dict[str, str], args: list[str]
) -> None:
    """history and export show imported escape sequences visibly: no ESC, BEL or C1 byte."""
    done = run_voicecoach(args, imported)
    assert done.returncode == 0, done.stderr
    _assert_clean(done)
    assert done.stdout.strip()


def test_import_of_the_same_hostile_file_again_is_clean(
    imported: dict[str, str], tmp_path: Path
) -> None:
    """The second import (all already there) lists nothing raw either."""
    done = run_voicecoach(["import", str(_csv(tmp_path))], imported)
    _assert_clean(done)


def test_json_export_on_stdout_keeps_the_names_exactly(imported: dict[str, str]) -> None:
    """JSON on stdout escapes controls the JSON way, so the data survive unchanged."""
    import json

    done = run_voicecoach(["export", "--format", "json"], imported)
    sessions = json.loads(done.stdout)["sessions"]
    names = {s["original_name"] for session in sessions for s in session["sets"]}
    assert names == {f"Row {OSC52} {CLEAR}", f"Curl {BEL}{C1}"}
    assert {s["routine_name"] for s in sessions} == {f"Day {TITLE}1", f"Day {TITLE}2"}


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["plan"],
        ["plan", "--json"],
        ["run", "--dry-run", "--engine", "estimate"],
        ["run", "--audio", "none", "--engine", "estimate", "--answers", "2"],
    ],
)
def test_hostile_routine_never_reaches_the_terminal(
    tmp_path: Path, voicecoach_home: Path, args: list[str]
) -> None:
    """A routine full of escape sequences: every command refuses it, with no ESC in sight."""
    routine = tmp_path / "evil.yaml"
    routine.write_text(ROUTINE)
    done = run_voicecoach(
        [args[0], str(routine), *args[1:]], voicecoach_env(voicecoach_home), timeout=60
    )
    assert done.returncode == 2
    _assert_clean(done)


def test_validate_locates_each_control_character(tmp_path: Path, voicecoach_home: Path) -> None:
    """validate reports FILE:LINE:COL for each string holding a control character."""
    routine = tmp_path / "evil.yaml"
    routine.write_text(ROUTINE)
    done = run_voicecoach(["validate", str(routine)], voicecoach_env(voicecoach_home))
    lines = done.stderr.splitlines()
    assert [ln.split(": ")[0] for ln in lines] == [
        f"{routine}:1:7",
        f"{routine}:2:14",
        f"{routine}:5:11",
        f"{routine}:9:13",
        f"{routine}:10:19",
    ]
    assert all("control character" in ln and "printable text" in ln for ln in lines)


def test_broken_pipe_ends_quietly(imported: dict[str, str]) -> None:
    """`history | head -1` after head has gone: no traceback, nothing on stderr, exit 141."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before we write: EPIPE on the first line
    try:
        done = subprocess.run(
            [PYTHON, "-m", "voicecoach", "history"],
            env=imported,
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 141


@pytest.mark.parametrize("args", [["history"], ["plan", "pull-day"], ["export"]])
def test_closed_stdout_is_one_line_and_exit_1(imported: dict[str, str], args: list[str]) -> None:
    """`voicecoach history >&-`: one line on stderr, exit 1, not "internal error"."""
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m voicecoach "$@" >&-', PYTHON, *args],
        env=imported,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "voicecoach: cannot write to standard output: standard output is closed"
    ]


def test_workout_with_closed_stdout_goes_on(tmp_path: Path, voicecoach_home: Path) -> None:
    """A run with stdout closed coaches to the end and journals every set (exit 0)."""
    routine = tmp_path / "mini.yaml"
    routine.write_text(mini_routine(2, "2", "Closed Screen"))
    done = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$0" -m voicecoach "$@" >&-',
            PYTHON,
            "run",
            str(routine),
            "--audio",
            "none",
            "--engine",
            "estimate",
            "--answers",
            "2,2",
        ],
        env=voicecoach_env(voicecoach_home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    db = sqlite3.connect(voicecoach_home / "data" / "journal.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 2
    assert db.execute("SELECT status FROM sessions").fetchone()[0] == "completed"
