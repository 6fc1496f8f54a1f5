"""Export to Strong/Hevy and back: exact headers, same sets, idempotent import."""

from __future__ import annotations

import sqlite3
from collections import deque
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli.main import cli
from voicecoach.journal.store import Journal
from voicecoach.routines.catalog import load
from voicecoach.session.answers import parse_answers
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock

STRONG_LB = (
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
    '"Weight (lbs)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"'
)
HEVY_LB = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_lbs,reps,distance_km,duration_seconds,rpe"
)

SETS_SQL = (
    "SELECT exercise, set_no, side, weight, level, reps, rir FROM sets"
    " ORDER BY exercise, set_no, side"
)


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """A journal with one completed (not dry-run) session of pull-day, on virtual time."""
    db = tmp_path / "src.sqlite3"
    j = Journal(db)
    env = Environment(
        clock=FakeClock(),
        voice=Voice(EstimateRenderer()),
        journal=j,
        answers=deque(parse_answers("2,1,3,8:0,2,-,2,1,2,0,2")),
        virtual=True,
    )
    assert Session(load("pull-day"), env).run().status == "completed"
    j.close()
    return db


@pytest.mark.parametrize(("fmt", "header"), [("strong", STRONG_LB), ("hevy", HEVY_LB)])
def test_round_trip(journal: Path, tmp_path: Path, fmt: str, header: str) -> None:
    """Export, then import into an empty database, gives back the same sets."""
    out = tmp_path / f"{fmt}.csv"
    r = CliRunner().invoke(cli, ["export", "--format", fmt, "--db", str(journal), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[0] == header
    empty = tmp_path / "empty.sqlite3"
    r = CliRunner().invoke(cli, ["import", str(out), "--db", str(empty)])
    assert r.exit_code == 0, r.output
    original = sqlite3.connect(journal).execute(SETS_SQL).fetchall()
    imported = sqlite3.connect(empty).execute(SETS_SQL).fetchall()
    assert imported == original and len(original) > 10


def test_import_twice_adds_nothing(journal: Path, tmp_path: Path) -> None:
    """Importing the same file again reports the workout as already there."""
    out = tmp_path / "s.csv"
    CliRunner().invoke(cli, ["export", "--format", "strong", "--db", str(journal), "-o", str(out)])
    target = tmp_path / "t.sqlite3"
    CliRunner().invoke(cli, ["import", str(out), "--db", str(target)])
    r = CliRunner().invoke(cli, ["import", str(out), "--db", str(target)])
    assert "0 sets" in r.output and "already there" in r.output
    assert sqlite3.connect(target).execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1


def test_kg_header_and_unmatched_names(tmp_path: Path) -> None:
    """A kg Strong file imports; names not in the library are listed."""
    csv = tmp_path / "strong.csv"
    csv.write_text(
        '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
        '"Weight (kg)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n'
        '"1";"2026-01-05 18:00:00";"Pull";"3600";"Deadlift (Barbell)";"1";"140";"5";"8";"";"";'
        '"";""\n'
        '"1";"2026-01-05 18:00:00";"Pull";"3600";"Zercher Squat";"1";"80";"5";"";"";"";"";""\n'
    )
    db = tmp_path / "j.sqlite3"
    r = CliRunner().invoke(cli, ["import", str(csv), "--db", str(db)])
    assert r.exit_code == 0 and "Zercher Squat" in r.output
    row = (
        sqlite3.connect(db)
        .execute("SELECT exercise, weight, unit, rir FROM sets ORDER BY id")
        .fetchone()
    )
    assert row == ("deadlift", 140.0, "kg", 2)


def test_malformed_csv_names_line_and_imports_nothing(tmp_path: Path) -> None:
    """A bad line fails the whole import with file:line, and the database is unchanged."""
    csv = tmp_path / "hevy.csv"
    csv.write_text(
        HEVY_LB.replace("weight_lbs", "weight_kg") + "\n"
        "Pull,5 Jan 2026, 18:00,5 Jan 2026, 19:00,,Kroc Row,,,0,normal,30,12,,,8\n"
        "Pull,nonsense,,,,,,,,,,,,\n"
    )
    db = tmp_path / "j.sqlite3"
    r = CliRunner().invoke(cli, ["import", str(csv), "--db", str(db)])
    assert r.exit_code == 2
    assert f"{csv}:2" in r.stderr or f"{csv}:3" in r.stderr
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 0


def test_history_plot_and_json(journal: Path) -> None:
    """history --exercise shows a plot; --json gives the same sets as data."""
    r = CliRunner().invoke(cli, ["history", "--exercise", "kroc-row", "--db", str(journal)])
    assert r.exit_code == 0 and "Working load per session" in r.output
    j = CliRunner().invoke(
        cli, ["history", "--exercise", "kroc-row", "--json", "--db", str(journal)]
    )
    import json

    rows = json.loads(j.output)
    assert rows[0]["weight"] == 70 and rows[0]["e1rm"] > 70
