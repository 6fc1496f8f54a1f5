"""The per-session summary of the sets: current after every kind of write, rebuilt by check.

Real SQLite files throughout; "current" means equal, row for row, to the summary
rebuilt from the sets (``summary.problem`` is None), and history's answers equal
those read from every set.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from voicecoach.cli.main import cli
from voicecoach.journal import history, repair, summary
from voicecoach.journal.safe import FORMAT, set_to_json
from voicecoach.journal.sane import MAX_REPS, MAX_WEIGHT, stored_row_problem
from voicecoach.journal.schema import MIGRATIONS, SCHEMA_VERSION
from voicecoach.journal.store import Journal, SetRecord
from voicecoach.routines.loads import Bodyweight, Level, Load, Unloaded, Weight

DATA = Path(__file__).parent.parent / "data" / "imports"
CAP = max(MAX_WEIGHT.values())
EXERCISES = (("kroc-row", "Kroc row"), ("pull-up", "Pull up"), ("deadlift", "Deadlift"))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def a_set(
    position: int,
    exercise: tuple[str, str] = EXERCISES[0],
    load: Load | None = None,
    reps: int | None = 8,
    rir: float | None = 2,
    kind: str = "working",
    ended: str = "2026-01-01T10:00:00",
) -> SetRecord:
    load = Weight(100.0, "lb") if load is None else load
    return SetRecord(position, exercise[0], exercise[1], 1, "", load, 8, 12, None, load,
                     reps, rir, None, ended, ended, load, kind=kind)  # fmt: skip


def rows_of(db: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT * FROM set_summary ORDER BY 1, 2, 3").fetchall()
    finally:
        con.close()


def assert_current(j: Journal) -> None:
    assert summary.problem(j.db) is None
    groups = j.db.execute("SELECT COUNT(*) FROM set_summary").fetchone()[0]
    expected = j.db.execute(
        "SELECT COUNT(*) FROM (SELECT DISTINCT session_id, exercise, lower(exercise_name)"
        " FROM sets)"
    ).fetchone()[0]
    assert groups == expected


def test_each_recorded_set_updates_its_group(tmp_path: Path) -> None:
    """A session's sets, one at a time: the group's count, last end and best follow."""
    j = Journal(tmp_path / "j.sqlite3")
    sid = j.begin("Pull", "", "", "2026-01-01T10:00:00")
    j.record(sid, a_set(0, load=Weight(100.0, "lb"), ended="2026-01-01T10:01:00"))
    j.record(sid, a_set(1, load=Weight(110.0, "lb"), ended="2026-01-01T10:05:00"))
    j.record(sid, a_set(2, load=Weight(60.0, "lb"), kind="warmup", ended="2026-01-01T10:09:00"))
    j.record(sid, a_set(3, EXERCISES[1], Bodyweight(10.0, "lb")))
    row = j.db.execute(
        "SELECT day, dry_run, sets, last_ended, top_weight, low_weight, top_e1rm"
        " FROM set_summary WHERE exercise = 'kroc-row'"
    ).fetchone()
    # The warm-up counts as a set and an end, not as the heaviest: 110 × (1 + 10/30).
    assert row == ("2026-01-01", 0, 3, "2026-01-01T10:09:00", 110.0, 100.0, 110.0 * (1 + 10 / 30))
    assert_current(j)


def test_a_replaced_set_is_taken_out_of_its_old_group(tmp_path: Path) -> None:
    """INSERT OR REPLACE (a resumed set written again): lower weight, then another exercise."""
    j = Journal(tmp_path / "j.sqlite3")
    sid = j.begin("Pull", "", "", "2026-01-01T10:00:00")
    j.record(sid, a_set(0, load=Weight(100.0, "lb")))
    j.record(sid, a_set(1, load=Weight(140.0, "lb")))
    j.record(sid, a_set(1, load=Weight(90.0, "lb")))  # the heaviest is gone, not kept
    assert j.db.execute("SELECT sets, top_weight FROM set_summary").fetchall() == [(2, 100.0)]
    j.record(sid, a_set(0, EXERCISES[2], Weight(200.0, "lb")))
    assert j.db.execute(
        "SELECT exercise, sets, top_weight FROM set_summary ORDER BY exercise"
    ).fetchall() == [("deadlift", 1, 200.0), ("kroc-row", 1, 90.0)]
    j.db.execute("DELETE FROM sets WHERE exercise = 'deadlift'")
    j.db.execute("UPDATE sets SET exercise_name = 'KROC ROW', weight = 95")
    assert j.db.execute("SELECT exercise, sets, top_weight FROM set_summary").fetchall() == [
        ("kroc-row", 1, 95.0)
    ]
    assert_current(j)


def test_a_session_moved_to_another_day_moves_its_summary(tmp_path: Path) -> None:
    """The summary keeps a copy of the session's day and dry-run flag: an update follows."""
    j = Journal(tmp_path / "j.sqlite3")
    sid = j.begin("Pull", "", "", "2026-01-01T10:00:00", dry_run=True)
    j.record(sid, a_set(0))
    j.db.execute("UPDATE sessions SET started_at = '2026-02-03T08:00:00', dry_run = 0")
    assert j.db.execute("SELECT day, dry_run FROM set_summary").fetchall() == [("2026-02-03", 0)]
    assert_current(j)


