"""The plan with real clip durations: no two clips ever overlap.

pull-day runs with the default neural voice (Piper); the other built-ins with
espeak-ng, whose renders take milliseconds, to keep the suite quick.

The built-ins say many of the same phrases (counts, rests, questions), so all
of them share one speech cache for the run: a phrase is rendered once by its
engine, and every routine that says it measures that clip. The cache writes
each clip whole (a temporary file renamed), so workers may share it.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli.main import cli
from voicecoach.routines.catalog import builtin_paths


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for this run: under xdist, the folder all workers' temp dirs share."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / "real-durations-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("name", sorted(builtin_paths()))
def test_no_overlapping_speech_with_real_durations(
    name: str, tmp_path: Path, voicecoach_home: Path, shared_cache: Path
) -> None:
    """Every clip ends before the next begins, measured with the engine's own clips."""
    voicecoach_home.mkdir(parents=True, exist_ok=True)
    (voicecoach_home / "cache").symlink_to(shared_cache, target_is_directory=True)
    engine = "piper" if name == "pull-day" else "espeak"
    log = tmp_path / "t.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            name,
            "--dry-run",
            "--engine",
            engine,
            "--no-journal",
            "--transcript",
            str(log),
            "--answers",
            "2,1,3,8:0,2,-,2,1,2,0,2",
        ],
    )
    assert result.exit_code == 0, result.output
    sounds = [json.loads(x) for x in log.read_text().splitlines()]
    sounds = sorted(
        (e["due"], e["due"] + e["duration"], e["text"])
        for e in sounds
        if e["kind"] in ("say", "sound")
    )
    assert len(sounds) > 100
    for (a0, a1, a), (b0, _b1, b) in itertools.pairwise(sounds):
        # The transcript rounds each due and duration to 4 decimals (±0.5e-4 s each), so
        # two clips that abut exactly can appear to overlap by up to 1.5e-4 s.
        assert a1 <= b0 + 2e-4, f"{a!r} ({a0:.3f}-{a1:.3f}) overlaps {b!r} at {b0:.3f}"
