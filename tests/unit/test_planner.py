"""Planning a set or a rest: exact tempo spacing, milestones, and no overlapping speech."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from voicecoach.plan import planner, spoken
from voicecoach.plan.cues import Mark, Say, Sound, resolve
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.tempo import PhaseWords, parse_tempo
from voicecoach.speech.estimate import estimate

ROUTINE = parse_routine_text("""
name: T
exercises:
  - use: pull-up
    sets: 2
    reps: 5-8
    tempo: [pull 1, squeeze 1, lower 3]
    rep_cues: {3: Chest up.}
""")
SPEC = ROUTINE.exercises()[0]


def _says(cues):  # type: ignore[no-untyped-def]
    return [(round(c.at, 3), c.text) for c in cues if isinstance(c, Say)]


def test_reps_follow_the_tempo_exactly() -> None:
    """Rep marks are exactly one rep length (5 s) apart, from the work start."""
    seg = planner.work_segment(SPEC, planner.Work(8, [], 3), estimate)
    reps = [c.at for c in seg.cues if isinstance(c, Mark) and c.kind == "rep"]
    assert reps == [4.0 + 5.0 * i for i in range(8)]


def test_phase_words_and_ticks_land_on_phase_starts() -> None:
    """Rep 1: "one. pull" at 4 s, "squeeze" at 5 s, "lower" at 6 s, ticks at 7 and 8 s."""
    seg = planner.work_segment(SPEC, planner.Work(8, [], 3), estimate)
    says = _says(seg.cues)
    assert says[3:8] == [
        (3.0, "Go!"),
        (4.0, "one. pull"),
        (5.0, "squeeze"),
        (6.0, "lower"),
        (9.0, "two. pull"),
    ]
    ticks = [c.at for c in seg.cues if isinstance(c, Sound) and c.name == "tick"]
    assert 7.0 in ticks and 8.0 in ticks


@pytest.mark.parametrize("tempo", ["3-1-1-0", "2-0-4-2", "5-5-5-5", "1-0-1-0", "4-2-3-1"])
@pytest.mark.parametrize("reps", [1, 5, 12, 20])
def test_no_second_count_sounds_like_a_rep_number(tempo: str, reps: int) -> None:
    """Within a set, no word but a rep's own says a number: seconds are ticks."""
    pace = parse_tempo(tempo, PhaseWords())
    seg = planner.work_segment(replace(SPEC, tempo=pace), planner.Work(reps, [], 3), estimate)
    numbers = {spoken.number(n) for n in range(1, 31)}
    after_go = [c for c in seg.cues if isinstance(c, Say) and c.at > 3.0]
    for cue in after_go:
        first_word = cue.text.split(".")[0]
        if first_word in numbers:
            assert cue.kind == "rep", (cue.at, cue.text, cue.kind)
    spoken_reps = [c.text.split(".")[0] for c in after_go if c.kind == "rep"]
    expected = [spoken.number(r) for r in range(1, reps)] + ["last one" if reps > 1 else "one"]
    assert spoken_reps == expected[: len(spoken_reps)]


def test_rep_cue_is_spoken_in_its_rep() -> None:
    """The rep-3 cue lands inside rep 3 (14 s to 19 s) without overlapping anything."""
    seg = planner.work_segment(SPEC, planner.Work(8, [], 3), estimate)
    cue = [c for c in seg.cues if isinstance(c, Say) and c.text == "Chest up."]
    assert len(cue) == 1 and 14.0 <= cue[0].at < 19.0


@pytest.mark.parametrize("rest", [30, 60, 90, 120, 180])
def test_rest_milestones(rest: int) -> None:
    """Milestones at 60/30/10 s left (where they fit) and 3-2-1-go at the end."""
    seg = planner.rest_segment(rest, ["Next: set two."], estimate)
    says = dict((t, s) for t, s in _says(seg.cues))
    assert seg.length == rest
    for m, word in ((60, "one minute"), (30, "thirty seconds"), (10, "ten seconds")):
        if m < rest - 8:
            assert says.get(rest - m) == word
    assert [says.get(rest - k) for k in (3, 2, 1, 0)] == ["three", "two", "one", "Go!"]


def test_long_preview_stretches_the_rest() -> None:
    """A preview longer than the rest pushes the countdown back instead of overlapping it."""
    preview = ["A long sentence that takes several seconds to say, really quite long."] * 3
    seg = planner.rest_segment(10, preview, estimate)
    assert seg.length > 10
    _assert_no_overlap(seg.cues)


def _assert_no_overlap(cues, durations=estimate) -> None:  # type: ignore[no-untyped-def]
    spans = sorted(
        (c.at, c.at + (durations(c.text) if isinstance(c, Say) else 0.15))
        for c in cues
        if isinstance(c, (Say, Sound))
    )
    for (a0, a1), (b0, _b1) in itertools.pairwise(spans):
        assert a1 <= b0 + 1e-9, (a0, a1, b0)


@pytest.mark.parametrize("tempo", ["X-0-X-0", "1-0-1-0", "2-0-1-1", "3-1-2-1"])
def test_no_overlap_at_any_tempo(tempo: str) -> None:
    """Whatever the tempo, the resolved cues never overlap."""
    r = parse_routine_text(
        f"name: T\nexercises:\n  - {{use: kroc-row, tempo: '{tempo}', reps: 20}}\n"
    )
    spec = r.exercises()[0]
    seg = planner.work_segment(
        spec, planner.Work(20, ["Kroc row.", "Set one of three."], 3), estimate
    )
    _assert_no_overlap(seg.cues)


def test_resolver_prefers_shorter_option_then_sound() -> None:
    """A cue that doesn't fit uses its shorter option, then its fallback sound."""
    cues = [
        Say(0.0, ("seventeen, pull", "seventeen"), priority=3, sound="tick"),
        Say(0.7, ("lower",), priority=5),
    ]
    out = resolve(cues, estimate)
    assert isinstance(out[0], Say) and out[0].text == "seventeen"
    tight = resolve(
        [Say(0.0, ("seventeen",), priority=3, sound="tick"), Say(0.3, ("lower",), priority=5)],
        estimate,
    )
    assert isinstance(tight[0], Sound) and tight[0].name == "tick"
