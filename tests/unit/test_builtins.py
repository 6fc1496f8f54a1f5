"""The built-in routines: valid, listed, resolvable by name, and described by the schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from voicecoach.plan.listing import listing
from voicecoach.routines.catalog import builtin_paths, resolve
from voicecoach.routines.library import load_library
from voicecoach.routines.loader import load_routine
from voicecoach.routines.problems import RoutineError
from voicecoach.routines.schema import routine_schema
from voicecoach.routines.yamlsafe import load_file, load_text

REQUIRED = {
    "pull-day",
    "upper-back-strength",
    "posture",
    "trx-ytw",
    "band-anywhere",
    "upper-back-kg",
}


def test_at_least_six_builtins_including_the_required_ones() -> None:
    """The six named routines ship with the package."""
    assert set(builtin_paths()) >= REQUIRED


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_builtin_is_valid(name: str) -> None:
    """Every built-in loads without problems and has a one-line description."""
    routine = load_routine(builtin_paths()[name])
    assert routine.description and "\n" not in routine.description


def test_one_builtin_is_metric() -> None:
    """At least one routine is written in kg."""
    assert any(load_routine(p).units == "kg" for p in builtin_paths().values())


def test_listing_has_durations() -> None:
    """``list`` data carries a positive estimated duration for each routine."""
    assert all(row["minutes"] > 0 for row in listing())


def test_listing_shows_equipment_despite_a_broken_personal_library(
    voicecoach_home: Path,
) -> None:
    """Each built-in lists its equipment, read from the built-in library alone."""
    mine = voicecoach_home / "config" / "exercises.yaml"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("not a mapping\n")
    rows = {str(r["name"]): r for r in listing()}
    assert rows["trx-ytw"]["equipment"] == ["trx"]
    assert all(r["equipment"] for r in rows.values())


def test_name_resolution_accepts_yaml_suffix() -> None:
    """``pull-day`` and ``pull-day.yaml`` resolve to the same built-in."""
    assert resolve("pull-day") == resolve("pull-day.yaml")


def test_unknown_name_lists_builtins() -> None:
    """An unknown name's error lists the built-ins."""
    with pytest.raises(RoutineError) as info:
        resolve("arm-day")
    assert "pull-day" in str(info.value)


def test_path_wins_over_builtin(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file named like a built-in in the current folder is used instead of the built-in."""
    (tmp_path / "pull-day").write_text("name: Mine\nexercises: [kroc-row]\n")
    monkeypatch.chdir(tmp_path)
    assert resolve("pull-day") == tmp_path.joinpath("pull-day").relative_to(tmp_path)


def test_library_covers_the_seed_exercises() -> None:
    """All exercises named by the three source articles are in the library."""
    seed = {
        "deadlift",
        "romanian-deadlift",
        "rack-pull",
        "barbell-row",
        "one-arm-dumbbell-row",
        "cable-row",
        "chest-supported-row",
        "seal-row",
        "meadows-row",
        "t-bar-row",
        "upright-row",
        "face-pull",
        "rear-lateral-raise",
        "trx-row",
        "trx-y-raise",
        "trx-t-raise",
        "trx-w-pull",
        "dead-stop-row",
        "kroc-row",
        "one-arm-lat-pulldown",
        "pull-up",
        "chin-up",
        "assisted-pull-up",
        "band-pull-apart",
    }
    assert seed <= set(load_library())


def test_cues_are_short_enough_to_speak() -> None:
    """Every library cue is under 80 characters (a few seconds of speech)."""
    for ex in load_library().values():
        for cue in (*ex.setup, *(c for _, c in ex.rep_cues)):
            assert len(cue) < 80, (ex.key, cue)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_schema_accepts_builtin(name: str) -> None:
    """The published JSON Schema validates every built-in routine."""
    jsonschema.validate(load_file(builtin_paths()[name]).data, routine_schema())


@pytest.mark.parametrize(
    "text",
    [
        "name: T\nexcercises: []\n",
        "name: T\nexercises:\n  - use: kroc-row\n    sets: 0\n",
        "name: T\nexercises:\n  - use: krok-row\n",
        "name: T\nexercises:\n  - use: kroc-row\n    tempo: 2-1-1\n",
        "name: T\nexercises:\n  - use: kroc-row\n    rest: ninety\n",
        "name: T\nunits: stone\nexercises: [kroc-row]\n",
        "exercises: [kroc-row]\n",
        "name: T\nexercises:\n  - use: bench-press\n    top: 1x5\n    backoff: 3x8 @ 85\n",
    ],
    ids=[
        "unknown-key",
        "zero-sets",
        "unknown-exercise",
        "bad-tempo",
        "bad-duration",
        "bad-unit",
        "missing-name",
        "bare-number-backoff",
    ],
)
def test_schema_rejects_what_it_can(text: str) -> None:
    """Invalid files that a schema can catch fail schema validation too."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(load_text(text, "x").data, routine_schema())


@pytest.mark.parametrize("backoff", ["3x8 @ 85%", "3x8 @ 185 lb", "{sets: 3, reps: 8, load: 85%}"])
def test_schema_accepts_a_backoff_that_says_share_or_weight(backoff: str) -> None:
    text = f"name: T\nexercises:\n  - use: bench-press\n    top: 1x5\n    backoff: {backoff}\n"
    jsonschema.validate(load_text(text, "x").data, routine_schema())


def test_committed_schema_is_current() -> None:
    """docs/routine.schema.json is exactly what `voicecoach schema` prints."""
    import json
    from pathlib import Path

    committed = Path(__file__).parents[2] / "docs" / "routine.schema.json"
    assert json.loads(committed.read_text()) == routine_schema()
