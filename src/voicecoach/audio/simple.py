"""``simpleaudio``: one play call per clip (the ``simpleaudio-patched`` distribution).

Kept as a selectable backend because it is the simplest path on some
systems. It opens a new stream for each clip, so onsets wander by tens to
hundreds of ms (measured: 20–477 ms); the engine hands it clips at their due time.
"""

from __future__ import annotations

from voicecoach.audio.base import AudioUnavailable
from voicecoach.audio.clips import Clip


class SimpleaudioOutput:
    name = "simpleaudio"
    lookahead = 0.0
    lead = 0.0

    def __init__(self) -> None:
        self._plays: list[object] = []
        self._failed = False
        self._sa = None

    def start(self, now: float) -> None:
        try:
            import simpleaudio
        except ImportError:
            raise AudioUnavailable(
                "simpleaudio is not installed; pip install 'voicecoach[simpleaudio]' "
                "(it builds from source: sudo apt-get install gcc libasound2-dev)"
            ) from None
        # simpleaudio opens the device per play: probe with 10 ms of silence so that a
        # missing device is found now, not at the first cue.
        try:
            simpleaudio.play_buffer(bytes(440), 1, 2, 22050).wait_done()
        except Exception as exc:  # SimpleaudioError derives from Exception only
            raise AudioUnavailable(f"simpleaudio cannot open a device ({exc})") from None
        self._sa = simpleaudio

    def play(self, clip: Clip, at: float) -> None:
        if self._sa is None or self._failed or not clip.pcm:
            return
        try:
            self._plays.append(self._sa.play_buffer(clip.pcm, 1, 2, clip.rate))
        except Exception:  # simpleaudio raises SimpleaudioError, a plain Exception
            self._failed = True
        self._plays = [p for p in self._plays if p.is_playing()]

    def cancel_after(self, at: float) -> None:
        for p in self._plays:
            p.stop()  # type: ignore[attr-defined]
        self._plays.clear()

    def healthy(self) -> bool:
        return not self._failed

    def close(self) -> None:
        for p in self._plays:
            p.wait_done()  # type: ignore[attr-defined]
        self._plays.clear()
