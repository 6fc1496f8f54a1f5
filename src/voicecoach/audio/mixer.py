"""Place clips at exact sample positions in a continuous stream.

The planner never overlaps speech, so the common case is one clip or
silence in a chunk, served by slicing bytes. Overlaps (a repeated cue, a
user sound) are summed with clipping.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

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
        out = np.zeros(frames, dtype=np.int32)
        for s, pcm in active:
            lo, hi = max(start, s), min(end, s + len(pcm) // 2)
            out[lo - start : hi - start] += np.frombuffer(pcm[2 * (lo - s) : 2 * (hi - s)], "<i2")
        return np.clip(out, -32768, 32767).astype("<i2").tobytes()
