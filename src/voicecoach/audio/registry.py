"""Audio outputs by name, in one table, and ``auto``: stream, then simpleaudio, then none."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from voicecoach.audio.base import AudioUnavailable, Output, SilentOutput

if TYPE_CHECKING:
    import ctypes


def _stream() -> Output:
    from voicecoach.audio.stream import StreamOutput

    return StreamOutput()


def _simpleaudio() -> Output:
    from voicecoach.audio.simple import SimpleaudioOutput

    return SimpleaudioOutput()


OUTPUTS: dict[str, Callable[[], Output]] = {
    "stream": _stream,
    "simpleaudio": _simpleaudio,
    "none": SilentOutput,
}


def open_output(name: str, now: float) -> tuple[Output, str | None]:
    """Start the named output; return it and a one-line note when auto fell back.

    A named output that fails raises AudioUnavailable; ``auto`` tries each in
    turn and ends with text only.
    """
    quiet_alsa()
    if name != "auto":
        factory = OUTPUTS.get(name)
        if factory is None:
            raise AudioUnavailable(
                f"unknown audio output {name!r}; use one of auto, {', '.join(OUTPUTS)}"
            )
        out = factory()
        out.start(now)
        return out, None
    reasons: list[str] = []
    for candidate in ("stream", "simpleaudio"):
        try:
            out = OUTPUTS[candidate]()
            out.start(now)
            return (
                out,
                None
                if candidate == "stream"
                else f"audio: using simpleaudio because the stream failed: {reasons[0]}",
            )
        except AudioUnavailable as exc:
            reasons.append(f"{candidate}: {exc}")
    del reasons  # the details are doctor's job; the run gets one clear line
    return SilentOutput(), (
        "no audio device found, coaching in text only "
        "(run 'voicecoach doctor' to see why and how to fix it)"
    )


_handler: object = None  # the C callback, kept alive; False once it could not be set


def quiet_alsa() -> None:
    """Stop libasound printing its own errors to stderr while we probe devices.

    libasound reports a missing card with ten lines on stderr before we get
    the error back; we report it ourselves in one line.
    """
    global _handler
    if _handler is not None:
        return
    import ctypes

    try:
        lib = _libasound()
        if lib is None:
            return
        proto = ctypes.CFUNCTYPE(
            None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
        )
        _handler = proto(lambda *args: None)
        lib.snd_lib_error_set_handler(_handler)
    except (OSError, AttributeError):
        _handler = False


ASOUND_SONAME = "libasound.so.2"  # libasound's soname since alsa-lib 1.0 (2004)


def _libasound() -> ctypes.CDLL | None:
    """libasound, by its soname first: ``find_library`` runs ``ldconfig -p`` in a
    subprocess, which cost the first word 80 ms. It is asked only when the soname fails."""
    import ctypes

    try:
        return ctypes.CDLL(ASOUND_SONAME)
    except OSError:
        pass
    import ctypes.util

    name = ctypes.util.find_library("asound")
    return ctypes.CDLL(name) if name else None
