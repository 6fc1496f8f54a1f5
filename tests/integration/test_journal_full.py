"""A journal write that fails (a full disk) loses no set: it is kept, retried and recovered.

A full disk must never cost a lifter a set they did: the sets are the point of
the journal, and the disk fills mid-workout, not at a convenient moment. The
failure is injected at the journal's one write path (``Connection.execute`` of
the real SQLite connection) with the error SQLite raises on a full disk;
tests/e2e/test_data_safety.py fills a real tmpfs.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from journal_helpers import ALL_FOUR, dry_run_four_sets, saved_sets
from voicecoach.cli.main import cli
from voicecoach.journal import store as journal_module


class _Disk:
    """Whether the (simulated) disk is full, and after how many answered sets it fills."""

    full_after: int | None = None
    sets_written = 0


class FullDiskConnection(sqlite3.Connection):
    """A real SQLite connection whose writes fail as on a full disk once the disk is 'full'."""

    def execute(self, sql: str, params: object = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        writes = sql.lstrip().upper().startswith(("INSERT", "UPDATE"))
        if writes and _Disk.full_after is not None and _Disk.sets_written >= _Disk.full_after:
            raise sqlite3.OperationalError("database or disk is full")
        cur = super().execute(sql, params)  # type: ignore[arg-type]
        # A set is written twice: before its question, then with its answer (the RIR,
        # 16th of the values). The disk "fills" after so many answered sets.
        if writes and "INTO sets" in sql and params[15] is not None:  # type: ignore[index]
            _Disk.sets_written += 1
        return cur


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> type[_Disk]:
    _Disk.full_after, _Disk.sets_written = None, 0
    connect = functools.partial(sqlite3.connect, factory=FullDiskConnection)
    monkeypatch.setattr(journal_module.sqlite3, "connect", connect)
    return _Disk


def test_disk_full_mid_session_exits_0_and_keeps_sets_in_a_recovery_file(
    tmp_path: Path, disk: type[_Disk]
) -> None:
    """The disk fills after set one: exit 0, said aloud once, sets 2-4 in a recovery file."""
    db = tmp_path / "journal.sqlite3"
    disk.full_after = 1
    code, out, err = dry_run_four_sets(tmp_path, db, "Full")
    assert code == 0, err
    assert out.count('SAY "Saving failed; your sets are kept."') == 1
    assert err.count("Saving failed") == 1 and "disk is full" in err
    assert "voicecoach journal recover" in err
    assert saved_sets(db, "set_no") == [(1, 100.0)]
    files = list(tmp_path.glob("journal.sqlite3.recovery-*.jsonl"))
    assert len(files) == 1 and len(files[0].read_text().splitlines()) == 4  # 3 sets + finish


def test_journal_recover_takes_the_kept_sets_in(tmp_path: Path, disk: type[_Disk]) -> None:
    """After space is freed, 'journal recover' adds every kept set and marks the file done."""
    db = tmp_path / "journal.sqlite3"
    disk.full_after = 1
    assert dry_run_four_sets(tmp_path, db, "Full")[0] == 0
    disk.full_after = None
    r = CliRunner().invoke(cli, ["journal", "recover", "--db", str(db)])
    assert r.exit_code == 0, r.stderr
    assert "3 sets recovered" in r.stdout
    assert saved_sets(db, "set_no") == ALL_FOUR
    status = sqlite3.connect(db).execute("SELECT COUNT(*), MAX(status) FROM sessions").fetchone()
    assert status == (1, "completed")
    assert not list(tmp_path.glob("*.recovery-*.jsonl"))
    again = CliRunner().invoke(cli, ["journal", "recover", "--db", str(db)])
    assert "no unsaved sets" in again.output


def test_next_run_takes_the_kept_sets_in(tmp_path: Path, disk: type[_Disk]) -> None:
    """The next run takes the recovery file in by itself, and says so."""
    db = tmp_path / "journal.sqlite3"
    disk.full_after = 1
    assert dry_run_four_sets(tmp_path, db, "Full")[0] == 0
    disk.full_after = None
    code, _out, err = dry_run_four_sets(tmp_path, db, "Full")
    assert code == 0
    assert "recovered 3 unsaved sets" in err
    assert len(saved_sets(db, "set_no")) == 8


def test_a_write_that_works_again_saves_the_kept_sets_at_the_next_set(
    tmp_path: Path, disk: type[_Disk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure that passes (space freed mid-session) is retried at the next set boundary."""
    db = tmp_path / "journal.sqlite3"
    from voicecoach.journal.safe import SafeJournal

    real_record = SafeJournal.record

    def record(self, session_id, s):  # type: ignore[no-untyped-def]
        disk.full_after = 1 if s.set_no == 2 else None  # only set two meets a full disk
        real_record(self, session_id, s)

    monkeypatch.setattr(SafeJournal, "record", record)
    code, _out, err = dry_run_four_sets(tmp_path, db, "Full")
    assert code == 0
    assert "can be written again" in err
    assert saved_sets(db, "set_no") == ALL_FOUR
    assert not list(tmp_path.glob("*.recovery-*.jsonl"))


def test_unsaved_sets_are_on_disk_at_once_and_survive_a_kill(
    tmp_path: Path, disk: type[_Disk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full, then the process dies before it can close: every answered set is in the
    recovery file already, and the next run takes them in."""
    from voicecoach.journal.safe import SafeJournal

    db = tmp_path / "journal.sqlite3"
    seen: list[int] = []
    real_record = SafeJournal.record

    def record(self, session_id, s):  # type: ignore[no-untyped-def]
        real_record(self, session_id, s)
        files = list(tmp_path.glob("journal.sqlite3.recovery-*.jsonl"))
        seen.append(sum(len(f.read_text().splitlines()) for f in files))
        if s.set_no == 3:
            raise KeyboardInterrupt  # stands for kill -9: nothing after this runs, no close

    monkeypatch.setattr(SafeJournal, "record", record)
    monkeypatch.setattr(SafeJournal, "close", lambda self: None)
    disk.full_after = 1
    dry_run_four_sets(tmp_path, db, "Full")
    # Each set is written before its question and again with its answer. Set one is
    # saved; set two is on disk the moment its first write failed, its answer replaces
    # it there; set three is on disk before its question (the kill comes there).
    assert seen == [0, 0, 1, 1, 2]
    disk.full_after = None
    monkeypatch.undo()
    code, _out, err = dry_run_four_sets(tmp_path, db, "Full")
    assert code == 0, err
    assert "recovered 2 unsaved sets" in err
