"""``wav``: write the session to one WAV file, clip by clip at its exact time.

With ``--dry-run --record FILE`` the whole session is rendered on the virtual
clock, ready to copy to a phone. During a real run, ``--record FILE`` wraps
the live output and also writes what was played.
"""

from __future__ import annotations

from pathlib import Path

from voicecoach.audio.base import Output
from voicecoach.audio.clips import RATE, Clip
from voicecoach.audio.encode import open_sink
from voicecoach.audio.mixer import Mixer


class WavRecorder:
    name = "wav"
    lookahead = 1e9  # virtual: any clip may be placed any time ahead
    lead = 0.0

    def __init__(self, path: Path, inner: Output | None = None, rate: int = RATE):
        self.path = path
        self.inner = inner
        self.rate = rate
        self.mixer = Mixer(rate)
        self._t0 = 0.0
        self._end = 0
        if inner is not None:
            self.name = f"{inner.name}+wav"
            self.lookahead = inner.lookahead
            self.lead = inner.lead
        self._sink = open_sink(path, rate)  # WAV, or .ogg/.opus/.mp3 by extension

    def start(self, now: float) -> None:
        """Set the file's time zero; a wrapped live output is already started."""
        self._t0 = now

    def frame_at(self, at: float) -> int:
        """The file's frame for engine time ``at``."""
        return round((at - self._t0) * self.rate)

    def play(self, clip: Clip, at: float) -> None:
        frame = self.frame_at(at)
        self.mixer.add(clip, max(frame, 0))
        self._end = max(self._end, frame + clip.frames)
        if self.inner is not None:
            self.inner.play(clip, at)

    def cancel_after(self, at: float) -> None:
        if self.inner is not None:
            self.inner.cancel_after(at)

    def extend_to(self, at: float) -> None:
        """Make the file last until ``at`` (the transcript's end), even if silent."""
        self._end = max(self._end, round((at - self._t0) * self.rate))

    def healthy(self) -> bool:
        return self.inner.healthy() if self.inner is not None else True

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()
        self._end = self.mixer.fade_music(self._end)  # the music fades out after the last word
        remaining = self._end
        while remaining > 0:
            n = min(remaining, self.rate * 10)
            self._sink.write(self.mixer.render(n))
            remaining -= n
        self._sink.close()
