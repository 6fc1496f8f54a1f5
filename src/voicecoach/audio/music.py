"""Music from a file, a folder or an .m3u playlist, decoded as a stream (issue 14).

miniaudio's decoders (MP3, FLAC, Vorbis, WAV; already a dependency) give mono
float frames at the coach's rate, a few thousand at a time, so a two-hour
playlist costs no more memory than one song. Tracks follow each other with
no gap, and the list loops until the workout ends.

Music never stops a workout: a missing or unreadable track is skipped with
one line on stderr (once, however often the list loops), and when no track
plays at all the music goes quiet with one line.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np

from voicecoach import paths

AUDIO_SUFFIXES = (".mp3", ".flac", ".ogg", ".oga", ".wav")
PLAYLIST_SUFFIXES = (".m3u", ".m3u8")
CHUNK = 4096  # frames decoded at a time: ~0.2 s at 22050 Hz


class MusicError(ValueError):
    """The music path names nothing playable; the message says what was expected."""


def resolve(path: Path, shuffle: bool = False, seed: int | None = None) -> list[Path]:
    """The tracks ``path`` names, in play order.

    A file is one track; a folder is its audio files (sub-folders too) by
    name, or shuffled; an .m3u/.m3u8 is its entries, relative to the list's
    folder. Entries are not checked here: a missing one is skipped when its
    turn comes, with one line, like a corrupt one.
    """
    if path.is_dir():
        tracks = sorted(
            (p for p in path.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file()),
            key=lambda p: [part.casefold() for part in p.relative_to(path).parts],
        )
        if not tracks:
            raise MusicError(
                f"{path}: no music files in this folder (looked for {', '.join(AUDIO_SUFFIXES)})"
            )
    elif path.suffix.lower() in PLAYLIST_SUFFIXES:
        tracks = _read_playlist(path)
        if not tracks:
            raise MusicError(f"{path}: the playlist lists no tracks")
    elif path.is_file():
        tracks = [path]
    else:
        raise MusicError(f"{path}: no such file or folder")
    if shuffle:
        random.Random(seed).shuffle(tracks)
    return tracks


def _read_playlist(path: Path) -> list[Path]:
    """An M3U's entries: one path or file:// URL a line; '#' lines are comments."""
    try:
        raw = paths.read_bytes(path, paths.PLAYLIST_LIMIT)
    except OSError as exc:
        why = paths.why_unreadable(exc)
        raise MusicError(f"{path}: cannot read the playlist ({why})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # .m3u (not .m3u8) is often in the player's legacy code page.
        text = raw.decode("latin-1")
    tracks = []
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("file://"):
            entry = unquote(urlparse(entry).path)
        track = Path(entry).expanduser()
        tracks.append(track if track.is_absolute() else path.parent / track)
    return tracks


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
        self.dead = False

    def read(self, n: int) -> np.ndarray:
        """The next ``n`` frames; silence once no track can be played."""
        out = np.zeros(n, dtype=np.float32)
        filled = 0
        while filled < n and not self.dead:
            if not len(self._buf):
                self._buf = self._next_chunk()
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
            return
        try:
            paths.check_regular(self._track)  # a FIFO would hang the decoder, a device never end
        except FileNotFoundError:
            self.playlist.skip(self._track, "no such file")
            return
        except OSError as exc:
            self.playlist.skip(self._track, paths.why_unreadable(exc))
            return
        try:
            self._decoder = miniaudio.stream_file(
                str(self._track),
                output_format=miniaudio.SampleFormat.FLOAT32,
                nchannels=1,
                sample_rate=self.rate,
                frames_to_read=CHUNK,
            )
        except Exception as exc:  # DecodeError, or OSError for a file we may not read
            self.playlist.skip(self._track, f"not a readable MP3, FLAC, Ogg Vorbis or WAV ({exc})")
