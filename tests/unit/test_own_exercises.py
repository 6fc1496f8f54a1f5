"""Exercises of a lifter's own: inline in a routine (``name:``, no ``use:``) and in a library file.

Both are checked like routines, every problem at its line and column; the
ids they get are the ones the journal keys loads by.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from voicecoach.routines.library import builtin_library, personal_library_file, read_library
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.loads import Weight
from voicecoach.routines.problems import RoutineError
from voicecoach.routines.schema import library_schema, routine_schema
from voicecoach.routines.yamlsafe import load_text

LANDMINE = """\
name: Push
exercises:
  - name: Landmine press
    equipment: [barbell, landmine]
    sides: [right, left]
    phases: {lift: press, top: hold, lower: slow down}
    tempo: 2-0-1-1
    setup: [Stagger your stance, bar at the shoulder.]
    sets: 3
    reps: 8-12
    load: 45 lb
"""


def test_inline_exercise_has_the_library_keys() -> None:
    routine = parse_routine_text(LANDMINE)
    (ex,) = routine.exercises()
    assert ex.key == "landmine-press"
    assert ex.name == "Landmine press"
    assert ex.equipment == ("barbell", "landmine")
    assert ex.sides == ("right", "left")
    assert [p.word for p in ex.tempo.phases] == ["press", "hold", "slow down"]
    assert ex.setup == ("Stagger your stance", "bar at the shoulder.")
    assert ex.load == Weight(45.0, "lb")
    assert (ex.sets, ex.reps and (ex.reps.low, ex.reps.high)) == (3, (8, 12))


def test_inline_exercise_id_and_timed_hold() -> None:
    text = (
        "name: Core\nexercises:\n"
        "  - {name: Copenhagen plank, id: copenhagen, timed: true, unilateral: true, hold: 20s}\n"
    )
    (ex,) = parse_routine_text(text).exercises()
    assert ex.key == "copenhagen" and ex.hold == 20.0 and ex.sides == ("right", "left")


def test_inline_exercise_inside_a_superset() -> None:
    text = (
        "name: S\nexercises:\n  - superset: Arms\n    rounds: 2\n    exercises:\n"
        "      - {name: Spider curl, equipment: [dumbbell, bench], reps: 10}\n"
        "      - use: face-pull\n"
    )
    keys = [e.key for e in parse_routine_text(text).exercises()]
    assert keys == ["spider-curl", "face-pull"]


BASE = "name: T\nexercises:\n"
# (id, text, line, column, words the message must contain)
INLINE_ERRORS = [
    (
        "neither-use-nor-name",
        BASE + "  - sets: 3\n",
        3,
        5,
        ["needs 'use:'", "or 'name:'"],
    ),
    (
        "own-key-beside-use",
        BASE + "  - use: kroc-row\n    equipment: [dumbbell]\n",
        4,
        5,
        ["unknown key 'equipment'"],
    ),
    (
        "bad-phase-key",
        BASE + "  - name: Sled push\n    phases: {drive: push}\n",
        4,
        14,
        ["unknown key 'drive' in phases"],
    ),
    (
        "bad-starts-with",
        BASE + "  - name: Sled push\n    phases: {starts_with: push}\n",
        4,
        27,
        ["starts_with:", "'lift'", "'lower'"],
    ),
    (
        "equipment-not-names",
        BASE + "  - name: Sled push\n    equipment: {sled: 1}\n",
        4,
        16,
        ["equipment: must be a list of distinct names"],
    ),
    (
        "timed-not-flag",
        BASE + "  - name: Wall sit\n    timed: sometimes\n",
        4,
        12,
        ["timed: must be true or false"],
    ),
    ("bad-id", BASE + "  - name: Wall sit\n    id: Wall Sit!\n", 4, 9, ["not an exercise id"]),
    (
        "bad-step",
        BASE + "  - name: Sled push\n    step: lots\n",
        4,
        11,
        ["step:", "not a weight"],
    ),
    ("empty-name", BASE + "  - name: ''\n", 3, 11, ["name: must be the exercise's spoken name"]),
    (
        "aliases-inline",
        BASE + "  - name: Sled push\n    aliases: [Prowler]\n",
        4,
        5,
        ["unknown key 'aliases'"],
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [c[1:] for c in INLINE_ERRORS],
    ids=[c[0] for c in INLINE_ERRORS],
)
def test_inline_errors_are_located(text: str, line: int, col: int, words: list[str]) -> None:
    with pytest.raises(RoutineError) as info:
        parse_routine_text(text, "r.yaml")
    found = [p for p in info.value.problems if all(w in p.message for w in words)]
    assert found, [str(p) for p in info.value.problems]
    assert (found[0].file, found[0].line, found[0].column) == ("r.yaml", line, col)


MINE = """\
sled-push:
  name: Sled push
  equipment: [sled]
  phases: {lift: push, top: breathe, lower: walk back, starts_with: lift}
  tempo: 1-0-2-0
  setup: [Low hips, arms long., Drive from the balls of your feet.]
  rep_cues: {2: Short quick steps.}
  aliases: [Prowler Push]
  step: 20 lb
