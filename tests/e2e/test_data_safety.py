"""Real runs against real trouble: a tmpfs that fills mid-session, and a storm of SIGKILLs."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from helpers import PYTHON, mini_routine, run_voicecoach, voicecoach_env

ARGS = ["--audio", "none", "--engine", "estimate"]


def _sets(db: Path) -> list[tuple]:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(
                "SELECT session_id, position, side, weight, reps, rir FROM sets ORDER BY id"
            ).fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError:
        return []  # not created yet


def _wait_for_sets(db: Path, count: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Poll the journal (another reader, as WAL allows) until ``count`` sets are in it."""
    deadline = time.monotonic() + timeout
    while len(_sets(db)) < count:
        assert proc.poll() is None, "the run ended before the set was journaled"
        assert time.monotonic() < deadline, "no set was journaled in time"
        time.sleep(0.05)  # polling a condition, not guessing an interval


def _fill(disk: Path) -> Path:
    """Fill ``disk`` to its last byte (it may be full already)."""
    filler = disk / "filler"
    try:
        with filler.open("wb") as f:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
    except OSError:
        pass  # ENOSPC: the disk is full now
    return filler


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 1 MB tmpfs: a real filesystem that can be filled."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(
            "mounting a tmpfs is not permitted here (needs root); "
            "tests/integration/test_journal_full.py injects SQLITE_FULL instead"
        )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_that_fills_mid_session_loses_no_set(
    tmp_path: Path, voicecoach_home: Path, small_disk: Path
) -> None:
    """The journal's tmpfs fills after set one: exit 0, and after 'journal recover' both
    sets are in the journal."""
    db = small_disk / "journal.sqlite3"
    routine = tmp_path / "r.yaml"
    routine.write_text(mini_routine(2, "2", "Full Disk"))
    env = voicecoach_env(voicecoach_home)
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "voicecoach",
            "run",
            str(routine),
            *ARGS,
            "--answers",
            "2,2,2",
            "--db",
            str(db),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_sets(db, 1, proc)
        filler = _fill(small_disk)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Saving failed" in out + err
    assert len(_sets(db)) < 2  # the full disk really refused writes
    kept = list((voicecoach_home / "cache").glob("journal.sqlite3.recovery-*.jsonl"))
    kept += list(small_disk.glob("journal.sqlite3.recovery-*.jsonl"))
    assert kept, err
    filler.unlink(missing_ok=True)
    done = run_voicecoach(["journal", "recover", "--db", str(db), *map(str, kept)], env)
    assert done.returncode == 0, done.stderr
    rows = _sets(db)
    assert [r[1] for r in rows] == [0, 1]
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_kill_storm_loses_and_duplicates_nothing(tmp_path: Path, voicecoach_home: Path) -> None:
    """20 SIGKILLs at random moments, each followed by --resume: every journaled set stays,
    none is doubled, one session, integrity ok; the last resume finishes the workout."""
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    routine = tmp_path / "r.yaml"
    routine.write_text(mini_routine(2, "2", "Storm"))
    db = voicecoach_home / "data" / "journal.sqlite3"
    env = voicecoach_env(voicecoach_home)
    base = [PYTHON, "-m", "voicecoach", "run", str(routine), *ARGS, "--answers", "2,2"]

    def start(resume: bool) -> subprocess.Popen:
        return subprocess.Popen(
            base + (["--resume"] if resume else []),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    proc = start(False)
    _wait_for_sets(db, 1, proc)
    seen = _sets(db)
    for kill in range(20):
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        now = _sets(db)
        assert now[: len(seen)] == seen, f"seed {seed}, kill {kill}: a set was lost"
        assert len({r[:3] for r in now}) == len(now), f"seed {seed}: a set was doubled"
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
        con.close()
        seen = now
        proc = start(True)
        # A random moment of the restarted run: start-up, migration, backup, reopen, speech.
        deadline = time.monotonic() + rng.uniform(0.05, 2.5)
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
    assert proc.wait(120) == 0, f"seed {seed}"
    rows = _sets(db)
    assert rows[: len(seen)] == seen
    assert [r[1] for r in rows] == [0, 1], f"seed {seed}"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*), MAX(status) FROM sessions").fetchone() == (1, "completed")


def _recovered(*folders: Path) -> list[dict]:
    """The set lines of every recovery file in ``folders``."""
    import json

    lines = []
    for folder in folders:
        for f in folder.glob("journal.sqlite3.recovery-*.jsonl"):
            for line in f.read_text().splitlines():
                if line.strip() and '"set"' in line:
                    lines.append(json.loads(line)["set"])
    return lines


def test_a_full_disk_then_sigkill_loses_no_answered_set(
    tmp_path: Path, voicecoach_home: Path, small_disk: Path
) -> None:
    """The journal's tmpfs fills after set one is first written; the run is killed (no
    close, no flush) once a save has failed: the kept set is in a recovery file with its
    answer, and the next run takes it in."""
    db = small_disk / "journal.sqlite3"
    routine = tmp_path / "r.yaml"
    routine.write_text(mini_routine(3, "2", "Full Then Kill"))
    env = voicecoach_env(voicecoach_home)
    args = ["run", str(routine), *ARGS, "--answers", "2,2,2", "--db", str(db)]
    proc = subprocess.Popen(
        [PYTHON, "-m", "voicecoach", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cache = voicecoach_home / "cache"
    try:
        _wait_for_sets(db, 1, proc)
        filler = _fill(small_disk)
        deadline = time.monotonic() + 90
        while not _recovered(small_disk, cache, Path(tempfile.gettempdir())):
            assert proc.poll() is None, "the run ended before a save failed"
            assert time.monotonic() < deadline, "no recovery file was written"
            time.sleep(0.05)  # polling a condition, not guessing an interval
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    kept = _recovered(small_disk, cache, Path(tempfile.gettempdir()))
    answered = {s["position"]: s["rir"] for s in kept}
    before = {r[1]: r[5] for r in _sets(db) if r[0] == 1}
    # The disk really refused: what is kept is not in the journal as it is kept (a set may
    # be there from before its question, without its answer).
    assert answered and all(before.get(p) != rir for p, rir in answered.items())
    filler.unlink(missing_ok=True)
    # The next run (a dry run, not journaled as a workout) takes the kept sets in first.
    done = run_voicecoach(
        ["run", str(routine), "--dry-run", "--engine", "estimate", "--db", str(db)], env
    )
    assert done.returncode == 0, done.stderr
    assert "recovered" in done.stderr
    after = {r[1]: r[5] for r in _sets(db) if r[0] == 1}  # the killed run's session
    assert all(after.get(p) == rir for p, rir in answered.items()), (answered, after)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
