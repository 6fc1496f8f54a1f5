"""Backups, checks, salvage and recovery for the journal (``voicecoach journal ...``).

- :func:`backup`: a consistent copy with SQLite's online backup API at the
  start of each real session, the newest ``KEEP`` kept in ``backups/``
  beside the journal.
- :func:`check`: ``PRAGMA integrity_check``, and what to do about it; a summary of
  the sets that differs from them is rebuilt (it is derived, never the data itself).
- :func:`salvage`: every readable row of a damaged journal into a new file.
  sqlite3's ``.recover`` is not in Python's module, so rows are read table by
  table in rowid ranges, falling back to one rowid at a time around a bad
  page, skipping what cannot be read.
- :func:`recover`: sets kept in a recovery file (see :mod:`voicecoach.journal.safe`)
  into the journal, once.

The journal itself is never rewritten here: salvage writes a new file.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecoach import paths
from voicecoach.journal import summary
from voicecoach.journal.recovered import check_line
from voicecoach.journal.safe import recovery_dirs
from voicecoach.journal.store import Journal, JournalError, refuse_special

KEEP = 3
CHUNK = 500


# --- backups -------------------------------------------------------------------------------
def backup_dir(journal: Path) -> Path:
    return journal.parent / "backups"


def backup(journal: Journal, keep: int = KEEP) -> Path:
    """Copy the open journal into ``backups/`` (atomically), keeping the newest ``keep``."""
    folder = backup_dir(journal.path)
    folder.mkdir(parents=True, exist_ok=True)
    stem = journal.path.stem
    target = (
        folder / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**6:06d}.sqlite3"
    )
    partial = target.with_suffix(".partial")
    try:
        # A connection of its own: the backup runs on the run's background thread, and
        # the journal's connection belongs to the engine's. WAL lets both read at once.
        source = sqlite3.connect(str(journal.path), timeout=2.0)
        dest = sqlite3.connect(str(partial))
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        partial.replace(target)  # a kill mid-backup leaves a .partial, never a half backup
    except (sqlite3.Error, OSError):
        partial.unlink(missing_ok=True)
        raise
    for old in sorted(folder.glob(f"{stem}-*.sqlite3"))[:-keep]:
        old.unlink(missing_ok=True)
    for stale in folder.glob(f"{stem}-*.partial"):
        stale.unlink(missing_ok=True)
    return target


def backups(journal: Path) -> list[Path]:
    """The kept backups of ``journal``, oldest first."""
    return sorted(backup_dir(journal).glob(f"{journal.stem}-*.sqlite3"))


# --- check ---------------------------------------------------------------------------------
@dataclass
class CheckReport:
    path: str
    ok: bool
    problems: list[str] = field(default_factory=list)
    sessions: int | None = None
    sets: int | None = None
    backups: list[str] = field(default_factory=list)
    recovery_files: list[str] = field(default_factory=list)
    advice: str = ""
    summary: str = ""  # "ok", or what was wrong with the sets' summary and that it was rebuilt


def salvage_command(path: Path) -> str:
    return f"voicecoach journal salvage --db {path}"


def check(path: Path) -> CheckReport:
    """Run ``PRAGMA integrity_check`` on the journal (read-only) and say what to do."""
    report = CheckReport(str(path), ok=False)
    report.backups = [str(b) for b in backups(path)]
    report.recovery_files = [str(f) for f in recovery_files(path)]
    if not path.exists():
        report.problems = [f"{path} does not exist"]
        report.advice = "nothing to check: the first run creates the journal"
        return report
    try:
        refuse_special(path)
    except JournalError as exc:
        report.problems = [str(exc)]
        report.advice = "nothing to check: that is not a journal"
        return report
    wrong: str | None = None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            lines = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
            report.ok = lines == ["ok"]
            report.problems = [] if report.ok else lines
            if report.ok:
                report.sessions = con.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
                report.sets = con.execute("SELECT COUNT(*) FROM sets").fetchone()[0]
                wrong = summary.problem(con)
        finally:
            con.close()
        if report.ok:
            report.summary = "ok" if wrong is None else _rebuild_summary(path, wrong)
    except sqlite3.DatabaseError as exc:
        report.ok, report.problems = False, [str(exc)]
    if report.ok:
        report.advice = "the journal is intact"
        if report.recovery_files:
            report.advice += "; unsaved sets are waiting: run 'voicecoach journal recover'"
    else:
        report.advice = (
            f"the journal {path} is damaged. Copy every readable set into a new file with "
            f"'{salvage_command(path)}'"
            + (
                f", or start again from the newest backup, {report.backups[-1]}"
                if report.backups
                else ""
            )
        )
    return report


def _rebuild_summary(path: Path, wrong: str) -> str:
    """Rebuild the sets' summary (opening the journal migrates one that predates it)."""
    try:
        journal = Journal(path)
        try:
            if summary.problem(journal.db) is not None:
                summary.rebuild(journal.db)
        finally:
            journal.close()
    except (JournalError, sqlite3.Error) as exc:
        return f"{wrong}; not rebuilt: {exc}"
    return f"{wrong}; rebuilt from the sets"


