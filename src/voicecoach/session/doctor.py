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


def _speech(settings: Settings) -> list[Check]:
    """One check per engine; only the default being broken with no fallback is fatal."""
    from voicecoach.speech.engines import ENGINES, default_engine
    from voicecoach.speech.listing import engine_health

    default = default_engine()
    checks = []
    for name in ENGINES:
        ok, detail, fix = engine_health(settings, name)
        if name == default:
            detail += " (the default voice)"
        checks.append(Check(f"speech engine '{name}'", ok, detail, fix, essential=name == "espeak"))
    return checks


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


def _buttons() -> Check:
    """Earbud and media buttons need a D-Bus session bus; say why they are off."""
    from voicecoach.inputs.buttons import check

    ok, detail, fix = check()
    return Check("media buttons", ok, detail, fix, essential=False)


def run_checks(settings: Settings, paths: Paths) -> list[Check]:
    checks = [
        *_speech(settings),
        _output("stream", essential=False),
        _output("simpleaudio", essential=False),
        _terminal(),
        _buttons(),
        _writable("cache folder", paths.cache_dir),
        _writable("journal folder", paths.data_dir),
    ]
    first = next(n for n, c in enumerate(checks) if c.name.startswith("audio output"))
    stream_ok = checks[first].ok or checks[first + 1].ok
    checks.insert(
        first + 2,
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
    # Answering by voice needs pocketsphinx and a microphone; never essential.
    from voicecoach.inputs.checks import microphone_status

    mic_ok, mic_detail, mic_fix = microphone_status(settings)
    checks.append(Check("microphone", mic_ok, mic_detail, mic_fix, essential=False))
    from voicecoach.inputs.enrolment import status as enrolment_status

    enrolled, detail = enrolment_status(paths.enrolment)
    fix = "" if enrolled else "run 'voicecoach mic-train' to enrol again"
    checks.append(Check("voice enrolment", enrolled, detail, fix, essential=False))
    from voicecoach.inputs.checks import bluetooth_status

    headsets = bluetooth_status()
    if headsets is not None:
        checks.append(Check("bluetooth headset", *headsets, essential=False))
    if os.environ.get("VOICECOACH_HOME"):
        checks.append(
            Check("VOICECOACH_HOME", True, os.environ["VOICECOACH_HOME"], essential=False)
        )
    return checks
