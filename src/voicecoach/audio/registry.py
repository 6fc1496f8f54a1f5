"""Audio outputs by name (STYLE.md §6), and ``auto``: stream, then simpleaudio, then none."""

from __future__ import annotations

from collections.abc import Callable

from voicecoach.audio.base import AudioUnavailable, Output, SilentOutput


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
    if name != "auto":
        factory = OUTPUTS.get(name)
        if factory is None:
            raise AudioUnavailable(
                f"unknown audio output {name!r}; use one of auto, {', '.join(OUTPUTS)}"
            )
        out = factory()
        out.start(now)
        return out, None
    reasons = []
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
    return SilentOutput(), "no audio device, coaching in text only (" + "; ".join(reasons) + ")"
