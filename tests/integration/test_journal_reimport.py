"""Importing the same history again: real SQLite files, through the CLI and the importer.

A lifter re-exports his whole Strong or Hevy history every few weeks and imports all
of it again. Every row is then a duplicate: nothing may be added, the summary must say
how many rows were already there, and the check for each row must read only its own
workout's sets (a check that read every set of the exercise made a second import of
100,000 rows run for minutes). The cost is asserted as SQLite's own count of virtual
machine steps, which is the same on every run, never as a time.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from journal_helpers import rows, run
from voicecoach.journal.importer import import_file
from voicecoach.journal.importing import SAME_SETS, SAME_WORKOUT
from voicecoach.journal.store import Journal
from voicecoach.routines.loads import LB_PER_KG

DATA = Path(__file__).parent.parent / "data" / "imports"
STRONG = (
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
    '"Weight (lbs)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n'
)
EXERCISES = ("Deadlift (Barbell)", "Pull Up", "Face Pull (Cable)", "Kroc Row")
# Everything a set keeps that an import writes: the same before and after a re-import.
KEPT_SQL = (
    "SELECT s.started_at, t.position, t.exercise, t.original_name, t.kind, t.weight, t.unit,"
    " t.reps, t.rir, t.notes FROM sets t JOIN sessions s ON s.id = t.session_id"
    " ORDER BY s.started_at, t.position"
)


def strong_export(path: Path, workouts: int, first: int = 0) -> int:
    """A Strong export in lb: per workout a warm-up and three working sets of each
    exercise, weights in halves of a pound; returns the number of sets written."""
    lines = [STRONG]
    for w in range(first, first + workouts):
        day = f"2024-{1 + w // 28 % 12:02d}-{1 + w % 28:02d} 18:{w % 60:02d}:07"
        for e, name in enumerate(EXERCISES):
            for order in ("W", "1", "2", "3"):
                weight = 45 + 2.5 * ((w + e) % 40) + (0 if order == "W" else 50)
                lines.append(
                    f'"{w + 1}";"{day}";"Pull";"3600";"{name}";"{order}";'
                    f'"{weight:g}";"{8 if order == "W" else 5}";"8";"";"";"";""\n'
                )
    path.write_text("".join(lines), encoding="utf-8")
    return workouts * len(EXERCISES) * 4


def test_a_whole_history_imported_again_adds_nothing_and_says_so(tmp_path: Path) -> None:
    export, db = tmp_path / "strong.csv", tmp_path / "j.sqlite3"
    n = strong_export(export, 30)
    first = run("import", export, "--db", db)
    assert first.exit_code == 0, first.output + first.stderr
    assert f"imported {n} sets in 30 new workouts" in first.output
    before = rows(db, KEPT_SQL)
    again = run("import", export, "--db", db)
    assert again.exit_code == 0, again.output + again.stderr
    assert f"imported 0 sets in 0 new workouts; {n} already in the journal;" in again.output
    assert rows(db, KEPT_SQL) == before and len(before) == n
    assert run("journal", "check", "--db", db).exit_code == 0


@pytest.mark.parametrize("sample", sorted(p.name for p in DATA.glob("*.csv")))
def test_every_real_shaped_sample_imported_again_is_all_duplicates(
    tmp_path: Path, sample: str
) -> None:
    """Warm-ups, drops, notes, bodyweight, distances and both apps' units: each set of
    the first import is recognised the second time, and nothing is added."""
    db = tmp_path / "j.sqlite3"
    j = Journal(db, warn=lambda _: None)
    with (DATA / sample).open(encoding="utf-8") as f:
        once = import_file(j, f, sample)
    before = rows(db, KEPT_SQL)
    with (DATA / sample).open(encoding="utf-8") as f:
        twice = import_file(j, f, sample)
    assert once.sets > 0
    assert (twice.sets, twice.workouts, twice.duplicates) == (0, 0, once.sets)
    assert rows(db, KEPT_SQL) == before


def plans(db: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> list[str]:
    return [str(r[3]) for r in db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


@pytest.mark.parametrize("analysed", [False, True])
def test_the_duplicate_check_reads_one_workout_by_its_keys(tmp_path: Path, analysed: bool) -> None:
    """The queries each row runs search by the session's key and the start's index, never
    by the exercise's (every set of it ever written) or a scan; also once ANALYZE has
    given SQLite statistics that could tempt it elsewhere."""
    export, db = tmp_path / "strong.csv", tmp_path / "j.sqlite3"
    strong_export(export, 60)
    assert run("import", export, "--db", db).exit_code == 0
    con = sqlite3.connect(db)
    try:
        if analysed:
            con.execute("ANALYZE")
        sets = plans(con, SAME_SETS, (1, "deadlift", "working", 5, 60.0, LB_PER_KG, 60.0))
        workout = plans(con, SAME_WORKOUT, ("2024-01-02T18:01", "2024-01-02T18:01;"))
    finally:
        con.close()
    assert sets == ["SEARCH sets USING INDEX sqlite_autoindex_sets_1 (session_id=?)"], sets
    assert workout[0] == (
        "SEARCH sessions USING INDEX sessions_by_start (started_at>? AND started_at<?)"
    ), workout
    assert not any("SCAN" in p for p in sets + workout)


def steps_to_reimport(db: Path, export: Path) -> tuple[int, int]:
    """SQLite's virtual machine steps (in hundreds) to import ``export`` again, and the
    duplicates it found."""
    j = Journal(db, warn=lambda _: None)
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    with export.open(encoding="utf-8") as f:
        import_file(j, f, export.name)  # the first time
    j.db.set_progress_handler(count, 100)
    with export.open(encoding="utf-8") as f:
        report = import_file(j, f, export.name)
    j.db.set_progress_handler(None, 0)
    j.db.close()
    return steps, report.duplicates


def test_importing_a_workout_again_costs_the_same_in_a_long_history(tmp_path: Path) -> None:
    """One workout's file imported again into a journal of it alone and into one that
    also holds 4,800 other sets of the same exercises: the same work for SQLite."""
    export = tmp_path / "one.csv"
    n = strong_export(export, 2, first=320)  # after the other 300 days
    other = tmp_path / "other.csv"
    strong_export(other, 300)
    long_history = tmp_path / "long.sqlite3"
    with other.open(encoding="utf-8") as f:
        import_file(Journal(long_history, warn=lambda _: None), f, other.name)
    alone, found_alone = steps_to_reimport(tmp_path / "alone.sqlite3", export)
    among, found_among = steps_to_reimport(long_history, export)
    assert found_alone == found_among == n
    # Reading every set of the exercise made it about 60 times as many.
    assert among <= alone * 1.25, (alone, among)
