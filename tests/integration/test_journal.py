"""The journal is a real SQLite file: WAL, versioned schema, load memory, safe failures."""

from __future__ import annotations

import sqlite3
from collections import deque
from pathlib import Path

import pytest

from voicecoach.journal.store import SCHEMA_VERSION, Journal, JournalError
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.loads import Weight
from voicecoach.session.answers import Answer
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.starting import carried_loads
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock

ROUTINE = parse_routine_text("""
name: J
exercises:
  - {use: barbell-row, sets: 2, reps: 3-5, load: 100 lb, rest: 30s, tempo: [pull 1, lower 1]}
""")


def _session(journal: Journal, answers, carried=None, dry=False):  # type: ignore[no-untyped-def]
    env = Environment(
        clock=FakeClock(),
        voice=Voice(EstimateRenderer()),
        journal=journal,
        answers=deque(answers),
        virtual=dry,  # a dry run is journaled as one
    )
    return Session(ROUTINE, env, carried=carried).run()


def test_new_database_is_wal_and_versioned(tmp_path: Path) -> None:
    """A fresh journal is in WAL mode with the current schema version."""
    j = Journal(tmp_path / "j.sqlite3")
    assert j.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert j.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_every_set_is_committed_when_it_ends(tmp_path: Path) -> None:
    """Another connection sees each set with prescribed and performed values."""
    path = tmp_path / "j.sqlite3"
    result = _session(Journal(path), [Answer(None, 2), Answer(4, 0)])
    rows = (
        sqlite3.connect(path)
        .execute(
            "SELECT set_no, weight, reps, rir, target_low, target_high, next_load FROM sets"
            " ORDER BY id"
        )
        .fetchall()
    )
    assert result.status == "completed"
    assert [r[:6] for r in rows] == [(1, 100.0, 5, 2, 3, 5), (2, 105.0, 4, 0, 3, 5)]
    status = sqlite3.connect(path).execute("SELECT status FROM sessions").fetchone()[0]
    assert status == "completed"


def test_next_session_starts_where_the_last_ended(tmp_path: Path) -> None:
    """Load memory: the last set's chosen next load is the next session's start."""
    j = Journal(tmp_path / "j.sqlite3")
    _session(j, [Answer(None, 2), Answer(None, 2)])
    carried = carried_loads(j, ROUTINE, include_dry_runs=False)
    assert carried[0][0] == Weight(110, "lb")


def test_dry_runs_do_not_move_real_loads(tmp_path: Path) -> None:
    """A dry run's loads carry to the next dry run only, never to a real run."""
    j = Journal(tmp_path / "j.sqlite3")
    _session(j, [Answer(None, 2), Answer(None, 2)], dry=True)
    assert carried_loads(j, ROUTINE, include_dry_runs=False) == {}
    assert carried_loads(j, ROUTINE, include_dry_runs=True)[0][0] == Weight(110, "lb")


def test_migration_from_empty_version_zero(tmp_path: Path) -> None:
    """An existing empty SQLite file (version 0) is migrated, not replaced."""
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE keepme (x)")
    con.execute("INSERT INTO keepme VALUES (42)")
    con.commit()
    con.close()
    j = Journal(path)
    assert j.db.execute("SELECT x FROM keepme").fetchone()[0] == 42
    assert j.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database from a newer voicecoach is refused with a clear message."""
    path = tmp_path / "new.sqlite3"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.close()
    with pytest.raises(JournalError, match="newer voicecoach"):
        Journal(path)


def test_corrupt_database_is_named_and_left_untouched(tmp_path: Path) -> None:
    """A file that is not SQLite is reported by path and never rewritten."""
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(JournalError) as info:
        Journal(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    """A database held by another writer gives an error naming the path."""
    path = tmp_path / "j.sqlite3"
    j = Journal(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(JournalError) as info:
            j.begin("R", "", "", "2026-01-01T00:00:00")
        assert "locked" in str(info.value) and str(path) in str(info.value)
    finally:
        other.execute("ROLLBACK")


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    """A journal path under a regular file fails with the path and a fix."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(JournalError) as info:
        Journal(blocker / "j.sqlite3")
    assert str(blocker) in str(info.value)


def test_a_negative_schema_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    """user_version -1 (no voicecoach writes it) is refused by the CLI in one line, file as it was.

    It used to run the last migration first: "table sessions already exists".
    """
    from helpers import run_voicecoach, voicecoach_env

    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = -1")
    con.close()
    before = path.read_bytes()
    done = run_voicecoach(["history", "--db", str(path)], voicecoach_env(tmp_path / "home"))
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "schema version -1" in lines[0], done.stderr
    assert "already exists" not in done.stderr
    assert path.read_bytes() == before


def test_resuming_a_session_with_every_set_done_coaches_nothing(tmp_path: Path) -> None:
    """A run killed during its summary (every set saved, still 'running'): --resume says so.

    It used to coach an empty workout: "Workout done. Zero sets."
    """
    from helpers import mini_routine, run_voicecoach, voicecoach_env

    home = tmp_path / "home"
    env = voicecoach_env(home)
    routine = tmp_path / "one.yaml"
    routine.write_text(mini_routine(1, "2", "One Set"))
    args = ["run", str(routine), "--audio", "none", "--engine", "estimate", "--answers", "2"]
    assert run_voicecoach(args, env).returncode == 0
    db = home / "data" / "journal.sqlite3"
    con = sqlite3.connect(db)
    con.execute("UPDATE sessions SET status = 'running', ended_at = NULL")  # as if killed
    con.commit()
    con.close()
    done = run_voicecoach([*args, "--resume"], env)
    assert done.returncode == 0, done.stderr
    assert "every set done already" in done.stdout, done.stdout
    assert "Workout done" not in done.stdout
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM sessions").fetchall() == [("completed",)]
    assert con.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 1


@pytest.mark.parametrize(
    "command",
    [["history"], ["export", "--format", "json"], ["journal", "recover"], ["import", "CSV"]],
)
def test_dev_null_as_the_journal_is_refused_and_leaves_no_journal_file(
    tmp_path: Path, command: list[str]
) -> None:
    """``--db /dev/null`` (as root, where /dev is writable) once left ``/dev/null-journal``,
    mode 0666, behind; now one line, exit 1, and nothing is created beside the device."""
    from helpers import run_voicecoach, voicecoach_env

    csv = tmp_path / "strong.csv"
    csv.write_text("Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n")
    leftovers = [Path("/dev/null-journal"), Path("/dev/null-wal"), Path("/dev/null-shm")]
    assert not any(p.exists() for p in leftovers)  # else this machine hides the outcome
    args = [str(csv) if a == "CSV" else a for a in command]
    done = run_voicecoach([*args, "--db", "/dev/null"], voicecoach_env(tmp_path / "home"))
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "/dev/null: it is a device, not a regular file" in lines[0], lines
    assert not any(p.exists() for p in leftovers)
