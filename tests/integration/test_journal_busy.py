"""A journal busy with another program's write (an import) is not a failed save.

Another real connection to the same SQLite file holds the write lock with
``BEGIN IMMEDIATE``, as ``voicecoach import`` does for a whole file, while a
dry run (``--answers``) finishes its sets.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal_helpers import ALL_FOUR, dry_run_four_sets, saved_sets
from voicecoach.journal.safe import SafeJournal
from voicecoach.journal.store import Journal, SetRecord
from voicecoach.routines.loads import Weight


class _Lock:
    """A second connection to the journal that takes and frees its write lock on demand."""

    def __init__(self, db: Path) -> None:
        self.con = sqlite3.connect(db, isolation_level=None)

    def take(self) -> None:
        if not self.con.in_transaction:
            self.con.execute("BEGIN IMMEDIATE")

    def free(self) -> None:
        if self.con.in_transaction:
            self.con.execute("COMMIT")


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, _Lock]]:
    db = tmp_path / "journal.sqlite3"
    Journal(db).close()  # made (and migrated) before anyone holds its lock
    # The first write waits this long for the lock (2 s in use): the same path, a shorter test.
    monkeypatch.setattr(Journal, "busy_timeout", 0.3)
    lock = _Lock(db)
    yield db, lock
    lock.free()
    lock.con.close()


def _hold_lock_from(monkeypatch: pytest.MonkeyPatch, lock: _Lock, first: int, last: int) -> None:
    """The other program holds the lock while sets ``first`` to ``last`` are written."""
    real_record = SafeJournal.record

    def record(self, session_id, s):  # type: ignore[no-untyped-def]
        if first <= s.set_no <= last:
            lock.take()
        else:
            lock.free()
        real_record(self, session_id, s)

    monkeypatch.setattr(SafeJournal, "record", record)


def test_a_set_written_while_an_import_holds_the_lock_is_saved_when_it_frees(
    tmp_path: Path, journal: tuple[Path, _Lock], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set two meets the lock: nothing is said about failing, one quiet line on screen,
    and set two is in the journal once (with its answer) after the lock frees at set three."""
    db, lock = journal
    _hold_lock_from(monkeypatch, lock, 2, 2)
    code, out, err = dry_run_four_sets(tmp_path, db, "Busy")
    assert code == 0, err
    assert "Saving failed" not in out and "Saving failed" not in err
    assert "fail" not in out.lower()
    assert err.count("is busy (an import?)") == 1, err
    assert "can be written again" not in err  # one line for the whole episode
    assert saved_sets(db) == ALL_FOUR
    con = sqlite3.connect(db)
    rir = con.execute("SELECT rir FROM sets WHERE set_no = 2").fetchall()
    con.close()
    assert rir == [(2.0,)]  # the answered set, not the one written before its question
    assert out.count("Workout done. Four sets.") == 1
    assert not list(tmp_path.glob("*.recovery-*.jsonl"))


def test_a_lock_held_past_the_end_keeps_the_sets_for_the_next_run_without_a_word_aloud(
    tmp_path: Path, journal: tuple[Path, _Lock], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import outlasts the session: the last sets go to the recovery file with one line
    saying the journal was busy, and the next run (lock freed) takes them in once."""
    db, lock = journal
    _hold_lock_from(monkeypatch, lock, 3, 99)
    code, out, err = dry_run_four_sets(tmp_path, db, "Busy")
    assert code == 0, err
    assert "Saving failed" not in out and "Saving failed" not in err
    assert "free some space" not in err
    assert err.count("is busy (an import?)") == 1, err
    assert err.count("was still busy (an import?): 2 sets are kept in") == 1, err
    assert saved_sets(db) == ALL_FOUR[:2]
    files = list(tmp_path.glob("journal.sqlite3.recovery-*.jsonl"))
    assert len(files) == 1 and len(files[0].read_text().splitlines()) == 3  # 2 sets + finish
    lock.free()
    monkeypatch.undo()
    code, _out, err = dry_run_four_sets(tmp_path, db, "Busy")
    assert code == 0, err
    assert "recovered 2 unsaved sets" in err
    sets = saved_sets(db)
    assert sets[:4] == ALL_FOUR and len(sets) == 8  # each kept set once, then this run's four
    assert not list(tmp_path.glob("*.recovery-*.jsonl"))


def test_while_the_lock_is_held_a_set_waits_a_moment_not_the_full_timeout(
    tmp_path: Path, journal: tuple[Path, _Lock]
) -> None:
    """After one write met the lock, the next ones wait 50 ms for it, so the coaching does
    not stall at every set; once everything is saved a write waits the full time again."""
    db, lock = journal

    def wait_ms(j: SafeJournal) -> int:
        return int(j.db.execute("PRAGMA busy_timeout").fetchone()[0])

    said: list[str] = []
    j = SafeJournal(db, warn=said.append)
    sid = j.begin("Busy", "busy.yaml", "h", "2026-01-01T10:00:00", dry_run=True)
    load = Weight(100, "lb")
    s = SetRecord(
        0,
        "barbell-row",
        "Barbell row",
        1,
        "",
        load,
        3,
        5,
        None,
        load,
        4,
        2.0,
        None,
        "2026-01-01T10:01:00",
        "2026-01-01T10:02:00",
        load,
    )
    assert wait_ms(j) == 300
    lock.take()
    j.record(sid, s)
    assert j.pending_sets == 1 and wait_ms(j) == 50
    assert j.take_notice() is None
    lock.free()
    j.finish(sid, "2026-01-01T10:05:00", "completed")
    assert j.pending == [] and wait_ms(j) == 300
    j.close()
    assert len(said) == 1 and "is busy (an import?)" in said[0]
    assert saved_sets(db) == [(1, 100.0)]