kroc-row:
  setup: [My own set-up cue for the Kroc row.]
"""


def _library(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exercises.yaml"
    path.write_text(text)
    return path


def test_personal_library_adds_and_overrides(tmp_path: Path) -> None:
    lib = read_library(_library(tmp_path, MINE))
    sled = lib["sled-push"]
    assert sled.source.endswith("exercises.yaml") and sled.equipment == ("sled",)
    assert lib.find_by_name("prowler push") is sled
    kroc = lib["kroc-row"]
    assert kroc.setup == ("My own set-up cue for the Kroc row.",)
    built_in = builtin_library()["kroc-row"]
    # Only the keys given change: the rest (cues per rep, tempo, name) stay built-in.
    assert kroc.rep_cues == built_in.rep_cues and kroc.name == built_in.name
    assert builtin_library()["kroc-row"].setup != kroc.setup  # the built-in is untouched
    routine = parse_routine_text(
        "name: P\nunits: kg\nexercises:\n  - {use: sled-push, load: 40 kg}\n", library=lib
    )
    (ex,) = routine.exercises()
    assert ex.key == "sled-push" and ex.rep_cue(2) == "Short quick steps."
    # Its own step of 20 lb, in a kg routine: converted, rounded to a quarter kilo.
    assert ex.progression.add == 9.0 and ex.progression.drop == 9.0


def test_personal_library_in_config_dir_is_used_by_default(voicecoach_home: Path) -> None:
    path = personal_library_file()
    assert str(path).startswith(str(voicecoach_home))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MINE)
    (ex,) = parse_routine_text("name: P\nexercises:\n  - use: sled-push\n").exercises()
    assert ex.name == "Sled push"


LIBRARY_ERRORS = [
    ("not-an-id", "Sled Push:\n  name: Sled push\n", 1, 1, ["not an exercise id"]),
    ("new-without-name", "sled-push:\n  equipment: [sled]\n", 2, 3, ["needs a name"]),
    (
        "unknown-key",
        "sled-push:\n  name: Sled push\n  cues: [x]\n",
        3,
        3,
        ["unknown key 'cues'", "rep_cues"],
    ),
    (
        "alias-of-another",
        "sled-push:\n  name: Sled push\n  aliases: [Prowler, Bench Press]\n",
        3,
        22,
        ["'Bench Press' already names the exercise"],
    ),
    ("bad-tempo", "sled-push:\n  name: Sled push\n  tempo: fast\n", 3, 10, ["not a tempo"]),
    ("not-a-mapping", "- sled-push\n", 1, 1, ["must be a mapping"]),
]


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [c[1:] for c in LIBRARY_ERRORS],
    ids=[c[0] for c in LIBRARY_ERRORS],
)
def test_library_errors_are_located(
    tmp_path: Path, text: str, line: int, col: int, words: list[str]
) -> None:
    if "Bench Press" in text and builtin_library().find_by_name("Bench Press") is None:
        text = text.replace("Bench Press", "Kroc Row")
        words = ["'Kroc Row' already names the exercise"]
    path = _library(tmp_path, text)
    with pytest.raises(RoutineError) as info:
        read_library(path)
    found = [p for p in info.value.problems if all(w in p.message for w in words)]
    assert found, [str(p) for p in info.value.problems]
    assert (found[0].file, found[0].line, found[0].column) == (str(path), line, col)


def test_schemas_cover_both_ways() -> None:
    jsonschema.validate(load_text(LANDMINE, "r").data, routine_schema())
    # As an editor sees it: JSON, where the rep numbers of rep_cues are text.
    jsonschema.validate(json.loads(json.dumps(load_text(MINE, "l").data)), library_schema())
    with pytest.raises(jsonschema.ValidationError):  # library keys beside use:
        jsonschema.validate(
            {"name": "T", "exercises": [{"use": "kroc-row", "equipment": ["x"]}]},
            routine_schema(),
        )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"Bad Id": {"name": "x"}}, library_schema())
    committed = Path(__file__).parents[2] / "docs" / "library.schema.json"
    assert json.loads(committed.read_text()) == library_schema()