# --- salvage -------------------------------------------------------------------------------
@dataclass
class SalvageReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)


def salvage(source: Path, target: Path | None = None) -> SalvageReport:
    """Copy every readable session and set of ``source`` into a new journal file."""
    if target is None:
        target = source.with_name(
            f"{source.stem}.salvaged-{time.strftime('%Y%m%d-%H%M%S')}.sqlite3"
        )
    if target.exists():
        raise JournalError(f"{target} already exists; name a new file with --output")
    refuse_special(source)
    report = SalvageReport(str(source), str(target))
    with tempfile.TemporaryDirectory(prefix="voicecoach-salvage-") as tmp:
        # Work on a copy: the damaged file (and its WAL) is never opened for writing.
        copy = Path(tmp) / "damaged.sqlite3"
        shutil.copyfile(source, copy)
        for suffix in ("-wal",):
            side = source.with_name(source.name + suffix)
            if side.exists():
                shutil.copyfile(side, copy.with_name(copy.name + suffix))
        src = sqlite3.connect(str(copy))
        fresh = Journal(target)
        dst = fresh.db
        try:
            dst.execute("PRAGMA foreign_keys = OFF")  # sets whose session was lost still count
            dst.execute("BEGIN")
            for table in ("sessions", "sets"):
                read, bad = _copy_table(src, dst, table)
                report.rows[table], report.unreadable[table] = read, bad
            _adopt_orphans(dst)
            dst.execute("COMMIT")
        finally:
            src.close()
            fresh.close()
    return report


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
    except sqlite3.DatabaseError:
        return []


def _copy_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> tuple[int, int]:
    """Copy readable rows in rowid ranges; returns (rows copied, rowids that failed)."""
    columns = [c for c in _columns(src, table) if c in set(_columns(dst, table))]
    if not columns:
        return 0, 0
    names = ", ".join(columns)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    select = f"SELECT {names} FROM {table} WHERE rowid >= ? AND rowid < ?"
    try:
        top = src.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        probe_past = 0
    except sqlite3.DatabaseError:
        top, probe_past = 0, 200 * CHUNK  # the b-tree's edge is damaged: probe ahead for rows
    copied = failed = 0
    low, empty_run = 1, 0
    while low <= top or empty_run * CHUNK < probe_past:
        high = low + CHUNK
        try:
            rows = src.execute(select, (low, high)).fetchall()
        except sqlite3.DatabaseError:
            rows = []
            for rowid in range(low, high):
                try:
                    rows += src.execute(select, (rowid, rowid + 1)).fetchall()
                except sqlite3.DatabaseError:
                    failed += 1
        for row in rows:
            try:
                dst.execute(insert, row)
                copied += 1
            except sqlite3.DatabaseError:
                failed += 1
        empty_run = 0 if rows or low <= top else empty_run + 1
        low = high
    return copied, failed


def _adopt_orphans(dst: sqlite3.Connection) -> None:
    """Sets whose session row was unreadable get a stand-in session, so history shows them."""
    dst.execute(
        "INSERT INTO sessions (id, routine_name, started_at, ended_at, status)"
        " SELECT sets.session_id, 'unknown (salvaged)', MIN(sets.started_at),"
        " MAX(sets.ended_at), 'aborted' FROM sets LEFT JOIN sessions"
        " ON sessions.id = sets.session_id WHERE sessions.id IS NULL GROUP BY sets.session_id"
    )


# --- recovery files ------------------------------------------------------------------------
def recovery_files(journal: Path, only_own: bool = True) -> list[Path]:
    """Recovery files written for ``journal`` (next to it, or in the fallback folders)."""
    found: list[Path] = []
    for folder in dict.fromkeys(recovery_dirs(journal)):
        with contextlib.suppress(OSError):
            for f in sorted(folder.glob(f"{journal.name}.recovery-*.jsonl")):
                if not only_own or _written_for(f) in (None, str(journal)):
                    found.append(f)
    return found


def _written_for(file: Path) -> str | None:
    try:
        with paths.open_text(file, paths.RECOVERY_LIMIT, encoding="utf-8") as stream:
            first = stream.readline(1_000_000)  # the first line names the journal
        return json.loads(first).get("journal")
    except (OSError, ValueError, AttributeError):
        return None


