"""The training journal: one SQLite file, every set committed the moment it ends.

WAL mode, so a reader (``history``) never blocks the coach, and a kill at
any point leaves every committed set intact. The schema version lives in
``PRAGMA user_version``; ``MIGRATIONS[n]`` takes a database from version n
to n+1. An existing database is never truncated or rewritten.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicecoach import paths
from voicecoach.journal.errors import JournalBusy, JournalError
from voicecoach.journal.sane import stored_load
from voicecoach.journal.schema import MIGRATIONS, SCHEMA_VERSION, SET_KINDS, SUMMARY_DROP, V1_TABLES
from voicecoach.routines.loads import Load, to_record

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SET_KINDS",
    "Journal",
    "JournalBusy",
    "JournalError",
    "SetRecord",
]


def refuse_special(path: Path) -> None:
    """JournalError unless the journal (and its WAL) is absent or a regular file.

    SQLite would wait forever opening a FIFO, and read a device as a database.
    """
    for file in (path, path.with_name(path.name + "-wal")):
        if not file.exists():
            continue
        try:
            paths.check_regular(file)
        except OSError as exc:
            raise JournalError(
                f"{file}: {paths.why_unreadable(exc)}; point --db at a journal file"
            ) from None


@dataclass(frozen=True)
class SetRecord:
    """One finished set (per side), as the engine reports it."""

    position: int  # index of the work item in the session plan, for resume
    exercise: str
    exercise_name: str
    set_no: int
    side: str
    prescribed: Load
    target_low: int | None
    target_high: int | None
    target_hold: float | None
    load: Load
    reps: int | None
    rir: float | None  # whole numbers from a session; halves from an imported RPE
    hold_done: float | None
    started_at: str
    ended_at: str
    next_load: Load | None
    next_rep_bonus: int = 0
    kind: str = "working"
    original_name: str = ""  # the name another app used; empty means exercise_name
    distance: float | None = None  # metres
    superset: str = ""
    notes: str = ""
    # ``next_load`` is a training max, never the start of a load lifted as written; marked
    # inside its stored JSON ({"training_max": true}), which older versions read as plain.
    next_is_max: bool = False
    max_from: float | None = None  # the training max before this set, in next_load's unit


MAX_MARK = "training_max"  # the key in a stored next load that says it is a training max
FROM_MARK = "training_max_from"  # and the key of the max the set started from


class Journal:
    """A connection to the journal file, opened (and migrated) on construction."""

    # Seconds a write waits for another connection's lock before it is refused.
    busy_timeout = 2.0

    def __init__(self, path: Path, warn: Callable[[str], None] | None = None):
        self.path = path
        # Where a skipped bad row is reported; the CLI's default is one line on stderr.
        self.warn: Callable[[str], None] = warn or _stderr_warning
        refuse_special(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=self.busy_timeout, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            # A set replaced by one of another exercise must leave its old group's summary:
            # only with this does a REPLACE fire the delete trigger.
            self.db.execute("PRAGMA recursive_triggers = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise JournalError(_explain(path, exc)) from None
        except OSError as exc:
            raise JournalError(
                f"cannot create the journal at {path}: {exc.strerror}; "
                "set VOICECOACH_HOME or --db to a writable folder"
            ) from None

    @classmethod
    def read_only(cls, path: Path, warn: Callable[[str], None] | None = None) -> Journal:
        """The journal opened for reading only, never created or migrated: what ``plan``
        reads to say where the next session starts, leaving the file as it was."""
        refuse_special(path)
        journal = cls.__new__(cls)
        journal.path = path
        journal.warn = warn or _stderr_warning
        try:
            journal.db = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, timeout=cls.busy_timeout, isolation_level=None
            )
            version = journal.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise JournalError(_explain(path, exc)) from None
        if version != SCHEMA_VERSION:
            journal.db.close()
            raise JournalError(
                f"{path} has schema version {version}, not {SCHEMA_VERSION}; "
                "the next 'voicecoach run' updates it"
            )
        return journal

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version < 0:
            raise JournalError(
                f"{self.path} has schema version {version}, which no voicecoach writes; "
                f"it was left as it is. Copy its sets into a new file with "
                f"'voicecoach journal salvage --db {self.path}', or point --db at another file"
            )
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"{self.path} was written by a newer voicecoach (schema "
                f"{version}); upgrade voicecoach to read it"
            )
        if version == 0 and self._has_v1_tables():
            # Stamped with the newest schema its tables already have, so no step is re-run
            # on columns that exist; the index of step 1 -> 2 is made if it is missing.
            version = 3 if self._columns("sets") >= {"kind", "original_name"} else 1
            # A summary of the sets of unknown age is built again by the step that builds it.
            self.db.executescript(MIGRATIONS[1] + SUMMARY_DROP)
            self.db.execute(f"PRAGMA user_version = {version}")
        for target in range(version, SCHEMA_VERSION):
            # One transaction per step: a crash mid-migration leaves the old version intact.
            try:
                self.db.executescript(
                    f"BEGIN IMMEDIATE; {MIGRATIONS[target]}"
                    f" PRAGMA user_version = {target + 1}; COMMIT;"
                )
            except sqlite3.DatabaseError:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def _columns(self, table: str) -> set[str]:
        return {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}

    def _has_v1_tables(self) -> bool:
        """Whether version-0 tables are voicecoach's own (adopt) or absent (create)."""
        found = False
        for table, needed in V1_TABLES.items():
            columns = self._columns(table)
            if not columns:
                continue
            found = True
            if not needed <= columns:
                raise JournalError(
                    f"{self.path} has a {table!r} table that is not voicecoach's (missing "
                    f"{', '.join(sorted(needed - columns))}); point --db at another file"
                )
        return found

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """A query whose damage (a corrupt page) becomes a JournalError naming the fix."""
        try:
            return self.db.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise JournalError(_explain(self.path, exc)) from None

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, params)
        except sqlite3.DatabaseError as exc:  # full disk, read-only, I/O error, corrupt page
            if _is_busy(exc):
                raise JournalBusy(_explain(self.path, exc)) from None
            raise JournalError(_explain(self.path, exc)) from None

    # --- sessions ------------------------------------------------------------------
    def begin(
        self,
        routine_name: str,
        routine_path: str,
        routine_hash: str,
        started_at: str,
        dry_run: bool = False,
    ) -> int:
        cur = self._write(
            "INSERT INTO sessions (routine_name, routine_path, routine_hash, started_at, status,"
            " dry_run) VALUES (?, ?, ?, ?, 'running', ?)",
            (routine_name, routine_path, routine_hash, started_at, int(dry_run)),
        )
        return int(cur.lastrowid or 0)

    def reopen(self, session_id: int) -> None:
        self._write(
            "UPDATE sessions SET status = 'running', ended_at = NULL WHERE id = ?", (session_id,)
        )

    def finish(self, session_id: int, ended_at: str, status: str) -> None:
        self._write(
            "UPDATE sessions SET ended_at = ?, status = ? WHERE id = ?",
            (ended_at, status, session_id),
        )

    def record(self, session_id: int, s: SetRecord) -> None:
        """Commit one set now: autocommit mode makes this its own transaction."""
        weight, unit, level = _flat(s.load)
        self._write(
            "INSERT OR REPLACE INTO sets (session_id, position, exercise, exercise_name, set_no,"
            " side, prescribed_load, target_low, target_high, target_hold, load, weight, unit,"
            " level, reps, rir, hold_done, started_at, ended_at, next_load, next_rep_bonus,"
            " kind, original_name, distance, superset, notes)"
            f" VALUES ({', '.join('?' * 26)})",
            (
                session_id,
                s.position,
                s.exercise,
                s.exercise_name,
                s.set_no,
                s.side,
                json.dumps(to_record(s.prescribed)),
                s.target_low,
                s.target_high,
                s.target_hold,
                json.dumps(to_record(s.load)),
                weight,
                unit,
                level,
                s.reps,
                s.rir,
                s.hold_done,
                s.started_at,
                s.ended_at,
                _next_load_text(s),
                s.next_rep_bonus,
                s.kind,
                s.original_name or s.exercise_name,
                s.distance,
                s.superset,
                s.notes,
            ),
        )

    # --- reading --------------------------------------------------------------------
    def sessions_of(self, routine_name: str) -> int:
        """How many real sessions of a routine the journal holds (a seed for varied lines)."""
        row = self._read(
            "SELECT COUNT(*) FROM sessions WHERE routine_name = ? AND dry_run = 0",
            (routine_name,),
        ).fetchone()
        return int(row[0]) if row else 0

    def carried_load(
        self,
        exercise: str,
        *,
        include_dry_runs: bool,
        name: str | None = None,
        routine: str | None = None,
    ) -> tuple[Load, int] | None:
        """The load (and rep bonus) the last working set of ``exercise`` ended with.

        Warm-up, drop and failure sets never seed the next session: a warm-up
        at 40 kg is not where the work starts. With ``name``, only the sets
        journaled under that name count (a routine that does the same lift
        twice, as "Bench press" and "Bench BBB", keeps one load for each).

        With ``routine``, only this app's own sessions of that routine count: a
        training max is carried by the program that moves it, and a working set's
        load from another routine or an import is no training max. Without it, a
        training max (a next load marked so) is skipped: it is no working load.

        A stored load that is not believable (NaN, negative, absurd)
        is skipped with a warning and the set before it is used.
        """
        cur = self._read(
            "SELECT sets.next_load, sets.load, sets.next_rep_bonus, sets.id FROM sets"
            " JOIN sessions ON sessions.id = sets.session_id"
            " WHERE sets.exercise = ? AND sets.kind IN ('working', 'amrap')"
            " AND (? OR sessions.dry_run = 0)"
            # An imported set written without a next load (a weighted or assisted variant
            # of a bodyweight exercise) is history, not a starting point.
            " AND (sets.next_load IS NOT NULL OR sessions.source = 'voicecoach')"
            " AND (? IS NULL OR sets.exercise_name = ?)"
            " AND (? IS NULL OR (sessions.routine_name = ? AND sessions.source = 'voicecoach'))"
            # instr, not json_extract: a damaged row's text must not fail the whole query.
            " AND (? IS NOT NULL OR sets.next_load IS NULL OR instr(sets.next_load, ?) = 0)"
            " ORDER BY sets.ended_at DESC, sets.id DESC",
            (
                *(exercise, int(include_dry_runs), name, name, routine, routine),
                *(routine, f'"{MAX_MARK}": true'),
            ),
        )
        for next_load, load, bonus, set_id in cur:
            try:
                found = stored_load(next_load or load)
                rep_bonus = int(bonus or 0)
            except (ValueError, TypeError) as exc:
                self.warn(f"skipped set {set_id} of {exercise} in {self.path}: {exc}")
                continue
            cur.close()
            return found, max(0, min(rep_bonus, 100))
        return None

    def unfinished(self, routine_name: str) -> int | None:
        row = self._read(
            "SELECT id FROM sessions WHERE routine_name = ? AND status != 'completed'"
            " AND source = 'voicecoach' ORDER BY started_at DESC, id DESC LIMIT 1",
            (routine_name,),
        ).fetchone()
        return int(row[0]) if row else None

    def done_positions(self, session_id: int) -> dict[tuple[int, str], sqlite3.Row]:
        self.db.row_factory = sqlite3.Row
        try:
            rows = self._read(
                "SELECT * FROM sets WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        finally:
            self.db.row_factory = None
        return {(r["position"], r["side"]): r for r in rows}

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return list(self.stream(sql, params))

    def stream(
        self, sql: str, params: tuple[Any, ...] = ()
    ) -> Generator[dict[str, Any], None, None]:
        """Rows one at a time from a cursor: memory stays flat at a million sets."""
        cur = self.db.cursor()
        cur.row_factory = sqlite3.Row
        try:
            cur.execute(sql, params)
            while True:
                row = cur.fetchone()
                if row is None:
                    return
                yield dict(row)
        except sqlite3.DatabaseError as exc:
            raise JournalError(_explain(self.path, exc)) from None
        finally:
            # A consumer that stops early (a closed stdout) may close us after the
            # journal itself has closed: nothing is left to release then.
            with contextlib.suppress(sqlite3.ProgrammingError):
                cur.close()

    def iter_sets(self) -> Iterator[dict[str, Any]]:
        """Every real (not dry-run) set, oldest first; rows that fail the checks are skipped."""
        from voicecoach.journal.sane import stored_row_problem

        for row in self.stream(
            "SELECT sets.*, sessions.routine_name, sessions.started_at AS session_start,"
            " sessions.ended_at AS session_end, sessions.id AS sid,"
            " sessions.notes AS session_notes, sessions.status AS session_status,"
            " sessions.source AS session_source FROM sets"
            " JOIN sessions ON sessions.id = sets.session_id WHERE sessions.dry_run = 0"
            " ORDER BY sessions.started_at, sessions.id, sets.id"
        ):
            problem = stored_row_problem(row)
            if problem:
                self.warn(f"skipped set {row['id']} in {self.path}: {problem}")
                continue
            yield row

    def close(self) -> None:
        self.db.close()


def _next_load_text(s: SetRecord) -> str | None:
    if s.next_load is None:
        return None
    record = to_record(s.next_load)
    if s.next_is_max:
        record[MAX_MARK] = True
        if s.max_from is not None:
            record[FROM_MARK] = s.max_from
    return json.dumps(record)


def _stderr_warning(text: str) -> None:
    print(f"voicecoach: warning: {text}", file=sys.stderr)


def _flat(load: Load) -> tuple[float | None, str | None, str | None]:
    record = to_record(load)
    if record["kind"] in ("weight", "bodyweight"):
        return float(record["amount"]), str(record["unit"]), None  # type: ignore[arg-type]
    if record["kind"] == "level":
        return None, None, load.name  # type: ignore[union-attr]
    return None, None, None


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    """SQLITE_BUSY: another connection holds the lock (the code where Python gives it)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == 5)  # SQLITE_BUSY and its extended codes
    return "database is locked" in str(exc)


def _explain(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "locked" in text:
        return f"the journal {path} is locked by another program; close it and try again"
    if "not a database" in text or "malformed" in text:
        return (
            f"the journal {path} is damaged ({text}); it was left untouched. Run "
            f"'voicecoach journal salvage --db {path}' to copy every readable set into a "
            "new file, or point --db elsewhere"
        )
    if "no such table: set_summary" in text:
        return (
            f"the journal {path} has lost the summary of its sets (its sets are intact);"
            f" run 'voicecoach journal check --db {path}' to rebuild it"
        )
    if "full" in text:
        return f"the disk holding the journal {path} is full ({text})"
    if "readonly" in text or "unable to open" in text:
        return f"cannot write the journal {path} ({text}); check its permissions or use --db"
    return f"journal {path}: {text}"
