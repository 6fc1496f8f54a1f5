"""Sets that differ and weeks that differ: top and back-off sets, pyramids, AMRAP that
drives a program, weeks, deloads, and gaps.

Sessions are run through the real CLI in process (dry runs on the virtual
clock) with a real SQLite journal, week after week, so what carries from one
session to the next is what a lifter would get.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli.main import cli
from voicecoach.plan.planner import estimate_seconds
from voicecoach.plan.program import for_week, week_of
from voicecoach.plan.progression import Outcome, decide
from voicecoach.plan.workplan import work_items
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.loads import Weight
from voicecoach.routines.model import Progression, Range
from voicecoach.routines.problems import RoutineError

TOP_BACKOFF = """\
name: Squat top set
count_in: 0
exercises:
  - use: back-squat
    load: 225 lb
    top: 1x5
    backoff: 3x8 @ 85%
    rest: 30s
    tempo: [down 1, up 1]
"""

WAVE = """\
name: Wave
count_in: 0
program:
  deload: {every: 4, take: 10%}
exercises:
  - use: deadlift
    load: 300 lb
    rest: 30s
    tempo: [up 1, down 1]
    progression: {beat_by: 2, add: 10 lb}
    weeks:
      - ["5 @ 65%", "5 @ 75%", "5+ @ 85%"]
      - ["3 @ 70%", "3 @ 80%", "3+ @ 90%"]
      - ["5 @ 75%", "3 @ 85%", "1+ @ 95%"]
"""

STALLS = """\
name: Stall watch
count_in: 0
program:
  deload: {stalled: 3, take: 10%}
exercises:
  - use: bench-press
    load: 200 lb
    sets: 1
    reps: 5
    rest: 30s
    tempo: [down 1, up 1]
