"""``voicecoach doctor``: check each part the coach needs and say how to fix what is missing."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voicecoach.paths import Paths
from voicecoach.settings import Settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    essential: bool = True


def _speech(settings: Settings) -> Check:
    from voicecoach.voice import SpeechUnavailable, make_voice
    from voicecoach.voice.pyttsx3_engine import install_hint

    try:
        voice = make_voice(settings, None)
        clip = voice.clip("check")
        count = len(voice.renderer.voices())  # type: ignore[attr-defined]
    except SpeechUnavailable as exc:
        return Check("speech engine", False, str(exc), install_hint())
    if clip.seconds <= 0:
        return Check("speech engine", False, "the engine rendered silence", install_hint())
    return Check(
        "speech engine",
        True,
        f"{settings.engine}: {count} voices, a test phrase rendered {clip.seconds:.2f} s of audio",
    )


def _output(name: str, essential: bool) -> Check:
    import time

    from voicecoach.audio import AudioUnavailable, open_output

    try:
        out, _ = open_output(name, time.monotonic())
        out.close()
    except AudioUnavailable as exc:
        fix = (
            "sudo apt-get install pulseaudio libasound2-plugins (or PipeWire's pulse "
            "server), and check a sound device exists; or run with --audio none"
        )
        if name == "simpleaudio" and "not installed" in str(exc):
            fix = (
                "pip install 'voicecoach[simpleaudio]' "
                "(needs: sudo apt-get install gcc libasound2-dev)"
            )
        return Check(f"audio output '{name}'", False, str(exc), fix, essential)
    return Check(f"audio output '{name}'", True, "opened and closed", essential=essential)


def _writable(label: str, folder: Path) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return Check(
            label,
            False,
            f"{folder}: {exc.strerror}",
            "set VOICECOACH_HOME to a writable folder, or fix the permissions",
        )
    return Check(label, True, str(folder))


def _terminal() -> Check:
    if sys.stdin.isatty():
        return Check("terminal", True, "stdin is a terminal: single keys work", essential=False)
    return Check(
        "terminal",
        False,
        "stdin is not a terminal: answers are read as lines",
        "run voicecoach from a terminal for one-key answers",
        essential=False,
    )


def run_checks(settings: Settings, paths: Paths) -> list[Check]:
    checks = [
        _speech(settings),
        _output("stream", essential=False),
        _output("simpleaudio", essential=False),
        _terminal(),
        _writable("cache folder", paths.cache_dir),
        _writable("journal folder", paths.data_dir),
    ]
    stream_ok = checks[1].ok or checks[2].ok
    checks.insert(
        3,
        Check(
            "any audio output",
            stream_ok,
            "a device is available"
            if stream_ok
            else "no audio device; run falls back to text only",
            "see the audio output lines above",
            essential=False,
        ),
    )
    if os.environ.get("VOICECOACH_HOME"):
        checks.append(
            Check("VOICECOACH_HOME", True, os.environ["VOICECOACH_HOME"], essential=False)
        )
    return checks
