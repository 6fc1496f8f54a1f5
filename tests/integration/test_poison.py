"""Poisoned imports, bad stored rows, formula injection, damaged and old journals."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli.main import cli
from voicecoach.journal.store import SCHEMA_VERSION, Journal

STRONG = (
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
    '"Weight (lbs)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"'
)
ROUTINE = """\
name: Poison
exercises:
  - {use: kroc-row, sets: 2, reps: 10-20, load: 70 lb, rest: 30s}
"""


def _row(name: str = "Kroc row", weight: str = "70", reps: str = "12", rpe: str = "8") -> str:
    cells = [
        "1",
        "2026-01-01 10:00:00",
        "Pull",
        "600",
        name,
        "1",
        weight,
        reps,
        rpe,
        "",
        "",
        "",
        "",
    ]
    return ";".join(f'"{c}"' for c in cells)


def _invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def _count(db: Path) -> int:
    return sqlite3.connect(db).execute("SELECT COUNT(*) FROM sets").fetchone()[0]


POISON = {
    "nan weight": {"weight": "NaN"},
    "inf weight": {"weight": "inf"},
    "negative weight": {"weight": "-500"},
    "absurd weight": {"weight": "1e308"},
    "nan rpe": {"rpe": "nan"},
    "negative reps": {"reps": "-3"},
    "long name": {"name": "x" * 5000},
}


@pytest.mark.parametrize("case", list(POISON))
def test_poisoned_row_is_refused_with_its_line(tmp_path: Path, case: str) -> None:
    """Each poisoned value is refused as FILE:LINE: what; the good row before it is kept."""
    db = tmp_path / "j.sqlite3"
    csv_file = tmp_path / "strong.csv"
    csv_file.write_text("\n".join([STRONG, _row(), _row(**POISON[case])]) + "\n")
    r = _invoke("import", str(csv_file), "--db", str(db))
    assert r.exit_code == 0
    assert f"{csv_file}:3: " in r.stderr and "skipped 1 bad row;" in r.stdout
    assert "internal error" not in r.stderr
    assert _count(db) == 1


@pytest.mark.parametrize("case", list(POISON))
def test_poisoned_csv_with_strict_adds_nothing(tmp_path: Path, case: str) -> None:
    """--strict: one poisoned value refuses the whole file, exit 2, the good row not kept."""
    db = tmp_path / "j.sqlite3"
    csv_file = tmp_path / "strong.csv"
    csv_file.write_text("\n".join([STRONG, _row(), _row(**POISON[case])]) + "\n")
    r = _invoke("import", str(csv_file), "--strict", "--db", str(db))
    assert r.exit_code == 2
    assert f"{csv_file}:3: " in r.stderr and "nothing was imported" in r.stderr
    assert _count(db) == 0


def test_a_refused_value_names_its_column_once(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    csv_file = tmp_path / "strong.csv"
    rows = [_row(reps="-3"), _row(weight="-500"), _row(rpe="nan"), _row(weight="abc")]
    csv_file.write_text("\n".join([STRONG, *rows]) + "\n")
    r = _invoke("import", str(csv_file), "--db", str(db))
    assert r.exit_code == 0
    assert f"{csv_file}:2: reps -3 is negative\n" in r.stderr
    assert f"{csv_file}:3: weight -500 is negative" in r.stderr
    assert f"{csv_file}:4: RPE: 'nan' is not a finite number\n" in r.stderr
    assert f"{csv_file}:5: weight: 'abc' is not a number\n" in r.stderr


def test_dry_run_works_after_a_refused_import(tmp_path: Path) -> None:
    """A refused NaN import leaves the journal usable: a dry run afterwards completes."""
    db = tmp_path / "j.sqlite3"
    csv_file = tmp_path / "strong.csv"
    csv_file.write_text("\n".join([STRONG, _row(weight="NaN")]) + "\n")
    assert _invoke("import", str(csv_file), "--strict", "--db", str(db)).exit_code == 2
    routine = tmp_path / "r.yaml"
    routine.write_text(ROUTINE)
    r = _invoke("run", str(routine), "--dry-run", "--engine", "estimate", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "seventy pounds" in r.stdout


def _poison_row(db: Path, load: str, weight: float | None) -> None:
    """A bad row as an older version (or a hand edit) could have left it, via sqlite3 directly."""
    Journal(db).close()
    con = sqlite3.connect(db)
    con.execute(
        "INSERT INTO sessions (routine_name, started_at, ended_at, status)"
        " VALUES ('Old', '2026-01-01T10:00:00', '2026-01-01T11:00:00', 'completed')"
    )
    con.execute(
        "INSERT INTO sets (session_id, position, exercise, exercise_name, set_no,"
        " prescribed_load, load, weight, unit, reps, rir, started_at, ended_at, next_load)"
        " VALUES (1, 0, 'kroc-row', 'Kroc row', 1, ?, ?, ?, 'lb', 12, 2,"
        " '2026-01-01T10:00:00', '2026-01-01T10:01:00', ?)",
        (load, load, weight, load),
    )
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("load", "weight"),
    [
        ('{"kind": "weight", "amount": NaN, "unit": "lb"}', None),
        ('{"kind": "weight", "amount": -500, "unit": "lb"}', -500.0),
        ('{"kind": "weight", "amount": 1e308, "unit": "lb"}', 1e308),
        ("not json", None),
    ],
)
def test_a_bad_stored_row_is_skipped_with_a_warning(tmp_path: Path, load: str, weight) -> None:  # type: ignore[no-untyped-def]
    """A NaN/negative/absurd stored load never crashes a dry run, history or export."""
    db = tmp_path / "j.sqlite3"
    _poison_row(db, load, weight)
    routine = tmp_path / "r.yaml"
    routine.write_text(ROUTINE)
    r = _invoke("run", str(routine), "--dry-run", "--engine", "estimate", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "skipped set 1 of kroc-row" in r.stderr
    assert "seventy pounds" in r.stdout  # the routine's own load, not the poisoned one
    for args in (["history", "--exercise", "kroc-row"], ["export", "--format", "strong"]):
        out = _invoke(*args, "--db", str(db))
        assert out.exit_code == 0, out.output
        assert "skipped set 1" in out.stderr


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "'=quoted"]


@pytest.mark.parametrize("fmt", ["strong", "hevy"])
def test_export_has_no_live_formula_and_round_trips(tmp_path: Path, fmt: str) -> None:
    """Names starting with = + - @ tab CR are exported quoted, and import gives them back."""
    src = tmp_path / "src.sqlite3"
    j = Journal(src)
    from voicecoach.journal.store import SetRecord
    from voicecoach.routines.loads import Bodyweight, Weight

    for n, name in enumerate(FORMULAS):
        sid = j.begin(name, "", "", f"2026-01-{n + 1:02d}T10:00:00")
        load = Bodyweight(30.0, "lb") if n == 0 else Weight(70.0, "lb")
        j.record(
            sid,
            SetRecord(
                0,
                "x",
                name,
                1,
                "",
                load,
                8,
                12,
                None,
                load,
                10,
                2,
                None,
                f"2026-01-{n + 1:02d}T10:00:00",
                f"2026-01-{n + 1:02d}T10:01:00",
                load,
            ),
        )
        j.finish(sid, f"2026-01-{n + 1:02d}T11:00:00", "completed")
    j.close()
    out = tmp_path / "out.csv"
    assert _invoke("export", "--format", fmt, "--db", str(src), "-o", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";" if fmt == "strong" else ","))
    header, body = rows[0], rows[1:]
    text_cols = [
        header.index(c)
        for c in header
        if c
        in ("Workout Name", "Exercise Name", "Notes", "title", "exercise_title", "exercise_notes")
    ]
    for row in body:
        for i in text_cols:
            assert not row[i].startswith(("=", "+", "-", "@", "\t", "\r")), row[i]
    weight_col = header.index("Weight (lbs)" if fmt == "strong" else "weight_lbs")
    assert body[0][weight_col] == "30"  # a number stays a number, not a quoted text
    dst = tmp_path / "dst.sqlite3"
    r = _invoke("import", str(out), "--db", str(dst))
    assert r.exit_code == 0, r.output
    names = [
        n for (n,) in sqlite3.connect(dst).execute("SELECT exercise_name FROM sets ORDER BY id")
    ]
    assert names == FORMULAS


def _damage(db: Path) -> None:
    """Overwrite bytes in the middle of the file, as a failing disk would."""
    data = bytearray(db.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle + 8 : middle + 600] = b"\xa5" * 592
    db.write_bytes(bytes(data))


def _journal_with_sets(db: Path, sessions: int = 60) -> None:
    j = Journal(db)
    from voicecoach.journal.store import SetRecord
    from voicecoach.routines.loads import Weight

    j.db.execute("BEGIN")
    for s in range(sessions):
        sid = j.begin("Pull", "", "", f"2026-01-01T{s // 60:02d}:{s % 60:02d}:00")
        for k in range(20):
            w = Weight(50.0 + k, "lb")
            j.record(
                sid,
                SetRecord(
                    k,
                    "kroc-row",
                    "Kroc row " + "x" * 100,
                    1,
                    "",
                    w,
                    8,
                    12,
                    None,
                    w,
                    10,
                    2,
                    None,
                    "2026-01-01T10:00:00",
                    "2026-01-01T10:01:00",
                    w,
                ),
            )
        j.finish(sid, "2026-01-01T11:00:00", "completed")
    j.db.execute("COMMIT")
    j.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    j.close()


def test_damaged_journal_gives_a_clear_message_and_check_salvages(tmp_path: Path) -> None:
    """Bytes overwritten mid-file: history names the path and the salvage command, no
    internal error; 'journal check --salvage' copies the readable sets into a new file."""
    db = tmp_path / "j.sqlite3"
    _journal_with_sets(db)
    _damage(db)
    before = db.read_bytes()
    r = _invoke("export", "--format", "json", "--db", str(db))
    assert r.exit_code == 1
    assert str(db) in r.stderr and "voicecoach journal salvage" in r.stderr
    assert "internal error" not in r.stderr
    check = _invoke("journal", "check", "--salvage", "--db", str(db))
    assert check.exit_code == 1
    assert "DAMAGED" in check.stdout and "salvaged" in check.stdout
    assert db.read_bytes() == before  # the damaged journal is never rewritten
    saved = next(tmp_path.glob("j.salvaged-*.sqlite3"))
    con = sqlite3.connect(saved)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = con.execute("SELECT COUNT(*) FROM sets").fetchone()[0]
    assert 1000 <= kept < 1200  # most of the 1,200 sets; those on the damaged page are lost
    assert _invoke("history", "--db", str(saved)).exit_code == 0


def test_check_says_ok_for_an_intact_journal(tmp_path: Path) -> None:
    """'journal check' on a healthy journal exits 0 and counts its sets."""
    db = tmp_path / "j.sqlite3"
    _journal_with_sets(db, sessions=2)
    r = _invoke("journal", "check", "--db", str(db), "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["ok"] is True and json.loads(r.stdout)["sets"] == 40


def test_version_zero_journal_with_tables_is_adopted(tmp_path: Path) -> None:
    """A journal whose user_version is 0 but which has the tables is adopted, sets kept."""
    db = tmp_path / "j.sqlite3"
    _journal_with_sets(db, sessions=1)
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 0")
    con.execute("DROP INDEX IF EXISTS sets_by_name")
    con.commit()
    con.close()
    j = Journal(db)
    assert j.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert j.db.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 20
    j.close()


def test_a_backup_is_taken_at_session_start_and_three_are_kept(tmp_path: Path) -> None:
    """Each real session start backs the journal up with SQLite's backup API; 3 are kept."""
    from voicecoach.journal import repair as journal_repair

    db = tmp_path / "j.sqlite3"
    _journal_with_sets(db, sessions=1)
    j = Journal(db)
    for _ in range(5):
        journal_repair.backup(j)
    j.close()
    kept = journal_repair.backups(db)
    assert len(kept) == 3
    con = sqlite3.connect(kept[-1])
    assert con.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 20
