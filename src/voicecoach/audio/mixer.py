"""Place clips at exact sample positions in a continuous stream.

The planner never overlaps speech, so the common case is one clip or
silence in a chunk, served by slicing bytes. Overlaps (a repeated cue, a
user sound) are summed with clipping.
"""

from __future__ import annotations

import array
import sys
import threading

from voicecoach.audio.clips import Clip, samples


class Mixer:
    """A timeline of (start_frame, clip); ``render(n)`` returns the next n frames."""

    def __init__(self, rate: int):
        self.rate = rate
        self.position = 0  # frames handed to the device so far
        self._clips: list[tuple[int, bytes]] = []
        self._lock = threading.Lock()
        self.late_frames: list[int] = []  # how late each late clip was, for diagnostics

    def add(self, clip: Clip, start_frame: int) -> None:
        with self._lock:
            if start_frame < self.position:
                self.late_frames.append(self.position - start_frame)
                start_frame = self.position
            self._clips.append((start_frame, clip.pcm))
            self._clips.sort(key=lambda c: c[0])

    def cancel_after(self, frame: int) -> None:
        with self._lock:
            self._clips = [c for c in self._clips if c[0] <= frame]

    def pending(self) -> int:
        with self._lock:
            return len(self._clips)

    def render(self, frames: int) -> bytes:
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
        out = array.array("i", bytes(4 * frames))
        for s, pcm in active:
            lo, hi = max(start, s), min(end, s + len(pcm) // 2)
            part = samples(Clip(pcm[2 * (lo - s) : 2 * (hi - s)]))
            for i, v in enumerate(part):
                out[lo - start + i] += v
        mixed = array.array("h", (max(-32768, min(32767, v)) for v in out))
        if sys.byteorder == "big":  # pragma: no cover
            mixed.byteswap()
        return mixed.tobytes()
