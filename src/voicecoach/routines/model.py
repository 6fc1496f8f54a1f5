"""The validated, frozen form of a routine: what the planner and engine work from."""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecoach.routines.loads import Load, Weight
from voicecoach.routines.tempo import PhaseWords, Tempo

# Equipment loaded with plates on a bar.
BARS = {"barbell", "trap-bar", "ez-bar", "safety-bar"}

# How much the coach says, and where a rep's number falls (see plan/talk.py).
TALK_LEVELS = ("full", "reps", "quiet")
COUNT_AT = ("start", "end")


@dataclass(frozen=True)
class LibraryExercise:
    """An exercise's fixed facts and its cues, and where it was defined."""

    key: str
    name: str
    equipment: tuple[str, ...]
    unilateral: bool
    words: PhaseWords
    tempo: Tempo
    setup: tuple[str, ...]
    rep_cues: tuple[tuple[int, str], ...]
    levels: tuple[str, ...]
    timed: bool
    aliases: tuple[str, ...]
    step: Weight | None = None  # the default progression step, when the exercise has one
    source: str = "built-in"


@dataclass(frozen=True)
class Range:
    """An inclusive integer range: reps ``8-12`` or an RIR target ``1-2``."""

    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Progression:
    """How the next set's load is chosen (see progression.py and docs/progression.md).

    ``add``/``drop``/``round``/``cap`` are in the load's unit. ``dumbbells`` is the
    list of loadable weights, when the gym has fixed dumbbells.
    """

    rule: str = "double"  # double | rir-step | e1rm | none
    add: float = 5.0
    drop: float = 5.0
    round: float = 5.0
    dumbbells: tuple[float, ...] = ()
    cap: float | None = None
    beat_by: int | None = None  # add a step when the reps beat the target by this many


@dataclass(frozen=True)
class Warmup:
    """One warm-up set: reps at a share of the first working set's load (0: the empty bar)."""

    reps: int
    share: float


@dataclass(frozen=True)
class SetPlan:
    """One set of a scheme whose sets differ (a top set and back-offs, a pyramid, a ramp).

    Its load is ``share`` of the working load, or ``absolute``, or ``share`` of
    the estimated one-rep max when ``of_e1rm``. ``reps``/``rir``/``rest`` of None
    take the exercise's own.
    """

    reps: Range | None = None
    amrap: bool = False
    share: float = 1.0
    absolute: Load | None = None
    of_e1rm: bool = False
    rir: Range | None = None
    rest: float | None = None
    name: str = ""  # "top set", "back-off": said before the set

    @property
    def at_working_load(self) -> bool:
        return self.share == 1.0 and self.absolute is None and not self.of_e1rm


def is_training_max(scheme: tuple[SetPlan, ...], weeks: tuple[Week, ...]) -> bool:
    """Whether the working load is a reference the sets are shares of, not a lifted load:
    the exercise's sets, or one week's, have none at the working load itself."""
    lists = [scheme, *(w.scheme for w in weeks)]
    return any(plans and not any(p.at_working_load for p in plans) for plans in lists)


@dataclass(frozen=True)
class Week:
    """What one week of a program changes in an exercise: its sets, reps and RIR target."""

    sets: int
    reps: Range | None
    amrap: bool
    rir: Range
    scheme: tuple[SetPlan, ...] = ()


@dataclass(frozen=True)
class Deload:
    """When a program takes weight off, and how much (``take``, a share of the load)."""

    every: int | None = None  # weeks: the first session of every Nth week
    stalled: int | None = None  # sessions in a row without progress, per exercise
    take: float = 0.1


@dataclass(frozen=True)
class Program:
    """A routine run as a program: weeks that differ, how sessions make a week, deloads."""

    weeks: int = 1
    per_week: int = 1  # sessions of this routine in one week of the program
    deload: Deload | None = None


@dataclass(frozen=True)
class ExerciseSpec:
    """One exercise as prescribed by a routine, with the library's defaults filled in."""

    key: str
    name: str
    sets: int
    reps: Range | None
    hold: float | None
    load: Load
    tempo: Tempo
    rest: float
    rir: Range
    sides: tuple[str, ...]
    switch: float
    setup: tuple[str, ...]
    rep_cues: tuple[tuple[int, str], ...]
    progression: Progression
    equipment: tuple[str, ...] = ()
    bar: Weight | None = None  # this exercise's own bar (a trap bar, an EZ bar), if given
    warmups: tuple[Warmup, ...] = ()  # before the first working set; they never move its load
    amrap: bool = False  # ``reps: 5+``: as many as possible, counted past the target
    drops: tuple[float, ...] = ()  # after the last set, each a share of the load before it
    scheme: tuple[SetPlan, ...] = ()  # sets that differ; empty: ``sets`` alike
    weeks: tuple[Week, ...] = ()  # a program's weeks; resolved before a session
    # ``load:`` is a training max (5/3/1): some list of its sets never lifts it as such.
    # Kept apart from ``scheme``/``weeks`` because a session sees one week of them only.
    training_max: bool = False

    @property
    def barbell(self) -> bool:
        """Loaded with plates on a bar, so its loads can be said as plates."""
        return self.bar is not None or bool(set(self.equipment) & BARS)

    @property
    def timed(self) -> bool:
        return self.hold is not None

    def rep_cue(self, rep: int) -> str | None:
        return dict(self.rep_cues).get(rep)


@dataclass(frozen=True)
class Circuit:
    """Exercises done back to back, ``rounds`` times, resting after each round."""

    name: str
    rounds: int
    rest: float
    transition: float
    exercises: tuple[ExerciseSpec, ...]
    kind: str = "circuit"  # or "superset"


Item = ExerciseSpec | Circuit


@dataclass(frozen=True)
class Routine:
    """A whole validated routine."""

    name: str
    description: str
    units: str
    items: tuple[Item, ...]
    source: str = ""
    digest: str = ""
    count_in: int = 3
    rir_timeout: float = 20.0
    talk: str | None = None  # full | reps | quiet, when the routine asks for one
    count: str | None = None  # start | end
    notes: tuple[str, ...] = field(default=())
    program: Program | None = None
    week: int | None = None  # the program week this routine was resolved for (1-based)
    session_notes: tuple[str, ...] = ()  # said at the start: the week, a deload
    # (slot, sessions without progress) of each exercise this session starts lighter for
    # a stall: the coach says so once per exercise, with the load it starts from.
    stalls: tuple[tuple[int, int], ...] = ()

    def exercises(self) -> list[ExerciseSpec]:
        """Every exercise in order, circuits flattened."""
        out: list[ExerciseSpec] = []
        for item in self.items:
            out.extend(item.exercises if isinstance(item, Circuit) else (item,))
        return out
