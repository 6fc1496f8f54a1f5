"""A voice name no engine has is a usage error naming the voices that exist; a voice
that exists but whose engine is missing still falls back, as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run_voicecoach, voicecoach_env
from voicecoach.settings import Settings
from voicecoach.speech import espeak_engine, piper_engine
from voicecoach.speech.espeak_engine import EngineFailed
from voicecoach.speech.voice_names import voice_problem


@pytest.mark.parametrize(
    "args",
    [
        ["run", "pull-day", "--dry-run", "--answers", "2", "--voice", "klingon"],
        ["say", "--audio", "none", "--voice", "klingon", "hello"],
    ],
)
def test_an_unknown_voice_exits_2_naming_the_voices(voicecoach_home: Path, args: list[str]) -> None:
    done = run_voicecoach(args, voicecoach_env(voicecoach_home), timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert line.startswith("voicecoach: unknown voice 'klingon'; did you mean espeak:art/piqd")
    assert "piper:joe" in line and "espeak:gmw/en-us" in line and "'voicecoach voices'" in line
    assert "SAY" not in done.stdout and "hello" not in done.stdout  # nothing was coached


def test_a_typo_in_a_voice_id_suggests_the_id() -> None:
    problem = voice_problem(Settings(voice="espeak:en-us")) or ""
    assert "did you mean espeak:gmw/en-us (English (America))?" in problem
    assert voice_problem(Settings(voice="espeak:GMW/EN-US")) is None
    assert voice_problem(Settings(voice="piper:joe")) is None
    assert voice_problem(Settings(voice="klingon", engine="estimate")) is None  # no speech


def test_a_voice_whose_engine_is_missing_is_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piper's joe before ``pip install``, and any espeak name when espeak-ng cannot list
    its voices: the engine's own error, with its fix, comes when it starts."""
    monkeypatch.setattr(piper_engine, "installed", lambda voice="joe": False)
    assert voice_problem(Settings(voice="piper:joe")) is None

    def missing() -> list[dict[str, object]]:
        raise EngineFailed("espeak-ng did not load")

    monkeypatch.setattr(espeak_engine, "espeak_voices", missing)
    assert voice_problem(Settings(voice="espeak:gmw/en-us")) is None
    assert voice_problem(Settings(voice="klingon")) is None