def test_imports_keep_the_summary_current(tmp_path: Path) -> None:
    """Strong and Hevy CSVs, then the JSON export read back into a new journal."""
    db = tmp_path / "j.sqlite3"
    for name in ("strong_2023.csv", "hevy_2026.csv", "strong_semicolon.csv"):
        r = run("import", DATA / name, "--db", db)
        assert r.exit_code == 0, r.output + r.stderr
    doc = tmp_path / "all.json"
    assert run("export", "--format", "json", "--db", db, "-o", doc).exit_code == 0
    again = tmp_path / "again.sqlite3"
    r = run("import", doc, "--db", again)
    assert r.exit_code == 0, r.output + r.stderr
    for path in (db, again):
        j = Journal(path)
        assert j.db.execute("SELECT COUNT(*) FROM set_summary").fetchone()[0] > 5
        assert_current(j)
        j.close()
    # The summary tells the same days apart in both files.
    day_rows = "SELECT day, exercise, sets, top_weight FROM set_summary ORDER BY 1, 2, 3, 4"
    assert sqlite3.connect(db).execute(day_rows).fetchall() == (
        sqlite3.connect(again).execute(day_rows).fetchall()
    )


def test_salvage_and_recover_keep_the_summary_current(tmp_path: Path) -> None:
    """A salvaged copy (raw INSERT OR IGNORE of every row) and sets taken from a recovery file."""
    db = tmp_path / "j.sqlite3"
    j = Journal(db)
    for s in range(3):
        sid = j.begin("Pull", "", "", f"2026-01-0{s + 1}T10:00:00")
        for k in range(6):
            j.record(sid, a_set(k, EXERCISES[k % 3], Weight(100.0 + k + s, "kg")))
    j.close()
    report = repair.salvage(db, tmp_path / "saved.sqlite3")
    assert report.rows["sets"] == 18
    saved = Journal(tmp_path / "saved.sqlite3")
    assert_current(saved)
    assert rows_of(tmp_path / "saved.sqlite3") == rows_of(db)
    line = {
        "format": FORMAT,
        "journal": str(saved.path),
        "session": {"routine_name": "Pull", "started_at": "2026-01-02T10:00:00", "id": 2},
        "set": set_to_json(a_set(0, EXERCISES[0], Weight(300.0, "kg"))),
    }
    extra = {**line, "set": set_to_json(a_set(9, EXERCISES[1], Level(("red", "blue"), 1)))}
    file = tmp_path / "j.recovery-1.jsonl"
    file.write_text(json.dumps(line) + "\n" + json.dumps(extra) + "\n")
    assert repair.recover(saved, [file]).sets == 2
    assert saved.db.execute(
        "SELECT top_weight FROM set_summary WHERE session_id = 2 AND exercise = 'kroc-row'"
    ).fetchone() == (300.0,)
    assert_current(saved)


