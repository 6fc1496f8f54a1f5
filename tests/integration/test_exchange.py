"""Export to Strong/Hevy/JSON and import back: real SQLite files through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import journal_of_one_session
from journal_helpers import rows, run
from voicecoach.cli.main import cli
from voicecoach.journal.store import Journal

DATA = Path(__file__).parent.parent / "data" / "imports"
STRONG_LB = (
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
    '"Weight (lbs)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"'
)
HEVY_LB = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_lbs,reps,distance_miles,duration_seconds,rpe"
)
# What a CSV keeps of a set (sides and band levels only the JSON document keeps).
CSV_SQL = "SELECT exercise, weight, reps, rir FROM sets ORDER BY exercise, weight, reps, rir"
# What an app's history must come back with, through any chain of exports.
KEPT_SQL = (
    "SELECT s.started_at, t.exercise, t.original_name, t.kind, t.weight, t.unit, t.reps, t.rir,"
    " t.hold_done, t.distance, t.notes FROM sets t JOIN sessions s ON s.id = t.session_id"
    " ORDER BY s.started_at, t.id"
)


def imported(tmp_path: Path, *files: str, name: str = "j.sqlite3") -> Path:
    db = tmp_path / name
    for f in files:
        r = run("import", DATA / f, "--db", db)
        assert r.exit_code == 0, r.output + r.stderr
    return db


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """A journal with one completed (not dry-run) session of pull-day, on virtual time."""
    return journal_of_one_session(tmp_path / "src.sqlite3", "pull-day", "2,1,3,8:0,2,-,2,1,2,0,2")


@pytest.mark.parametrize(("fmt", "header"), [("strong", STRONG_LB), ("hevy", HEVY_LB)])
def test_csv_round_trip_of_a_voicecoach_session(
    journal: Path, tmp_path: Path, fmt: str, header: str
) -> None:
    """Export in the journal's own unit (lb here), import into an empty journal: same sets."""
    out = tmp_path / f"{fmt}.csv"
    r = run("export", "--format", fmt, "--db", journal, "-o", out)
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[0] == header
    empty = tmp_path / "empty.sqlite3"
    r = run("import", out, "--db", empty)
    assert r.exit_code == 0, r.output + r.stderr
    original = rows(journal, CSV_SQL)
    assert rows(empty, CSV_SQL) == original and len(original) > 10


def test_json_document_round_trip_is_lossless(journal: Path, tmp_path: Path) -> None:
    """The versioned JSON document brings back every column, sides and levels included."""
    out = tmp_path / "j.json"
    assert run("export", "--format", "json", "--db", journal, "-o", out).exit_code == 0
    doc = json.loads(out.read_text())
    assert (doc["format"], doc["version"]) == ("voicecoach-journal", 1)
    first = doc["sessions"][0]["sets"][0]
    assert {"exercise", "original_name", "kind", "load", "reps", "rir"} <= set(first)
    assert set(first["load"]) >= {"kind"}
    empty = tmp_path / "empty.sqlite3"
    r = run("import", out, "--db", empty)
    assert r.exit_code == 0, r.output + r.stderr
    every = (
        "SELECT position, exercise, exercise_name, set_no, side, prescribed_load, target_low,"
        " target_high, target_hold, load, weight, unit, level, reps, rir, hold_done, started_at,"
        " ended_at, next_load, next_rep_bonus, kind, original_name FROM sets ORDER BY id"
    )
    assert rows(empty, every) == rows(journal, every)
    session = "SELECT routine_name, started_at, ended_at, status FROM sessions"
    assert rows(empty, session) == rows(journal, session)


def test_import_twice_adds_nothing(journal: Path, tmp_path: Path) -> None:
    """Importing the same file again finds every set already there."""
    out = tmp_path / "s.csv"
    run("export", "--format", "strong", "--db", journal, "-o", out)
    target = tmp_path / "t.sqlite3"
    run("import", out, "--db", target)
    r = run("import", out, "--db", target)
    assert "imported 0 sets in 0 new workouts" in r.output
    assert rows(target, "SELECT COUNT(*) FROM sessions") == [(1,)]
    (sets,) = rows(target, "SELECT COUNT(*) FROM sets")[0]
    assert f"; {sets} already in the journal;" in r.output and sets > 10


