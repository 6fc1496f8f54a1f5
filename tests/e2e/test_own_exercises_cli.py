"""A lifter's own exercises through the real CLI: validate, plan, dry run, a real run.

One routine defines its exercise inline; another uses one from a personal
library file (given with --library, or found in the config folder). The
journal keys both by a stable id, so the second week starts where the first
ended even from a different routine file.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from helpers import run_voicecoach, voicecoach_env

INLINE = """\
name: Viking Day
count_in: 0
exercises:
  - name: Viking press
    equipment: [barbell, viking-handle]
    phases: {lift: press, top: hold, lower: slow down}
    setup: [Stagger your stance, bar at the shoulder.]
    sets: 1
    reps: '1'
    load: 45 lb
    rest: 0s
    tempo: [press 1, slow down 1]
    progression: {add: 5 lb, drop: 5 lb}
"""
LIBRARY = """\
viking-press:
  name: Viking press
  equipment: [barbell, viking-handle]
  phases: {lift: press, top: hold, lower: slow down}
  setup: [Stagger your stance., Bar at the front of your shoulder.]
  rep_cues: {1: Press up and lock out overhead.}
  aliases: [Viking Press (Barbell)]
"""
USES = """\
name: From My Library
count_in: 0
exercises:
  - {use: viking-press, sets: 1, reps: '1', load: 45 lb, rest: 0s,
     tempo: [press 1, slow down 1], progression: {add: 5 lb, drop: 5 lb}}
"""
FAST = ["--audio", "none", "--engine", "estimate"]


def _journal(home: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(home / "data" / "journal.sqlite3")
    try:
        return con.execute("SELECT exercise, load FROM sets ORDER BY id").fetchall()
    finally:
        con.close()


def test_inline_exercise_validates_plans_and_dry_runs(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    routine = tmp_path / "viking.yaml"
    routine.write_text(INLINE)
    env = voicecoach_env(voicecoach_home)
    ok = run_voicecoach(["validate", str(routine)], env)
    assert ok.returncode == 0 and "1 exercise)" in ok.stdout, ok.stderr
    plan = run_voicecoach(["plan", str(routine), "--json"], env)
    assert json.loads(plan.stdout)["items"][0]["name"] == "Viking press"
    dry = run_voicecoach(["run", str(routine), "--dry-run", "--answers", "2", *FAST], env)
    assert dry.returncode == 0, dry.stderr
    assert "Stagger your stance" in dry.stdout
    # The real run of this routine, and its journal id, are in the next test's week one.


def test_personal_library_follows_the_exercise_across_routines(
    tmp_path: Path, voicecoach_home: Path
) -> None:
    """Week one from the inline routine, week two from one using the library: same id, load."""
    inline = tmp_path / "viking.yaml"
    inline.write_text(INLINE)
    uses = tmp_path / "mine.yaml"
    uses.write_text(USES)
    library = tmp_path / "my-exercises.yaml"
    library.write_text(LIBRARY)
    env = voicecoach_env(voicecoach_home)
    first = run_voicecoach(["run", str(inline), *FAST, "--answers", "5"], env)
    assert first.returncode == 0, first.stderr
    assert _journal(voicecoach_home)[-1][0] == "viking-press"  # the inline exercise's id
    # Without the library, the routine names an exercise that does not exist.
    refused = run_voicecoach(["validate", str(uses)], env)
    assert refused.returncode == 2 and f"{uses}:4:11: no exercise 'viking-press'" in (
        refused.stderr
    )
    listed = run_voicecoach(["exercises", "--json", "--library", str(library)], env)
    mine = [e for e in json.loads(listed.stdout) if e["id"] == "viking-press"]
    assert mine and mine[0]["source"] == str(library)
    second = run_voicecoach(
        ["run", str(uses), *FAST, "--answers", "5", "--library", str(library)], env
    )
    assert second.returncode == 0, second.stderr
    assert "Starting where you left off: Viking press, fifty pounds." in second.stdout
    assert "Press up and lock out overhead." in second.stdout
    # The config folder's library is used with no flag at all.
    config = voicecoach_home / "config" / "exercises.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(LIBRARY)
    assert run_voicecoach(["plan", str(uses)], env).returncode == 0
    text = run_voicecoach(["exercises"], env).stdout
    assert "viking-press" in text and f"[{config}]" in text
    rows = _journal(voicecoach_home)
    assert [r[0] for r in rows] == ["viking-press", "viking-press"]


def test_broken_library_is_located_and_exits_2(tmp_path: Path, voicecoach_home: Path) -> None:
    library = tmp_path / "lib.yaml"
    library.write_text("viking-press:\n  name: Viking press\n  phases: {lift: 5}\n")
    env = voicecoach_env(voicecoach_home)
    for args in (["validate", "pull-day"], ["plan", "pull-day"], ["run", "pull-day", "--dry-run"]):
        out = run_voicecoach([*args, "--library", str(library)], env)
        assert out.returncode == 2, (args, out.stderr)
        assert f"{library}:3:18: lift: must be a short spoken word" in out.stderr
        assert "Traceback" not in out.stderr
    missing = run_voicecoach(["validate", "pull-day", "--library", str(tmp_path / "no.yaml")], env)
    assert missing.returncode == 2 and "--library: no such file" in missing.stderr
