"""Turn one set, hold, rest or announcement into timed cues. Pure functions.

Every function returns cues relative to the segment's start, already resolved
so that no two clips overlap (given real clip durations from ``durations``),
plus the segment's length. The engine adds the absolute start.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.plan import spoken
from voicecoach.plan.cues import Cue, Durations, Mark, Say, Sound, end_of, resolve
from voicecoach.plan.talk import Talk
from voicecoach.plan.wording import GO, PLAIN, REP_SEP, Wording
from voicecoach.plan.workplan import work_items
from voicecoach.routines.loads import Load, Unloaded
from voicecoach.routines.model import Circuit, ExerciseSpec, Routine
from voicecoach.routines.tempo import Tempo

GAP = 0.35  # silence between sentences spoken in a row
COUNT_IN_AFTER = 0.6  # from the end of a set's announcement to its count-in
ASK_SECONDS = 6.0  # typical time to hear the question and answer, for estimates
REST_MILESTONES = (60, 30, 10)
PRIORITY_PHASE, PRIORITY_REP_CUE, PRIORITY_REP = 1, 2, 3
CUE_EVERY = 4  # reps between repeats of a set's form cues
FULL = Talk()


@dataclass(frozen=True)
class Segment:
    """Resolved cues and how long the segment lasts."""

    cues: list[Cue]
    length: float


def speech(
    texts: list[str], durations: Durations, start: float = 0.0, kind: str = "say"
) -> tuple[list[Cue], float]:
    """Lay sentences out one after another; returns the cues and when the last one ends."""
    cues: list[Cue] = []
    t = start
    for text in texts:
        if not text:
            continue
        said = spoken.sentence(text)
        cues.append(Say(t, (said,), priority=5, kind=kind))
        t += durations(said) + GAP  # the clip that plays: asking for ``text`` rendered both
    return cues, (t - GAP if cues else start)


def set_header(
    spec: ExerciseSpec,
    set_no: int,
    total: int,
    load: Load,
    rep_bonus: int,
    side: str | None = None,
    label: str | None = None,
) -> list[str]:
    """ "Set two of three", the load, the target: what the lifter hears before a set.

    ``label`` names a set of a scheme instead ("Top set", "Back-off two of three").
    """
    target = (
        "hold for " + spoken.duration(spec.hold)
        if spec.hold
        else spoken.reps(spec.reps.low + rep_bonus, spec.reps.high + rep_bonus)
        if spec.reps
        else ""
    )
    if spec.amrap and spec.reps:
        target = f"{spoken.number(spec.reps.low + rep_bonus)} or more, as many as you can"
    parts = [label or (spoken.ordinal_set(set_no, total) if total > 1 else "One set")]
    if not isinstance(load, Unloaded):
        parts.append(said_load(spec, load))
    parts.append(target)
    lines = [", ".join(p for p in parts if p) + "."]
    if side:
        lines.append(
            f"{side.capitalize()} side first."
            if spec.sides and side == spec.sides[0]
            else f"{side.capitalize()} side."
        )
    return lines


def said_load(spec: ExerciseSpec, load: Load) -> str:
    """A load as said before a set: fixed dumbbells by their pair ("the thirty-fives")."""
    from voicecoach.routines.loads import Weight

    if isinstance(load, Weight) and spec.progression.dumbbells and "dumbbell" in spec.equipment:
        return spoken.pair(load.amount) or spoken.load(load)
    return spoken.load(load)


def count_in(beats: int, start: float, talk: Talk = FULL) -> list[Cue]:
    """ "three, two, one, go" on the beat (beeps, then "go", when quiet)."""
    cues: list[Cue] = [
        Say(start + i, (spoken.number(beats - i),), priority=4, kind="count-in", sound="beep")
        if talk.rep_numbers
        else Sound(start + i, "beep")
        for i in range(beats)
    ]
    cues.append(Say(start + beats, (GO,), priority=4, kind="go", sound="go"))
    return cues


def reps_cues(
    spec: ExerciseSpec,
    tempo: Tempo,
    reps: int,
    start: float,
    talk: Talk = FULL,
    two_more: str = "two more",
    open_ended: bool = False,
) -> list[Cue]:
    """Rep numbers, phase words (or ticks), a tick for each further second, form cues.

    Rep ``r`` starts at ``start + (r - 1) * tempo.rep_seconds`` exactly; a Mark
    per rep lets the engine know how many reps were reached when Enter ends
    the set early. The last rep of the target is "last one", and "two more"
    comes with the one before it, so the end of a hard set is heard coming.
    """
    cues: list[Cue] = []
    rep_len = tempo.rep_seconds
    firsts: list[float] = []  # when each rep's first phase starts
    later: list[list[float]] = []  # when its other phases start: room for a cue
    for r in range(1, reps + 1):
        t0 = start + (r - 1) * rep_len
        cues.append(Mark(t0, "rep", r))
        # An open-ended set (AMRAP, a drop) has no last rep to announce.
        cues.append(_rep_start(r, 0 if open_ended else reps, tempo.phases[0].word, t0, talk))
        t = t0
        others: list[float] = []
        for i, phase in enumerate(tempo.phases):
            if i:
                others.append(t)
                if talk.phase_words:
                    cues.append(
                        Say(t, (phase.word,), priority=PRIORITY_PHASE, kind="phase", sound="tick")
                    )
                else:
                    cues.append(Sound(t, "tick"))
            # The seconds inside a long phase are ticks, not words: a spoken "two"
            # for the second second sounded exactly like rep two, and a lifter who
            # lost count could not tell from the words which rep he was on. Words
            # are kept for what needs them: rep numbers and phase changes.
            for k in range(1, int(phase.seconds)):
                cues.append(Sound(t + k, "tick"))
            t += phase.seconds
        firsts.append(t0)
        later.append(others)
    if talk.count == "end" and reps:
        # Counting reps done: the last rep's number closes the set.
        end = start + reps * rep_len
        n = spoken.number(reps)
        cues.append(
            Say(end, (n,), priority=PRIORITY_REP, kind="rep", sound="tick")
            if talk.rep_numbers
            else Sound(end, "beep")
        )
    if talk.rep_numbers and reps >= 4 and not open_ended:
        r = reps - 1
        cues.append(
            Say(
                firsts[r - 1] + 0.9,
                (two_more,),
                priority=PRIORITY_REP_CUE,
                kind="push",
                slots=tuple(later[r - 1]),
            )
        )
    if talk.rep_cues:
        for r, cue in _spread(spec, reps):
            slots = [firsts[q - 1] + 0.9 for q in (r + 1, r + 2) if q <= reps]
            slots += [x for q in (r, r + 1) if q <= reps for x in later[q - 1]]
            cues.append(
                Say(
                    firsts[r - 1] + 0.9,
                    (cue,),
                    priority=PRIORITY_REP_CUE,
                    kind="rep-cue",
                    slots=tuple(sorted(set(slots))),
                )
            )
    cues.append(Mark(start + reps * rep_len, "reps-done", reps))
    return cues


def _rep_start(r: int, reps: int, word: str, at: float, talk: Talk) -> Cue:
    """What marks the start of rep ``r``: its number (or "last one"), and the phase word.

    Counting at the end, the number said is the count of reps just finished.
    """
    if not talk.rep_numbers:
        return Sound(at, "beep")
    last = r == reps and reps > 1
    if talk.count == "start":
        label = "last one" if last else spoken.number(r)
    else:
        label = REP_SEP.join([spoken.number(r - 1)] * (r > 1) + ["last one"] * last)
    if talk.phase_words:
        options = (f"{label}{REP_SEP}{word}", label) if label else (word,)
    elif label:
        options = (label,)
    else:
        return Sound(at, "tick")
    return Say(at, options, priority=PRIORITY_REP, kind="rep", sound="tick")


def _spread(spec: ExerciseSpec, reps: int) -> list[tuple[int, str]]:
    """The set's form cues at their reps, then again every few reps while the set goes on.

    A long set (a Kroc row to twenty) would otherwise hear its one cue at rep
    two and nothing in the hard part; the last two reps are left to "two
    more" and "last one".
    """
    given = [(r, c) for r, c in spec.rep_cues if r <= reps]
    if not given:
        return []
    out = list(given)
    cycle = [c for _, c in given]
    r, i = given[-1][0] + CUE_EVERY, 0
    while r <= reps - 2:
        out.append((r, cycle[i % len(cycle)]))
        r += CUE_EVERY
        i += 1
    return out


def _offsets(tempo: Tempo) -> list[float]:
    out, t = [], 0.0
    for phase in tempo.phases:
        out.append(t + (0.9 if t == 0 else 0))
        t += phase.seconds
    return out


def hold_cues(
    seconds: float, start: float, talk: Talk = FULL, halfway: str = "halfway"
) -> list[Cue]:
    """A timed hold: halfway point, the last three seconds, then done."""
    cues: list[Cue] = []
    if seconds >= 10 and talk.milestones:
        cues.append(Say(start + seconds / 2, (halfway,), priority=3, kind="hold"))
    for k in (3, 2, 1):
        if seconds > k + 1:
            cues.append(
                Say(start + seconds - k, (spoken.number(k),), priority=4, kind="count")
                if talk.rep_numbers
                else Sound(start + seconds - k, "beep")
            )
    cues.append(Say(start + seconds, ("done",), priority=5, kind="hold-done", sound="set-done"))
    cues.append(Mark(start + seconds, "hold-done", seconds))
    return cues


@dataclass(frozen=True)
class Work:
    """What one set's segment plays: its reps, what is said first, the count-in's beats,
    and whether it runs on past its reps (an AMRAP or a drop set, ended by Enter)."""

    reps: int
    intro: list[str]
    beats: int = 3
    open_ended: bool = False
    # Where the count-in starts when the announcement (``intro``, then empty here) is
    # played on its own first: its end plus COUNT_IN_AFTER, in the same segment's time.
    after: float = 0.0


def work_length(spec: ExerciseSpec, work: Work) -> float:
    """When a set's segment ends by its beats, before its clips are known: the count-in,
    one beat, then the reps or the hold (an announcement in ``intro`` is not counted)."""
    start = work.after + work.beats + 1.0
    return start + (spec.hold if spec.hold is not None else work.reps * spec.tempo.rep_seconds)


def work_segment(
    spec: ExerciseSpec,
    work: Work,
    durations: Durations,
    talk: Talk = FULL,
    wording: Wording = PLAIN,
) -> Segment:
    """Announcement (may be empty), count-in, then the reps or the hold.

    ``wording`` is turned to this set's place (``Wording.turn``), so that its
    varied lines ("two more", "halfway") differ from the last set's.
    """
    tempo, reps, intro, beats = spec.tempo, work.reps, work.intro, work.beats
    cues, t = speech(intro, durations, start=work.after)
    if intro:
        t += COUNT_IN_AFTER
    if beats:
        cues += count_in(beats, t, talk)
        t += beats
    # One beat after "go" (ours, or the one that ended the rest) before rep one.
    work_start = t + 1.0
    cues.append(Mark(work_start, "work-start", 0))
    if spec.hold is not None:
        cues += hold_cues(spec.hold, work_start, talk, wording.line("halfway", 0))
        length = work_start + spec.hold
    else:
        cues += reps_cues(
            spec, tempo, reps, work_start, talk, wording.line("two-more", 0), work.open_ended
        )
        length = work_start + reps * tempo.rep_seconds
    resolved = resolve(cues, durations)
    return Segment(resolved, max(length, end_of(resolved, durations)))


def rest_segment(
    seconds: float,
    preview: list[str],
    durations: Durations,
    talk: Talk = FULL,
    wording: Wording = PLAIN,
    n: int = 0,
) -> Segment:
    """ "Rest ninety seconds", a preview of what is next, milestones, "three, two, one, go".

    If the preview is longer than the rest allows, the rest is stretched so
    the coach never talks over the countdown. Quiet, the rest begins without a
    word and counts down in beeps: what is next and "go" are what need words.
    """
    opening = [wording.line("rest", n, d=spoken.duration(seconds))] if talk.milestones else []
    cues, t = speech(opening, durations, kind="rest")
    preview_cues, preview_end = speech(preview, durations, start=t + 1.0, kind="preview")
    cues += preview_cues
    end = max(seconds, preview_end + 4.0 if preview else t + 3.5)
    for m in REST_MILESTONES if talk.milestones else ():
        if m < end - 4 and end - m > t + 0.5:
            cues.append(Say(end - m, (f"{spoken.duration(m)}",), priority=6, kind="milestone"))
    cues += [
        Say(end - k, (spoken.number(k),), priority=7, kind="countdown", sound="beep")
        if talk.rep_numbers
        else Sound(end - k, "beep")
        for k in (3, 2, 1)
    ]
    cues.append(Say(end, (GO,), priority=8, kind="go", sound="go"))
    cues.append(Mark(end, "rest-done", seconds))
    # The preview is lowest: a milestone or the countdown wins over it.
    lowered = [
        Say(c.at, c.options, priority=2, kind=c.kind)
        if isinstance(c, Say) and c.kind == "preview"
        else c
        for c in cues
    ]
    resolved = resolve(lowered, durations)
    return Segment(resolved, end)


def estimate_seconds(routine: Routine) -> float:
    """A fair estimate of the whole session, for ``list`` and ``plan``."""
    total = 10.0
    for item in routine.items:
        if isinstance(item, Circuit):
            for r in range(item.rounds):
                for i, ex in enumerate(item.exercises):
                    total += _work_estimate(ex) * max(1, len(ex.sides))
                    total += item.transition if i < len(item.exercises) - 1 else 0
                total += ASK_SECONDS + (item.rest if r < item.rounds - 1 else 0)
    for it in work_items(routine):
        if it.circuit is not None:
            continue
        spec = it.spec
        sides = max(1, len(spec.sides))
        work = _work_estimate(spec) if it.reps is None else it.reps * spec.tempo.rep_seconds + 7
        total += work * sides + spec.switch * (sides - 1)
        if it.kind == "working":
            total += ASK_SECONDS + spec.rest  # the rest (or the walk to the next exercise)
        else:
            total += it.rest_after
        if it.first_of_exercise:
            total += 3 * len(spec.setup)
    return total


def _work_estimate(spec: ExerciseSpec) -> float:
    if spec.hold is not None:
        return spec.hold + 7
    reps = spec.reps.high if spec.reps else 10
    return reps * spec.tempo.rep_seconds + 7
