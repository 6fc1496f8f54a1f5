"""Import a lifter's whole Strong or Hevy history (or voicecoach's own JSON) into the journal.

Rows are streamed: memory holds one row, one small record per workout and
the name caches, never the file. Each bad row is reported as
``FILE:LINE: what`` and skipped; the rest is imported (``strict`` refuses the
whole file instead). Notes are kept as text and never read as settings.

A workout already in the journal is recognised by its start (to the
minute) and, set by set, by exercise, kind, reps and weight, whichever app
the file came from: a Hevy file and then the same workouts from Strong add
nothing the second time.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from voicecoach.journal import formats, sane
from voicecoach.journal.cells import restore as _restore
from voicecoach.journal.formats import Layout
from voicecoach.journal.store import SET_KINDS, Journal, SetRecord
from voicecoach.routines.library import LibraryExercise, find_by_name, load_library
from voicecoach.routines.loads import (
    LB_PER_KG,
    Bodyweight,
    Level,
    Load,
    Unloaded,
    Weight,
    describe,
    from_record,
    normalise_unit,
)

JSON_FORMAT = "voicecoach-journal"
JSON_VERSION = 1
STRONG_KINDS = {"w": "warmup", "d": "drop", "f": "failure"}
HEVY_KINDS = {"normal": "working", "warmup": "warmup", "dropset": "drop", "failure": "failure"}
MAX_UNKNOWN = 1000  # names listed in the summary; a hostile file of unique names stays bounded


class ImportError_(ValueError):
    """A file that cannot be imported at all: the message names the file (and line)."""


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
class _Row:
    """One parsed row: a set, or (``kind`` None) a note."""

    start: datetime
    end: datetime | None
    title: str
    workout_notes: str
    name: str
    kind: str | None
    weight: float | None
    unit: str
    reps: int | None
    rir: float | None
    seconds: float | None
    distance: float | None
    superset: str
    notes: str
    timer: bool = False


@dataclass
class _Workout:
    sid: int
    existed: bool  # already in the journal before this import: its sets are compared
    position: int
    matched: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    numbers: Counter[str] = field(default_factory=Counter)  # sets so far per exercise


@dataclass
class _Name:
    exercise: str
    name: str
    entry: LibraryExercise | None


class _Importer:
    def __init__(
        self,
        journal: Journal,
        filename: str,
        maps: dict[str, str],
        warn: Callable[[str], None],
    ):
        self.journal, self.db, self.filename = journal, journal.db, filename
        self.maps = {k.lower(): v for k, v in maps.items()}
        self.warn = warn
        self.report = ImportReport()
        self.names: dict[str, _Name] = {}
        self.workouts: dict[datetime, _Workout] = {}  # by start minute
        self.last_working: dict[str, tuple[datetime, str | None]] = {}  # id -> (when, why not)

    # --- names --------------------------------------------------------------------------
    def resolve(self, name: str) -> _Name:
        found = self.names.get(name)
        if found is not None:
            return found
        library = load_library()
        key = self.maps.get(name.lower())
        if key is None:
            row = self.db.execute("SELECT exercise FROM name_map WHERE name = ?", (name,))
            stored = row.fetchone()
            key = stored[0] if stored else None
        entry = library.get(key) if key else find_by_name(name)
        if entry is not None:
            found = _Name(entry.key, entry.name, entry)
        elif key:  # remembered or mapped to an id the library no longer has: keep the id
            found = _Name(key, name, None)
        else:
            found = _Name(_slug(name), name, None)
        if len(self.names) > 10_000:
            self.names.clear()
        self.names[name] = found
        return found

    # --- workouts -----------------------------------------------------------------------
    def workout(self, row: _Row, source: str) -> _Workout:
        key = row.start.replace(second=0, microsecond=0)
        found = self.workouts.get(key)
        if found is not None:
            return found
        minute = key.strftime("%Y-%m-%dT%H:%M")
        old = self.db.execute(
            "SELECT id FROM sessions WHERE started_at >= ? AND started_at < ? AND dry_run = 0"
            " ORDER BY id LIMIT 1",
            (minute, minute + ";"),  # ';' sorts right after ':': every second of that minute
        ).fetchone()
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
        kg = _kg(load)
        sig = (exercise, kind, reps, None if kg is None else round(kg, 1))
        have = self.db.execute(
            "SELECT COUNT(*) FROM sets WHERE session_id = ? AND exercise = ? AND kind = ?"
            " AND reps IS ? AND ((? IS NULL AND weight IS NULL) OR abs(CASE unit WHEN 'lb'"
            " THEN weight / ? ELSE weight END - ?) < 0.05)",
            (w.sid, exercise, kind, reps, kg, LB_PER_KG, kg),
        ).fetchone()[0]
        if have > w.matched[sig]:
            w.matched[sig] += 1
            return True
        return False

    # --- one set ------------------------------------------------------------------------
    def add(self, row: _Row, source: str) -> None:
        """Store one row; ValueError (before anything is written) if its load cannot be."""
        if row.kind is not None:
            named = self.resolve(row.name)
            load, why_not = _load(row, named)
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
        w.numbers[named.exercise] += 1
        self.journal.record(
            w.sid,
            SetRecord(
                position=w.position,
                exercise=named.exercise,
                exercise_name=named.name,
                set_no=w.numbers[named.exercise],
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


def import_file(
    journal: Journal,
    lines: Iterable[str],
    filename: str,
    *,
    unit: str | None = None,
    maps: dict[str, str] | None = None,
    strict: bool = False,
    warn: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import a Strong or Hevy CSV, or a voicecoach JSON export, in one transaction.

    ``unit`` is the weight unit for a file that names none (Strong's comma
    export); without it the journal's own unit is used, then kg. ``maps``
    (name -> exercise id) is remembered in the journal for later imports.
    """
    it = iter(lines)
    first = next(it, "")
    while first and not first.strip():
        first = next(it, "")
    if not first.strip():
        raise ImportError_(f"{filename}:1: the file is empty")
    imp = _Importer(journal, filename, maps or {}, warn or journal.warn)
    db = journal.db
    db.execute("BEGIN IMMEDIATE")
    try:
        for name, key in (maps or {}).items():
            db.execute(
                "INSERT OR REPLACE INTO name_map (name, exercise) VALUES (?, ?)", (name, key)
            )
        if first.lstrip("\ufeff").lstrip().startswith("{"):
            imp.report.fmt = "json"
            _import_json(imp, itertools.chain([first], it))
        else:
            _import_csv(imp, first, it, unit)
        if strict and imp.report.skipped:
            raise ImportError_(
                f"{filename}: {imp.report.skipped} bad rows (listed above); with --strict"
                " a file with any bad row imports nothing"
            )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    imp.summarise_seeds()
    return imp.report


