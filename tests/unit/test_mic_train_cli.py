"""``voicecoach mic-train`` through the real CLI: its help, and no microphone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from voicecoach.cli.main import cli
from voicecoach.inputs.enrolment import WORDS, Enrolment, Threshold
from voicecoach.inputs.voiceprint import MELS
from voicecoach.paths import user_paths


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


def test_doctor_says_whether_an_enrolment_exists(voicecoach_home: Path) -> None:
    def line() -> dict[str, object]:
        result = CliRunner().invoke(cli, ["doctor", "--json"])
        checks = json.loads(result.output)
        return next(c for c in checks if c["name"] == "voice enrolment")

    assert "no voice enrolment" in str(line()["detail"])
    shape = np.tile(np.logspace(-4, -1, 20)[:, None], (1, MELS))
    words = {w: [shape * (1 + k), shape * (1.1 + k)] for k, w in enumerate(WORDS)}
    Enrolment(words, {w: Threshold(1.0, 2.0) for w in WORDS}).save(user_paths().enrolment)
    found = line()
    assert found["ok"] and f"{len(WORDS)} words" in str(found["detail"])
    user_paths().enrolment.write_text("{broken")
    found = line()
    assert not found["ok"] and "mic-train" in str(found["fix"])
