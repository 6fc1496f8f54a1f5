"""One exercise entry: ``use:`` or its own keys, sets, reps or hold, load, sides, tempo, cues."""

from __future__ import annotations

from typing import Any

from voicecoach.routines.checks import EXERCISE_KEYS, LONG_LIMITS, MAX_LOAD, parse_range
from voicecoach.routines.exercise_entry import (
    ENTRY_KEYS,
    EntryReader,
    LibraryExercise,
    slug,
    valid_id,
)
from voicecoach.routines.library import unknown_id_message
from voicecoach.routines.loads import (
    Bodyweight,
    Level,
    Load,
    Unloaded,
    Weight,
    parse_load,
    parse_weight,
)
from voicecoach.routines.model import BARS, ExerciseSpec, Range, SetPlan, Week, is_training_max
from voicecoach.routines.section_progression import ProgressionSection
from voicecoach.routines.tempo import parse_tempo

# Keys an exercise of the routine's own may have besides the ones every entry has.
INLINE_KEYS = (ENTRY_KEYS - {"aliases"}) | {"id"}
KG_PER_LB = 0.45359237


# Keys of an exercise that a circuit decides for all of its exercises, and what to write.
_NOT_IN_A_CIRCUIT = {
    "sets": "is the circuit's, not an exercise's; write rounds: on the circuit",
    "rest": "is the circuit's, after each round; write rest: (or transition:, between"
    " exercises) on the circuit",
    **{
        k: "is not for an exercise in a circuit; give it to an exercise outside the circuit"
        for k in ("warmup", "drop", "top", "backoff", "weeks")
    },
}