# --- 1: the format is found from the header's names ---------------------------------------


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("strong_2023.csv", "strong"),  # comma, BOM, CRLF, RPE after the notes, no unit
        ("strong_semicolon.csv", "strong"),  # semicolons, a unit column
        ("strong_old.csv", "strong"),  # quoted, the unit in the weight header
        ("hevy_same_as_strong.csv", "hevy"),
        ("hevy_2026.csv", "hevy"),
    ],
)
def test_every_real_header_is_recognised_by_its_names(
    tmp_path: Path, fixture: str, fmt: str
) -> None:
    db = imported(tmp_path, fixture)
    assert rows(db, "SELECT DISTINCT source FROM sessions") == [(fmt,)]
    assert rows(db, "SELECT COUNT(*) FROM sets")[0][0] >= 2


def test_columns_are_read_by_name_not_position(tmp_path: Path) -> None:
    """strong_2023.csv puts RPE last: RPE 8 is still RIR 2 on the right set."""
    db = imported(tmp_path, "strong_2023.csv")
    got = rows(db, "SELECT weight, reps, rir FROM sets WHERE exercise = 'deadlift' AND rir = 2")
    assert got == [(140.0, 5, 2.0)]


def test_unknown_header_lists_what_was_expected(tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("when,what,how much\n2024-01-01,row,50\n")
    r = run("import", bad, "--db", tmp_path / "j.sqlite3")
    assert r.exit_code == 2
    assert f"{bad}:1: not a Strong or Hevy export" in r.stderr
    assert "Set Order" in r.stderr and "weight_kg" in r.stderr


# --- 2, 3: set kinds; only working sets seed and count ------------------------------------


def test_warmup_drop_failure_rest_and_note_rows(tmp_path: Path) -> None:
    db = imported(tmp_path, "strong_2023.csv")
    kinds = rows(db, "SELECT kind, COUNT(*) FROM sets GROUP BY kind ORDER BY kind")
    assert kinds == [("drop", 1), ("failure", 1), ("warmup", 1), ("working", 7)]
    assert rows(db, "SELECT COUNT(*) FROM sets WHERE hold_done = 180") == [(0,)]  # rest timer
    notes = rows(db, "SELECT notes FROM sessions ORDER BY started_at")[0][0]
    assert "Felt strong" in notes and "Bent Over Row (Barbell): weight: 500; set: 99" in notes


def test_only_working_sets_seed_the_next_session(tmp_path: Path) -> None:
    """The row's drop set at 40 kg comes last; the next session starts from 62.5 kg."""
    db = imported(tmp_path, "hevy_same_as_strong.csv")
    j = Journal(db)
    try:
        found = j.carried_load("barbell-row", include_dry_runs=False)
        assert found is not None and (found[0].amount, found[0].unit) == (62.5, "kg")  # type: ignore[union-attr]
    finally:
        j.close()


def test_history_e1rm_counts_working_sets_only(tmp_path: Path) -> None:
    db = imported(tmp_path, "hevy_same_as_strong.csv")
    r = run("history", "--exercise", "deadlift", "--json", "--db", db)
    sets = json.loads(r.output)
    assert [(s["kind"], s["e1rm"] is None) for s in sets] == [
        ("warmup", True),
        ("working", False),
        ("working", False),
    ]
    text = run("history", "--exercise", "deadlift", "--db", db).output
    assert "warm-up 1: 60 kg × 5" in text


def test_migration_from_version_2_keeps_sets_as_working(tmp_path: Path) -> None:
    """A journal written before set kinds: its sets become working, RIR becomes REAL."""
    from voicecoach.journal.store import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "PRAGMA user_version = 2;")
    con.execute(
        "INSERT INTO sessions (routine_name, started_at, status) VALUES ('A', '2025-01-01', "
        "'completed')"
    )
    con.execute(
        "INSERT INTO sets (session_id, position, exercise, exercise_name, set_no,"
        " prescribed_load, load, weight, unit, reps, rir, started_at, ended_at) VALUES"
        " (1, 0, 'deadlift', 'Deadlift', 1, '{}', ?, 100, 'kg', 5, 2, 'x', 'x')",
        ('{"kind": "weight", "amount": 100, "unit": "kg"}',),
    )
    con.commit()
    con.close()
    j = Journal(path)
    j.close()
    assert rows(path, "SELECT kind, original_name, rir FROM sets") == [("working", "Deadlift", 2)]
    types = {r[1]: r[2] for r in rows(path, "PRAGMA table_info(sets)")}
    assert types["rir"] == "REAL" and types["kind"] == "TEXT"
    assert rows(path, "SELECT COUNT(*) FROM name_map") == [(0,)]