"""


@pytest.fixture
def runner(voicecoach_home: Path) -> CliRunner:
    return CliRunner()


def _session(runner: CliRunner, routine: Path, db: Path, answers: str, *extra: str) -> str:
    result = runner.invoke(
        cli,
        [
            *("run", str(routine), "--dry-run", "--audio", "none", "--engine", "estimate"),
            *("--db", str(db), "--answers", answers, *extra),
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


def _sets(db: Path) -> list[tuple[str, float, int | None, int | None]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT kind, load, reps, rir FROM sets ORDER BY id").fetchall()
    finally:
        con.close()
    return [(k, json.loads(load)["amount"], reps, rir) for k, load, reps, rir in rows]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "routine.yaml"
    path.write_text(text)
    return path


# --- the format ---------------------------------------------------------------------------
def test_top_and_backoff_sets_expand_with_their_own_reps() -> None:
    items = work_items(parse_routine_text(TOP_BACKOFF))
    assert [(i.plan.name, i.spec.reps, i.plan.share) for i in items if i.plan] == [
        ("top set", Range(5, 5), 1.0),
        ("back-off", Range(8, 8), 0.85),
        ("back-off", Range(8, 8), 0.85),
        ("back-off", Range(8, 8), 0.85),
    ]
    assert [i.drives for i in items] == [True, False, False, False]


def test_a_pyramid_is_a_list_and_without_a_set_at_the_working_load_the_last_decides() -> None:
    text = TOP_BACKOFF.replace(
        "    top: 1x5\n    backoff: 3x8 @ 85%\n",
        '    sets: ["12 @ 70%", "10 @ 80%", {reps: 8, load: 90%, rir: 1, rest: 2m}, "6+ @ 95%"]\n',
    )
    items = work_items(parse_routine_text(text))
    assert [i.spec.reps.high for i in items] == [12, 10, 8, 6]
    assert items[2].spec.rir == Range(1, 1) and items[2].rest_after == 120
    assert items[3].spec.amrap and [i.drives for i in items] == [False, False, False, True]


@pytest.mark.parametrize(
    ("entry", "where", "words"),
    [
        ('    sets: ["5 @ lots"]\n', "7:12", "is not a set's load"),
        ('    sets: ["5 @ 300%"]\n', "7:12", "a share runs from 20% to 150%"),
        ('    sets: ["five"]\n', "7:12", "is not a set"),
        ("    backoff: 3x8 @ 85%\n", "7:14", "follows a top set"),
        ("    top: 1x5\n    backoff: 3x8\n", "8:14", "lighter than the top set"),
        # A bare number after @ in a back-off: a share to a lifter, a weight to a parser.
        ("    top: 1x5\n    backoff: 3x8 @ 85\n", "8:14", "write 85% (of the top set) or 85 lb"),
        ("    top: 1x5\n    backoff: {sets: 3, reps: 8, load: 85}\n", "8:14", "85% (of the top"),
        ('    weeks: [{top: 1x5, backoff: "3x8 @ 85"}]\n', "7:33", "or 85 lb (a weight)"),
        ("    sets: 3\n    top: 1x5\n", "8:5", "either sets: or top:"),
        ('    weeks: [["5 @ 65%"], {reps: 0}]\n', "7:33", "reps run from 1"),
        ("    weeks: {a: 1}\n", "7:12", "weeks: is a list"),
        ("    progression: {beat_by: -1}\n", "7:28", "beat_by: is how many"),
    ],
)
def test_scheme_errors_are_located(entry: str, where: str, words: str) -> None:
    text = (
        "name: Bad\nexercises:\n  - use: back-squat\n    load: 225 lb\n    reps: 5\n"
        "    rest: 1m\n" + entry
    )
    with pytest.raises(RoutineError) as err:
        parse_routine_text(text, "bad.yaml")
    message = str(err.value)
    assert f"bad.yaml:{where}" in message and words in message, message


def test_program_errors_are_located() -> None:
    text = WAVE.replace("deload: {every: 4, take: 10%}", "deload: {take: 90%}").replace(
        '      - ["5 @ 75%", "3 @ 85%", "1+ @ 95%"]\n', ""
    ) + ("  - use: bench-press\n    load: 100 lb\n    weeks: [[5], [5], [5]]\n")
    with pytest.raises(RoutineError) as err:
        parse_routine_text(text, "p.yaml")
    message = str(err.value)
    assert "p.yaml:4:11: a deload needs every:" in message
    assert "take: is how much lighter" in message
    assert "weeks: lists differ in length (2, 3 weeks)" in message


# --- sessions -----------------------------------------------------------------------------
def test_backoffs_are_a_share_of_the_top_set_and_never_move_the_load(
    runner: CliRunner, tmp_path: Path
) -> None:
    routine, db = _write(tmp_path, TOP_BACKOFF), tmp_path / "j.sqlite3"
    # The top set goes well (RIR 4: up a step); the back-offs report 0 in reserve.
    out = _session(runner, routine, db, "4,0,0,0")
    assert [s[1] for s in _sets(db)] == [225, 190, 190, 190]  # 85% of the top set lifted
    assert "Top set, two hundred twenty-five pounds, five reps." in out
    assert "Next: back-off one of three, one hundred ninety pounds, eight reps." in out
    assert "Next time: up to two hundred thirty pounds." in out  # not "Next set"
    assert "Next set: same load." not in out  # a back-off's answer decides nothing
    # Next week: the top set at the new load, back-offs follow it.
    _session(runner, routine, db, "2,2,2,2")
    assert [s[1] for s in _sets(db)][4:] == [230, 195, 195, 195]


def test_an_amrap_set_drives_a_program_by_its_reps(runner: CliRunner, tmp_path: Path) -> None:
    routine, db = _write(tmp_path, WAVE), tmp_path / "j.sqlite3"
    # Week one: 195, 225, then 255 (85% of 300) for 9 reps: 5 + beat_by 2 beaten.
    out = _session(runner, routine, db, "2,2,9:0")
    assert [(s[0], s[1], s[2]) for s in _sets(db)] == [
        ("working", 195, 5),
        ("working", 225, 5),
        ("amrap", 255, 9),
    ]
    assert "Week one of three." in out
    assert "Next time: up to three hundred ten pounds." in out  # the working load, +10 lb
    # Week two reads the new working load: 70/80/90% of 310.
    out = _session(runner, routine, db, "2,2,4:0")  # 4 reps: short of 3 + 2, the load stays
    assert "Week two of three." in out
    assert [s[1] for s in _sets(db)][3:] == [215, 250, 280]


def test_the_journal_says_the_week_and_plan_shows_any_other(
    runner: CliRunner, tmp_path: Path
) -> None:
    routine = _write(tmp_path, WAVE)
    data = json.loads(runner.invoke(cli, ["plan", str(routine), "--json"]).output)
    assert data["week"]["of_cycle"] == 1 and data["items"][0]["scheme"][2] == "5+ @ 85%"
    third = runner.invoke(cli, ["plan", str(routine), "--week", "3"]).output
    assert "Week 3 of 3" in third and "5 @ 75%, 3 @ 85%, 1+ @ 95%" in third
    fourth = runner.invoke(cli, ["plan", str(routine), "--week", "4"]).output
    assert "Week 1 of 3 (program week 4), a deload week" in fourth
    bad = runner.invoke(cli, ["plan", str(routine), "--week", "0"])
    assert bad.exit_code == 2 and "--week" in bad.output
    out = _session(runner, routine, tmp_path / "j.sqlite3", "2,2,5:1", "--week", "3")
    assert "Week three of three." in out
    plain = runner.invoke(cli, ["plan", "pull-day", "--week", "2"])
    assert plain.exit_code == 2 and "--week is for a program" in plain.output
    done = runner.invoke(cli, ["run", "pull-day", "--dry-run", "--week", "2"])
    assert done.exit_code == 2 and "--week is for a program" in done.output


def test_a_deload_week_takes_weight_off_and_builds_back(runner: CliRunner, tmp_path: Path) -> None:
    routine, db = _write(tmp_path, WAVE), tmp_path / "j.sqlite3"
    for answers in ("2,2,5:1", "2,2,3:1", "2,2,1:1"):  # each week's target, not beaten
        _session(runner, routine, db, answers)  # on target: the working load stays 300
    out = _session(runner, routine, db, "2,2,5:1")  # week four: every: 4
    assert "Deload week: ten percent lighter, then build back up." in out
    assert [s[1] for s in _sets(db)][-3:] == [175, 200, 230]  # 65/75/85% of 270
    out = _session(runner, routine, db, "2,2,5:1")  # week five starts from the deload
    assert "Deload week" not in out and [s[1] for s in _sets(db)][-1] == 245  # 90% of 270


def test_a_deload_after_three_stalled_sessions_then_not_again(
    runner: CliRunner, tmp_path: Path
) -> None:
    routine, db = _write(tmp_path, STALLS), tmp_path / "j.sqlite3"
    for _ in range(3):
        out = _session(runner, routine, db, "0")  # 5 reps, none in reserve: it stays
        assert "no progress" not in out
    out = _session(runner, routine, db, "0")
    assert (
        "Bench press: no progress in three sessions; deload to one hundred eighty pounds,"
        " ten percent off." in out
    )
    assert "Starting where you left off" not in out  # the deload line said where it starts
    assert [s[1] for s in _sets(db)] == [200, 200, 200, 180]
    out = _session(runner, routine, db, "0")  # the stall counts again from the deload
    assert "no progress" not in out and _sets(db)[-1][1] == 180


STALLS_THREE = (
    STALLS.replace("stalled: 3", "stalled: 2")
    + """\
  - use: deadlift
    load: 300 lb
    sets: 1
    reps: 5
    rest: 30s
    tempo: [up 1, down 1]
  - use: barbell-row
    load: 100 lb
    sets: 1
    reps: 5
    rest: 30s
    tempo: [pull 1, lower 1]