@dataclass
class RecoverReport:
    files: list[str] = field(default_factory=list)
    sets: int = 0
    problems: list[str] = field(default_factory=list)


def recover(journal: Journal, files: list[Path]) -> RecoverReport:
    """Take the sets of each recovery file into the journal; one transaction per file.

    The file is read line by line (memory stays flat at any length), and every
    line is checked as an import row is: the first bad one rolls the file's
    transaction back and leaves the file as it was. A set never replaces a
    different set already committed at its session and position (only the same
    set, completed, e.g. with its RIR answer), and a finished session is never
    reopened. A file taken in is renamed ``*.jsonl.done``.
    """
    report = RecoverReport()
    for file in files:
        db = journal.db
        kept: list[str] = []
        try:
            with paths.open_text(file, paths.RECOVERY_LIMIT, encoding="utf-8") as stream:
                db.execute("BEGIN IMMEDIATE")
                count = _take_in(journal, stream, kept)
            db.execute("COMMIT")
        except OSError as exc:
            _rollback(db)
            why = paths.why_unreadable(exc)
            report.problems.append(f"{file}: cannot read it: {why}; left as it was")
            continue
        except (ValueError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
            _rollback(db)
            report.problems.append(f"{file}: {exc}; left as it was")
            continue
        except (sqlite3.DatabaseError, JournalError) as exc:
            _rollback(db)
            report.problems.append(f"{file}: {exc}; left as it was, try again later")
            continue
        report.problems += [f"{file}:{line}" for line in kept]
        file.rename(file.with_name(file.name + ".done"))
        report.files.append(str(file))
        report.sets += count
    return report


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        db.execute("ROLLBACK")


def _take_in(journal: Journal, stream: Iterable[str], kept: list[str]) -> int:
    """Write each line of one file in the open transaction; the sets taken in. ``kept``
    gets a line for each set or finish left alone (the journal's own is kept)."""
    db = journal.db
    found: dict[tuple[str, str], int] = {}
    count = 0
    for n, text in enumerate(stream, 1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except ValueError:
            raise ValueError(f"line {n} is not JSON") from None
        session, payload = check_line(raw, n)
        sid = _session_for(db, session, found)
        # The plain Journal's writes, which raise: a SafeJournal would keep a failed
        # write in memory, and the file would be marked done without it.
        if "set" in payload:
            s = payload["set"]
            there = db.execute(
                "SELECT exercise, started_at FROM sets WHERE session_id = ? AND position = ?"
                " AND side = ?",
                (sid, s.position, s.side),
            ).fetchone()
            if there is not None and tuple(there) != (s.exercise, s.started_at):
                kept.append(f"{n}: another set is already saved at position {s.position}; kept")
                continue
            Journal.record(journal, sid, s)
            count += 1
        elif "finish" in payload:
            fin = payload["finish"]
            status = db.execute("SELECT status FROM sessions WHERE id = ?", (sid,)).fetchone()
            if status is not None and status[0] != "running" and fin["status"] == "running":
                kept.append(f"{n}: the session is {status[0]}; it is not reopened")
                continue
            Journal.finish(journal, sid, fin["ended_at"], fin["status"])
    return count


def _session_for(
    db: sqlite3.Connection, session: dict[str, Any], found: dict[tuple[str, str], int]
) -> int:
    """The journal's row for a recovered session: the same id, the same start, or a new one."""
    key = (session["routine_name"], session["started_at"])
    if key in found:
        return found[key]
    row = db.execute(
        "SELECT id FROM sessions WHERE routine_name = ? AND started_at = ?"
        " AND source = 'voicecoach' ORDER BY id = ? DESC, id LIMIT 1",
        (*key, session.get("id") or 0),
    ).fetchone()
    if row is None:
        cur = db.execute(
            "INSERT INTO sessions (routine_name, routine_path, routine_hash, started_at, status,"
            " dry_run) VALUES (?, ?, ?, ?, 'aborted', ?)",
            (
                key[0],
                str(session.get("routine_path") or ""),
                str(session.get("routine_hash") or ""),
                key[1],
                int(bool(session.get("dry_run"))),
            ),
        )
        sid = int(cur.lastrowid or 0)
    else:
        sid = int(row[0])
    found[key] = sid
    return sid


def recover_waiting(journal: Journal, say: Callable[[str], None]) -> None:
    """At the start of a run: take in recovery files left by an earlier one, and say so."""
    files = recovery_files(journal.path)
    if not files:
        return
    report = recover(journal, files)
    if report.sets or report.files:
        say(f"recovered {report.sets} unsaved sets from {', '.join(report.files)}")
    for problem in report.problems:
        say(f"could not recover yet: {problem}")