def test_history_reads_from_the_summary_what_the_sets_say(tmp_path: Path) -> None:
    """Random sessions with warm-ups, dry runs, levels, two a day and bad numbers: the plots
    and the listed sessions are those computed from every set."""
    rng = random.Random(7)
    j = Journal(tmp_path / "j.sqlite3", warn=lambda _: None)
    for s in range(150):
        day = f"2025-{1 + s // 28 % 12:02d}-{1 + s % 28:02d}T{8 + s % 2:02d}:00:00"
        sid = j.begin("Pull", "", "", day, dry_run=rng.random() < 0.1)
        for k in range(rng.randint(1, 8)):
            ex = rng.choice(EXERCISES)
            if rng.random() < 0.3:
                ex = (ex[0], ex[1].upper())  # the name in other case
            load: Load = rng.choice(
                [Weight(rng.uniform(20, 200), "kg"), Bodyweight(5.0, "kg"), Unloaded()]
            )
            j.record(sid, a_set(k, ex, load, rng.choice([None, 0, 5, 12]), rng.choice([None, 1.5]),
                                rng.choice(["working", "working", "warmup", "amrap"]),
                                f"{day[:11]}1{k}:00:00"))  # fmt: skip
    # Numbers no voicecoach writes: the sets' own checks leave them out, one set at a time.
    j.db.execute("UPDATE sets SET weight = 1e9 WHERE id % 17 = 0 AND weight IS NOT NULL")
    j.db.execute("UPDATE sets SET reps = -3 WHERE id % 23 = 0")
    j.db.execute("UPDATE sets SET rir = 40 WHERE id % 29 = 0")
    j.db.execute("UPDATE sets SET weight = 'heavy' WHERE id = 31")
    assert_current(j)
    for name in ("kroc-row", "Kroc row", "PULL UP", "deadlift", "nothing"):
        for points in (5, 60):
            assert history.per_session(j, name, points) == from_every_set(j, name, points)
        listed = sorted(r["date"] for r in history.exercise(j, name, 7))
        assert listed == sets_listed(j, name, 7)


