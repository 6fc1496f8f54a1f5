"""One exercise entry: ``use:``, sets, reps or hold, load, sides, tempo, cues."""

from __future__ import annotations

from typing import Any

from voicecoach.routines.checks import EXERCISE_KEYS, LONG_LIMITS, MAX_LOAD, parse_range
from voicecoach.routines.library import LibraryExercise
from voicecoach.routines.loads import (
    Bodyweight,
    Level,
    Load,
    Unloaded,
    Weight,
    parse_load,
)
from voicecoach.routines.model import ExerciseSpec, Range
from voicecoach.routines.problems import did_you_mean
from voicecoach.routines.section_progression import ProgressionSection
from voicecoach.routines.tempo import parse_tempo


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
        allowed = EXERCISE_KEYS - ({"sets", "rest"} if in_circuit else set())
        self.check_keys(
            data, path, allowed, "an exercise in a circuit" if in_circuit else "an exercise"
        )
        use = data.get("use")
        lib: LibraryExercise | None = None
        if not isinstance(use, str):
            self.fail(
                path if "use" not in data else (*path, "use"),
                "each exercise needs 'use:' naming an exercise from the library "
                "(see 'voicecoach exercises')",
            )
        elif use not in self.library:
            self.fail(
                (*path, "use"),
                f"no exercise {use!r} in the library"
                + (did_you_mean(use, self.library) or "; run 'voicecoach exercises' to list them"),
            )
        else:
            lib = self.library[use]
        if lib is None:
            return None

        def get(key: str, fallback: Any) -> Any:
            return data[key] if key in data else defaults.get(key, fallback)

        name = data.get("name", lib.name)
        sets = 1 if in_circuit else self.positive_int(get("sets", 3), (*path, "sets"), "sets")
        reps: Range | None = None
        hold: float | None = None
        if "hold" in data or (lib.timed and "reps" not in data):
            if "reps" in data:
                self.fail((*path, "hold"), "give either reps: or hold:, not both", key=True)
            hold = self.duration(data.get("hold", "30s"), (*path, "hold"), "hold")
            if hold is not None and hold < 1:
                self.fail((*path, "hold"), "hold: must be at least 1s")
        else:
            try:
                reps = parse_range(get("reps", "8-12"), "reps")
                if reps.low < 1:
                    self.fail((*path, "reps"), "reps must be at least 1")
                elif reps.high > self.limits["reps"]:
                    self.fail(
                        (*path, "reps"),
                        f"{reps.high} reps is more than the limit of "
                        f"{self.limits['reps']}; use allow_long: true if you mean it",
                    )
            except ValueError as exc:
                self.fail((*path, "reps"), str(exc))
        load = self.load(data, path, lib)
        try:
            tempo = (
                parse_tempo(get("tempo", None), lib.words)
                if get("tempo", None) is not None
                else lib.tempo
            )
        except ValueError as exc:
            self.fail((*path, "tempo"), str(exc))
            tempo = lib.tempo
        rest = 0.0 if in_circuit else self.duration(get("rest", "90s"), (*path, "rest"), "rest")
        rir: Range | None = None
        try:
            rir = parse_range(get("rir", "1-2"), "RIR")
            if rir.high > 5:
                self.fail((*path, "rir"), "an RIR target runs from 0 to 5")
        except ValueError as exc:
            self.fail((*path, "rir"), str(exc))
        sides = self.sides(data, path, lib)
        switch = self.duration(get("switch", "10s"), (*path, "switch"), "switch")
        setup = self.text_list(data.get("setup"), (*path, "setup"), "setup")
        rep_cues = dict(lib.rep_cues)
        rep_cues.update(self.rep_cues(data.get("rep_cues"), (*path, "rep_cues")))
        # Exercise-level progression keys override the routine's defaults key by key.
        merged = defaults.get("progression", {})
        if isinstance(merged, dict) and isinstance(data.get("progression"), dict):
            merged = {**merged, **data["progression"]}
        elif "progression" in data:
            merged = data["progression"]
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
        )

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

    def rep_cues(self, raw: Any, path: tuple[Any, ...]) -> dict[int, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail(
                path, "rep_cues: must map a rep number to a cue, like {3: keep your chest up}"
            )
            return {}
        out: dict[int, str] = {}
        for k, v in raw.items():
            rep = int(k) if isinstance(k, int) or (isinstance(k, str) and k.isdigit()) else None
            if rep is None or rep < 1:
                self.fail((*path, k), f"{k!r} is not a rep number; keys are 1, 2, 3…", key=True)
            elif not isinstance(v, str) or not v.strip() or len(v) > 80:
                self.fail((*path, k), "a rep cue is a short phrase of at most 80 characters")
            else:
                out[rep] = v.strip()
        return out
