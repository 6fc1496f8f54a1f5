"""Place clips at exact sample positions in a continuous stream.

The planner never overlaps speech, so the common case is one clip or
silence in a chunk, served by slicing bytes. Overlaps (a repeated cue, a
user sound) are summed with clipping, in plain Python: a chunk is a few
hundred frames, and importing numpy for it would cost the first word a tenth
of a second (or the device a buffer, were it imported at the first overlap).
"""

from __future__ import annotations

import array
import sys
import threading
from typing import TYPE_CHECKING

from voicecoach.audio.clips import Clip

if TYPE_CHECKING:
    from voicecoach.audio.bed import MusicBed


class Mixer:
    """A timeline of (start_frame, clip); ``render(n)`` returns the next n frames."""

    def __init__(self, rate: int):
        self.rate = rate
        self.position = 0  # frames handed to the device so far
        self._clips: list[tuple[int, bytes]] = []
        self._lock = threading.Lock()
        self.late_frames: list[int] = []  # how late each late clip was, for diagnostics
        # Music under the clips, ducked around each one (audio/bed.py sets it).
        self.music: MusicBed | None = None
        self._last_end = 0

    def add(self, clip: Clip, start_frame: int) -> None:
        with self._lock:
            if start_frame < self.position:
                self.late_frames.append(self.position - start_frame)
                start_frame = self.position
            self._clips.append((start_frame, clip.pcm))
            self._clips.sort(key=lambda c: c[0])
            self._last_end = max(self._last_end, start_frame + clip.frames)
            if self.music is not None:
                self.music.ducker.add(start_frame, clip.frames)

    def cancel_after(self, frame: int) -> None:
        with self._lock:
            self._clips = [c for c in self._clips if c[0] <= frame]
            if self.music is not None:
                self.music.ducker.cancel_after(frame)

    def drop_speech(self) -> None:
        """Silence the clips now, the one playing too: the run is ending on a signal."""
        with self._lock:
            self._clips = []
            self._last_end = self.position
            if self.music is not None:
                self.music.ducker.cancel_after(self.position)

    def pending(self) -> int:
        with self._lock:
            return len(self._clips)

    def fade_music(self, at: int | None = None) -> int:
        """Fade the music out after the last clip (or from ``at``); the frame it ends."""
        frame = max(self.position if at is None else at, self._last_end)
        return frame if self.music is None else self.music.fade_out(frame)

    def render(self, frames: int) -> bytes:
        start = self.position
        speech = self._speech(frames)
        return speech if self.music is None else self.music.mix(speech, start)

    def _speech(self, frames: int) -> bytes:
        with self._lock:
            start, end = self.position, self.position + frames
            self.position = end
            active = [(s, pcm) for s, pcm in self._clips if s < end and s + len(pcm) // 2 > start]
            self._clips = [(s, pcm) for s, pcm in self._clips if s + len(pcm) // 2 > end]
        if not active:
            return bytes(2 * frames)
        if len(active) == 1:
            s, pcm = active[0]
            lo, hi = max(start, s), min(end, s + len(pcm) // 2)
            return (
                bytes(2 * (lo - start)) + pcm[2 * (lo - s) : 2 * (hi - s)] + bytes(2 * (end - hi))
            )
        # Only the span the clips cover is summed sample by sample; silence around it is bytes.
        spans = [(max(start, s), min(end, s + len(pcm) // 2), s, pcm) for s, pcm in active]
        first, last = min(sp[0] for sp in spans), max(sp[1] for sp in spans)
        out = [0] * (last - first)
        for lo, hi, s, pcm in spans:
            part = array.array("h", pcm[2 * (lo - s) : 2 * (hi - s)])
            if sys.byteorder == "big":  # pragma: no cover - the clips are little-endian
                part.byteswap()
            for i, v in enumerate(part, lo - first):
                out[i] += v
        mixed = array.array("h", (-32768 if v < -32768 else 32767 if v > 32767 else v for v in out))
        if sys.byteorder == "big":  # pragma: no cover
            mixed.byteswap()
        return bytes(2 * (first - start)) + mixed.tobytes() + bytes(2 * (end - last))