"""
)


def test_three_stalled_exercises_say_why_once_and_each_deload_once(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Not three "no progress" lines: why once, then each exercise and where it starts."""
    routine, db = _write(tmp_path, STALLS_THREE), tmp_path / "j.sqlite3"
    for _ in range(2):
        _session(runner, routine, db, "0,0,0")  # 5 reps, none in reserve: every load stays
    plan = runner.invoke(cli, ["plan", str(routine), "--db", str(db), "--dry-run"]).output
    out = _session(runner, routine, db, "0,0,0")
    said = [line.split("SAY ", 1)[1] for line in out.splitlines() if " SAY " in line]
    assert said[1:5] == [
        '"No progress in two sessions: ten percent off, then build back up."',
        '"Bench press: deload to one hundred eighty pounds."',
        '"Deadlift: deload to two hundred seventy pounds."',
        '"Barbell row: deload to ninety pounds."',
    ]
    assert sum("no progress" in s.lower() for s in said) == 1
    assert [f'"{line}"' for line in plan.splitlines()[2:6]] == said[1:5]  # plan says it too
    assert not any(s.startswith('"Starting where you left off') for s in said)
    assert [s[1] for s in _sets(db)][-3:] == [180, 270, 90]


def test_a_gap_of_three_weeks_gives_one_step_and_one_week(
    runner: CliRunner, tmp_path: Path
) -> None:
    routine, db = _write(tmp_path, WAVE), tmp_path / "j.sqlite3"
    _session(runner, routine, db, "2,2,8:0")  # beats the target: +10 lb once
    con = sqlite3.connect(db)
    with con:  # three weeks away
        con.execute("UPDATE sessions SET started_at = datetime(started_at, '-21 days')")
        con.execute(
            "UPDATE sets SET started_at = datetime(started_at, '-21 days'),"
            " ended_at = datetime(ended_at, '-21 days')"
        )
    con.close()
    out = _session(runner, routine, db, "2,2,3:1")
    assert "Week two of three." in out  # the next week, not week four
    assert [s[1] for s in _sets(db)][3:] == [215, 250, 280]  # 310: one step, not three


