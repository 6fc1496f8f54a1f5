"""Sets that differ: warm-ups, AMRAP (``reps: 5+``) and drop sets, on the fake clock.

Each is run through the real session and a real SQLite journal, so what is
journaled (its kind, its load, no RIR) is checked as well as what is said.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from pathlib import Path

import pytest

from voicecoach.events import Event
from voicecoach.inputs.keys import ENTER
from voicecoach.journal.store import Journal
from voicecoach.plan.workplan import work_items
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.problems import RoutineError
from voicecoach.session.answers import Answer
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

PROGRAM = """\
name: Bench program
count_in: 0
exercises:
  - use: bench-press
    sets: 2
    reps: 5+
    load: 185 lb
    rest: 30s
    warmup: ["10 @ bar", "5 @ 50%", "3 @ 80%"]
    drop: [-20%, -20%]
    tempo: [press 1, slow down 1]
    progression: {add: 5 lb, drop: 5 lb}
"""


def _run(
    text: str, tmp_path: Path, answers: list[Answer], keys: list[tuple[float, str]] = ()
) -> tuple[list[Event], list[sqlite3.Row]]:
    events: list[Event] = []
    journal = Journal(tmp_path / "j.sqlite3")
    env = Environment(
        clock=FakeClock(list(keys)),
        voice=Voice(EstimateRenderer()),
        output=RecordingOutput(),
        sinks=[events.append],
        answers=deque(answers),
        journal=journal,
    )
    Session(parse_routine_text(text), env).run()
    journal.close()
    con = sqlite3.connect(tmp_path / "j.sqlite3")
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT kind, load, reps, rir, next_load FROM sets ORDER BY id").fetchall()
    con.close()
    return events, rows


def _amount(load: str) -> float:
    import json

    return float(json.loads(load)["amount"])


def test_plan_orders_warmups_work_and_drops() -> None:
    items = work_items(parse_routine_text(PROGRAM))
    assert [i.kind for i in items] == ["warmup"] * 3 + ["working"] * 2 + ["drop"] * 2
    assert [i.rest_after for i in items][-3:] == [0.0, 0.0, 0.0]  # drops follow at once
    assert items[0].first_of_exercise and not items[3].first_of_exercise


def test_warmups_amrap_and_drops_are_journaled_as_such(tmp_path: Path) -> None:
    # Two working sets: 8 reps then 6 reps past the target of five, RIR 2 and 1.
    events, rows = _run(PROGRAM, tmp_path, [Answer(8, 2), Answer(6, 1)])
    kinds = [r["kind"] for r in rows]
    assert kinds == ["warmup"] * 3 + ["amrap"] * 2 + ["drop"] * 2
    warm = [_amount(r["load"]) for r in rows[:3]]
    assert warm == [45.0, 90.0, 145.0]  # the bar, half and 80 % of 185, in 5 lb steps
    assert all(r["rir"] is None for r in rows if r["kind"] != "amrap")
    # Warm-ups never move the working load: the first working set is 185.
    assert _amount(rows[3]["load"]) == 185.0 and rows[3]["reps"] == 8
    assert _amount(rows[4]["load"]) == 190.0 and rows[4]["reps"] == 6
    # Drops come from the load just lifted: 190 × 0.8, then × 0.8 again, rounded down.
    assert [_amount(r["load"]) for r in rows[5:]] == [150.0, 120.0]
    # The next session starts from the working sets' decision, not from a drop.
    assert _amount(rows[-1]["next_load"]) == 195.0
    said = [e.text for e in events if e.kind == "say"]
    assert "Warm-up one of three, the empty bar, ten reps." in said
    assert said.count("How many in reserve?") == 2  # warm-ups and drops ask nothing
    assert "Drop one: one hundred fifty pounds, as many as you can." in said
    assert not any(e.kind == "rest" for e in events[_index(events, "Drop one") :])


def _index(events: list[Event], text: str) -> int:
    return next(i for i, e in enumerate(events) if e.kind == "say" and e.text.startswith(text))


def test_amrap_counts_past_the_target_until_enter(tmp_path: Path) -> None:
    text = (
        "name: A\ncount_in: 0\nexercises:\n"
        "  - {use: barbell-row, sets: 1, reps: 5+, load: 100 lb, tempo: [pull 1, slow down 1]}\n"
    )
    # Enter in the middle of rep nine (reps start one second after "go", two seconds each).
    first = _run(text, tmp_path / "a", [])[0]
    start = next(e.due for e in first if e.kind == "say" and e.text.startswith("one. pull"))
    events, rows = _run(
        text, tmp_path / "b", [], keys=[(start + 8 * 2 + 0.2, ENTER), (start + 40, "2")]
    )
    said = [e.text for e in events if e.kind == "say"]
    assert "six. pull" in said and "eight. pull" in said  # past the target of five
    assert not any(s.startswith("last one") for s in said)
    assert rows[0]["kind"] == "amrap" and rows[0]["reps"] == 8


def test_skipping_a_warmup_skips_only_the_warmups(tmp_path: Path) -> None:
    first = _run(PROGRAM, tmp_path / "a", [Answer(5, 2), Answer(5, 2)])[0]
    go = next(e.due for e in first if e.kind == "set")
    _events, rows = _run(PROGRAM, tmp_path / "b", [Answer(5, 2), Answer(5, 2)], [(go + 3, "s")])
    assert [r["kind"] for r in rows] == ["amrap", "amrap", "drop", "drop"]


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("warmup: [5 @ 150%]", "not a warm-up set"),
        ("warmup: [five @ 50%]", "not a warm-up set"),
        ("warmup: many", "warmup: is auto, or a list"),
        ("drop: [-90%]", "not a drop"),
        ("drop: [+20%]", "not a drop"),
    ],
)
def test_bad_warmups_and_drops_are_located(entry: str, words: str) -> None:
    text = f"name: T\nexercises:\n  - use: bench-press\n    {entry}\n"
    with pytest.raises(RoutineError) as info:
        parse_routine_text(text, "r.yaml")
    (p,) = info.value.problems
    assert p.line == 4 and words in p.message


def test_auto_warmups_in_defaults_are_for_barbell_lifts() -> None:
    text = (
        "name: T\ndefaults: {warmup: auto}\nexercises:\n"
        "  - {use: back-squat, load: 225 lb}\n  - {use: dumbbell-curl, load: 30 lb}\n"
    )
    squat, curl = parse_routine_text(text).exercises()
    assert squat.warmups and squat.warmups[0].share == 0.0  # the empty bar first
    assert curl.warmups == ()
