"""A program's training max and what ``plan`` says the next ``run`` will lift.

Through the command line (click's runner) against a real SQLite journal in a
temporary folder: a Strong export is imported, sessions are dry-run, and the
sets journaled are read back.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli.main import cli

WAVE = """\
name: Bench wave
units: kg
count_in: 0
program:
  per_week: 1
exercises:
  - use: bench-press
    load: 100 kg   # the training max
    warmup: none
    rest: 30s
    tempo: [down 1, up 1]
    progression: {beat_by: 2, add: 2.5 kg, drop: 2.5 kg}
    weeks:
      - ["5 @ 65%", "5 @ 75%", "5+ @ 85%"]
      - ["3 @ 70%", "3 @ 80%", "3+ @ 90%"]
"""

PLAIN = """\
name: Bench plain
units: kg
count_in: 0
exercises:
  - use: bench-press
    sets: 1
    reps: 5
    load: 60 kg
    warmup: none
    rest: 30s
    tempo: [down 1, up 1]
"""

STRONG = (
    (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
        "Notes,Workout Notes,RPE\n"
    )
    + """\
2026-11-20 18:02:11,Push,1h,Bench Press (Barbell),1,82.5,5,0,0,,,8
2026-11-20 18:02:11,Push,1h,Bench Press (Barbell),2,82.5,5,0,0,,,8
"""
)


@pytest.fixture
def runner(voicecoach_home: Path) -> CliRunner:
    return CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _dry_run(runner: CliRunner, routine: Path, db: Path, answers: str) -> str:
    return _invoke(
        runner,
        *("run", str(routine), "--dry-run", "--audio", "none", "--engine", "estimate"),
        *("--db", str(db), "--answers", answers),
    )


def _loads(db: Path, routine: str) -> list[float]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT sets.load FROM sets JOIN sessions ON sessions.id = sets.session_id"
            " WHERE sessions.routine_name = ? ORDER BY sets.id",
            (routine,),
        ).fetchall()
    finally:
        con.close()
    return [json.loads(load)["amount"] for (load,) in rows]


def test_an_imported_working_set_is_no_training_max(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    wave, plain = _write(tmp_path, "wave.yaml", WAVE), _write(tmp_path, "plain.yaml", PLAIN)
    strong = _write(tmp_path, "strong.csv", STRONG)
    _invoke(runner, "import", str(strong), "--unit", "kg", "--db", str(db))
    # A routine whose load is lifted as written starts where the import left off.
    _dry_run(runner, plain, db, "2")
    assert _loads(db, "Bench plain") == [82.5]
    out = _dry_run(runner, wave, db, "2,2,5:1")
    # 65/75/85 % of the routine's 100 kg, not of the 82.5 kg the export's sets (or the
    # other routine's) were lifted at.
    assert _loads(db, "Bench wave") == [65, 75, 85]
    assert "left off" not in out


def test_a_training_max_moves_only_with_its_own_program(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    wave, plain = _write(tmp_path, "wave.yaml", WAVE), _write(tmp_path, "plain.yaml", PLAIN)
    _dry_run(runner, wave, db, "2,2,9:0")  # 9 beats 5 + 2: the max goes up to 102.5
    # Another routine's bench, lifted as written: the max is no working load for it.
    _dry_run(runner, plain, db, "2")
    assert _loads(db, "Bench plain") == [60]
    out = _dry_run(runner, wave, db, "2,2,3:1")  # and its 60 kg is no training max
    assert "Starting where you left off: Bench press, one hundred two point five kilos." in out
    assert _loads(db, "Bench wave")[3:] == [72.5, 82.5, 92.5]  # 70/80/90 % of 102.5


def _plan(runner: CliRunner, routine: Path, db: Path, *extra: str) -> dict:
    return json.loads(_invoke(runner, "plan", str(routine), "--db", str(db), "--json", *extra))


def test_plan_shows_the_loads_the_next_run_starts_from(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    plain = _write(tmp_path, "plain.yaml", PLAIN)
    strong = _write(tmp_path, "strong.csv", STRONG)
    _invoke(runner, "import", str(strong), "--unit", "kg", "--db", str(db))
    before = db.read_bytes()
    text = _invoke(runner, "plan", str(plain), "--db", str(db))
    assert "1 × 5 reps @ 82.5 kg (from the journal; load: says 60 kg)" in text
    item = _plan(runner, plain, db)["items"][0]
    assert (item["load"], item["routine_load"], item["load_from"]) == (
        "82.5 kg",
        "60 kg",
        "journal",
    )
    assert item["set_loads"] == ["82.5 kg"]
    assert db.read_bytes() == before  # plan only reads the journal
    _dry_run(runner, plain, db, "2")
    assert _loads(db, "Bench plain") == [82.5]  # what plan said


def test_plan_counts_weeks_and_loads_as_the_run_it_describes(
    runner: CliRunner, tmp_path: Path
) -> None:
    db, wave = tmp_path / "j.sqlite3", _write(tmp_path, "wave.yaml", WAVE)
    _dry_run(runner, wave, db, "2,2,9:0")  # week one, the max up to 102.5
    # The next real run is still week one at the routine's max: dry runs carry to dry runs.
    real = _plan(runner, wave, db)
    assert real["week"]["of_cycle"] == 1 and real["dry_run"] is False
    assert real["items"][0]["set_loads"] == ["65 kg", "75 kg", "85 kg"]
    text = _invoke(runner, "plan", str(wave), "--db", str(db))
    assert "Week 1 of 2; --week N shows another" in text
    assert "After your dry runs, the next 'run --dry-run' coaches week 2 of 2" in text
    # The next dry run is week two from 102.5, and lifts what plan --dry-run says.
    dry = _plan(runner, wave, db, "--dry-run")
    assert dry["week"]["of_cycle"] == 2 and dry["notes"] == ["Week two of two."]
    assert (dry["items"][0]["load"], dry["items"][0]["training_max"]) == ("102.5 kg", True)
    said = dry["items"][0]["set_loads"]
    text = _invoke(runner, "plan", str(wave), "--db", str(db), "--dry-run")
    assert "Week 2 of 2, as the next dry run coaches it" in text
    assert "(training max 102.5 kg, from the journal; load: says 100 kg)" in text
    assert "lifted at 72.5 kg, 82.5 kg, 92.5 kg" in text
    _dry_run(runner, wave, db, "2,2,3:1")
    assert [f"{x:g} kg" for x in _loads(db, "Bench wave")[3:]] == said


STALLS = """\
name: Stall watch
units: kg
count_in: 0
program:
  deload: {stalled: 2, take: 10%}
