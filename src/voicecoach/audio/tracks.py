"""Which tracks a ``--music`` path names: a file, a folder or an .m3u/.m3u8 playlist.

All of it runs once, before the workout, never in the audio callback; and
all of it is bounded, because the path is whatever the lifter typed:
``--music /`` once walked the whole disk (9.7 s before the first word,
249 MB), and a playlist of 100,000 missing entries printed 100,001 lines.
Now a folder walk stops after :data:`MAX_SCAN` entries, a list keeps its
first :data:`MAX_TRACKS` tracks, and the missing ones are one line with a
count and the first few names.

Names are bytes on disk. An .m3u is read as UTF-8 with ``surrogateescape``,
so a name that is not UTF-8 keeps its exact bytes and plays; only when that
file is not there is the line tried as Latin-1 (a player's legacy code
page). An .m3u8 is UTF-8 by definition.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from voicecoach import paths

AUDIO_SUFFIXES = (".mp3", ".flac", ".ogg", ".oga", ".wav")
PLAYLIST_SUFFIXES = (".m3u", ".m3u8")
MAX_TRACKS = 10_000  # a month of music without a repeat
MAX_SCAN = 25_000  # folder entries looked at: a big music library, not a whole disk
SHOWN = 3  # missing tracks named in the one line about them


class MusicError(ValueError):
    """The music path names nothing playable; the message says what was expected."""


def resolve(
    path: Path,
    shuffle: bool = False,
    seed: int | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[Path]:
    """The tracks ``path`` names, in play order; ``warn`` gets the one-line notes.

    A file is one track; a folder is its audio files (sub-folders too) by
    name, or shuffled; an .m3u/.m3u8 is its entries, relative to the list's
    folder. Entries that are not there are left out, with one line for all
    of them; one that goes missing later is skipped when its turn comes.
    """
    say = warn or (lambda message: None)
    if path.is_dir():
        tracks, cut = _scan(path)
        if not tracks:
            where = f"in the first {cut} of this folder" if cut else "in this folder"
            raise MusicError(
                f"{path}: no music files {where} (looked for {', '.join(AUDIO_SUFFIXES)})"
            )
        if cut:
            found = len(tracks)
            say(f"music: {path} holds more than {cut}; playing the {found} tracks found first")
    elif path.suffix.lower() in PLAYLIST_SUFFIXES:
        listed, over = _read_playlist(path)
        if not listed:
            raise MusicError(f"{path}: the playlist lists no tracks")
        if over:
            total = MAX_TRACKS + over
            say(f"music: {path} lists {total} tracks; only the first {MAX_TRACKS} are used")
        missing: list[Path] = []
        tracks = []
        for t in listed:
            (tracks if _exists(t) else missing).append(t)
        if missing:
            names = ", ".join(str(t) for t in missing[:SHOWN])
            more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
            say(f"music: {len(missing)} of the tracks in {path} are not there: {names}{more}")
        if not tracks:
            raise MusicError(f"{path}: none of its {len(listed)} tracks is there")
    elif path.is_file():
        tracks = [path]
    else:
        raise MusicError(f"{path}: no such file or folder")
    if shuffle:
        random.Random(seed).shuffle(tracks)
    return tracks


def _exists(track: Path) -> bool:
    try:
        return track.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL: not a file
        return False


def _scan(root: Path) -> tuple[list[Path], str]:
    """Audio files under ``root`` in name order, depth first; and what cut the walk short.

    Each folder's entries are sorted case-blind, so the order is the order of
    the whole paths, as a full sort would give. Links to folders are not
    followed (no loops, no leaving the library).
    """
    tracks: list[Path] = []
    seen = 0

    def listing(folder: Path) -> list[tuple[str, bool, Path]]:
        nonlocal seen
        try:
            with os.scandir(folder) as it:
                entries = []
                for e in it:
                    seen += 1
                    if seen > MAX_SCAN:
                        break
                    try:
                        is_dir = e.is_dir(follow_symlinks=False)
                    except OSError:
                        continue
                    entries.append((e.name.casefold(), is_dir, Path(e.path)))
        except OSError:
            return []
        entries.sort(key=lambda t: t[0])
        entries.reverse()  # popped from the end: first name first
        return entries

    pending = [listing(root)]  # one sorted listing per open folder, deepest last
    while pending:
        if seen > MAX_SCAN:
            return tracks, f"{MAX_SCAN} files and folders"
        if len(tracks) >= MAX_TRACKS:
            return tracks, f"{MAX_TRACKS} tracks"
        level = pending[-1]
        if not level:
            pending.pop()
            continue
        _, is_dir, entry = level.pop()
        if is_dir:
            pending.append(listing(entry))
        elif entry.suffix.lower() in AUDIO_SUFFIXES and entry.is_file():
            tracks.append(entry)
    return tracks, ""


def _read_playlist(path: Path) -> tuple[list[Path], int]:
    """An M3U's entries (one path or file:// URL a line; '#' lines are comments), and how
    many were left out past :data:`MAX_TRACKS`."""
    try:
        raw = paths.read_bytes(path, paths.PLAYLIST_LIMIT)
    except OSError as exc:
        why = paths.why_unreadable(exc)
        raise MusicError(f"{path}: cannot read the playlist ({why})") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    legacy = path.suffix.lower() == ".m3u"
    tracks: list[Path] = []
    over = 0
    for line in raw.splitlines():
        entry = line.strip()
        if not entry or entry.startswith(b"#"):
            continue
        if len(tracks) >= MAX_TRACKS:
            over += 1
            continue
        tracks.append(_entry_path(entry, path.parent, legacy))
    return tracks, over


def _entry_path(entry: bytes, base: Path, legacy: bool) -> Path:
    """The path one playlist line names, its bytes kept when they are not UTF-8."""
    exact = _as_path(entry.decode("utf-8", "surrogateescape"), base)
    if not legacy or _is_utf8(entry) or _exists(exact):
        return exact
    latin = _as_path(entry.decode("latin-1"), base)
    return latin if _exists(latin) else exact


def _as_path(text: str, base: Path) -> Path:
    if text.startswith("file://"):
        text = unquote(urlparse(text).path, errors="surrogateescape")
    track = Path(text).expanduser()
    return track if track.is_absolute() else base / track


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


__all__ = ["AUDIO_SUFFIXES", "MAX_SCAN", "MAX_TRACKS", "PLAYLIST_SUFFIXES", "MusicError", "resolve"]