def from_every_set(
    j: Journal, name: str, points: int
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The plots as they were computed before the summary: one query over every set."""
    rows = j.query(
        "SELECT substr(s.started_at, 1, 10) AS day, MAX(t.weight) AS w,"
        " MAX(CASE WHEN t.reps > 0 THEN t.weight * (1 + (t.reps + COALESCE(t.rir, 0)) / 30.0)"
        " END) AS e FROM sets t JOIN sessions s ON s.id = t.session_id"
        " WHERE s.dry_run = 0 AND t.kind IN ('working', 'amrap')"
        " AND (t.exercise = ? OR lower(t.exercise_name) = lower(?))"
        " AND t.weight BETWEEN ? AND ? AND (t.reps IS NULL OR t.reps BETWEEN 0 AND ?)"
        " AND (t.rir IS NULL OR t.rir BETWEEN 0 AND 10)"
        " GROUP BY day ORDER BY day DESC LIMIT ?",
        (name, name, -CAP, CAP, MAX_REPS, points),
    )[::-1]
    return (
        [(r["day"], float(r["w"])) for r in rows],
        [(r["day"], round(float(r["e"]), 1)) for r in rows if r["e"] is not None],
    )


def sets_listed(j: Journal, name: str, n: int) -> list[str]:
    """The days of the sets history lists: those of the last ``n`` sessions, bad ones out."""
    picked = [
        r["session_id"]
        for r in j.query(
            "SELECT t.session_id, MAX(t.ended_at) AS last FROM sets t"
            " JOIN sessions s ON s.id = t.session_id WHERE s.dry_run = 0"
            " AND (t.exercise = ? OR lower(t.exercise_name) = lower(?))"
            " GROUP BY t.session_id ORDER BY last DESC LIMIT ?",
            (name, name, n),
        )
    ]
    return sorted(
        r["day"]
        for r in j.query(
            "SELECT t.*, substr(s.started_at, 1, 10) AS day FROM sets t JOIN sessions s"
            " ON s.id = t.session_id WHERE (t.exercise = ? OR lower(t.exercise_name) = lower(?))"
            f" AND t.session_id IN ({','.join(map(str, picked)) or 'NULL'})",
            (name, name),
        )
        if stored_row_problem(r) is None
    )


def test_journal_check_rebuilds_a_damaged_or_missing_summary(tmp_path: Path) -> None:
    """A row changed by hand, a dropped trigger, the table dropped: check says so and
    rebuilds; history then answers as before; an intact summary is left as it is."""
    db = tmp_path / "j.sqlite3"
    j = Journal(db)
    for s in range(4):
        sid = j.begin("Pull", "", "", f"2026-01-0{s + 1}T10:00:00")
        for k in range(4):
            j.record(sid, a_set(k, EXERCISES[k % 2], Weight(100.0 + 5 * s, "lb")))
    j.close()
    good = rows_of(db)
    shown = run("history", "--exercise", "kroc-row", "--db", db).output
    r = run("journal", "check", "--db", db)
    assert r.exit_code == 0 and "summary of the sets: ok" in r.output
    for damage in (
        "UPDATE set_summary SET top_weight = 900 WHERE session_id = 2",
        "DELETE FROM set_summary WHERE session_id = 3",
        "DROP TRIGGER set_summary_insert",
        "DROP TABLE set_summary",
    ):
        con = sqlite3.connect(db)
        con.execute(damage)
        con.commit()
        con.close()
        if damage.startswith("DROP TABLE"):
            lost = run("history", "--exercise", "kroc-row", "--db", db)
            assert lost.exit_code == 1 and "voicecoach journal check --db" in lost.stderr
        r = run("journal", "check", "--db", db, "--json")
        assert r.exit_code == 0, r.output
        said = json.loads(r.stdout)["summary"]
        assert said.endswith("rebuilt from the sets"), (damage, said)
        assert rows_of(db) == good
        assert run("history", "--exercise", "kroc-row", "--db", db).output == shown
    assert json.loads(run("journal", "check", "--db", db, "--json").stdout)["summary"] == "ok"


def test_a_journal_from_before_the_summary_gets_it_on_opening(tmp_path: Path) -> None:
    """Version 3 (no summary) with sets: opening it builds the summary from them."""
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    con.executescript("".join(MIGRATIONS[:3]) + "PRAGMA user_version = 3;")
    con.execute(
        "INSERT INTO sessions (routine_name, started_at, status) VALUES ('A', '2025-01-01T09:00',"
        " 'completed')"
    )
    for k, weight in enumerate((100, 120)):
        con.execute(
            "INSERT INTO sets (session_id, position, exercise, exercise_name, set_no,"
            " prescribed_load, load, weight, unit, reps, rir, started_at, ended_at) VALUES"
            " (1, ?, 'deadlift', 'Deadlift', 1, '{}', '{}', ?, 'kg', 5, 2, 'x', 'x')",
            (k, weight),
        )
    con.commit()
    con.close()
    j = Journal(db)
    assert j.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert j.db.execute("SELECT day, sets, top_weight FROM set_summary").fetchall() == [
        ("2025-01-01", 2, 120.0)
    ]
    assert_current(j)


def test_writing_a_set_reads_its_session_not_the_exercise_history(tmp_path: Path) -> None:
    """The work one record() does (SQLite VM steps) is the same after 30 or 3,000 sets of
    the exercise: the summary's trigger reads the session's sets, not all of them."""
    j = Journal(tmp_path / "j.sqlite3")

    def steps_to_record(sessions: int) -> int:
        j.db.execute("BEGIN")
        for _ in range(sessions):
            sid = j.begin("Pull", "", "", "2026-01-01T10:00:00")
            for k in range(10):
                j.record(sid, a_set(k))
        j.db.execute("COMMIT")
        sid = j.begin("Pull", "", "", "2026-01-02T10:00:00")
        count = [0]

        def tick() -> int:
            count[0] += 1
            return 0

        j.db.set_progress_handler(tick, 10)
        j.record(sid, a_set(0))
        j.db.set_progress_handler(None, 0)
        return count[0]

    few = steps_to_record(3)
    many = steps_to_record(300)
    assert many < few * 1.5, (few, many)
