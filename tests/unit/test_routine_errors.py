"""Every kind of routine mistake is reported at its line and column, with what is valid."""

from __future__ import annotations

import pytest

from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.problems import RoutineError

BASE = "name: T\nexercises:\n"

# (id, text, expected line, expected column, words the message must contain)
CASES = [
    (
        "unknown-top-key",
        "name: T\nexcercises: []\n",
        2,
        1,
        ["unknown key 'excercises'", "did you mean 'exercises'"],
    ),
    (
        "unknown-exercise-key",
        BASE + "  - use: kroc-row\n    restt: 2m\n",
        4,
        5,
        ["unknown key 'restt'", "did you mean 'rest'"],
    ),
    (
        "duplicate-key",
        BASE + "  - use: kroc-row\n    sets: 3\n    sets: 4\n",
        5,
        5,
        ["duplicate key 'sets'", "line 4"],
    ),
    ("zero-sets", BASE + "  - use: kroc-row\n    sets: 0\n", 4, 11, ["sets must be at least 1"]),
    ("negative-sets", BASE + "  - use: kroc-row\n    sets: -2\n", 4, 11, ["at least 1"]),
    (
        "sets-not-number",
        BASE + "  - use: kroc-row\n    sets: three\n",
        4,
        11,
        ["whole number", "'three'"],
    ),
    (
        "reps-upside-down",
        BASE + "  - use: kroc-row\n    reps: 12-8\n",
        4,
        11,
        ["upside down", "8-12"],
    ),
    (
        "bad-tempo",
        BASE + "  - use: kroc-row\n    tempo: 2-1-1\n",
        4,
        12,
        ["not a tempo", "2-1-1-1"],
    ),
    (
        "bad-duration",
        BASE + "  - use: kroc-row\n    rest: ninety\n",
        4,
        11,
        ["not a duration", "1m30s"],
    ),
    ("bad-unit", BASE + "  - use: kroc-row\n    load: 70 stone\n", 4, 11, ["not a load", "70 lb"]),
    (
        "bad-routine-unit",
        "name: T\nunits: stone\nexercises:\n  - use: kroc-row\n",
        2,
        8,
        ["unknown unit 'stone'", "lb or kg"],
    ),
    (
        "unknown-exercise",
        BASE + "  - use: krok-row\n",
        3,
        10,
        ["no exercise 'krok-row'", "did you mean 'kroc-row'"],
    ),
    (
        "unknown-level",
        BASE + "  - use: band-pull-apart\n    load: {level: purple}\n",
        4,
        11,
        ["not one of", "extra-light"],
    ),
    ("bad-rir", BASE + "  - use: kroc-row\n    rir: 7\n", 4, 10, ["0 to 5"]),
    ("missing-name", "exercises:\n  - use: kroc-row\n", 1, 1, ["needs a name"]),
    ("missing-exercises", "name: T\n", 1, 1, ["'exercises:' list"]),
    (
        "bad-rule",
        BASE + "  - use: kroc-row\n    progression: {rule: linear}\n",
        4,
        25,
        ["unknown rule 'linear'", "double"],
    ),
    (
        "progression-unit-mismatch",
        BASE + "  - use: kroc-row\n    load: 70 lb\n    progression: {add: 2.5 kg}\n",
        5,
        24,
        ["same unit"],
    ),
    ("rest-too-long", BASE + "  - use: kroc-row\n    rest: 9h\n", 4, 11, ["limit", "allow_long"]),
    (
        "too-many-sets",
        BASE + "  - use: kroc-row\n    sets: 10000\n",
        4,
        11,
        ["limit of 20", "allow_long"],
    ),
    (
        "circuit-without-exercises",
        BASE + "  - circuit: X\n    rounds: 2\n",
        3,
        5,
        ["needs an 'exercises:' list"],
    ),
    (
        "nested-circuit",
        BASE + "  - circuit: X\n    exercises:\n      - circuit: Y\n",
        5,
        9,
        ["cannot be nested"],
    ),
    (
        "python-tag",
        "name: !!python/object/apply:os.system ['true']\nexercises: []\n",
        1,
        7,
        ["not allowed"],
    ),
    ("yaml-syntax", "name: T\nexercises:\n  - use: [kroc-row\n", 4, 1, ["YAML syntax error"]),
    (
        "tab-indent",
        BASE + "  - use: kroc-row\n\tsets: 3\n",
        4,
        1,
        ["tab character", "indent with spaces, not tabs"],
    ),
    (
        "hold-and-reps",
        BASE + "  - use: dead-hang\n    reps: 5\n    hold: 30s\n",
        5,
        5,
        ["either reps: or hold:"],
    ),
    ("bad-sides", BASE + "  - use: kroc-row\n    sides: left\n", 4, 12, ["list of distinct"]),
    ("use-an-alias", BASE + "  - use: ohp\n", 3, 10, ["did you mean 'overhead-press'"]),
    ("use-a-short-name", BASE + "  - use: squat\n", 3, 10, ["did you mean 'back-squat'"]),
    ("use-a-name", BASE + "  - use: Bench Press\n", 3, 10, ["did you mean 'bench-press'"]),
    (
        "sets-times-reps-in-reps",
        BASE + "  - use: kroc-row\n    reps: 5x5\n",
        4,
        11,
        ["sets × reps", "sets: 5 and reps: 5"],
    ),
    ("amrap-as-a-word", BASE + "  - use: kroc-row\n    reps: AMRAP\n", 4, 11, ["like 5+"]),
    (
        "rir-not-whole",
        BASE + "  - use: kroc-row\n    rir: 1.5\n",
        4,
        10,
        ["not a RIR target", "0 to 5", "1-2"],
    ),
    (
        "circuit-member-sets",
        BASE + "  - circuit: C\n    exercises:\n      - {use: trx-y-raise}\n"
        "      - use: trx-t-raise\n        sets: 3\n",
        7,
        9,
        ["sets: is the circuit's", "rounds:"],
    ),
    (
        "circuit-member-rest",
        BASE + "  - superset: S\n    exercises:\n      - use: trx-y-raise\n        rest: 30s\n",
        6,
        9,
        ["rest: is the circuit's", "transition:"],
    ),
    (
        "bad-rep-cue",
        BASE + "  - use: kroc-row\n    rep_cues: {first: go}\n",
        4,
        16,
        ["not a rep number"],
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_problem_is_located_and_explained(
    text: str, line: int, column: int, words: list[str]
) -> None:
    """Each invalid file gives FILE:LINE:COLUMN and a message that says what is valid."""
    with pytest.raises(RoutineError) as info:
        parse_routine_text(text, "bad.yaml")
    rendered = [str(p) for p in info.value.problems]
    match = [r for r in rendered if r.startswith(f"bad.yaml:{line}:{column}: ")]
    assert match, rendered
    assert all(w in match[0] for w in words), match[0]


def test_all_problems_are_reported_at_once() -> None:
    """A file with three mistakes yields three problems, not one."""
    text = BASE + "  - use: kroc-row\n    sets: 0\n    rest: soon\n  - use: nope\n"
    with pytest.raises(RoutineError) as info:
        parse_routine_text(text, "bad.yaml")
    assert len(info.value.problems) == 3


def test_alias_bomb_is_rejected_quickly() -> None:
    """A billion-laughs document is refused before it expands."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    with pytest.raises(RoutineError) as info:
        parse_routine_text("\n".join(lines), "bomb.yaml")
    assert "more than" in str(info.value)


def test_oversized_text_is_rejected() -> None:
    """A file over the size cap is refused without parsing."""
    with pytest.raises(RoutineError) as info:
        parse_routine_text("# " + "x" * 1_100_000, "big.yaml")
    assert "larger than" in str(info.value)


def test_allow_long_lifts_the_caps() -> None:
    """An explicit opt-in accepts a rest beyond the usual cap."""
    r = parse_routine_text(
        "name: T\nallow_long: true\nexercises:\n  - {use: kroc-row, rest: 30m}\n"
    )
    assert r.exercises()[0].rest == 1800


def test_fifty_megabyte_file_is_refused_without_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A 50 MB file is refused by size, named, before it is read."""
    from voicecoach.routines.yamlsafe import load_file

    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(RoutineError) as info:
        load_file(big)
    assert "larger than the 1000 kB" in str(info.value) and str(big) in str(info.value)


def test_python_tag_file_constructs_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A file using a Python tag is an error; the tagged object is never built."""
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\nexercises: [kroc-row]\n"
    with pytest.raises(RoutineError):
        parse_routine_text(text, "evil.yaml")
    assert not marker.exists()


def test_a_bad_default_is_reported_once_where_it_is_written() -> None:
    """A wrong value in defaults: is one problem at its own line, not one per exercise."""
    text = (
        "name: T\ndefaults:\n  rir: 2-1\n  tempo: 3-1-X\n  rest: soon\n  sets: 0\n"
        "exercises:\n  - use: kroc-row\n  - use: pull-up\n"
        "  - circuit: C\n    exercises: [trx-y-raise]\n"
    )
    with pytest.raises(RoutineError) as info:
        parse_routine_text(text, "bad.yaml")
    rendered = [str(p) for p in info.value.problems]
    assert [r.split(": ")[0] for r in rendered] == [
        "bad.yaml:3:8",
        "bad.yaml:4:10",
        "bad.yaml:5:9",
        "bad.yaml:6:9",
    ], rendered
    assert "upside down" in rendered[0] and "not a tempo" in rendered[1]
    assert "'soon' is not a duration" in rendered[2] and "at least 1" in rendered[3]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("'1:30'", 90),
        ("1:30", 90),
        ("3 minutes", 180),
        ("2 min", 120),
        ("45 seconds", 45),
        ("1 minute 30 seconds", 90),
        ("90 secs", 90),
        ("1m30s", 90),
    ],
)
def test_rests_are_read_as_lifters_write_them(written: str, seconds: float) -> None:
    """A rest written as a clock (1:30) or with the unit spelled out is the same rest."""
    routine = parse_routine_text(BASE + f"  - {{use: kroc-row, rest: {written}}}\n", "r.yaml")
    assert routine.items[0].rest == seconds  # type: ignore[union-attr]
