"""The music bed: decoded music, ducked under speech, mixed into each chunk the mixer renders.

One bed lives in each mixer that plays (the live stream's) or records (the
``--record`` file's). Both take the same playlist and the same level
changes, each on its own frame timeline, so the file is what was heard.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voicecoach.audio.ducking import Ducker, DuckShape
from voicecoach.audio.music import MusicError, MusicStream, Playlist, resolve

DEFAULT_DB = -6.0  # music sits below the voice; a track is mastered louder than speech
STEP_DB = 3.0
MIN_DB = -30.0
SMOOTH = 0.02  # a level change ramps over 20 ms, so a key press never clicks
FADE_OUT = 3.0  # at the end of the workout
QUICK_FADE = 0.3  # on Ctrl-C, SIGTERM or SIGHUP: fade, but do not hold the exit up


def gain_of(db: float) -> float:
    return float(10 ** (db / 20))


class MusicBed:
    """A music stream, a ducker and the level changes, on one mixer's frame timeline."""

    def __init__(self, stream: MusicStream, ducker: Ducker, rate: int, gain: float):
        self.stream = stream
        self.ducker = ducker
        self.rate = rate
        self.fade_seconds = FADE_OUT
        # (frame, target gain, ramp frames): the level is piecewise, ramping to each target.
        self._levels: list[tuple[int, float, int]] = [(0, gain, 0)]
        self._fade_end: int | None = None
        self._lock = threading.Lock()
        self.broken = False
        self.warn: Callable[[str], None] = getattr(getattr(stream, "playlist", None), "warn", print)

    def set_gain(self, frame: int, gain: float) -> None:
        with self._lock:
            if self._fade_end is None:
                self._levels.append((frame, gain, round(SMOOTH * self.rate)))

    def fade_out(self, frame: int) -> int:
        """Fade to silence from ``frame``; returns the frame where it is silent."""
        with self._lock:
            if self._fade_end is None:
                ramp = max(1, round(self.fade_seconds * self.rate))
                self._levels.append((frame, 0.0, ramp))
                self._fade_end = frame + ramp
            return self._fade_end

    def mix(self, speech: bytes, start: int) -> bytes:
        """``speech`` (16-bit PCM from frame ``start``) with the music under it.

        This runs in the audio device's thread, where an exception would stop the
        stream and with it the coach's voice; music never stops a workout, so a
        failure here silences the music (with one line) and the speech goes on.
        """
        if self.broken:
            return speech
        try:
            return self._mix(speech, start)
        except Exception as exc:
            self.broken = True
            self.warn(f"music: stopped after an error ({exc!r}); the coaching goes on")
            return speech

    def _mix(self, speech: bytes, start: int) -> bytes:
        n = len(speech) // 2
        level = self._level(start, n)
        if self._fade_end is not None and start >= self._fade_end:
            self.stream.close()
            return speech
        music = self.stream.read(n)
        gain = level * self.ducker.gains(start, n) * 32767.0
        out = np.frombuffer(speech, dtype="<i2").astype(np.float32) + music * gain
        return np.clip(out, -32768, 32767).astype("<i2").tobytes()

    def _level(self, start: int, n: int) -> np.ndarray:
        """The level for frames [start, start + n): each change ramps from the one before."""
        with self._lock:
            done = 0  # changes whose ramp ended before this chunk: fold them into the base
            for k in range(1, len(self._levels)):
                frame, _, ramp = self._levels[k]
                if frame + ramp > start:
                    break
                done = k
            if done:
                self._levels[: done + 1] = [(0, self._levels[done][1], 0)]
            levels = list(self._levels)
        current = levels[0][1]
        out = np.full(n, current, dtype=np.float32)
        t = np.arange(start, start + n, dtype=np.float64)
        for frame, target, ramp in levels[1:]:
            if frame >= start + n:
                break
            x = np.clip((t - frame) / max(ramp, 1), 0.0, 1.0)
            out = np.where(t >= frame, current + (target - current) * x, out).astype(np.float32)
            current = target
        return out


class MusicControl:
    """The live keys: ``+``/``-`` move the music 3 dB, ``m`` mutes it.

    Each bed gets the change at the frame that is playing now on its own
    timeline, so the ``--record`` file follows the keys too.
    """

    def __init__(self, db: float = DEFAULT_DB):
        self.db = db
        self.muted = False
        self.beds: list[tuple[MusicBed, Callable[[], int]]] = []

    def key(self, key: str) -> str:
        if key == "m":
            self.muted = not self.muted
        elif key == "+":
            self.db = min(0.0, self.db + STEP_DB)
            self.muted = False
        elif key == "-":
            self.db = max(MIN_DB, self.db - STEP_DB)
            self.muted = False
        gain = 0.0 if self.muted else gain_of(self.db)
        for bed, frame_now in self.beds:
            bed.set_gain(frame_now(), gain)
        return "music muted" if self.muted else f"music {self.db:+.0f} dB"

    def hurry(self) -> None:
        """An interrupted run fades the music quickly instead of over three seconds."""
        for bed, _ in self.beds:
            bed.fade_seconds = QUICK_FADE


def attach_music(
    output: object,
    now: Callable[[], float],
    path: Path,
    *,
    shuffle: bool,
    duck_db: float,
    warn: Callable[[str], None],
) -> MusicControl | None:
    """Give every mixer inside ``output`` a music bed; None (and one line) if none can play.

    ``output`` is walked through its ``inner`` outputs (``--record`` wraps the
    live one), and every one with a mixer gets a bed: the live stream and the
    file. An output without a mixer (simpleaudio, text only) cannot play music.
    """
    try:
        tracks = resolve(path, shuffle, warn=warn)
    except MusicError as exc:
        warn(f"music: {exc}; going on without music")
        return None
    playlist = Playlist(tracks, warn)
    control = MusicControl()
    shape = DuckShape(depth_db=duck_db)
    node: object | None = output
    while node is not None:
        mixer = getattr(node, "mixer", None)
        frame_at = getattr(node, "frame_at", None)
        if mixer is not None and frame_at is not None:
            bed = MusicBed(
                MusicStream(playlist, mixer.rate),
                Ducker(shape, mixer.rate),
                mixer.rate,
                gain_of(control.db),
            )
            mixer.music = bed
            control.beds.append((bed, functools.partial(_frame_now, frame_at, now)))
        node = getattr(node, "inner", None)
    if not control.beds:
        warn(
            f"music: the {getattr(output, 'name', '?')} output cannot mix music; use --audio stream"
        )
        return None
    return control


def _frame_now(frame_at: Callable[[float], int], now: Callable[[], float]) -> int:
    """The output frame playing at this moment, read when the music needs it."""
    return frame_at(now())
