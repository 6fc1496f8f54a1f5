"""Imported warm-up, drop and failure sets are numbered apart from the working sets."""

from __future__ import annotations

import json
from pathlib import Path

from journal_helpers import rows, run

DATA = Path(__file__).parent.parent / "data" / "imports"


def _history(db: Path, exercise: str) -> list[tuple[str, int]]:
    r = run("history", "--exercise", exercise, "--json", "--db", db)
    assert r.exit_code == 0, r.output + r.stderr
    return [(s["kind"], s["set"]) for s in json.loads(r.output)]


def test_a_strong_warmup_is_not_set_one(tmp_path: Path) -> None:
    """Strong's ``W`` row comes first; the working sets after it are 1 and 2, in text and JSON."""
    db = tmp_path / "j.sqlite3"
    assert run("import", DATA / "strong_2023.csv", "--db", db).exit_code == 0
    assert _history(db, "deadlift") == [("warmup", 1), ("working", 1), ("working", 2),
                                        ("working", 1)]  # fmt: skip
    text = run("history", "--exercise", "deadlift", "--db", db).output.splitlines()
    assert text[:3] == [
        "2023-01-05  warm-up 1: 60 kg × 5 @ RIR ?",
        "2023-01-05  set 1: 140 kg × 5 @ RIR 2  e1RM 172.7",
        "2023-01-05  set 2: 140 kg × 5 @ RIR 0.5  e1RM 165.7",
    ]
    assert _history(db, "barbell-row") == [("working", 1), ("drop", 1)]
    assert _history(db, "pull-up") == [("working", 1), ("failure", 1)]
    pull_ups = run("history", "--exercise", "pull-up", "--db", db).output
    assert "2023-01-05  failure 1: bodyweight × 6 @ RIR 0" in pull_ups


def test_hevy_set_types_are_numbered_each_on_their_own(tmp_path: Path) -> None:
    """Two warm-ups, three working sets, a drop and a failure set of one exercise."""
    header = (DATA / "hevy_same_as_strong.csv").read_text().splitlines()[0]
    kinds = ["warmup", "warmup", "normal", "normal", "normal", "dropset", "failure"]
    lines = [
        f'Pull,"5 Jan 2026, 18:00",,,Deadlift (Barbell),,,{i},{kind},{60 + 10 * i},5,,,'
        for i, kind in enumerate(kinds)
    ]
    f = tmp_path / "h.csv"
    f.write_text("\n".join([header, *lines]) + "\n")
    db = tmp_path / "j.sqlite3"
    r = run("import", f, "--db", db)
    assert r.exit_code == 0, r.output + r.stderr
    expected = [("warmup", 1), ("warmup", 2), ("working", 1), ("working", 2), ("working", 3),
                ("drop", 1), ("failure", 1)]  # fmt: skip
    assert rows(db, "SELECT kind, set_no FROM sets ORDER BY position") == expected
    assert _history(db, "deadlift") == expected
    text = run("history", "--exercise", "deadlift", "--db", db).output
    assert "warm-up 2: 70 kg × 5" in text and "set 3: 100 kg × 5" in text
    assert "drop 1: 110 kg × 5" in text and "failure 1: 120 kg × 5" in text


def test_history_finds_an_exercise_by_the_name_the_app_exported(tmp_path: Path) -> None:
    """Strong's "Bent Over Row (Barbell)" is journaled as the library's barbell-row; the
    lifter who asks for it by the app's name gets the same sets, not "No sets yet"."""
    db = tmp_path / "j.sqlite3"
    assert run("import", DATA / "strong_2023.csv", "--db", db).exit_code == 0
    by_app = run("history", "--exercise", "bent over row (barbell)", "--db", db)
    assert by_app.exit_code == 0
    assert by_app.output == run("history", "--exercise", "barbell-row", "--db", db).output
    assert "No sets" not in by_app.output
    assert _history(db, "Bent Over Row (Barbell)") == [("working", 1), ("drop", 1)]
    missing = run("history", "--exercise", "Bent Over Row (Cable)", "--db", db)
    assert missing.exit_code == 0 and "No sets of 'Bent Over Row (Cable)' yet" in missing.output
