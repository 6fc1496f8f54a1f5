"""Music from a file, a folder or an .m3u playlist, decoded as a stream.

miniaudio's decoders (MP3, FLAC, Vorbis, WAV; already a dependency) give mono
float frames at the coach's rate, a few thousand at a time, so a two-hour
playlist costs no more memory than one song. Tracks follow each other with
no gap, and the list loops until the workout ends.

Music never stops a workout: a missing or unreadable track is skipped with
one line on stderr (once, however often the list loops), and when no track
plays at all the music goes quiet with one line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from voicecoach import paths
from voicecoach.audio.tracks import AUDIO_SUFFIXES, PLAYLIST_SUFFIXES, MusicError, resolve

CHUNK = 4096  # frames decoded at a time: ~0.2 s at 22050 Hz
# Tracks tried in one read at most: the read runs in the audio callback, where a list of
# bad tracks tried all at once held one callback for most of a second.
OPENS_PER_READ = 4


class Playlist:
    """The tracks, and which of them have already been reported as unplayable.

    The live stream and the ``--record`` file each decode the list; sharing
    this object means each bad track is reported once, not once per mix.
    """

    def __init__(self, tracks: list[Path], warn: Callable[[str], None]):
        self.tracks = tracks
        self.warn = warn
        self.bad: set[Path] = set()
        self.gave_up = False

    def skip(self, track: Path, why: str) -> None:
        if track not in self.bad:
            self.bad.add(track)
            self.warn(f"music: skipped {track}: {why}")


class MusicStream:
    """Mono float32 frames in [-1, 1] at ``rate``, looping over the playlist."""

    def __init__(self, playlist: Playlist, rate: int):
        self.playlist = playlist
        self.rate = rate
        self._index = -1
        self._track = playlist.tracks[0]
        self._decoder: Iterator[object] | None = None
        self._buf = np.zeros(0, dtype=np.float32)
        self._since_sound = 0  # tracks opened since the last one that gave frames
        self._opened = 0  # tracks tried during the current read
        self.dead = False

    def read(self, n: int) -> np.ndarray:
        """The next ``n`` frames; silence once no track can be played."""
        out = np.zeros(n, dtype=np.float32)
        filled = 0
        opened = self._opened = 0
        while filled < n and not self.dead:
            if not len(self._buf):
                self._buf = self._next_chunk()
                if not len(self._buf) and self._opened - opened >= OPENS_PER_READ:
                    break  # silence for the rest of this read; the next read tries on
                continue
            take = min(n - filled, len(self._buf))
            out[filled : filled + take] = self._buf[:take]
            self._buf = self._buf[take:]
            filled += take
        return out

    def close(self) -> None:
        if self._decoder is not None:
            self._decoder.close()  # type: ignore[attr-defined]
            self._decoder = None

    def _next_chunk(self) -> np.ndarray:
        """Decode on from the current track; at its end, open the next (gaplessly)."""
        while not self.dead:
            if self._decoder is None:
                if self._opened >= OPENS_PER_READ:
                    break
                self._open_next()
                continue
            try:
                chunk = next(self._decoder)
            except StopIteration:
                self._decoder = None
                continue
            except Exception as exc:  # miniaudio.DecodeError and friends: a damaged track
                self.playlist.skip(self._track, f"cannot decode it ({exc})")
                self.close()
                continue
            data = np.frombuffer(chunk, dtype=np.float32).copy()  # type: ignore[call-overload]
            if len(data):
                self._since_sound = 0
                return data
        return np.zeros(0, dtype=np.float32)

    def _open_next(self) -> None:
        import miniaudio

        tracks = self.playlist.tracks
        if self._since_sound >= len(tracks) or self.playlist.gave_up:
            # A whole pass without one frame: nothing here can play.
            if not self.playlist.gave_up:
                self.playlist.gave_up = True
                self.playlist.warn("music: no track could be played; going on without music")
            self.dead = True
            return
        self._since_sound += 1
        self._index = (self._index + 1) % len(tracks)
        self._track = tracks[self._index]
        if self._track in self.playlist.bad:
            return  # known bad: costs nothing, so it does not count as a try
        self._opened += 1
        try:
            paths.check_regular(self._track)  # a FIFO would hang the decoder, a device never end
        except FileNotFoundError:
            self.playlist.skip(self._track, "no such file")
            return
        except OSError as exc:
            self.playlist.skip(self._track, paths.why_unreadable(exc))
            return
        try:
            self._decoder = _stream(
                self._track,
                output_format=miniaudio.SampleFormat.FLOAT32,
                nchannels=1,
                sample_rate=self.rate,
                frames_to_read=CHUNK,
            )
        except Exception as exc:  # DecodeError, or OSError for a file we may not read
            self.playlist.skip(self._track, f"not a readable MP3, FLAC, Ogg Vorbis or WAV ({exc})")


def _stream(track: Path, **options: object) -> Iterator[object]:
    """miniaudio's decoder for ``track``, whatever bytes its name is made of.

    miniaudio encodes the name strictly, so a name that is not UTF-8 (its bytes
    kept as surrogates) would never open: such a file is opened here and handed
    over by descriptor, as ``/dev/fd/N``, which miniaudio opens for itself.
    """
    import miniaudio

    name = str(track)
    try:
        name.encode()
    except UnicodeEncodeError:
        fd = os.open(track, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            return miniaudio.stream_file(f"/dev/fd/{fd}", **options)
        finally:
            os.close(fd)
    return miniaudio.stream_file(name, **options)


__all__ = [
    "AUDIO_SUFFIXES",
    "PLAYLIST_SUFFIXES",
    "MusicError",
    "MusicStream",
    "Playlist",
    "resolve",
]
