"""The journal as a session sees it: a write that fails keeps the set instead of losing it.

A disk that fills up mid-session must not end the run or lose the set being
written. Here a failed write (disk full, read-only, I/O error, a damaged page) is
reported once, and the write is kept in order. Every later write (each set
boundary) first retries what is pending. Whatever is pending is also on disk
at once, in a *recovery file* of JSON lines next to the journal (or, if that
folder cannot be written either, the cache or temp folder), rewritten and
fsynced after every failed save: a ``kill -9`` after the disk filled loses
nothing. When the journal takes everything in again the file goes;
``voicecoach journal recover`` and the next run take in any that is left.

A journal *busy* with another program's write (an import is one long
transaction) is not a failure: the set is kept the same way, but nothing is
said aloud, one quiet line goes to the screen, and while the lock is held the
retries wait only a moment, so the coaching does not stall at every set. The
end of the session waits the full time once more before it falls back to the
recovery file.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from voicecoach.journal.store import Journal, JournalBusy, JournalError, SetRecord
from voicecoach.routines.loads import from_record, to_record

FORMAT = 1
SPOKEN_NOTICE = "Saving failed; your sets are kept."
BUSY_RETRY_WAIT = 0.05  # seconds a retry waits for a lock already known to be held


@dataclass
class _Pending:
    op: str  # begin | reopen | record | finish
    session: int  # real id, or a negative stand-in until ``begin`` reaches the disk
    args: dict[str, Any]


class SafeJournal(Journal):
    """A :class:`Journal` whose session writes never raise; see the module docstring."""

    def __init__(self, path: Path, warn: Callable[[str], None] | None = None):
        super().__init__(path, warn)
        self.pending: list[_Pending] = []
        self.sessions: dict[int, dict[str, Any]] = {}  # what recover needs to find each session
        self.real_id: dict[int, int] = {}
        self.failure: str | None = None
        self._notice: str | None = None
        self._recovery: Path | None = None  # where the pending writes are kept on disk
        self._recovery_name = recovery_name(path)
        # Whether what is pending now met a real failure (said aloud), not only a busy lock.
        self._loud = False

    # --- writes -------------------------------------------------------------------------------
    def begin(
        self,
        routine_name: str,
        routine_path: str,
        routine_hash: str,
        started_at: str,
        dry_run: bool = False,
    ) -> int:
        info = {
            "routine_name": routine_name,
            "routine_path": routine_path,
            "routine_hash": routine_hash,
            "started_at": started_at,
            "dry_run": bool(dry_run),
        }
        if not self.pending:
            try:
                sid = super().begin(routine_name, routine_path, routine_hash, started_at, dry_run)
                self.sessions[sid] = info
                return sid
            except JournalError as exc:
                self._failed(exc)
        stand_in = -(len(self.sessions) + 1)
        self.sessions[stand_in] = info
        self.pending.append(_Pending("begin", stand_in, info))
        return stand_in

    def reopen(self, session_id: int) -> None:
        row = self._read(
            "SELECT routine_name, routine_path, routine_hash, started_at, dry_run FROM sessions"
            " WHERE id = ?",
            (session_id,),
        ).fetchone()
        if row is not None:
            keys = ("routine_name", "routine_path", "routine_hash", "started_at", "dry_run")
            self.sessions[session_id] = dict(zip(keys, row, strict=True))
        self._do(_Pending("reopen", session_id, {}))

    def record(self, session_id: int, s: SetRecord) -> None:
        """Commit one set now, or keep it (and say so once) when the disk refuses it."""
        self._do(_Pending("record", session_id, {"set": s}))

    def finish(self, session_id: int, ended_at: str, status: str) -> None:
        self._do(_Pending("finish", session_id, {"ended_at": ended_at, "status": status}))

    def _do(self, entry: _Pending) -> None:
        self.retry()
        if not self.pending:
            try:
                self._apply(entry)
                return
            except JournalError as exc:
                self._failed(exc)
        if entry.op == "record":
            # A set written again (its answer after its first write) replaces the kept
            # one: the recovery file holds each set once, in its latest state.
            s = entry.args["set"]
            same = (entry.session, s.position, s.side)
            self.pending = [
                p
                for p in self.pending
                if p.op != "record"
                or (p.session, p.args["set"].position, p.args["set"].side) != same
            ]
        self.pending.append(entry)
        self._keep_on_disk()

    def _apply(self, entry: _Pending) -> None:
        sid = self.real_id.get(entry.session, entry.session)
        if entry.op == "begin":
            a = entry.args
            real = super().begin(
                a["routine_name"],
                a["routine_path"],
                a["routine_hash"],
                a["started_at"],
                a["dry_run"],
            )
            self.real_id[entry.session] = real
            self.sessions[real] = self.sessions[entry.session]
        elif entry.op == "reopen":
            super().reopen(sid)
        elif entry.op == "record":
            super().record(sid, entry.args["set"])
        else:
            super().finish(sid, entry.args["ended_at"], entry.args["status"])

    def retry(self) -> bool:
        """Write what is pending, oldest first; True when nothing is left."""
        while self.pending:
            try:
                self._apply(self.pending[0])
            except JournalError:
                return False
            self.pending.pop(0)
            if not self.pending:
                if self._loud:
                    self.warn(f"the journal {self.path} can be written again; every set is saved")
                self._loud = False
                self._wait_for_lock(self.busy_timeout)
                self._drop_recovery()
        return True

    def _wait_for_lock(self, seconds: float) -> None:
        """How long the next writes wait for another connection's lock."""
        # A connection setting: it takes no lock, and a session write path must not raise.
        with contextlib.suppress(sqlite3.Error):
            self.db.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def _keep_on_disk(self) -> None:
        """Rewrite the recovery file with everything pending, before anything else can fail."""
        text = self._recovery_text()
        folders = [self._recovery.parent] if self._recovery else recovery_dirs(self.path)
        for folder in folders + [f for f in recovery_dirs(self.path) if f not in folders]:
            try:
                target = _save(folder, self._recovery_name, text)
            except OSError:
                continue
            if target != self._recovery:
                if self._recovery is not None:
                    self._recovery.unlink(missing_ok=True)
                if self._loud:
                    self.warn(
                        f"until the journal can be written, the unsaved sets are kept in {target}"
                    )
                else:
                    self.warn(
                        f"the journal {self.path} is busy (an import?): the set is kept in "
                        f"{target} and saved when it frees"
                    )
            self._recovery = target
            return

    def _drop_recovery(self) -> None:
        if self._recovery is not None:
            self._recovery.unlink(missing_ok=True)
            self._recovery = None

    def _recovery_text(self) -> str:
        return "\n".join(json.dumps(line) for line in self._recovery_lines()) + "\n"

    def _failed(self, exc: JournalError) -> None:
        if isinstance(exc, JournalBusy):
            # Nothing is wrong and nothing is lost: no word aloud, and no stall at each set.
            self._wait_for_lock(BUSY_RETRY_WAIT)
            return
        self._loud = True
        self._wait_for_lock(self.busy_timeout)
        if self.failure is None:
            self.failure = str(exc)
            self._notice = SPOKEN_NOTICE
            self.warn(f"{exc}. Saving failed; your sets are kept and saving is retried.")

    def take_notice(self) -> str | None:
        """The one sentence to say aloud after the first failed write, once."""
        notice, self._notice = self._notice, None
        return notice

    @property
    def pending_sets(self) -> int:
        return sum(1 for p in self.pending if p.op == "record")

    # --- the end ------------------------------------------------------------------------------
    def close(self) -> None:
        """Write what is pending to the journal, or else to a recovery file, then close."""
        try:
            if self.pending:
                self._wait_for_lock(self.busy_timeout)  # a lock held until now may free in time
            if not self.retry():
                self._write_recovery()
        finally:
            super().close()

    def _write_recovery(self) -> None:
        text = self._recovery_text()
        folders = [self._recovery.parent] if self._recovery else []
        for folder in folders + [f for f in recovery_dirs(self.path) if f not in folders]:
            try:
                target = _save(folder, self._recovery_name, text)
            except OSError:
                continue
            if self._recovery is not None and target != self._recovery:
                self._recovery.unlink(missing_ok=True)
            self._recovery = target
            if self._loud:
                self.warn(
                    f"{self.pending_sets} sets could not be written to {self.path} and are kept"
                    f" in {target}. Once the journal can be written (free some space, or fix its"
                    " permissions), run 'voicecoach journal recover'; the next run takes them in"
                    " too."
                )
            else:
                self.warn(
                    f"the journal {self.path} was still busy (an import?): {self.pending_sets}"
                    f" sets are kept in {target}; the next run takes them in, or run"
                    " 'voicecoach journal recover' once the other program is done."
                )
            return
        # No folder at all can be written: the sets go to stderr, which the user can still copy.
        self.warn(
            "no folder can be written; these lines hold the unsaved sets. Save them to a file "
            "and run 'voicecoach journal recover FILE':\n" + text
        )

    def _recovery_lines(self) -> list[dict[str, Any]]:
        out = []
        for p in self.pending:
            if p.op == "begin":
                continue
            sid = self.real_id.get(p.session, p.session)
            session = dict(self.sessions.get(sid) or self.sessions.get(p.session) or {})
            session["id"] = sid if sid > 0 else None
            line: dict[str, Any] = {"format": FORMAT, "journal": str(self.path), "session": session}
            if p.op == "record":
                line["set"] = set_to_json(p.args["set"])
            elif p.op == "finish":
                line["finish"] = dict(p.args)
            else:
                line["reopen"] = True
            out.append(line)
        return out


def set_to_json(s: SetRecord) -> dict[str, Any]:
    d = asdict(s)
    for key in ("prescribed", "load", "next_load"):
        value = getattr(s, key)
        d[key] = None if value is None else to_record(value)
    return d


def set_from_json(d: dict[str, Any]) -> SetRecord:
    from voicecoach.journal.sane import load_problem

    fields = dict(d)
    for key in ("prescribed", "load", "next_load"):
        if fields.get(key) is not None:
            fields[key] = from_record(fields[key])
            problem = load_problem(fields[key])
            if problem:
                raise ValueError(f"{key}: {problem}")
    return SetRecord(**fields)


def recovery_name(journal: Path) -> str:
    return f"{journal.name}.recovery-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.jsonl"


def recovery_dirs(journal: Path) -> list[Path]:
    """Next to the journal first; then folders more likely to be writable on a full disk."""
    from voicecoach.paths import user_paths

    return [journal.parent, user_paths().cache_dir, Path(tempfile.gettempdir())]


def _save(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` completely (fsync'd) or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    partial = folder / (name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return target
