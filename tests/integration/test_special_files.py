"""Every file voicecoach reads, replaced by a FIFO, a /dev/zero symlink or a folder.

A FIFO used to hang the command forever and /dev/zero to grow it to gigabytes
(``st_size`` is 0 for both, so no size check saw them). Each case runs the
real CLI with the special file in place: it must end promptly, within a memory
limit, with at most one line about that file and no traceback. The timeout
is only a guard; the assertion is the exit and the line.
"""

from __future__ import annotations

import os
import resource
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import mini_routine, run_voicecoach, voicecoach_env

MEMORY = 1_500_000_000  # bytes of address space: reading /dev/zero whole passes this in a second


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _make(kind: str, at: Path) -> None:
    at.parent.mkdir(parents=True, exist_ok=True)
    if at.exists() or at.is_symlink():
        at.unlink()
    if kind == "fifo":
        os.mkfifo(at)
    elif kind == "zero":
        at.symlink_to("/dev/zero")
    else:
        at.mkdir()


@dataclass
class Case:
    """One file the program reads, where it lives and the command that reads it."""

    name: str
    file: Callable[[Path, Path], Path]  # (tmp, home) -> where the special file goes
    args: Callable[[Path, Path], list[str]]
    codes: tuple[int, ...]  # the exit codes that are right for this file being unusable
    must_say: bool = True  # refused with a line (else skipped, quietly or with a line)
    prepare: Callable[[Path, Path], None] | None = None
    also: str = "not a regular file"  # another wording that is right for this file


def _routine(tmp: Path) -> Path:
    path = tmp / "mini.yaml"
    path.write_text(mini_routine(1, "2"))
    return path


def _dry(tmp: Path, *extra: str) -> list[str]:
    return [
        "run",
        str(_routine(tmp)),
        "--dry-run",
        "--answers",
        "2",
        "--engine",
        "estimate",
        *extra,
    ]


def _playlist(tmp: Path, home: Path) -> None:
    (tmp / "list.m3u").write_text(f"{tmp / 'track.wav'}\n")


def _cached_clip(tmp: Path, home: Path) -> None:
    """Fill the cache with a real clip by saying a word once."""
    env = voicecoach_env(home)
    done = run_voicecoach(["say", "--audio", "none", "hello"], env, timeout=120)
    assert done.returncode == 0, done.stderr


def _clip_path(tmp: Path, home: Path) -> Path:
    clips = list((home / "cache" / "clips").rglob("*.wav"))
    if not clips:  # no real engine here: nothing is cached, so nothing to replace
        pytest.skip("no speech engine writes clips on this machine")
    return clips[0]


def _strong_csv(tmp: Path, home: Path) -> None:
    (tmp / "strong.csv").write_text("Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n")


CASES = [
    Case(
        "routine",
        lambda t, h: t / "special.yaml",
        lambda t, h: ["validate", str(t / "special.yaml")],
        (2,),
    ),
    Case(
        "routine run",
        lambda t, h: t / "special.yaml",
        lambda t, h: ["run", str(t / "special.yaml"), "--dry-run", "--engine", "estimate"],
        (2,),
    ),
    Case(
        "library named",
        lambda t, h: t / "special-library.yaml",
        lambda t, h: _dry(t, "--library", str(t / "special-library.yaml")),
        (2,),
    ),
    Case(
        "library in the config folder",
        lambda t, h: h / "config" / "exercises.yaml",
        lambda t, h: _dry(t),
        (2,),
    ),
    Case(
        "import name map",
        lambda t, h: t / "names.txt",
        lambda t, h: ["import", str(t / "strong.csv"), "--map-file", str(t / "names.txt")],
        (2,),
        prepare=_strong_csv,
    ),
    Case(
        "import",
        lambda t, h: t / "special.csv",
        lambda t, h: ["import", str(t / "special.csv")],
        (2,),
    ),
    Case(
        "recovery file named",
        lambda t, h: t / "special.jsonl",
        lambda t, h: ["journal", "recover", str(t / "special.jsonl")],
        (1, 2),  # 2: the usage error for a folder
    ),
    Case(
        "recovery file found",
        lambda t, h: h / "data" / "journal.sqlite3.recovery-20260101-000000-1.jsonl",
        lambda t, h: ["journal", "recover"],
        (1,),
    ),
    Case(
        "journal check --db",
        lambda t, h: t / "special.sqlite3",
        lambda t, h: ["journal", "check", "--db", str(t / "special.sqlite3")],
        (1, 2),
    ),
    Case("journal", lambda t, h: h / "data" / "journal.sqlite3", lambda t, h: ["history"], (1,)),
    Case("config.toml", lambda t, h: h / "config" / "config.toml", lambda t, h: _dry(t), (2,)),
    Case(
        "ducked-apps.json",
        lambda t, h: h / "data" / "ducked-apps.json",
        lambda t, h: _dry(t),
        (0,),
    ),
    Case(
        "playlist",
        lambda t, h: t / "special.m3u",
        lambda t, h: _dry(t, "--record", str(t / "out.wav"), "--music", str(t / "special.m3u")),
        (0, 2),
        also="no music files in this folder",  # a folder is music wherever its name
    ),
    Case(
        "track in a playlist",
        lambda t, h: t / "track.wav",
        lambda t, h: _dry(t, "--record", str(t / "out.wav"), "--music", str(t / "list.m3u")),
        (0,),
        prepare=_playlist,
    ),
    Case(
        "cached clip",
        _clip_path,
        lambda t, h: ["say", "--audio", "none", "hello"],
        (0,),
        must_say=False,
        prepare=_cached_clip,
    ),
]


@pytest.mark.parametrize("kind", ["fifo", "zero", "folder"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_special_file_is_refused_or_skipped_with_one_line(
    case: Case, kind: str, tmp_path: Path, voicecoach_home: Path
) -> None:
    if case.prepare is not None:
        case.prepare(tmp_path, voicecoach_home)
    target = case.file(tmp_path, voicecoach_home)
    _make(kind, target)
    args = case.args(tmp_path, voicecoach_home)
    try:
        done = run_voicecoach(
            args, voicecoach_env(voicecoach_home), timeout=60, preexec_fn=_limit_memory
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.name} as a {kind}: still running after 60 s")
    assert "Traceback" not in done.stderr, done.stderr
    assert "MemoryError" not in done.stderr, done.stderr
    assert done.returncode in case.codes, (done.returncode, done.stdout, done.stderr)
    said = (done.stdout + done.stderr).splitlines()
    why = [
        line
        for line in said
        if any(w in line for w in ("not a regular file", "is a directory", case.also))
    ]
    assert len(why) == (1 if case.must_say else 0), said
    if why:
        assert target.name in why[0], why
