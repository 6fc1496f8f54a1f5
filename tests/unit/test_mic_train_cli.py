"""``voicecoach mic-train`` through the real CLI: its help, and no microphone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from voicecoach.cli.main import cli


def test_help_has_examples() -> None:
    result = CliRunner().invoke(cli, ["mic-train", "--help"])
    assert result.exit_code == 0
    assert "voicecoach mic-train --mic USB" in result.output and "--json" in result.output


def test_no_microphone_is_exit_1_with_how_to_fix(tmp_path: Path) -> None:
    env = dict(os.environ, VOICECOACH_HOME=str(tmp_path), PULSE_SERVER="unix:/nonexistent")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    proc = subprocess.run(
        [sys.executable, "-m", "voicecoach", "mic-train", "--audio", "none", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""  # --json: nothing half-written on stdout
    last = [line for line in proc.stderr.splitlines() if line.startswith("voicecoach:")][-1]
    assert "microphone" in last and "mic-test" in last
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "data" / "voice-enrolment.json").exists()
