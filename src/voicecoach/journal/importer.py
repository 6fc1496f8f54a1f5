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
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from voicecoach.journal.formats import ImportError_, detect
from voicecoach.journal.importing import Importer, ImportReport
from voicecoach.journal.jsondoc import import_json
from voicecoach.journal.rows import parse_csv_row
from voicecoach.journal.store import Journal
from voicecoach.routines.library import Library


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file: ``unit`` for a file that names none (Strong's comma export;
    without it the journal's own unit, then kg); ``maps`` (name -> exercise id, kept in
    the journal for later imports); ``strict``: any bad row imports nothing."""

    unit: str | None = None
    maps: dict[str, str] = field(default_factory=dict)
    strict: bool = False
    warn: Callable[[str], None] | None = None  # where a skipped row is reported
    library: Library | None = None  # the exercises names are matched against


def import_file(
    journal: Journal, lines: Iterable[str], filename: str, options: ImportOptions | None = None
) -> ImportReport:
    """Import a Strong or Hevy CSV, or a voicecoach JSON export, in one transaction."""
    opts = options or ImportOptions()
    unit, maps, strict, warn, library = (
        opts.unit,
        opts.maps,
        opts.strict,
        opts.warn,
        opts.library,
    )
    it = iter(lines)
    first = next(it, "")
    while first and not first.strip():
        first = next(it, "")
    if not first.strip():
        raise ImportError_(f"{filename}:1: the file is empty")
    imp = Importer(journal, filename, maps or {}, warn or journal.warn, library)
    db = journal.db
    db.execute("BEGIN IMMEDIATE")
    try:
        for name, key in (maps or {}).items():
            db.execute(
                "INSERT OR REPLACE INTO name_map (name, exercise) VALUES (?, ?)", (name, key)
            )
        if first.lstrip("\ufeff").lstrip().startswith("{"):
            imp.report.fmt = "json"
            import_json(imp, itertools.chain([first], it))
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


def _import_csv(imp: Importer, first: str, rest: Iterator[str], unit: str | None) -> None:
    import csv

    try:
        layout = detect(first)
    except ValueError as exc:
        raise ImportError_(f"{imp.filename}:1: {exc}") from None
    imp.report.fmt = layout.fmt
    if layout.unit is None and "weight_unit" not in layout.columns:
        layout.unit = unit or _journal_unit(imp.db) or "kg"
        imp.report.assumed_unit = None if unit else layout.unit  # said only when guessed
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
            parsed = parse_csv_row(layout, row)
        except ValueError as exc:
            imp.bad(line, str(exc))
            continue
        if parsed is None:
            continue
        try:
            imp.add(parsed, layout.fmt)
        except ValueError as exc:
            imp.bad(line, str(exc))


def _journal_unit(db: sqlite3.Connection) -> str | None:
    """The unit most of the journal's sets were stored in, or None for an empty journal."""
    row = db.execute(
        "SELECT unit FROM sets WHERE unit IS NOT NULL GROUP BY unit ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def journal_unit(journal: Journal) -> str | None:
    return _journal_unit(journal.db)
