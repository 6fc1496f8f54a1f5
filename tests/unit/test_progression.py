"""Progression rules as a table of worked cases (docs/progression.md)."""

from __future__ import annotations

import pytest

from voicecoach.plan.progression import Outcome, decide, epley
from voicecoach.routines.loads import Bodyweight, Level, Unloaded, Weight
from voicecoach.routines.model import Progression, Range

LB = Progression(rule="double", add=5, drop=5, round=5)
SEED = Progression(rule="double", add=10, drop=5, round=5)
KG_STEP = Progression(rule="rir-step", add=2.5, drop=2.5, round=2.5)
BANDS = ("extra-light", "light", "medium", "heavy")
DB = Progression(rule="double", add=5, drop=5, round=5, dumbbells=(20, 25, 30, 35, 40, 50))

CASES = [
    # id, load, (reps, rir), rep range, rir target, rule, expected load, direction
    (
        "top-of-range-adds-step",
        Weight(100, "lb"),
        (12, 1),
        (8, 12),
        (1, 2),
        LB,
        Weight(105, "lb"),
        1,
    ),
    ("seed-top-adds-ten", Weight(225, "lb"), (6, 1), (4, 6), (1, 2), SEED, Weight(235, "lb"), 1),
    (
        "seed-below-range-drops-five",
        Weight(235, "lb"),
        (3, 0),
        (4, 6),
        (1, 2),
        SEED,
        Weight(230, "lb"),
        -1,
    ),
    ("exactly-bottom-keeps", Weight(100, "lb"), (8, 1), (8, 12), (1, 2), LB, Weight(100, "lb"), 0),
    (
        "one-below-bottom-drops",
        Weight(100, "lb"),
        (7, 1),
        (8, 12),
        (1, 2),
        LB,
        Weight(95, "lb"),
        -1,
    ),
    (
        "rir-zero-in-range-keeps",
        Weight(100, "lb"),
        (10, 0),
        (8, 12),
        (1, 2),
        LB,
        Weight(100, "lb"),
        0,
    ),
    (
        "top-but-rir-zero-keeps",
        Weight(100, "lb"),
        (12, 0),
        (8, 12),
        (1, 2),
        LB,
        Weight(100, "lb"),
        0,
    ),
    (
        "rir-above-target-below-top-adds",
        Weight(100, "lb"),
        (9, 4),
        (8, 12),
        (1, 2),
        LB,
        Weight(105, "lb"),
        1,
    ),
    (
        "rir-at-target-upper-keeps",
        Weight(100, "lb"),
        (9, 2),
        (8, 12),
        (1, 2),
        LB,
        Weight(100, "lb"),
        0,
    ),
    ("no-answer-keeps", Weight(100, "lb"), (12, None), (8, 12), (1, 2), LB, Weight(100, "lb"), 0),
    (
        "kg-rir-step-plus-two-steps",
        Weight(60, "kg"),
        (8, 5),
        (6, 8),
        (2, 2),
        KG_STEP,
        Weight(65, "kg"),
        1,
    ),
    (
        "kg-rir-step-plus-one",
        Weight(60, "kg"),
        (8, 3),
        (6, 8),
        (2, 2),
        KG_STEP,
        Weight(62.5, "kg"),
        1,
    ),
    (
        "kg-rir-step-on-target",
        Weight(60, "kg"),
        (8, 2),
        (6, 8),
        (2, 2),
        KG_STEP,
        Weight(60, "kg"),
        0,
    ),
    (
        "kg-rir-step-minus-one",
        Weight(60, "kg"),
        (8, 1),
        (6, 8),
        (2, 2),
        KG_STEP,
        Weight(57.5, "kg"),
        -1,
    ),
    ("kg-rir-step-zero", Weight(60, "kg"), (8, 0), (6, 8), (2, 2), KG_STEP, Weight(55, "kg"), -1),
    (
        "kg-rounding-to-step",
        Weight(61, "kg"),
        (8, 3),
        (6, 8),
        (2, 2),
        KG_STEP,
        Weight(62.5, "kg"),
        1,
    ),
    ("dumbbell-list-up", Weight(40, "lb"), (12, 2), (8, 12), (1, 2), DB, Weight(50, "lb"), 1),
    ("dumbbell-list-down", Weight(25, "lb"), (5, 0), (8, 12), (1, 2), DB, Weight(20, "lb"), -1),
    (
        "dumbbell-list-top-stays",
        Weight(50, "lb"),
        (12, 2),
        (8, 12),
        (1, 2),
        DB,
        Weight(50, "lb"),
        0,
    ),
    ("level-up", Level(BANDS, 1), (25, 2), (15, 25), (1, 2), LB, Level(BANDS, 2), 1),
    ("level-down", Level(BANDS, 1), (10, 0), (15, 25), (1, 2), LB, Level(BANDS, 0), -1),
    ("level-top-stays", Level(BANDS, 3), (25, 2), (15, 25), (1, 2), LB, Level(BANDS, 3), 0),
    (
        "bodyweight-adds-weight",
        Bodyweight(0, "lb"),
        (10, 2),
        (5, 10),
        (1, 2),
        LB,
        Bodyweight(5, "lb"),
        1,
    ),
    (
        "assisted-less-assistance",
        Bodyweight(-30, "lb"),
        (10, 2),
        (5, 10),
        (1, 2),
        LB,
        Bodyweight(-25, "lb"),
        1,
    ),
    ("unloaded-never-moves", Unloaded(), (10, 5), (5, 10), (1, 2), LB, Unloaded(), 0),
    (
        "capped-change",
        Weight(100, "lb"),
        (8, 5),
        (6, 8),
        (2, 2),
        Progression(rule="rir-step", add=5, drop=5, round=5, cap=5),
        Weight(105, "lb"),
        1,
    ),
]


@pytest.mark.parametrize(
    ("load", "outcome", "reps", "rir", "rule", "expected", "direction"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_worked_case(load, outcome, reps, rir, rule, expected, direction) -> None:  # type: ignore[no-untyped-def]
    """Each worked case gives the documented next load and direction."""
    d = decide(load, Outcome(*outcome), Range(*reps), Range(*rir), rule)
    assert (d.load, d.direction) == (expected, direction)


def test_bodyweight_without_step_adds_a_rep() -> None:
    """Where the load can't move (add: 0), the next set aims for one more rep."""
    d = decide(
        Bodyweight(0, "lb"), Outcome(10, 4), Range(5, 10), Range(1, 2), Progression(add=0, drop=0)
    )
    assert (d.load, d.rep_bonus) == (Bodyweight(0, "lb"), 1)


def test_e1rm_rule_targets_middle_of_range() -> None:
    """e1RM from 100 kg × 8 @ RIR 2 (Epley 133) gives ~100 kg for 7 reps @ RIR 2."""
    d = decide(
        Weight(100, "kg"),
        Outcome(8, 2),
        Range(6, 8),
        Range(2, 2),
        Progression(rule="e1rm", add=2.5, drop=2.5, round=2.5),
    )
    assert d.load == Weight(102.5, "kg")
    assert epley(100, 10) == pytest.approx(133.33, abs=0.01)
