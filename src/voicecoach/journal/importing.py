"""One import in progress: the report it builds, the workouts it has opened, and how
each row becomes a set (matched to an exercise, checked against what is already there).

The CSV reader (:mod:`voicecoach.journal.importer`) and the JSON reader
(:mod:`voicecoach.journal.jsondoc`) both feed rows through an :class:`Importer`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from voicecoach.journal.rows import Named, Row, kg, load_for, slug
from voicecoach.journal.store import Journal, SetRecord
from voicecoach.routines.library import Library, read_library
from voicecoach.routines.loads import LB_PER_KG, Load, describe

MAX_UNKNOWN = 1000  # names listed in the summary; a hostile file of unique names stays bounded
# A workout already in the journal that a row belongs to: one started in the same minute.
SAME_WORKOUT = (
    "SELECT id FROM sessions WHERE started_at >= ? AND started_at < ? AND dry_run = 0"
    " ORDER BY id LIMIT 1"
)
# The sets of one workout already in the journal that a row repeats: same exercise, kind
# and reps, and the same weight to 0.05 kg whatever unit either was written in. The unary
# + keeps SQLite on the session's key: by the exercise's index, each row of a re-imported
# history read every set of that exercise ever written (a 20,000-row file took 50 s of CPU
# the second time, 2 s the first), so the check must stay one session's sets.
SAME_SETS = (
    "SELECT COUNT(*) FROM sets WHERE session_id = ? AND +exercise = ? AND +kind = ?"
    " AND reps IS ? AND ((? IS NULL AND weight IS NULL) OR abs(CASE unit WHEN 'lb'"
    " THEN weight / ? ELSE weight END - ?) < 0.05)"
)


@dataclass
class ImportReport:
    fmt: str = ""
    workouts: int = 0  # new sessions
    sets: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    skipped: int = 0  # bad rows
    notes: int = 0  # Strong "Note" rows kept as session notes
    timers: int = 0  # workouts whose timer was left running
    unknown: Counter[str] = field(default_factory=Counter)  # name -> sets
    seeded: dict[str, str] = field(default_factory=dict)  # exercise id -> starting load
    not_seeded: dict[str, str] = field(default_factory=dict)  # exercise -> why not
    assumed_unit: str | None = None  # the file named no unit: this one was used


@dataclass
class _Workout:
    sid: int
    existed: bool  # already in the journal before this import: its sets are compared
    position: int
    matched: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    # Sets so far per exercise and kind: the apps number working sets 1, 2, 3 and mark
    # warm-ups, drops and failures apart, as a coached session does; one count for all
    # made the working set after a warm-up "set 2".
    numbers: Counter[tuple[str, str]] = field(default_factory=Counter)


class Importer:
    def __init__(
        self,
        journal: Journal,
        filename: str,
        maps: dict[str, str],
        warn: Callable[[str], None],
        library: Library | None = None,
    ):
        self.journal, self.db, self.filename = journal, journal.db, filename
        # The lifter's own exercises (and their aliases) are matched like built-in ones.
        self.library = library if library is not None else read_library()
        self.maps = {k.lower(): v for k, v in maps.items()}
        self.warn = warn
        self.report = ImportReport()
        self.names: dict[str, Named] = {}
        self.workouts: dict[datetime, _Workout] = {}  # by start minute
        self.last_working: dict[str, tuple[datetime, str | None]] = {}  # id -> (when, why not)

    # --- names --------------------------------------------------------------------------
    def resolve(self, name: str) -> Named:
        found = self.names.get(name)
        if found is not None:
            return found
        library = self.library
        key = self.maps.get(name.lower())
        if key is None:
            row = self.db.execute("SELECT exercise FROM name_map WHERE name = ?", (name,))
            stored = row.fetchone()
            key = stored[0] if stored else None
        entry = library.get(key) if key else library.find_by_name(name)
        if entry is not None:
            found = Named(entry.key, entry.name, entry)
        elif key:  # remembered or mapped to an id the library no longer has: keep the id
            found = Named(key, name, None)
        else:
            found = Named(slug(name), name, None)
        if len(self.names) > 10_000:
            self.names.clear()
        self.names[name] = found
        return found

    # --- workouts -----------------------------------------------------------------------
    def workout(self, row: Row, source: str) -> _Workout:
        key = row.start.replace(second=0, microsecond=0)
        found = self.workouts.get(key)
        if found is not None:
            return found
        minute = key.strftime("%Y-%m-%dT%H:%M")
        # ';' sorts right after ':': the range holds every second of that minute.
        old = self.db.execute(SAME_WORKOUT, (minute, minute + ";")).fetchone()
        if old:
            sid = int(old[0])
            position = self.db.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM sets WHERE session_id = ?", (sid,)
            ).fetchone()[0]
            found = _Workout(sid, True, int(position))
        else:
            cur = self.db.execute(
                "INSERT INTO sessions (routine_name, started_at, ended_at, status, source, notes)"
                " VALUES (?, ?, ?, 'completed', ?, ?)",
                (
                    row.title,
                    row.start.isoformat(timespec="seconds"),
                    row.end.isoformat(timespec="seconds") if row.end else None,
                    source,
                    row.workout_notes,
                ),
            )
            found = _Workout(int(cur.lastrowid or 0), False, 0)
            self.report.workouts += 1
            self.report.timers += row.timer
        self.workouts[key] = found
        return found

    def duplicate(
        self, w: _Workout, exercise: str, kind: str, load: Load, reps: int | None
    ) -> bool:
        """Whether a workout already in the journal holds this set (and it is not yet matched)."""
        if not w.existed:
            return False
        in_kg = kg(load)
        sig = (exercise, kind, reps, None if in_kg is None else round(in_kg, 1))
        have = self.db.execute(
            SAME_SETS, (w.sid, exercise, kind, reps, in_kg, LB_PER_KG, in_kg)
        ).fetchone()[0]
        if have > w.matched[sig]:
            w.matched[sig] += 1
            return True
        return False

    # --- one set ------------------------------------------------------------------------
    def add(self, row: Row, source: str) -> None:
        """Store one row; ValueError (before anything is written) if its load cannot be."""
        if row.kind is not None:
            named = self.resolve(row.name)
            load, why_not = load_for(row, named)
        w = self.workout(row, source)
        if row.kind is None:
            if not w.existed and row.notes:
                note = f"{row.name}: {row.notes}"
                self.db.execute(
                    "UPDATE sessions SET notes = CASE notes WHEN '' THEN ? ELSE notes || char(10)"
                    " || ? END WHERE id = ?",
                    (note, note, w.sid),
                )
                self.report.notes += 1
            return
        if self.duplicate(w, named.exercise, row.kind, load, row.reps):
            self.report.duplicates += 1
            return
        seed = row.kind == "working" and why_not is None
        when = row.start.isoformat(timespec="seconds")
        number = (named.exercise, row.kind)
        w.numbers[number] += 1
        self.journal.record(
            w.sid,
            SetRecord(
                position=w.position,
                exercise=named.exercise,
                exercise_name=named.name,
                set_no=w.numbers[number],
                side="",
                prescribed=load,
                target_low=None,
                target_high=None,
                target_hold=None,
                load=load,
                reps=row.reps,
                rir=row.rir,
                hold_done=row.seconds,
                started_at=when,
                ended_at=when,
                next_load=load if seed else None,
                kind=row.kind,
                original_name=row.name,
                distance=row.distance,
                superset=row.superset,
                notes=row.notes,
            ),
        )
        w.position += 1
        self.report.sets += 1
        self.report.kinds[row.kind] += 1
        if named.entry is None:
            if row.name in self.report.unknown or len(self.report.unknown) < MAX_UNKNOWN:
                self.report.unknown[row.name] += 1
        elif row.kind == "working":
            last = self.last_working.get(named.exercise)
            if last is None or row.start >= last[0]:
                self.last_working[named.exercise] = (row.start, why_not)
        elif named.exercise not in self.last_working:
            self.report.not_seeded.setdefault(named.exercise, "only warm-up, drop or failure sets")

    def bad(self, line: int, problem: str) -> None:
        self.report.skipped += 1
        self.warn(f"{self.filename}:{line}: {problem}")

    def summarise_seeds(self) -> None:
        for exercise, (_, why_not) in sorted(self.last_working.items()):
            self.report.not_seeded.pop(exercise, None)
            found = self.journal.carried_load(exercise, include_dry_runs=False)
            if why_not is None and found is not None:
                self.report.seeded[exercise] = describe(found[0])
            else:
                self.report.not_seeded[exercise] = why_not or "no believable load"