# --- 4: RPE to the half --------------------------------------------------------------------


def test_rpe_nine_and_a_half_is_rir_one_half(tmp_path: Path) -> None:
    db = imported(tmp_path, "hevy_2026.csv")
    assert rows(db, "SELECT rir FROM sets WHERE exercise = 'barbell-row' AND kind = 'working'") == [
        (0.5,)
    ]
    r = run("history", "--exercise", "barbell-row", "--db", db)
    assert "RIR 0.5" in r.output


def test_a_mistyped_history_exercise_says_what_the_journal_holds(tmp_path: Path) -> None:
    from helpers import run_voicecoach, voicecoach_env

    db = imported(tmp_path, "hevy_2026.csv")
    env = voicecoach_env(tmp_path / "home")
    typo = run_voicecoach(["history", "--exercise", "barbel-row", "--db", str(db)], env)
    assert typo.returncode == 0, typo.stderr
    assert typo.stdout == "No sets of 'barbel-row' yet; did you mean 'barbell-row'?\n"
    far = run_voicecoach(["history", "--exercise", "zercher-carry", "--db", str(db)], env)
    assert far.stdout == "No sets of 'zercher-carry' yet.\n"


# --- 5: dates ------------------------------------------------------------------------------


def test_hevy_2026_month_first_twelve_hour_dates(tmp_path: Path) -> None:
    db = imported(tmp_path, "hevy_2026.csv")
    assert rows(db, "SELECT started_at, ended_at FROM sessions ORDER BY started_at") == [
        ("2026-05-07T06:13:00", "2026-05-07T07:20:00"),
        ("2026-05-07T19:05:00", "2026-05-07T20:00:00"),
    ]


def test_strong_twelve_hour_date_with_narrow_space(tmp_path: Path) -> None:
    db = imported(tmp_path, "strong_semicolon.csv")
    starts = [r[0] for r in rows(db, "SELECT started_at FROM sessions ORDER BY started_at")]
    assert starts == ["2024-03-02T09:15:00", "2024-03-04T18:10:00"]


