"""Every exercise in the library is complete enough to coach and to match on import.

These checks read the whole library, so they hold for every section of
``data/exercises.yaml``, whoever wrote it: ids, equipment, aliases that
Strong and Hevy exports can match without ambiguity, set-up and rep cues,
phase words and tempos, and spoken text the voice can say as written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from voicecoach.routines.library import LibraryExercise, find_by_name, load_library
from voicecoach.routines.loader import load_routine
from voicecoach.routines.resources import library_file
from voicecoach.routines.yamlsafe import load_file

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FOUR_DIGIT = re.compile(r"^[0-9X]-[0-9X]-[0-9X]-[0-9X]$")
# A number glued to a unit reads as "forty-five s" or "ten lb"; cues spell numbers out.
NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:\.\d+)?\s*(?:lbs?|kgs?|kilos?|pounds?|s|secs?|seconds?|m|mins?|minutes?"
    r"|in|inch(?:es)?|cm|mm|ft|feet|x|%|°|degrees?)\b",
    re.IGNORECASE,
)
# Gym shorthand that a synthesiser spells out letter by letter or mangles.
SHORTHAND = re.compile(r"\b(?:DB|KB|BB|RDL|SLDL|RFESS|OHP|GHD|ATG|SSB|BW|e\.g|i\.e)\b")
SYMBOLS = ("/", "&", "+", "@", "%", "°")
# Phase words a recogniser misheard in gym noise (bench/README.md, "Wording", "The strong ear").
UNHEARD = {"lower", "return", "hold", "slow down"}
MAX_CUE = 100

LIBRARY = load_library()
RAW: dict[str, dict[str, object]] = load_file(library_file()).data


def _norm(text: str) -> str:
    """The matching key import uses: lowercase letters and digits only."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _spoken(ex: LibraryExercise) -> list[str]:
    """Everything of an entry the coach says aloud."""
    words = [ex.words.lower, ex.words.bottom, ex.words.lift, ex.words.top]
    return [ex.name, *ex.setup, *(cue for _, cue in ex.rep_cues), *words, *ex.levels]


def _ids() -> list[str]:
    return list(LIBRARY)


def test_library_has_at_least_120_exercises() -> None:
    """The built-in library is broad enough for whole programmes, not only the upper back."""
    assert len(LIBRARY) >= 120, f"{len(LIBRARY)} exercises"


def test_no_two_exercises_share_a_name_alias_or_id() -> None:
    """An imported name matches at most one exercise, so import never guesses."""
    owners: dict[str, set[str]] = defaultdict(set)
    for ex in LIBRARY.values():
        for label in (ex.key, ex.name, *ex.aliases):
            owners[_norm(label)].add(ex.key)
    shared = {label: sorted(keys) for label, keys in owners.items() if len(keys) > 1}
    assert not shared


@pytest.mark.parametrize("key", _ids())
def test_entry_is_complete(key: str) -> None:
    """Id, equipment, aliases and cues: what the coach and the importer need."""
    ex = LIBRARY[key]
    assert KEBAB.match(key), "ids are kebab-case"
    assert ex.equipment and all(isinstance(e, str) and e for e in ex.equipment)
    assert all(e == e.lower() for e in ex.equipment), "equipment words are lowercase"
    assert ex.aliases, "at least one alias for matching imported names"
    assert len(ex.setup) >= 2, "at least two set-up cues"
    if not ex.timed:
        # A hold speaks no rep numbers, so only rep-based entries need rep cues.
        assert ex.rep_cues, "at least one rep cue"
        assert all(rep >= 1 for rep, _ in ex.rep_cues)


@pytest.mark.parametrize("key", _ids())
def test_rep_entry_declares_its_tempo_and_phase_words(key: str) -> None:
    """A rep-based entry names its four phases distinctly and gives a four-digit tempo."""
    raw = RAW[key]
    if raw.get("timed"):
        return
    assert FOUR_DIGIT.match(str(raw.get("tempo", ""))), "a tempo like 2-0-1-1"
    phases = raw.get("phases")
    assert isinstance(phases, dict)
    assert phases.get("starts_with") in {"lift", "lower"}
    words = [str(phases.get(k, "")) for k in ("lower", "bottom", "lift", "top")]
    assert all(words), "every phase has a word"
    assert len(set(words)) == 4, "phase words differ, so each phase is recognisable"
    assert not UNHEARD & set(words), "say 'down slow' and 'hold it' (see UNHEARD)"
    assert LIBRARY[key].tempo.rep_seconds > 0