def _import_csv(imp: _Importer, first: str, rest: Iterator[str], unit: str | None) -> None:
    import csv

    try:
        layout = formats.detect(first)
    except ValueError as exc:
        raise ImportError_(f"{imp.filename}:1: {exc}") from None
    imp.report.fmt = layout.fmt
    if layout.unit is None and "weight_unit" not in layout.columns:
        layout.unit = unit or _journal_unit(imp.db) or "kg"
        imp.report.assumed_unit = layout.unit
    reader = csv.reader(rest, delimiter=layout.delimiter)
    width = len(layout.header)
    for row in reader:
        line = reader.line_num + 1  # the header was read apart
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != width:
            imp.bad(line, f"expected {width} fields, found {len(row)}")
            continue
        try:
            parsed = _parse_csv_row(layout, row)
        except ValueError as exc:
            imp.bad(line, str(exc))
            continue
        if parsed is None:
            continue
        try:
            imp.add(parsed, layout.fmt)
        except ValueError as exc:
            imp.bad(line, str(exc))


def _parse_csv_row(layout: Layout, row: list[str]) -> _Row | None:
    """One CSV row checked against :mod:`~voicecoach.journal.sane`; None for a rest timer."""
    get = layout.get
    start = formats.when(get(row, "start"))
    end: datetime | None = None
    timer = False
    if layout.fmt == "strong":
        order = get(row, "order")
        low = order.lower()
        if low == "rest timer":
            return None
        if low == "note":
            kind = None
        elif low in STRONG_KINDS:
            kind = STRONG_KINDS[low]
        else:
            _check(
                sane.reps_problem(_need(formats.number(order, "Set Order"), "Set Order")),
                "Set Order",
            )
            kind = "working"
        seconds = formats.duration(get(row, "duration"))
        if seconds is not None:
            end = start + timedelta(seconds=min(seconds, sane.MAX_WORKOUT_SECONDS))
            if seconds > sane.MAX_WORKOUT_SECONDS:  # a timer left running: keep, no end
                end, timer = None, True
    else:
        set_type = get(row, "set_type").lower() or "normal"
        if set_type not in HEVY_KINDS:
            raise ValueError(f"set_type {set_type[:30]!r} is not one of {', '.join(HEVY_KINDS)}")
        kind = HEVY_KINDS[set_type]
        if get(row, "end"):
            end = formats.when(get(row, "end"))
            if end < start or (end - start).total_seconds() > sane.MAX_WORKOUT_SECONDS:
                end, timer = None, True
    unit = layout.unit
    if unit is None:
        text = get(row, "weight_unit")
        try:
            unit = normalise_unit(text) if text else "kg"
        except ValueError:
            raise ValueError(f"Weight Unit: {text[:20]!r} is not kg or lbs") from None
    title, name = (
        _text(get(row, "title"), "workout name"),
        _text(get(row, "exercise"), "exercise name"),
    )
    notes = _restore(get(row, "notes"))[: sane.MAX_NOTES]
    workout_notes = _restore(get(row, "workout_notes"))[: sane.MAX_NOTES]
    if kind is None:
        return _Row(start, end, title, workout_notes, name, None, None, unit, None, None, None,
                    None, "", notes, timer)  # fmt: skip
    weight = formats.number(get(row, "weight"), "weight")
    if weight is not None:  # the sign is judged with the exercise: assistance may be negative
        _check(sane.weight_problem(weight, unit, signed=True), "weight")
    reps = formats.number(get(row, "reps"), "reps")
    if reps is not None:
        _check(sane.reps_problem(reps), "reps")
    rpe = formats.number(get(row, "rpe"), "RPE")
    if rpe is not None:
        _check(sane.rpe_problem(rpe), "RPE")
    seconds = formats.number(get(row, "seconds"), "seconds")
    if seconds is not None:
        _check(sane.seconds_problem(seconds), "seconds")
    dist_unit = (
        layout.distance_unit or get(row, "distance_unit") or ("km" if unit == "kg" else "mi")
    )
    distance = formats.metres(formats.number(get(row, "distance"), "distance"), dist_unit)
    if distance is not None:
        _check(sane.distance_problem(distance), "distance")
    return _Row(
        start=start,
        end=end,
        title=title,
        workout_notes=workout_notes,
        name=name,
        kind=kind,
        weight=weight,
        unit=unit,
        reps=None if reps is None else int(reps),
        rir=None if rpe is None else rir_from_rpe(rpe),
        seconds=seconds or None,
        distance=distance or None,
        superset=get(row, "superset")[:40],
        notes=notes,
        timer=timer,
    )


