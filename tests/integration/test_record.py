"""--dry-run --record: the whole session as one WAV, with speech where the transcript says."""

from __future__ import annotations

import array
import json
import wave
from pathlib import Path

from click.testing import CliRunner

from voicecoach.cli.main import cli


def test_dry_run_record_matches_transcript(tmp_path: Path) -> None:
    """WAV length equals the transcript's end; every SAY starts with sound at its time."""
    wav, log = tmp_path / "out.wav", tmp_path / "t.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "trx-ytw",
            "--dry-run",
            "--record",
            str(wav),
            "--transcript",
            str(log),
            "--answers",
            "2,2,2",
            "--no-journal",
        ],
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in log.read_text().splitlines()]
    says = [e for e in events if e["kind"] == "say"]
    end = max(e["due"] + e["duration"] for e in events)
    with wave.open(str(wav)) as w:
        rate, frames = w.getframerate(), w.getnframes()
        pcm = array.array("h", w.readframes(frames))
    assert abs(frames / rate - end) < 0.05
    for e in says:
        start = round(e["due"] * rate)
        window = pcm[start : start + int(0.03 * rate)]
        # (the JSONL rounds times to 0.1 ms, so stop two samples short of the cue)
        before = pcm[max(0, start - int(0.02 * rate)) : max(0, start - 2)]
        assert max(abs(v) for v in window) > 300, e  # sound right at the cue
        assert not before or max(abs(v) for v in before) < 300 or e["due"] < 0.05, e