def test_non_english_month_is_one_line_and_the_row_skipped(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    f = DATA / "hevy_spanish.csv"
    r = run("import", f, "--db", db)
    assert r.exit_code == 0
    assert f"{f}:2: date '7 mayo 2026, 06:13': 'mayo' is not an English month name" in r.stderr
    assert rows(db, "SELECT started_at FROM sessions") == [("2026-05-08T06:13:00",)]
    assert "skipped 1 bad row;" in r.output


# --- 8: a timer left running; a decimal comma ----------------------------------------------


def test_timer_left_running_is_kept_and_decimal_comma_read(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    r = run("import", DATA / "strong_2023.csv", "--db", db)
    assert r.exit_code == 0 and "1 workout had a timer left running" in r.output
    assert rows(db, "SELECT started_at, ended_at FROM sessions ORDER BY started_at") == [
        ("2023-01-05T18:02:11", "2023-01-05T19:40:11"),
        ("2023-01-08T07:30:00", None),
    ]
    assert rows(
        db, "SELECT weight FROM sets WHERE exercise = 'barbell-row' AND kind = 'working'"
    ) == [(62.5,)]


# --- 9: duplicates by date, exercise and sets, whatever the app ----------------------------


def test_the_same_workouts_from_the_other_app_add_nothing(tmp_path: Path) -> None:
    db = imported(tmp_path, "hevy_same_as_strong.csv")
    before = rows(db, "SELECT COUNT(*) FROM sets")
    r = run("import", DATA / "strong_2023.csv", "--db", db)
    assert r.exit_code == 0
    assert "7 already in the journal" in r.output
    # Only the second workout (not in the Hevy file) and nothing of the first is added.
    after = rows(db, "SELECT COUNT(*) FROM sets")
    assert after[0][0] == before[0][0] + 3
    assert rows(db, "SELECT COUNT(*) FROM sessions") == [(2,)]


# --- 10: notes are text, never settings ----------------------------------------------------


def test_notes_that_look_like_settings_stay_text(tmp_path: Path) -> None:
    db = imported(tmp_path, "strong_2023.csv")
    got = rows(db, "SELECT load, set_no, notes FROM sets WHERE notes LIKE 'grip%'")
    assert got == [
        ('{"kind": "weight", "amount": 140.0, "unit": "kg"}', 2, "grip slipped; bodyweight; set: 7")
    ]


# --- bad rows, --strict --------------------------------------------------------------------


def bad_file(tmp_path: Path) -> Path:
    f = tmp_path / "hevy.csv"
    header = (DATA / "hevy_same_as_strong.csv").read_text().splitlines()[0]
    f.write_text(
        header + "\n"
        'Pull,"5 Jan 2026, 18:00","5 Jan 2026, 19:00",,Kroc Row,,,0,normal,30,12,,,8\n'
        "Pull,nonsense,,,,,,,,,,,,\n"
        'Pull,"5 Jan 2026, 18:00","5 Jan 2026, 19:00",,Kroc Row,,,1,normal,nan,12,,,8\n'
        'Pull,"5 Jan 2026, 18:00","5 Jan 2026, 19:00",,Kroc Row,,,2,normal,-5,12,,,8\n'
        'Pull,"5 Jan 2026, 18:00","5 Jan 2026, 19:00",,Kroc Row,,,3,normal,30,12,,,\n'
    )
    return f


def test_bad_rows_are_listed_and_skipped(tmp_path: Path) -> None:
    f, db = bad_file(tmp_path), tmp_path / "j.sqlite3"
    r = run("import", f, "--db", db)
    assert r.exit_code == 0
    lines = r.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{f}:3", f"{f}:4", f"{f}:5"]
    assert "not a finite number" in lines[1] and "negative" in lines[2]
    assert rows(db, "SELECT COUNT(*) FROM sets") == [(2,)]


def test_strict_imports_nothing_when_a_row_is_bad(tmp_path: Path) -> None:
    f, db = bad_file(tmp_path), tmp_path / "j.sqlite3"
    r = run("import", f, "--strict", "--db", db)
    assert r.exit_code == 2
    assert f"{f}:3:" in r.stderr and "nothing was imported" in r.stderr
    assert rows(db, "SELECT COUNT(*) FROM sets") == [(0,)]


# --- unknown names and --map ---------------------------------------------------------------


def test_unknown_names_listed_mapped_and_remembered(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    r = run("import", DATA / "hevy_2026.csv", "--db", db)
    assert "Farmers Walk Deluxe (1 set)" in r.output and "1 unknown name" in r.output
    again = tmp_path / "k.sqlite3"
    r = run(
        "import", DATA / "hevy_2026.csv", "--map", "Farmers Walk Deluxe=kroc-row", "--db", again
    )
    assert r.exit_code == 0 and "0 unknown names" in r.output
    assert rows(
        again, "SELECT exercise, original_name FROM sets WHERE original_name LIKE 'Farm%'"
    ) == [("kroc-row", "Farmers Walk Deluxe")]
    # A later import (without --map) remembers the answer.
    r = run("import", DATA / "hevy_2026.csv", "--db", again)
    assert "0 unknown names" in r.output
    assert rows(again, "SELECT name, exercise FROM name_map") == [
        ("Farmers Walk Deluxe", "kroc-row")
    ]


def test_map_file_and_a_wrong_id(tmp_path: Path) -> None:
    maps = tmp_path / "names.txt"
    maps.write_text("# my names\nZercher Carry Deluxe = deadlift\n")
    db = tmp_path / "j.sqlite3"
    r = run("import", DATA / "strong_2023.csv", "--map-file", maps, "--db", db)
    assert r.exit_code == 0
    assert rows(db, "SELECT exercise FROM sets WHERE original_name = 'Zercher Carry Deluxe'") == [
        ("deadlift",)
    ]
    r = run("import", DATA / "strong_2023.csv", "--map", "Zercher Carry Deluxe=nope", "--db", db)
    assert r.exit_code == 2 and "'nope' is not an exercise in the library" in r.stderr


# --- 6: bodyweight and its variants --------------------------------------------------------


def test_bodyweight_weighted_and_assisted(tmp_path: Path) -> None:
    db = imported(tmp_path, "strong_2023.csv", "hevy_2026.csv")
    loads = dict(rows(db, "SELECT original_name || ' ' || kind, load FROM sets"))
    assert json.loads(loads["Pull Up working"])["kind"] == "bodyweight"
    assert json.loads(loads["Pull Up (Weighted) working"]) == {
        "kind": "bodyweight",
        "amount": 25.0,
        "unit": "lb",
    }
    assert json.loads(loads["Pull Up (Assisted) working"])["amount"] == -20.0
    j = Journal(db)
    try:  # the weighted set (later, +25 lb) does not become pull-up's starting load
        found = j.carried_load("pull-up", include_dry_runs=False)
        assert found is not None and found[0].amount == 0  # type: ignore[union-attr]
    finally:
        j.close()


def test_summary_says_what_was_seeded_and_what_not(tmp_path: Path) -> None:
    r = run("import", DATA / "hevy_2026.csv", "--db", tmp_path / "j.sqlite3")
    assert "starting loads: barbell-row 155 lb" in r.output
    # A weighted pull-up is its own library exercise: its added load seeds it, not pull-up.
    assert "weighted-pull-up bodyweight + 25 lb" in r.output
    assert "(1 warm-up)" in r.output


# --- 7, 11: what is kept, and the round trips ----------------------------------------------


def test_distance_duration_superset_notes_and_original_name_kept(tmp_path: Path) -> None:
    db = imported(tmp_path, "strong_2023.csv", "hevy_2026.csv")
    sql = (
        "SELECT exercise_name, superset, notes, distance, hold_done FROM sets"
        " WHERE original_name = ? AND kind = 'working'"
    )
    con = sqlite3.connect(db)
    try:
        row = con.execute(sql + " AND unit = 'lb'", ("Bent Over Row (Barbell)",)).fetchone()
        assert row == ("Barbell row", "0", "elbows in", None, None)
        assert con.execute(sql, ("Dead Hang",)).fetchone()[4] == 45
        assert con.execute(sql, ("Farmers Walk Deluxe",)).fetchone()[3] == pytest.approx(80.467)
        assert con.execute(sql, ("Zercher Carry Deluxe",)).fetchone()[3:] == (30.0, 60.0)
        notes = "SELECT notes FROM sessions WHERE routine_name = 'Morning pull'"
        assert con.execute(notes).fetchall() == [("Short on sleep",)]
    finally:
        con.close()
    r = run("history", "--exercise", "barbell-row", "--json", "--db", db)
    assert {s["original_name"] for s in json.loads(r.output)} == {"Bent Over Row (Barbell)"}
    assert {s["name"] for s in json.loads(r.output)} == {"Barbell row"}


@pytest.mark.parametrize(
    ("fixture", "via"),
    [
        ("strong_2023.csv", "strong"),
        ("hevy_2026.csv", "hevy"),
        ("strong_2023.csv", "hevy"),  # Strong -> Hevy -> journal
        ("strong_semicolon.csv", "hevy"),
        ("hevy_2026.csv", "strong"),
    ],
)
def test_app_round_trips_keep_every_set(tmp_path: Path, fixture: str, via: str) -> None:
    """Same sets, kinds, weights and units, reps, RPE to the half, dates to the second."""
    first = imported(tmp_path, fixture)
    out = tmp_path / f"out.{via}.csv"
    assert run("export", "--format", via, "--db", first, "-o", out).exit_code == 0
    second = tmp_path / "second.sqlite3"
    r = run("import", out, "--db", second)
    assert r.exit_code == 0, r.output + r.stderr
    want = rows(first, KEPT_SQL)
    got = rows(second, KEPT_SQL)
    assert [g[:9] for g in got] == [w[:9] for w in want]
    assert [g[9] for g in got] == pytest.approx([w[9] for w in want], abs=0.01)


def test_hevy_export_is_hevy_shaped(tmp_path: Path) -> None:
    """Hevy's own date (no zero before the day), set types, whole seconds; the kg unit kept."""
    db = imported(tmp_path, "strong_2023.csv")
    out = tmp_path / "h.csv"
    assert run("export", "--format", "hevy", "--db", db, "-o", out).exit_code == 0
    text = out.read_text()
    assert text.splitlines()[0].split(",")[9] == "weight_kg"  # the journal's own unit
    assert '"8 Jan 2023, 07:30"' in text and ",warmup," in text and ",dropset," in text
    assert ",50,,0.03,60," in text


def test_hevy_file_comes_back_byte_for_byte(tmp_path: Path) -> None:
    db = imported(tmp_path, "hevy_same_as_strong.csv")
    out = tmp_path / "h.csv"
    assert run("export", "--format", "hevy", "--db", db, "-o", out).exit_code == 0
    assert out.read_text() == (DATA / "hevy_same_as_strong.csv").read_text()


def test_history_plot_and_json(journal: Path) -> None:
    """history --exercise shows a plot; --json gives the same sets as data."""
    r = run("history", "--exercise", "kroc-row", "--db", journal)
    assert r.exit_code == 0 and "Working load per session" in r.output
    j = run("history", "--exercise", "kroc-row", "--json", "--db", journal)
    got = json.loads(j.output)
    assert got[0]["weight"] == 70 and got[0]["e1rm"] > 70 and got[0]["kind"] == "working"


def test_a_kg_history_seeds_a_pound_routine_converted(tmp_path: Path) -> None:
    """145 kg of deadlift in Strong starts a routine written in lb at 320 lb (5 lb steps)."""
    from voicecoach.routines.loader import parse_routine_text
    from voicecoach.session.starting import carried_loads

    db = imported(tmp_path, "strong_2023.csv")
    routine = parse_routine_text(
        "name: D\nexercises:\n  - {use: deadlift, sets: 1, reps: 3-5, load: 200 lb, rest: 30s}\n"
    )
    j = Journal(db)
    try:
        ((load, _),) = carried_loads(j, routine, False).values()
    finally:
        j.close()
    assert (load.amount, load.unit) == (320.0, "lb")  # type: ignore[union-attr]


def test_unit_option_for_a_file_that_names_none(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    r = run("import", DATA / "strong_2023.csv", "--unit", "lb", "--db", db)
    assert r.exit_code == 0 and "assumed" not in r.output and "read as" not in r.output
    assert rows(db, "SELECT DISTINCT unit FROM sets WHERE unit IS NOT NULL") == [("lb",)]


def test_unknown_hevy_set_type_is_a_bad_row(tmp_path: Path) -> None:
    f = tmp_path / "h.csv"
    header = (DATA / "hevy_same_as_strong.csv").read_text().splitlines()[0]
    f.write_text(header + '\nPull,"5 Jan 2026, 18:00",,,Kroc Row,,,0,giant,30,12,,,\n')
    r = run("import", f, "--db", tmp_path / "j.sqlite3")
    assert f"{f}:2: set_type 'giant' is not one of normal, warmup, dropset, failure" in r.stderr


def test_import_help_shows_the_new_options() -> None:
    r = run("import", "--help")
    assert r.exit_code == 0
    assert all(opt in r.output for opt in ("--map", "--map-file", "--strict", "--unit"))


def test_personal_library_aliases_map_imported_names(tmp_path: Path) -> None:
    """An exercise of the lifter's own library takes its aliases' rows, with --library."""
    library = tmp_path / "mine.yaml"
    library.write_text(
        "farmers-walk-deluxe:\n  name: Farmers walk deluxe\n  equipment: [dumbbell]\n"
        "  timed: true\n  aliases: [Farmers Walk Deluxe]\n"
    )
    db = tmp_path / "j.sqlite3"
    r = run("import", DATA / "hevy_2026.csv", "--db", db, "--library", library)
    assert r.exit_code == 0, r.output
    assert "unknown name" not in r.output.replace("0 unknown names", "")
    assert ("farmers-walk-deluxe",) in rows(db, "SELECT DISTINCT exercise FROM sets")


def test_an_absurd_imported_load_is_never_the_next_start(tmp_path: Path) -> None:
    """A 14,999 lb row is kept as history but never spoken as the weight to lift."""
    export = tmp_path / "strong.csv"
    export.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
        "2024-03-01 18:00:00,Pull,1h,Deadlift (Barbell),1,14999,5,0,0,8\n"
    )
    db = tmp_path / "j.sqlite3"
    r = run("import", export, "--db", db, "--unit", "lb")
    assert r.exit_code == 0, r.output
    routine = tmp_path / "pull.yaml"
    routine.write_text(
        "name: Pull\ncount_in: 0\nexercises:\n  - {use: deadlift, sets: 1, reps: 3, load: 225 lb}\n"
    )
    run_ = CliRunner().invoke(
        cli,
        [
            "run",
            str(routine),
            "--dry-run",
            "--engine",
            "estimate",
            "--db",
            str(db),
            "--answers",
            "2",
        ],
    )
    assert run_.exit_code == 0, run_.output
    assert "not starting from 14999 lb, over the routine's limit of 1500 lb" in run_.output
    assert "two hundred twenty-five pounds" in run_.output
    assert "fourteen thousand" not in run_.output
