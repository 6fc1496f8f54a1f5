"""How much the coach says (talk: full | reps | quiet) and where the rep number falls.

On the fake clock and the estimate voice: the plans are exact, so each
level's words can be checked one by one.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import replace

import pytest

from voicecoach.events import Event
from voicecoach.plan import planner, spoken
from voicecoach.plan.cues import SOUND_SECONDS, Cue, Say, Sound
from voicecoach.plan.talk import Talk
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.problems import RoutineError
from voicecoach.routines.tempo import PhaseWords, parse_tempo
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.state import Coaching
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer, estimate
from voicecoach.testing import FakeClock, RecordingOutput

SPEC = parse_routine_text(
    "name: T\nexercises:\n  - use: pull-up\n    reps: 5-12\n"
    "    tempo: [pull 1, squeeze 1, lower 3]\n    rep_cues: {2: Chest up., 3: Elbows down.}\n"
).exercises()[0]
TEMPO = SPEC.tempo


def _reps_said(cues: list[Cue]) -> list[str]:
    return [c.text for c in cues if isinstance(c, Say) and c.kind == "rep"]


@pytest.mark.parametrize("reps", [2, 5, 12])
def test_last_one_falls_on_the_last_rep(reps: int) -> None:
    seg = planner.work_segment(SPEC, planner.Work(reps, [], 0), estimate)
    said = _reps_said(seg.cues)
    assert said[-1] == "last one. pull"
    assert [s.split(".")[0] for s in said[:-1]] == [spoken.number(r) for r in range(1, reps)]
    two_more = [c for c in seg.cues if isinstance(c, Say) and c.text == "two more"]
    rep_len = TEMPO.rep_seconds
    if reps >= 4:  # said inside the rep before the last
        assert len(two_more) == 1
        assert (reps - 2) * rep_len + 1.0 <= two_more[0].at < (reps - 1) * rep_len + 1.0
    else:
        assert not two_more


def test_counting_at_the_end_says_reps_done() -> None:
    seg = planner.work_segment(SPEC, planner.Work(5, [], 0), estimate, Talk(count="end"))
    said = _reps_said(seg.cues)
    # Rep one starts with the phase word alone; each later one with the count so far.
    assert said == ["pull", "one. pull", "two. pull", "three. pull", "four. last one. pull", "five"]
    ends = [c.at for c in seg.cues if isinstance(c, Say) and c.text == "five"]
    assert ends == [1.0 + 5 * TEMPO.rep_seconds]


def test_reps_level_keeps_numbers_and_ticks_the_phases() -> None:
    seg = planner.work_segment(SPEC, planner.Work(6, [], 3), estimate, Talk("reps"))
    words = [c.text for c in seg.cues if isinstance(c, Say)]
    assert "squeeze" not in words and "lower" not in words
    assert "Chest up." not in words  # form cues during reps are for full talk
    assert _reps_said(seg.cues) == [
        "one",
        "two",
        "three",
        "four",
        "five",
        "last one",
    ]
    assert sum(isinstance(c, Sound) and c.name == "tick" for c in seg.cues) >= 6 * 3


def test_quiet_says_only_go_in_a_set_and_beeps_the_rest() -> None:
    seg = planner.work_segment(SPEC, planner.Work(6, ["Set one."], 3), estimate, Talk("quiet"))
    words = [c.text for c in seg.cues if isinstance(c, Say)]
    assert words == ["Set one.", "Go!"]
    beeps = [c.at for c in seg.cues if isinstance(c, Sound) and c.name == "beep"]
    assert len(beeps) == 3 + 6  # count-in, then one a rep
    rest = planner.rest_segment(90, ["Next: set two, fifty pounds."], estimate, Talk("quiet"))
    assert [c.text for c in rest.cues if isinstance(c, Say)] == [
        "Next: set two, fifty pounds.",
        "Go!",
    ]


@pytest.mark.parametrize("talk", [Talk(), Talk("reps"), Talk(count="end")])
@pytest.mark.parametrize("reps", [3, 8, 20])
def test_cues_never_overlap_counts(talk: Talk, reps: int) -> None:
    """Form cues, "two more" and rep numbers never sound at the same time."""
    for tempo in (
        TEMPO,
        parse_tempo("1-0-1-0", PhaseWords()),
        parse_tempo("3-1-2-1", PhaseWords()),
    ):
        seg = planner.work_segment(
            replace(SPEC, tempo=tempo), planner.Work(reps, [], 3), estimate, talk
        )
        spans = sorted(
            (c.at, c.at + (estimate(c.text) if isinstance(c, Say) else SOUND_SECONDS))
            for c in seg.cues
            if isinstance(c, (Say, Sound))
        )
        for (a0, a1), (b0, _b1) in itertools.pairwise(spans):
            assert a1 <= b0 + 1e-9, (a0, a1, b0)


def test_form_cues_spread_over_a_long_set() -> None:
    seg = planner.work_segment(SPEC, planner.Work(12, [], 0), estimate)
    cue_reps = [
        int(c.at // TEMPO.rep_seconds) + 1
        for c in seg.cues
        if isinstance(c, Say) and c.kind == "rep-cue"
    ]
    assert len(cue_reps) >= 3 and cue_reps[0] == 2  # at its rep, then again later
    assert max(cue_reps) <= 12 - 1  # the last rep is left to "last one"


def _run(text: str, keys: list[tuple[float, str]], seed: int = 0) -> list[Event]:
    events: list[Event] = []
    env = Environment(
        clock=FakeClock(keys),
        voice=Voice(EstimateRenderer()),
        output=RecordingOutput(),
        sinks=[events.append],
        answers=deque(),
    )
    Session(parse_routine_text(text), env, coaching=Coaching(seed=seed)).run()
    return events


ROUTINE = (
    "name: Tiny\ncount_in: 0\n{talk}exercises:\n"
    "  - {{use: barbell-row, sets: 2, reps: 4, load: 100 lb, rest: 30s}}\n"
)


def test_routine_talk_key_and_the_live_key() -> None:
    quiet = _run(ROUTINE.format(talk="talk: quiet\n"), [])
    assert not any(e.kind == "say" and e.text == "down slow" for e in quiet)
    # t during the first set: full → reps; the next set ticks its phases.
    events = _run(ROUTINE.format(talk=""), [(8.0, "t")])
    changed = [e for e in events if e.kind == "talk"]
    assert [e.text for e in changed] == ["reps"]
    second_set = [e.due for e in events if e.kind == "set"][1]
    after = [e.text for e in events if e.kind == "say" and e.due > second_set]
    assert "Talk: reps." in [e.text for e in events if e.kind == "say"]
    assert "down slow" not in after and "two" in after


def test_bad_talk_in_a_routine_is_located() -> None:
    with pytest.raises(RoutineError) as info:
        parse_routine_text("name: T\ntalk: chatty\nexercises: [pull-up]\n", "r.yaml")
    (p,) = info.value.problems
    assert (p.line, p.column) == (2, 7) and "full, reps, quiet" in p.message


def _pool_lines(events: list[Event]) -> dict[str, list[str]]:
    from voicecoach.plan.wording import POOLS

    out: dict[str, list[str]] = {}
    for e in events:
        if e.kind != "say":
            continue
        for pool, options in POOLS.items():
            stems = [o.split("{")[0].strip(" :").lower() or o.split("}")[-1] for o in options]
            if any(s and s in e.text.lower() for s in stems):
                out.setdefault(pool, []).append(e.text)
    return out


LONG = (
    "name: Long\ncount_in: 0\nexercises:\n"
    "  - {use: barbell-row, sets: 4, reps: 5, load: 100 lb, rest: 30s}\n"
    "  - {use: kroc-row, sets: 2, reps: 5, load: 50 lb, rest: 30s}\n"
    "  - {use: dead-hang, sets: 3, hold: 20s, rest: 30s}\n"
)


def _session(seed: int) -> list[Event]:
    return _run(LONG, [], seed)


def test_varied_lines_never_repeat_back_to_back_and_are_reproducible() -> None:
    first = _pool_lines(_session(0))
    assert {"rest", "two-more", "halfway"} <= set(first)
    for pool, lines in first.items():
        assert len(lines) >= 2, pool
        for a, b in itertools.pairwise(lines):
            assert a != b, (pool, a)
    assert _pool_lines(_session(0)) == first  # the same seed says the same words
    # Next week (one more session journaled) starts each pool elsewhere.
    later = _pool_lines(_session(1))
    assert later["rest"][0] != first["rest"][0]


def _all_number_words() -> frozenset[str]:
    return frozenset(spoken.number(n) for n in range(0, 101))


@pytest.mark.parametrize("talk", [Talk(), Talk("reps"), Talk(count="end"), Talk("quiet")])
def test_no_count_inside_a_set_is_a_rep_number_word(talk: Talk) -> None:
    """Inside a set only the rep cue may be a number: the seconds of a phase are ticks.

    Every built-in exercise with reps, at its own tempo, is planned to its top
    of range; after the work starts, a line that is only a number word must be
    the rep's own (or, counting at the end, the closing count), never a second
    count or a phase word that sounds like one.
    """
    from voicecoach.plan.cues import Mark
    from voicecoach.routines import catalog

    numbers = _all_number_words()
    checked = 0
    for name in catalog.builtin_paths():
        for spec in catalog.load(name).exercises():
            if spec.reps is None:
                continue
            reps = int(spec.reps.high)
            seg = planner.work_segment(spec, planner.Work(reps, [], 3), estimate, talk)
            start = next(c.at for c in seg.cues if isinstance(c, Mark) and c.kind == "work-start")
            for c in seg.cues:
                if not isinstance(c, Say) or c.at < start:
                    continue
                bare = c.text.replace("-", " ").strip(" .,").lower()
                if bare in numbers or c.text in numbers:
                    assert c.kind == "rep", (name, spec.key, c)
                for phase in spec.tempo.phases:
                    assert phase.word.lower() not in numbers, (name, spec.key, phase)
            checked += 1
    assert checked > 20
