"""Export to and import from Strong and Hevy CSV, and plain JSON.

Headers are the apps' own, byte for byte (Strong 6.2.3+ semicolon variant;
Hevy's workout export), with the weight column named for the unit. RPE is
10 - RIR. What the apps have no column for (side, band level, bodyweight)
goes in the notes as ``key: value`` pairs, so a round trip keeps it.

Import streams the file inside one transaction: a malformed or unbelievable
line (``FILE:LINE: what is wrong``) rolls the whole import back.
Each workout gets an ``import_key`` (format, start, title), so importing the
same file twice adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import sqlite3
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from voicecoach.journal import sane
from voicecoach.journal.store import Journal, SetRecord
from voicecoach.routines.library import find_by_name
from voicecoach.routines.loads import Bodyweight, Level, Load, Unloaded, Weight

STRONG_COLUMNS = [
    "Workout #",
    "Date",
    "Workout Name",
    "Duration (sec)",
    "Exercise Name",
    "Set Order",
    "Weight (kg)",
    "Reps",
    "RPE",
    "Distance (meters)",
    "Seconds",
    "Notes",
    "Workout Notes",
]
HEVY_COLUMNS = [
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "weight_kg",
    "reps",
    "distance_km",
    "duration_seconds",
    "rpe",
]
LB_PER_KG = 2.2046226218
HEVY_TIME = "%d %b %Y, %H:%M"
STRONG_TIME = "%Y-%m-%d %H:%M:%S"


class ImportError_(ValueError):
    """A malformed file: the message names the file and line."""


def _convert(amount: float, src: str | None, dst: str) -> float:
    if src is None or src == dst:
        return amount
    return round(amount * LB_PER_KG if dst == "lb" else amount / LB_PER_KG, 2)


def _notes(row: dict[str, Any], order: int) -> str:
    parts = []
    if row["set_no"] != order:  # sided sets: two rows per set; keep voicecoach's set number
        parts.append(f"set: {row['set_no']}")
    if row["side"]:
        parts.append(f"side: {row['side']}")
    load = json.loads(row["load"])
    if load["kind"] == "level":
        parts.append(f"level: {load['levels'][load['index']]}")
        parts.append("levels: " + "|".join(load["levels"]))
    if load["kind"] == "bodyweight":
        parts.append("bodyweight")
    if load["kind"] == "none":
        parts.append("unloaded")
    return "; ".join(parts)


def _parse_notes(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (text or "").split(";"):
        key, _, value = part.strip().partition(":")
        if key.strip():
            out[key.strip()] = value.strip()
    return out


# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
# A leading quote makes it text; import takes exactly that quote back off (issue 15, #7).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text: ``'=cmd|...`` instead of a live formula.

    A cell that already starts with a quote gets one more, so :func:`restore`
    gives back exactly what was exported.
    """
    if text.startswith(FORMULA_START) or text.startswith("'"):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Inverse of :func:`neutralise` for a cell read back in an import."""
    if text.startswith("'") and text[1:].startswith((*FORMULA_START, "'")):
        return text[1:]
    return text


def export(journal: Journal, fmt: str, unit: str, out: IO[str]) -> int:
    """Write every non-dry-run set as Strong CSV, Hevy CSV or JSON, row by row; returns the count.

    Rows come from a cursor and go straight out, so memory stays flat however
    big the journal is (issue 15, finding 13).
    """
    rows = journal.iter_sets()
    count = 0
    if fmt == "json":
        for count, r in enumerate(rows, start=1):
            body = textwrap.indent(json.dumps(r, indent=2), "  ")
            out.write(("[\n" if count == 1 else ",\n") + body)
        out.write("\n]\n" if count else "[]\n")
        return count
    if fmt == "strong":
        header = [
            c.replace("Weight (kg)", "Weight (lbs)") if unit == "lb" else c for c in STRONG_COLUMNS
        ]
        w = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
    else:
        header = [c.replace("weight_kg", "weight_lbs") if unit == "lb" else c for c in HEVY_COLUMNS]
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        # QUOTE_MINIMAL leaves a lone CR unquoted when the line ends in LF, which splits the
        # row on reading; the rare row with one is written fully quoted instead.
        quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    workout_no: dict[int, int] = {}
    order: dict[tuple[int, str], int] = {}
    last_sid = None
    for r in rows:
        count += 1
        if r["sid"] != last_sid:  # rows come session by session: keep one session's counters
            order.clear()
            last_sid = r["sid"]
        n = workout_no.setdefault(r["sid"], len(workout_no) + 1)
        key = (r["sid"], r["exercise"])
        order[key] = order.get(key, 0) + 1
        start = datetime.fromisoformat(r["session_start"])
        end = datetime.fromisoformat(r["session_end"]) if r["session_end"] else start
        weight = _convert(r["weight"], r["unit"], unit) if r["weight"] is not None else 0
        rpe = "" if r["rir"] is None else str(10 - r["rir"])
        reps = "" if r["reps"] is None else str(r["reps"])
        seconds = "" if r["hold_done"] is None else f"{r['hold_done']:g}"
        title, name = neutralise(r["routine_name"]), neutralise(r["exercise_name"])
        notes = neutralise(_notes(r, order[key]))
        if fmt == "strong":
            w.writerow(
                [
                    n,
                    start.strftime(STRONG_TIME),
                    title,
                    int((end - start).total_seconds()),
                    name,
                    order[key],
                    f"{weight:g}",
                    reps,
                    rpe,
                    "",
                    seconds,
                    notes,
                    "",
                ]
            )
        else:
            (quoted if "\r" in title + name + notes else w).writerow(
                [
                    title,
                    start.strftime(HEVY_TIME),
                    end.strftime(HEVY_TIME),
                    "",
                    name,
                    "",
                    notes,
                    order[key] - 1,
                    "normal",
                    f"{weight:g}",
                    reps,
                    "",
                    seconds,
                    rpe,
                ]
            )
    return count


@dataclass
class ImportReport:
    workouts: int = 0
    skipped: int = 0
    sets: int = 0
    unmatched: list[str] = field(default_factory=list)


@dataclass
class _Row:
    """One CSV row, parsed and checked."""

    key: str
    title: str
    start: datetime
    end: datetime
    name: str
    order: int
    load: Load
    reps: int | None
    rir: int | None
    seconds: float | None
    side: str


def import_file(journal: Journal, lines: Iterable[str], filename: str) -> ImportReport:
    """Import a Strong or Hevy CSV (detected from its header), streaming, in one transaction.

    Every row is checked (:mod:`voicecoach.journal.sane`) as it is read and written
    inside one open transaction; the first bad row rolls everything back, so
    a refused file adds nothing. Memory holds one row plus a counter per
    workout, never the file.
    """
    it = iter(lines)
    first = next(it, "").lstrip("\ufeff")
    if not first.strip():
        raise ImportError_(f"{filename}:1: the file is empty")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], it), delimiter=delimiter)
    header = next(reader)
    if (
        len(header) > 6
        and header[:6] == STRONG_COLUMNS[:6]
        and header[6] in ("Weight (kg)", "Weight (lbs)")
    ):
        fmt, unit = "strong", "lb" if header[6] == "Weight (lbs)" else "kg"
    elif (
        len(header) > 9
        and header[:9] == HEVY_COLUMNS[:9]
        and header[9] in ("weight_kg", "weight_lbs")
    ):
        fmt, unit = "hevy", "lb" if header[9] == "weight_lbs" else "kg"
    else:
        raise ImportError_(
            f"{filename}:1: not a Strong or Hevy export; the header must be "
            'Strong\'s ("Workout #";"Date";...) or Hevy\'s (title,start_time,...)'
        )
    report = ImportReport()
    unmatched: set[str] = set()
    library: dict[str, tuple[str, str] | None] = {}
    sessions: dict[str, tuple[int | None, int]] = {}  # import key -> (session id or None, sets)
    db = journal.db
    db.execute("BEGIN IMMEDIATE")
    try:
        for row in reader:
            line_no = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise ImportError_(
                    f"{filename}:{line_no}: expected {len(header)} fields, found {len(row)}"
                )
            try:
                parsed = _parse_row(dict(zip(header, row, strict=True)), header, fmt, unit)
            except (ValueError, KeyError) as exc:
                raise ImportError_(f"{filename}:{line_no}: {exc}") from None
            if parsed.name not in library:
                lib = find_by_name(parsed.name)
                if lib is None and len(unmatched) < 1000:
                    unmatched.add(parsed.name)
                library[parsed.name] = (lib.key, lib.name) if lib else None
                if len(library) > 10_000:  # a hostile file of unique names: bound the cache
                    library.clear()
            exercise, name = library.get(parsed.name) or (_slug(parsed.name), parsed.name)
            sid, done = sessions.get(parsed.key, (-1, 0))
            if sid == -1:
                sid = _open_session(db, parsed, fmt)
                if sid is None:
                    report.skipped += 1
                else:
                    report.workouts += 1
            sessions[parsed.key] = (sid, done + 1)
            if sid is None:
                continue
            when = parsed.start.isoformat(timespec="seconds")
            journal.record(
                sid,
                SetRecord(
                    position=done,
                    exercise=exercise,
                    exercise_name=name,
                    set_no=parsed.order,
                    side=parsed.side,
                    prescribed=parsed.load,
                    target_low=None,
                    target_high=None,
                    target_hold=None,
                    load=parsed.load,
                    reps=parsed.reps,
                    rir=parsed.rir,
                    hold_done=parsed.seconds,
                    started_at=when,
                    ended_at=when,
                    next_load=parsed.load,
                ),
            )
            report.sets += 1
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    report.unmatched = sorted(unmatched)
    return report


def _open_session(db: sqlite3.Connection, row: _Row, fmt: str) -> int | None:
    """The new session for an imported workout, or None if an earlier import has it."""
    if db.execute("SELECT 1 FROM sessions WHERE import_key = ?", (row.key,)).fetchone():
        return None
    cur = db.execute(
        "INSERT INTO sessions (routine_name, started_at, ended_at, status, source,"
        " import_key) VALUES (?, ?, ?, 'completed', ?, ?)",
        (
            row.title,
            row.start.isoformat(timespec="seconds"),
            row.end.isoformat(timespec="seconds"),
            fmt,
            row.key,
        ),
    )
    return int(cur.lastrowid or 0)


def _number(text: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column}: {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{column}: {text[:40]!r} is not a finite number")
    return value


def _check(problem: str | None, column: str) -> None:
    if problem:
        raise ValueError(f"{column}: {problem}")


def _parse_row(rec: dict[str, str], header: list[str], fmt: str, unit: str) -> _Row:
    """One row's values, each checked against :mod:`~voicecoach.journal.sane`; ValueError says."""
    if fmt == "strong":
        start = datetime.strptime(rec["Date"], STRONG_TIME)
        duration = _number(rec["Duration (sec)"] or "0", "Duration (sec)")
        _check(sane.seconds_problem(duration), "Duration (sec)")
        end = start + timedelta(seconds=duration)
        title_col, name_col, weight_col = "Workout Name", "Exercise Name", header[6]
        order = _number(rec["Set Order"], "Set Order")
        reps_col, rpe_col, seconds_col, notes_col = "Reps", "RPE", "Seconds", "Notes"
    else:
        start = datetime.strptime(rec["start_time"], HEVY_TIME)
        end = datetime.strptime(rec["end_time"], HEVY_TIME)
        title_col, name_col, weight_col = "title", "exercise_title", header[9]
        order = _number(rec["set_index"], "set_index") + 1
        reps_col, rpe_col = "reps", "rpe"
        seconds_col, notes_col = "duration_seconds", "exercise_notes"
    title, name = restore(rec[title_col]), restore(rec[name_col])
    _check(sane.name_problem(title, "workout name"), title_col)
    _check(sane.name_problem(name, "exercise name"), name_col)
    _check(sane.reps_problem(order), "set number")
    weight = _number(rec[weight_col] or "0", weight_col)
    reps = _number(rec[reps_col], reps_col) if rec[reps_col] else None
    if reps is not None:
        _check(sane.reps_problem(reps), reps_col)
    rpe = _number(rec[rpe_col], rpe_col) if rec[rpe_col] else None
    if rpe is not None:
        _check(sane.rpe_problem(rpe), rpe_col)
    seconds = _number(rec[seconds_col], seconds_col) if rec[seconds_col] else None
    if seconds is not None:
        _check(sane.seconds_problem(seconds), seconds_col)
    meta = _parse_notes(restore(rec[notes_col]))
    load: Load
    if "level" in meta:
        levels = tuple(meta.get("levels", meta["level"]).split("|"))
        load = Level(levels, levels.index(meta["level"]) if meta["level"] in levels else 0)
    elif "unloaded" in meta:
        load = Unloaded()
    elif "bodyweight" in meta:
        load = Bodyweight(weight, unit)  # assistance is a negative extra: allowed here only
    else:
        load = Weight(weight, unit)
    _check(sane.load_problem(load), weight_col)
    set_no = _number(meta["set"], "notes set") if "set" in meta else order
    _check(sane.reps_problem(set_no), "set number")
    key = hashlib.sha256(f"{fmt}|{start.isoformat()}|{title}".encode()).hexdigest()[:24]
    return _Row(
        key=key,
        title=title,
        start=start,
        end=end,
        name=name,
        order=int(set_no),
        load=load,
        reps=None if reps is None else int(reps),
        rir=None if rpe is None else max(0, min(5, round(10 - rpe))),
        seconds=seconds,
        side=meta.get("side", "")[: sane.MAX_NAME],
    )


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")


__all__ = ["ImportError_", "export", "import_file", "neutralise", "restore"]