exercises:
  - use: bench-press
    load: 100 kg
    sets: 1
    reps: 5
    warmup: none
    rest: 30s
    tempo: [down 1, up 1]
"""


def test_plan_shows_a_stalls_deload_as_the_run_takes_it(runner: CliRunner, tmp_path: Path) -> None:
    db, routine = tmp_path / "j.sqlite3", _write(tmp_path, "stalls.yaml", STALLS)
    for _ in range(2):
        _dry_run(runner, routine, db, "0")  # 5 reps, none in reserve: the load stays
    text = _invoke(runner, "plan", str(routine), "--db", str(db), "--dry-run")
    assert (
        "Bench press: no progress in two sessions; deload to ninety kilos, ten percent off." in text
    )
    assert "1 × 5 reps @ 90 kg (from the journal; load: says 100 kg)" in text
    _dry_run(runner, routine, db, "0")
    assert _loads(db, "Stall watch") == [100, 100, 90]


def test_plan_with_a_journal_it_cannot_read_shows_the_routine_as_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    db, plain = tmp_path / "j.sqlite3", _write(tmp_path, "plain.yaml", PLAIN)
    _dry_run(runner, plain, db, "4")  # up a step: 62.5 kg next time
    con = sqlite3.connect(db)
    version = con.execute("PRAGMA user_version").fetchone()[0]
    con.execute(f"PRAGMA user_version = {version - 1}")  # as an older version left it
    con.close()
    before = db.read_bytes()
    result = runner.invoke(cli, ["plan", str(plain), "--db", str(db), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "the next 'voicecoach run' updates it; showing the routine as written" in result.stderr
    assert "1 × 5 reps @ 60 kg, tempo" in result.stdout
    assert db.read_bytes() == before  # not migrated by plan


STALLING_WAVE = WAVE.replace(
    "  per_week: 1\n", "  per_week: 1\n  deload: {stalled: 2, take: 10%}\n"
)


def test_a_training_max_that_stops_going_up_deloads(runner: CliRunner, tmp_path: Path) -> None:
    db, wave = tmp_path / "j.sqlite3", _write(tmp_path, "wave.yaml", STALLING_WAVE)
    _dry_run(runner, wave, db, "2,2,9:0")  # 9 beats 5 + 2: the max goes up to 102.5
    _dry_run(runner, wave, db, "2,2,3:1")  # 3 on a 3+: the max stays
    out = _dry_run(runner, wave, db, "2,2,3:1")  # 3 on a 5+: the max drops to 100
    assert "no progress" not in out  # one session without progress so far... then two
    line = (
        "Bench press: no progress in two sessions; training max down to ninety kilos, "
        "ten percent off."
    )
    text = _invoke(runner, "plan", str(wave), "--db", str(db), "--dry-run")
    assert line in text
    out = _dry_run(runner, wave, db, "2,2,3:1")
    assert out.count(line) == 1
    # Week two at a max of 90 kg: 70/80/90 % rounded to the 2.5 kg step.
    assert _loads(db, "Bench wave")[9:] == [62.5, 72.5, 80]
    # The deloaded session ended where it started, but the run counts from the deload.
    out = _dry_run(runner, wave, db, "2,2,3:1")
    assert "no progress" not in out
    assert _loads(db, "Bench wave")[12:] == [57.5, 67.5, 77.5]  # 65/75/85 % of 90


def test_only_the_programs_own_sessions_count_as_a_stall(runner: CliRunner, tmp_path: Path) -> None:
    db, wave = tmp_path / "j.sqlite3", _write(tmp_path, "wave.yaml", STALLING_WAVE)
    plain, strong = _write(tmp_path, "plain.yaml", PLAIN), _write(tmp_path, "strong.csv", STRONG)
    _invoke(runner, "import", str(strong), "--unit", "kg", "--db", str(db))
    _dry_run(runner, wave, db, "2,2,3:1")  # 3 on a 5+: the max drops to 97.5
    for _ in range(2):
        _dry_run(runner, plain, db, "0")  # the same lift elsewhere, going nowhere
    out = _dry_run(runner, wave, db, "2,2,3:1")
    assert "no progress" not in out  # one session of the wave is no stall of two
    out = _dry_run(runner, wave, db, "2,2,5:1")
    assert "Bench press: no progress in two sessions; training max down to" in out
    assert _loads(db, "Bench wave")[6:] == [57.5, 65, 75]  # 65/75/85 % of 87.5 kg


def test_a_journal_without_the_starting_max_still_shows_a_stall(
    runner: CliRunner, tmp_path: Path
) -> None:
    db, wave = tmp_path / "j.sqlite3", _write(tmp_path, "wave.yaml", STALLING_WAVE)
    for answers in ("2,2,9:0", "2,2,3:1", "2,2,3:1"):  # up to 102.5, then twice no higher
        _dry_run(runner, wave, db, answers)
    con = sqlite3.connect(db)
    with con:  # as a version that did not keep the max each set started from wrote them
        con.execute("UPDATE sets SET next_load = json_remove(next_load, '$.training_max_from')")
    con.close()
    out = _dry_run(runner, wave, db, "2,2,3:1")
    assert "Bench press: no progress in two sessions; training max down to" in out
    assert _loads(db, "Bench wave")[9:] == [62.5, 72.5, 80]  # 70/80/90 % of 90 kg


LIGHT_WEEK = STALLING_WAVE.replace(
    '      - ["3 @ 70%", "3 @ 80%", "3+ @ 90%"]\n', '      - ["5 @ 40%", "5 @ 50%", "5 @ 60%"]\n'
)


def test_a_light_week_without_an_amrap_set_is_no_stall(runner: CliRunner, tmp_path: Path) -> None:
    db, wave = tmp_path / "j.sqlite3", _write(tmp_path, "wave.yaml", LIGHT_WEEK)
    _dry_run(runner, wave, db, "2,2,3:1")  # 3 on a 5+: the max drops to 97.5
    _dry_run(runner, wave, db, "2,2,2")  # the light week, on target: no set could raise it
    out = _dry_run(runner, wave, db, "2,2,3:1")  # and again: down to 95
    assert "no progress" not in out  # one missed AMRAP, not two
    out = _dry_run(runner, wave, db, "2,2,2")  # two missed, with a light week between
    assert "Bench press: no progress in two sessions; training max down to" in out
    assert _loads(db, "Bench wave")[9:] == [35, 42.5, 50]  # 40/50/60 % of 85 kg
