"""Where voicecoach keeps its files, and how it reads a file it did not write.

Everything user-specific goes through here so that tests (and users who want
a portable set-up) can point the whole program at one folder with
``VOICECOACH_HOME``. Without it, the XDG locations from platformdirs are used.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import platformdirs

APP = "voicecoach"


@dataclass(frozen=True)
class Paths:
    """The three folders voicecoach writes to."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def journal(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def duck_state(self) -> Path:
        """Other apps' volumes while lowered, so a killed run's are put back."""
        return self.data_dir / "ducked-apps.json"

    @property
    def enrolment(self) -> Path:
        """The lifter's voice enrolment (``voicecoach mic-train``): features, not audio."""
        return self.data_dir / "voice-enrolment.json"

    @property
    def clip_cache(self) -> Path:
        return self.cache_dir / "clips"


def user_paths(environ: os._Environ[str] | dict[str, str] | None = None) -> Paths:
    """Return the paths in force, honouring ``VOICECOACH_HOME``."""
    env = os.environ if environ is None else environ
    home = env.get("VOICECOACH_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(root / "config", root / "data", root / "cache")
    return Paths(
        Path(platformdirs.user_config_dir(APP)),
        Path(platformdirs.user_data_dir(APP)),
        Path(platformdirs.user_cache_dir(APP)),
    )


# --- reading a file safely ------------------------------------------------------------
# Reading a file the user named, or one we left on disk, without trusting what it is.
#
# ``Path.read_bytes()`` on a FIFO waits forever for a writer, and on
# ``/dev/zero`` (or ``<(yes)``) it reads until memory runs out; a size check by
# ``stat().st_size`` does not help, because pipes and devices report 0. So every
# such file is opened here with ``O_NONBLOCK`` (opening a FIFO then returns at
# once instead of waiting), checked with ``fstat`` on the *opened* descriptor
# (no window between the check and the read for a swapped file), and read up
# to a limit chosen for its kind. Anything else is refused with an ``OSError``
# whose ``strerror`` says why, so the callers' existing ``except OSError``
# paths print it as their usual one line.

# Per kind of file: far above any real one, far below what hurts.
CONFIG_LIMIT = 1_000_000
PLAYLIST_LIMIT = 4_000_000  # ~40,000 entries of 100 bytes
IMPORT_LIMIT = 64_000_000  # a decade of Strong or Hevy rows
RECOVERY_LIMIT = 128_000_000  # about 200,000 unsaved sets; read as a stream, never whole
CLIP_LIMIT = 16_000_000  # six minutes of 22 kHz speech: no phrase is near it
STATE_LIMIT = 1_000_000  # ducked-apps.json: a few entries
ENROLMENT_LIMIT = 8_000_000  # voice-enrolment.json: 42 takes of features, ~0.4 MB

_CHUNK = 1 << 16


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a folder: nothing we read as a file."""

    def __init__(self, path: str | os.PathLike[str], what: str):
        super().__init__(errno.EINVAL, f"it is {what}, not a regular file", str(path))


class FileTooLarge(OSError):
    """The file is larger than its kind ever is."""

    def __init__(self, path: str | os.PathLike[str], limit: int):
        super().__init__(errno.EFBIG, f"it is larger than {_size(limit)}", str(path))


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1000} kB"


def describe(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _open_regular(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, describe(st.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def check_regular(path: str | os.PathLike[str]) -> None:
    """Raise unless ``path`` is a regular file we may open, without ever blocking.

    For files another library opens itself (SQLite, the audio decoder).
    """
    fd, _ = _open_regular(path)
    os.close(fd)


def is_regular(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a regular file we can open (never blocks on a FIFO)."""
    try:
        check_regular(path)
    except OSError:
        return False
    return True


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes; OSError otherwise."""
    fd, st = _open_regular(path)
    try:
        if st.st_size > limit:
            raise FileTooLarge(path, limit)
        chunks: list[bytes] = []
        total = 0
        while True:  # bounded even if the file grows while we read it
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLarge(path, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_text(path: str | os.PathLike[str], limit: int, encoding: str = "utf-8-sig") -> TextIO:
    """A regular file of at most ``limit`` bytes, opened to be read as a stream of text.

    For files read row by row (an import of a decade of sets): checked like
    :func:`read_bytes`, but never held in memory whole.
    """
    fd, st = _open_regular(path)
    if st.st_size > limit:
        os.close(fd)
        raise FileTooLarge(path, limit)
    return open(fd, encoding=encoding, newline="")


def read_text(path: str | os.PathLike[str], limit: int, encoding: str = "utf-8") -> str:
    """Like :func:`read_bytes`, decoded (UnicodeDecodeError for bad text)."""
    return read_bytes(path, limit).decode(encoding)


def why_unreadable(exc: OSError) -> str:
    """The short why of an OSError: its strerror, else its text."""
    return exc.strerror or str(exc)