# --- the pure parts -----------------------------------------------------------------------
def test_weeks_follow_sessions_per_week_and_deloads_fall_on_the_first_of_a_week() -> None:
    routine = parse_routine_text(WAVE.replace("program:\n", "program:\n  per_week: 2\n"))
    assert routine.program is not None
    weeks = [week_of(routine.program, done) for done in range(9)]
    assert [w.number for w in weeks] == [1, 1, 2, 2, 3, 3, 4, 4, 5]
    assert [w.deload for w in weeks] == [False] * 6 + [True, False, False]
    assert week_of(routine.program, 0, forced=3).of_cycle == 3
    third = for_week(routine, weeks[4])
    assert third.items[0].scheme[-1].reps == Range(1, 1)  # type: ignore[union-attr]


def test_beat_by_decides_by_reps_alone() -> None:
    rule = Progression(add=10, drop=10, round=5, beat_by=2)
    load, target, rir = Weight(255, "lb"), Range(5, 5), Range(1, 2)
    assert decide(load, Outcome(7, None), target, rir, rule).load == Weight(265, "lb")
    assert decide(load, Outcome(6, 0), target, rir, rule).direction == 0
    assert decide(load, Outcome(4, 3), target, rir, rule).load == Weight(245, "lb")


def test_the_estimate_counts_warmups_and_schemes() -> None:
    plain = parse_routine_text(TOP_BACKOFF)
    warmed = parse_routine_text(TOP_BACKOFF.replace("    top:", "    warmup: auto\n    top:"))
    assert estimate_seconds(warmed) > estimate_seconds(plain) + 4 * 60


def test_fixed_dumbbells_are_said_by_their_pair_and_loads_snap_to_them(
    runner: CliRunner, tmp_path: Path
) -> None:
    from voicecoach.plan import spoken

    assert [spoken.pair(w) for w in (35, 20, 6, 12.5)] == [
        "the thirty-fives",
        "the twenties",
        "the sixes",
        None,
    ]
    routine = _write(
        tmp_path,
        "name: Rows\ncount_in: 0\nexercises:\n  - use: one-arm-dumbbell-row\n"
        "    sets: 2\n    reps: 8\n    load: 37 lb\n    rest: 30s\n    sides: both\n"
        "    tempo: [up 1, down 1]\n"
        "    progression: {dumbbells: [30, 35, 40]}\n",
    )
    db = tmp_path / "j.sqlite3"
    out = _session(runner, routine, db, "4,2")
    assert [s[1] for s in _sets(db)] == [35, 40]  # 37 lb is no dumbbell: the 35s it is
    assert "Set one of two, the thirty-fives, eight reps." in out
    assert "Next set: up to the forties." in out


def test_each_week_starts_where_the_week_before_ended_though_its_session_was_shorter(
    runner: CliRunner, tmp_path: Path
) -> None:
    # Week two (threes) is over sooner than week one (fives) on the virtual clock; the
    # session after it must still start from week two's load, not week one's.
    routine, db = _write(tmp_path, WAVE), tmp_path / "j.sqlite3"
    _session(runner, routine, db, "2,2,9:0")  # 9 beats 5 + 2: 300 -> 310
    _session(runner, routine, db, "2,2,6:0")  # 6 beats 3 + 2: 310 -> 320
    out = _session(runner, routine, db, "2,2,5:0")
    assert "Starting where you left off: Deadlift, three hundred twenty pounds." in out
    assert [s[1] for s in _sets(db)][6:] == [240, 270, 305]  # 75/85/95% of 320


TWICE = """\
name: Bench and BBB
count_in: 0
exercises:
  - use: bench-press
    load: 200 lb
    sets: ["5+ @ 85%"]
    progression: {beat_by: 2}
    rest: 30s
    tempo: [down 1, up 1]
  - use: bench-press
    name: Bench BBB
    load: 200 lb
    sets: ["10 @ 50%", "10 @ 50%"]
    rest: 30s
    tempo: [down 1, up 1]
"""


def test_the_same_lift_twice_keeps_a_load_for_each_entry(runner: CliRunner, tmp_path: Path) -> None:
    # The top set falls short (down a step); the volume sets, journaled after it, go up.
    # Next time the top set starts from its own load, not from the volume sets' one.
    routine, db = _write(tmp_path, TWICE), tmp_path / "j.sqlite3"
    _session(runner, routine, db, "3:0,4,4")
    out = _session(runner, routine, db, "5:1,2,2")
    assert (
        "Starting where you left off: Bench press, one hundred ninety-five pounds;"
        " Bench BBB, two hundred five pounds." in out
    )
    assert [s[1] for s in _sets(db)][3:] == [165, 100, 100]  # 85% of 195; 50% of 205