def rir_from_rpe(rpe: float) -> float:
    """RIR to the nearest half: RPE 9.5 is RIR 0.5, RPE 8 is RIR 2."""
    return max(0.0, min(10.0, round((10 - rpe) * 2) / 2))


def _load(row: _Row, named: _Name) -> tuple[Load, str | None]:
    """The set's load, and why it must not seed the exercise's next session (None: it may).

    Weight 0 on a bodyweight exercise is bodyweight, not "0 kg"; Strong's
    "(Assisted)" weight is help, so it is bodyweight minus that, and neither
    an assisted nor a weighted variant seeds the plain bodyweight exercise.
    """
    if row.weight is None and row.reps is None:
        return Unloaded(), None  # a hold or a carry with no load: nothing to track
    lower = row.name.lower()
    w = row.weight or 0.0
    entry = named.entry
    bodyweight = entry is not None and "bodyweight" in entry.equipment
    if w < 0 and not bodyweight and "(assisted)" not in lower:
        raise ValueError(f"weight: weight {w:g} is negative (only assistance on a bodyweight"
                         " exercise can be)")  # fmt: skip
    if "(assisted)" in lower or "(weighted)" in lower:
        extra = -abs(w) if "(assisted)" in lower else w
        variant = "assisted" if extra < 0 or "(assisted)" in lower else "weighted"
        why = None if variant in named.exercise else f"{variant} is not a starting load for it"
        return Bodyweight(extra, row.unit), why
    if bodyweight:
        return Bodyweight(w, row.unit), None
    if entry is not None and entry.levels and not w:
        return Unloaded(), "the file has no band or level"
    if not w and entry is None:
        return Bodyweight(0.0, row.unit), None
    return Weight(w, row.unit), None


def _kg(load: Load) -> float | None:
    if isinstance(load, (Weight, Bodyweight)):
        return load.amount / LB_PER_KG if load.unit == "lb" else load.amount
    return None


