"""Golden transcripts of every built-in routine: what the coach says, reviewable as text.

They use the silent ``estimate`` engine, so they do not change with the
espeak-ng version, and fixed answers. A change to a transcript shows up in
review as a diff of tests/golden/*.txt. To accept a change on purpose:

    VOICECOACH_UPDATE_GOLDEN=1 pytest tests/unit/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli.main import cli
from voicecoach.routines.catalog import builtin_paths

GOLDEN = Path(__file__).parent.parent / "golden"
ANSWERS = "2,1,3,8:0,2,-,2,1,2,0,2,2,2,4,2,1,2,2,2,2,2,2,2,2,2,2,2"


@pytest.mark.parametrize("name", sorted(builtin_paths()))
def test_transcript_matches_golden(name: str) -> None:
    """The dry-run transcript of each built-in is exactly the reviewed one."""
    result = CliRunner().invoke(
        cli,
        ["run", name, "--dry-run", "--engine", "estimate", "--answers", ANSWERS, "--no-journal"],
    )
    assert result.exit_code == 0, result.output
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("VOICECOACH_UPDATE_GOLDEN"):
        path.write_text(result.output, encoding="utf-8")
    assert result.output == path.read_text(encoding="utf-8")


# The same workout at each talk level, and counting reps done: reviewed as heard.
TALKS = {
    "pull-day.talk-reps": ["--talk", "reps"],
    "pull-day.talk-quiet": ["--talk", "quiet"],
    "pull-day.count-end": ["--count", "end"],
    "push-day.plates": [],
}
# The plates a lifter owns, for the transcript that says them per side.
PLATES = {"VOICECOACH_BAR": "45 lb", "VOICECOACH_PLATES": "45,35,25,10,5,2.5"}


@pytest.mark.parametrize("name", sorted(TALKS))
def test_talk_levels_match_golden(name: str) -> None:
    routine = name.split(".")[0]
    result = CliRunner().invoke(
        cli,
        [
            "run",
            routine,
            "--dry-run",
            "--engine",
            "estimate",
            "--answers",
            ANSWERS,
            "--no-journal",
            *TALKS[name],
        ],
        env=PLATES if name.endswith(".plates") else None,
    )
    assert result.exit_code == 0, result.output
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("VOICECOACH_UPDATE_GOLDEN"):
        path.write_text(result.output, encoding="utf-8")
    assert result.output == path.read_text(encoding="utf-8")