class ExerciseSection(ProgressionSection):
    """An exercise entry, with its load, sides and per-rep cues."""

    def exercise(
        self,
        data: dict[str, Any],
        path: tuple[Any, ...],
        defaults: dict[str, Any],
        *,
        in_circuit: bool,
    ) -> ExerciseSpec | None:
        before = len(self.problems)
        lib = self.which_exercise(data, path, in_circuit=in_circuit)
        if lib is None:
            return None

        def get(key: str, fallback: Any) -> Any:
            return data[key] if key in data else defaults.get(key, fallback)

        def at(key: str) -> tuple[Any, ...]:
            # A value taken from defaults: is wrong where it is written, once.
            return ("defaults", key) if key not in data and key in defaults else (*path, key)

        name = data.get("name", lib.name)
        scheme: tuple[SetPlan, ...] = ()
        if isinstance(data.get("sets"), list):
            scheme = self.scheme(data["sets"], (*path, "sets"))
            sets: int | None = len(scheme) or 1
        else:
            sets = 1 if in_circuit else self.positive_int(get("sets", 3), at("sets"), "sets")
        if "top" in data or "backoff" in data:
            if "sets" in data:
                self.fail((*path, "top"), "give either sets: or top:/backoff:, not both", key=True)
            scheme = self.top_backoff(data.get("top"), data.get("backoff"), path)
            sets = len(scheme) or 1
        reps: Range | None = None
        hold: float | None = None
        amrap = False
        if "hold" in data or (lib.timed and "reps" not in data):
            if "reps" in data:
                self.fail((*path, "hold"), "give either reps: or hold:, not both", key=True)
            hold = self.duration(data.get("hold", "30s"), (*path, "hold"), "hold")
            if hold is not None and hold < 1:
                self.fail((*path, "hold"), "hold: must be at least 1s")
        else:
            try:
                raw_reps = get("reps", "8-12")
                target = self.amrap(raw_reps)
                amrap = target is not None
                reps = (
                    Range(target, target) if target is not None else parse_range(raw_reps, "reps")
                )
                if reps.low < 1:
                    self.fail(at("reps"), "reps must be at least 1")
                elif reps.high > self.limits["reps"]:
                    self.fail(
                        at("reps"),
                        f"{reps.high} reps is more than the limit of "
                        f"{self.limits['reps']}; use allow_long: true if you mean it",
                    )
            except ValueError as exc:
                self.fail(at("reps"), str(exc))
        load = self.load(data, path, lib)
        try:
            tempo = (
                parse_tempo(get("tempo", None), lib.words)
                if get("tempo", None) is not None
                else lib.tempo
            )
        except ValueError as exc:
            self.fail(at("tempo"), str(exc))
            tempo = lib.tempo
        rest = 0.0 if in_circuit else self.duration(get("rest", "90s"), at("rest"), "rest")
        rir: Range | None = None
        try:
            rir = parse_range(get("rir", "1-2"), "RIR")
            if rir.high > 5:
                self.fail(at("rir"), "an RIR target runs from 0 to 5")
        except ValueError as exc:
            self.fail(at("rir"), str(exc))
        sides = self.sides(data, path, lib)
        barbell = bool(set(lib.equipment) & BARS) or "bar" in data
        if "warmup" in data:
            warmups = self.warmups(
                data["warmup"], (*path, "warmup"), barbell=barbell, from_defaults=False
            )
        elif "warmup" in defaults and not in_circuit:
            warmups = self.warmups(
                defaults["warmup"], ("defaults", "warmup"), barbell=barbell, from_defaults=True
            )
        else:
            warmups = ()
        drops = self.drops(data.get("drop"), (*path, "drop"))
        if hold is not None and ("warmup" in data or "drop" in data):
            self.fail(
                (*path, "warmup" if "warmup" in data else "drop"),
                "warm-ups and drop sets are for sets of reps, not holds",
                key=True,
            )
        if hold is not None and (scheme or "weeks" in data):
            self.fail(
                (*path, "weeks" if "weeks" in data else "sets"),
                "set schemes and weeks are for sets of reps, not holds",
                key=True,
            )
            scheme = ()
        weeks: tuple[Week, ...] = ()
        if "weeks" in data and hold is None and rir is not None:
            base = Week(sets or 1, reps, amrap, rir, scheme)
            weeks = self.weeks(data["weeks"], (*path, "weeks"), base)
        bar = self.bar(data.get("bar"), (*path, "bar")) if "bar" in data else None
        switch = self.duration(get("switch", "10s"), at("switch"), "switch")
        setup = self.text_list(data.get("setup"), (*path, "setup"), "setup")
        rep_cues = dict(lib.rep_cues)
        rep_cues.update(EntryReader(self).rep_cues(data.get("rep_cues"), (*path, "rep_cues")))
        # Exercise-level progression keys override the routine's defaults key by key.
        merged = defaults.get("progression", {})
        if isinstance(merged, dict) and isinstance(data.get("progression"), dict):
            merged = {**merged, **data["progression"]}
        elif "progression" in data:
            merged = data["progression"]
        if lib.step is not None and isinstance(merged, dict):
            # The exercise's own step (a deadlift moves in bigger jumps than a curl)
            # comes before the routine's generic one, unless this entry gives its own.
            given = data.get("progression")
            own: dict[str, Any] = given if isinstance(given, dict) else {}
            unit = load.unit if isinstance(load, (Weight, Bodyweight)) else self.units
            step = _in_unit(lib.step, unit)
            merged = {**merged, **{k: step for k in ("add", "drop") if k not in own}}
        progression = self.progression(
            merged,
            (*path, "progression") if "progression" in data else ("defaults", "progression"),
            load,
        )
        if (
            len(self.problems) > before
            or sets is None
            or rest is None
            or rir is None
            or switch is None
            or progression is None
        ):
            return None
        return ExerciseSpec(
            key=lib.key,
            name=str(name),
            sets=sets,
            reps=reps,
            hold=hold,
            load=load,
            tempo=tempo,
            rest=rest,
            rir=rir,
            sides=sides,
            switch=switch,
            setup=lib.setup + setup,
            rep_cues=tuple(sorted(rep_cues.items())),
            progression=progression,
            equipment=lib.equipment,
            bar=bar,
            warmups=warmups if hold is None else (),
            amrap=amrap,
            drops=drops if hold is None else (),
            scheme=scheme,
            weeks=weeks,
            training_max=is_training_max(scheme, weeks),
        )

    def bar(self, raw: Any, path: tuple[Any, ...]) -> Weight | None:
        """This exercise's own bar: a trap bar or an EZ bar weighs what the usual bar does not."""
        try:
            weight = parse_weight(raw, self.units)
            if not 1 <= weight.amount <= 200:
                raise ValueError("a bar weighs from 1 to 200, like 45 lb or 20 kg")
        except ValueError as exc:
            self.fail(path, f"bar: {exc}")
            return None
        return weight

    def load(self, data: dict[str, Any], path: tuple[Any, ...], lib: LibraryExercise) -> Load:
        if "load" not in data:
            if lib.timed:
                return Unloaded()
            if lib.levels:
                return Level(lib.levels, 0)
            if "bodyweight" in lib.equipment:
                return Bodyweight(0.0, self.units)
            return Unloaded()
        try:
            load = parse_load(data["load"], self.units, lib.levels)
        except ValueError as exc:
            self.fail((*path, "load"), str(exc))
            return Unloaded()
        if isinstance(load, (Weight, Bodyweight)):
            cap = MAX_LOAD[load.unit] * (10 if self.limits is LONG_LIMITS else 1)
            if abs(load.amount) > cap:
                self.fail(
                    (*path, "load"),
                    f"{load.amount:g} {load.unit} is more than the limit "
                    f"of {cap:g} {load.unit}; check the number, or set allow_long: true",
                )
        return load

    def sides(
        self, data: dict[str, Any], path: tuple[Any, ...], lib: LibraryExercise
    ) -> tuple[str, ...]:
        raw = data.get("sides", ["right", "left"] if lib.unilateral else [])
        if raw in (None, False, "both"):
            return ()
        if (
            not isinstance(raw, list)
            or not all(isinstance(s, str) and s.strip() for s in raw)
            or len(raw) > 4
            or len(set(raw)) != len(raw)
        ):
            self.fail(
                (*path, "sides"), "sides: must be a list of distinct side names, like [right, left]"
            )
            return ()
        return tuple(s.strip() for s in raw)

    def which_exercise(
        self, data: dict[str, Any], path: tuple[Any, ...], *, in_circuit: bool
    ) -> LibraryExercise | None:
        """The library's exercise ``use:`` names, or the routine's own (``name:``, no ``use:``)."""
        where = "an exercise in a circuit" if in_circuit else "an exercise"
        not_here = set(_NOT_IN_A_CIRCUIT) if in_circuit else set()
        allowed = EXERCISE_KEYS - not_here
        for k in not_here & set(data):
            self.fail((*path, k), f"{k}: {_NOT_IN_A_CIRCUIT[k]}", key=True)
        keys = {k: v for k, v in data.items() if k not in not_here}
        if "use" not in data and "name" in data:
            self.check_keys(keys, path, allowed | INLINE_KEYS, where)
            return self.own_exercise(data, path)
        self.check_keys(keys, path, allowed, where)
        use = data.get("use")
        if not isinstance(use, str):
            self.fail(
                path if "use" not in data else (*path, "use"),
                "each exercise needs 'use:' naming an exercise from the library "
                "(see 'voicecoach exercises'), or 'name:' and its own keys for an "
                "exercise of this routine",
            )
            return None
        if use not in self.library:
            self.fail((*path, "use"), unknown_id_message(use, self.library))
            return None
        return self.library[use]

    def own_exercise(self, data: dict[str, Any], path: tuple[Any, ...]) -> LibraryExercise | None:
        """An exercise defined in the routine itself, with the library's keys.

        Its id is the slug of its name (or ``id:``), so its sets are journaled
        under the same id in every routine that defines it the same way.
        """
        key = data.get("id")
        if "id" in data and not valid_id(key):
            self.fail(
                (*path, "id"),
                f"{key!r} is not an exercise id; use lowercase words joined by dashes, "
                "like landmine-press",
            )
            return None
        name = data.get("name")
        if not isinstance(key, str):
            key = slug(name) if isinstance(name, str) else ""
        # Tempo, set-up and rep cues are read with the routine's keys, as for any exercise.
        return EntryReader(self).read(
            data,
            path,
            key or "exercise",
            source=self.doc.file,
            keys=ENTRY_KEYS - {"tempo", "setup", "rep_cues"},
        )


def _in_unit(step: Weight, unit: str) -> str:
    """A step as routine text in ``unit``, converted and rounded to what plates allow."""
    if step.unit == unit:
        return f"{step.amount:g} {unit}"
    amount = step.amount / KG_PER_LB if unit == "lb" else step.amount * KG_PER_LB
    grain = 0.5 if unit == "lb" else 0.25
    return f"{max(grain, round(amount / grain) * grain):g} {unit}"