def _journal_unit(db: sqlite3.Connection) -> str | None:
    """The unit most of the journal's sets were stored in, or None for an empty journal."""
    row = db.execute(
        "SELECT unit FROM sets WHERE unit IS NOT NULL GROUP BY unit ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def journal_unit(journal: Journal) -> str | None:
    return _journal_unit(journal.db)


# --- the JSON document -------------------------------------------------------------------


def _import_json(imp: _Importer, lines: Iterable[str]) -> None:
    """voicecoach's own export: every field comes back as it was written."""
    try:
        doc = json.loads("".join(lines))
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{imp.filename}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        raise ImportError_(f"{imp.filename}:1: not a voicecoach journal export (no format key)")
    if doc.get("version") != JSON_VERSION:
        raise ImportError_(
            f"{imp.filename}:1: journal export version {doc.get('version')!r};"
            f" this voicecoach reads version {JSON_VERSION}"
        )
    sessions = doc.get("sessions")
    if not isinstance(sessions, list):
        raise ImportError_(f"{imp.filename}:1: 'sessions' must be a list")
    for n, session in enumerate(sessions, start=1):
        try:
            _import_json_session(imp, session)
        except (ValueError, TypeError, KeyError) as exc:
            imp.bad(n, f"session {n}: {exc}")


def _import_json_session(imp: _Importer, session: dict[str, Any]) -> None:
    start = datetime.fromisoformat(str(session["started_at"]))
    end = datetime.fromisoformat(session["ended_at"]) if session.get("ended_at") else None
    head = _Row(start, end, _text(str(session["routine_name"]), "workout name"),
                str(session.get("notes", ""))[: sane.MAX_NOTES], "", None, None, "kg", None,
                None, None, None, "", "")  # fmt: skip
    w = imp.workout(head, str(session.get("source") or "json"))
    if not w.existed:  # what only the JSON keeps: the exact times and the status
        imp.db.execute(
            "UPDATE sessions SET started_at = ?, ended_at = ?, status = ? WHERE id = ?",
            (
                session["started_at"],
                session.get("ended_at"),
                session.get("status", "completed"),
                w.sid,
            ),
        )
    for s in session.get("sets", []):
        load = _json_load(s["load"])
        kind = str(s.get("kind", "working"))
        if kind not in SET_KINDS:
            raise ValueError(f"set kind {kind[:20]!r} is not one of {', '.join(SET_KINDS)}")
        reps = s.get("reps")
        rir = s.get("rir")
        sane.stored_number(reps, "reps", 0, sane.MAX_REPS)
        sane.stored_number(rir, "RIR", 0, 10)
        sane.stored_number(s.get("hold"), "hold", 0, sane.MAX_SECONDS)
        exercise = str(s["exercise"])
        if imp.duplicate(w, exercise, kind, load, reps):
            imp.report.duplicates += 1
            continue
        nxt = _json_load(s["next_load"]) if s.get("next_load") else None
        # A new session keeps its plan positions (what a resume goes by); sets added to a
        # session already here are numbered after its own.
        position = w.position if w.existed else int(s.get("position", w.position))
        imp.journal.record(
            w.sid,
            SetRecord(
                position=position,
                exercise=exercise,
                exercise_name=_text(str(s.get("name") or exercise), "exercise name"),
                set_no=int(s.get("set", w.position + 1)),
                side=str(s.get("side", ""))[: sane.MAX_NAME],
                prescribed=_json_load(s.get("prescribed") or s["load"]),
                target_low=s.get("target_low"),
                target_high=s.get("target_high"),
                target_hold=s.get("target_hold"),
                load=load,
                reps=reps,
                rir=rir,
                hold_done=s.get("hold"),
                started_at=str(s.get("started_at") or session["started_at"]),
                ended_at=str(s.get("ended_at") or session["started_at"]),
                next_load=nxt,
                next_rep_bonus=int(s.get("next_rep_bonus", 0)),
                kind=kind,
                original_name=str(s.get("original_name") or ""),
                distance=s.get("distance"),
                superset=str(s.get("superset", "")),
                notes=str(s.get("notes", ""))[: sane.MAX_NOTES],
            ),
        )
        w.position = max(w.position, position) + 1
        imp.report.sets += 1
        imp.report.kinds[kind] += 1
        if kind == "working" and nxt is not None:
            imp.last_working[exercise] = (start, None)


def _json_load(record: Any) -> Load:
    """A load in the JSON document: {"kind", "value", "unit"} (or a level's list)."""
    if not isinstance(record, dict):
        raise ValueError(f"load {str(record)[:40]!r} is not an object")
    kind = record.get("kind")
    if kind in ("weight", "bodyweight"):
        amount = float(record["value"])
        load: Load = (Weight if kind == "weight" else Bodyweight)(amount, str(record["unit"]))
    elif kind == "level":
        load = Level(tuple(str(x) for x in record["levels"]), int(record["index"]))
    elif kind == "none":
        load = Unloaded()
    else:
        load = from_record(record)
    _check(sane.load_problem(load), "load")
    return load


# --- small helpers -----------------------------------------------------------------------


def _check(problem: str | None, column: str) -> None:
    if problem:
        raise ValueError(f"{column}: {problem}")


def _need(value: float | None, column: str) -> float:
    if value is None:
        raise ValueError(f"{column} is empty")
    return value


def _text(text: str, what: str) -> str:
    text = _restore(text)
    _check(sane.name_problem(text, what), what)
    return text


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
