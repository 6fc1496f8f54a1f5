"""doctor: real checks against the machine, with and without an audio server."""

from __future__ import annotations

import json

from click.testing import CliRunner

from helpers import PulseServer
from voicecoach.cli.main import cli


def test_doctor_with_audio(pulse: PulseServer) -> None:
    """With the null sink running, both speech engines and the stream output check out."""
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(result.output)}
    assert checks["speech engine 'espeak'"]["ok"]
    assert checks["speech engine 'piper'"]["ok"], checks["speech engine 'piper'"]
    assert checks["audio output 'stream'"]["ok"]
    assert result.exit_code == 0


def test_doctor_without_audio_device(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With no sound server reachable, doctor names the missing output and a fix, exit 0."""
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/nothing-here")
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(result.output)}
    assert not checks["audio output 'stream'"]["ok"]
    assert "apt-get install" in checks["audio output 'stream'"]["fix"]
    assert checks["speech engine 'espeak'"]["ok"]
    assert result.exit_code == 0  # audio is not essential: run falls back to text