@pytest.mark.parametrize("key", _ids())
def test_spoken_text_reads_as_written(key: str) -> None:
    """Short cues in plain words: no symbols, shorthand or numbers with units."""
    for text in _spoken(LIBRARY[key]):
        assert text.strip() == text and text, repr(text)
        assert len(text) <= MAX_CUE, text
        assert not any(s in text for s in SYMBOLS), text
        assert not NUMBER_WITH_UNIT.search(text), text
        assert not SHORTHAND.search(text), text


@pytest.mark.parametrize(
    ("exported", "key"),
    [
        ("Squat (Barbell)", "back-squat"),
        # Names from real exports that once went unmapped (old Strong files drop the
        # equipment suffix; Hevy spells variants its own way).
        ("Squat", "back-squat"),
        ("Bent Over Row", "barbell-row"),
        ("Overhead Press (Dumbbell)", "seated-dumbbell-shoulder-press"),
        ("Seated Leg Press (Machine)", "leg-press"),
        ("Pull Up (Neutral Grip)", "neutral-grip-pull-up"),
        ("Rope Straight Arm Pulldown", "straight-arm-pulldown"),
        ("Triceps Dip (Weighted)", "dip"),
        ("Seated Cable Row - Bar Grip", "cable-row"),
        ("Bent Over Row (Dumbbell)", "one-arm-dumbbell-row"),
        ("Back Squat", "back-squat"),
        ("Front Squat (Barbell)", "front-squat"),
        ("Goblet Squat (Kettlebell)", "goblet-squat"),
        ("Box Squat (Barbell)", "box-squat"),
        ("Hack Squat", "hack-squat"),
        ("Leg Press", "leg-press"),
        ("Squat (Smith Machine)", "smith-squat"),
        ("Leg Extension (Machine)", "leg-extension"),
        ("Lying Leg Curl (Machine)", "lying-leg-curl"),
        ("Seated Leg Curl (Machine)", "seated-leg-curl"),
        ("Hip Thrust (Barbell)", "hip-thrust"),
        ("Romanian Deadlift (Dumbbell)", "dumbbell-romanian-deadlift"),
        ("Romanian Deadlift (Barbell)", "romanian-deadlift"),
        ("Deadlift (Trap bar)", "trap-bar-deadlift"),
        ("Sumo Deadlift (Barbell)", "sumo-deadlift"),
        ("Bulgarian Split Squat", "bulgarian-split-squat"),
        ("Lunge (Dumbbell)", "reverse-lunge"),
        ("Walking Lunge (Dumbbell)", "walking-lunge"),
        ("Standing Calf Raise (Machine)", "standing-calf-raise"),
        ("Seated Calf Raise (Plate Loaded)", "seated-calf-raise"),
        ("Plank", "plank"),
        ("Side Plank", "side-plank"),
        ("Hanging Leg Raise", "hanging-leg-raise"),
        ("Cable Crunch", "cable-crunch"),
        ("Crunch", "crunch"),
        ("Ab Wheel", "ab-wheel-rollout"),
        ("Farmers Walk", "farmers-carry"),
        ("Kettlebell Swing", "kettlebell-swing"),
        ("Glute Bridge", "glute-bridge"),
        ("Good Morning (Barbell)", "good-morning"),
        ("Step Up", "step-up"),
        ("Back Extension", "back-extension"),
        ("Hip Abduction (Machine)", "hip-abduction"),
        ("Hip Adduction (Machine)", "hip-adduction"),
        ("Dead Bug", "dead-bug"),
        ("Hollow Body Hold", "hollow-hold"),
        ("Wrist Curl (Barbell)", "wrist-curl"),
        ("Pallof Press (Cable)", "pallof-press"),
        ("Suitcase Carry", "suitcase-carry"),
    ],
)
def test_strong_and_hevy_names_find_their_exercise(exported: str, key: str) -> None:
    """The names the two apps write in their CSV exports land on the right exercise."""
    found = find_by_name(exported)
    assert found is not None and found.key == key


def test_every_exercise_loads_in_a_routine(tmp_path: Path) -> None:
    """Each entry is usable with ``use:``: holds default to a hold, one-sided ones to sides."""
    lines = ["name: Everything", "allow_long: true", "exercises:"]
    lines += [f"  - {{use: {key}, sets: 1}}" for key in LIBRARY]
    path = tmp_path / "everything.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    specs = {spec.key: spec for spec in load_routine(path).exercises()}
    assert set(specs) == set(LIBRARY)
    for key, ex in LIBRARY.items():
        spec = specs[key]
        assert (spec.hold is not None) == ex.timed, key
        assert bool(spec.sides) == ex.unilateral, key
        assert spec.setup == ex.setup, key
