"""Turn a routine document into a validated :class:`~voicecoach.routines.model.Routine`.

Every problem is collected with its location, so the lifter fixes a file in
one pass instead of one error at a time. Nothing here does I/O beyond reading
the file; the exercise library is read once and cached.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from voicecoach.routines.durations import parse_duration
from voicecoach.routines.library import LibraryExercise, load_library
from voicecoach.routines.loads import (
    Bodyweight,
    Level,
    Load,
    Unloaded,
    Weight,
    normalise_unit,
    parse_load,
    parse_weight,
)
from voicecoach.routines.model import Circuit, ExerciseSpec, Item, Progression, Range, Routine
from voicecoach.routines.problems import Problem, RoutineError, did_you_mean
from voicecoach.routines.tempo import parse_tempo
from voicecoach.routines.yamlsafe import Document, load_file, load_text

TOP_KEYS = {
    "name",
    "description",
    "units",
    "defaults",
    "exercises",
    "count_in",
    "rir_timeout",
    "allow_long",
    "notes",
}
DEFAULT_KEYS = {"rest", "rir", "tempo", "switch", "transition", "progression", "sets", "reps"}
EXERCISE_KEYS = {
    "use",
    "name",
    "sets",
    "reps",
    "hold",
    "load",
    "tempo",
    "rest",
    "rir",
    "sides",
    "switch",
    "progression",
    "setup",
    "rep_cues",
}
CIRCUIT_KEYS = {"circuit", "superset", "rounds", "rest", "transition", "exercises"}
PROGRESSION_KEYS = {"rule", "add", "drop", "round", "dumbbells", "cap"}
RULES = ("double", "rir-step", "e1rm", "none")

# Caps that keep a typo from becoming a 9-hour session; `allow_long: true` lifts them.
LIMITS = {
    "sets": 20,
    "reps": 100,
    "rounds": 20,
    "exercises": 60,
    "rest": 15 * 60,
    "hold": 10 * 60,
    "switch": 120,
    "transition": 300,
}
LONG_LIMITS = {
    "sets": 100,
    "reps": 1000,
    "rounds": 100,
    "exercises": 300,
    "rest": 3 * 3600,
    "hold": 3600,
    "switch": 600,
    "transition": 1800,
}
# The heaviest loads anyone lifts are well under these; a bigger number is a typo.
MAX_LOAD = {"lb": 1500.0, "kg": 700.0}
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-|–|to)\s*(\d+)\s*$")


def load_routine(path: Path) -> Routine:
    """Load and validate a routine file; raises RoutineError listing every problem."""
    doc = load_file(path)
    return build(doc, path.read_bytes())


def parse_routine_text(text: str, file: str = "<routine>") -> Routine:
    """Validate routine text (used by tests and the fuzz suite)."""
    return build(load_text(text, file), text.encode())


def build(doc: Document, raw: bytes) -> Routine:
    """Validate a parsed document."""
    return _Builder(doc).routine(hashlib.sha256(raw).hexdigest()[:16])


def parse_range(value: object, what: str) -> Range:
    """``10``, ``"8-12"`` or ``"8 to 12"`` → Range; ValueError says what is valid."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Range(value, value)
    if isinstance(value, str):
        if value.strip().isdigit():
            n = int(value)
            return Range(n, n)
        if m := _RANGE.match(value):
            low, high = int(m.group(1)), int(m.group(2))
            if low > high:
                raise ValueError(
                    f"the {what} range {value!r} is upside down; "
                    f"write the lower number first, like {high}-{low}"
                )
            return Range(low, high)
    raise ValueError(
        f"{value!r} is not a {what} count; write a number like 10 or a range like 8-12"
    )


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self.library = load_library()
        self.units = "lb"
        self.limits = LIMITS

    # --- helpers -------------------------------------------------------------
    def fail(self, path: tuple[Any, ...], message: str, *, key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, key=key))

    def check_keys(
        self, data: dict[str, Any], path: tuple[Any, ...], allowed: set[str], where: str
    ) -> None:
        for k in data:
            if k not in allowed:
                self.fail(
                    (*path, k),
                    f"unknown key {k!r} in {where}"
                    + (
                        did_you_mean(str(k), allowed)
                        or f"; valid keys are {', '.join(sorted(allowed))}"
                    ),
                    key=True,
                )

    def mapping(self, value: Any, path: tuple[Any, ...], what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.fail(path, f"{what} must be a mapping of keys to values, not {_kind(value)}")
        return None

    def positive_int(self, value: Any, path: tuple[Any, ...], what: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"{what} must be a whole number, not {_kind(value)}")
            return None
        limit = self.limits.get(what, 10**6)
        if value < 1:
            self.fail(path, f"{what} must be at least 1, not {value}")
            return None
        if value > limit:
            self.fail(
                path,
                f"{what} of {value} is more than the limit of {limit}; "
                "lower it, or set allow_long: true at the top of the routine",
            )
            return None
        return value

    def duration(self, value: Any, path: tuple[Any, ...], what: str) -> float | None:
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            self.fail(path, f"{what}: {exc}")
            return None
        limit = self.limits.get(what)
        if limit is not None and seconds > limit:
            self.fail(
                path,
                f"{what} of {value} is longer than the limit of {limit // 60} min; "
                "shorten it, or set allow_long: true at the top of the routine",
            )
            return None
        return seconds

    # --- top level -------------------------------------------------------------
    def routine(self, digest: str) -> Routine:
        data = self.mapping(self.doc.data, (), "a routine")
        if data is None:
            raise RoutineError(self.problems)
        self.check_keys(data, (), TOP_KEYS, "the routine")
        if data.get("allow_long") is True:
            self.limits = LONG_LIMITS
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            self.fail(
                ("name",) if "name" in data else (),
                "the routine needs a name: a line like 'name: Pull Day'",
            )
            name = "?"
        description = data.get("description", "")
        if not isinstance(description, str):
            self.fail(("description",), "description must be one line of text")
            description = ""
        units = data.get("units", "lb")
        try:
            self.units = normalise_unit(str(units))
        except ValueError as exc:
            self.fail(("units",), str(exc))
        count_in = data.get("count_in", 3)
        if isinstance(count_in, bool) or not isinstance(count_in, int) or not 0 <= count_in <= 10:
            self.fail(("count_in",), "count_in must be a whole number from 0 to 10")
            count_in = 3
        rir_timeout = self.duration(data.get("rir_timeout", 20), ("rir_timeout",), "rir_timeout")
        defaults = self.mapping(data.get("defaults", {}), ("defaults",), "defaults") or {}
        self.check_keys(defaults, ("defaults",), DEFAULT_KEYS, "defaults")
        items_raw = data.get("exercises")
        items: list[Item] = []
        if not isinstance(items_raw, list) or not items_raw:
            self.fail(
                ("exercises",) if "exercises" in data else (),
                "the routine needs an 'exercises:' list with at least one exercise",
            )
        else:
            if len(items_raw) > self.limits["exercises"]:
                self.fail(
                    ("exercises",),
                    f"{len(items_raw)} exercises is more than the limit "
                    f"of {self.limits['exercises']}; split the routine",
                )
            for i, raw in enumerate(items_raw[: self.limits["exercises"]]):
                item = self.item(raw, ("exercises", i), defaults)
                if item is not None:
                    items.append(item)
        notes = data.get("notes", [])
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            self.fail(("notes",), "notes must be a list of text lines")
            notes = []
        if self.problems:
            raise RoutineError(self.problems)
        return Routine(
            name=name.strip(),
            description=description.strip(),
            units=self.units,
            items=tuple(items),
            source=self.doc.file,
            digest=digest,
            count_in=count_in,
            rir_timeout=rir_timeout or 20.0,
            notes=tuple(notes),
        )

    def item(self, raw: Any, path: tuple[Any, ...], defaults: dict[str, Any]) -> Item | None:
        if isinstance(raw, str):
            raw = {"use": raw}
            self.doc.positions.setdefault((*path, "use"), self.doc.where(path))
        data = self.mapping(raw, path, "an exercise entry")
        if data is None:
            return None
        if "circuit" in data or "superset" in data:
            return self.circuit(data, path, defaults)
        return self.exercise(data, path, defaults, in_circuit=False)

    def circuit(
        self, data: dict[str, Any], path: tuple[Any, ...], defaults: dict[str, Any]
    ) -> Circuit | None:
        self.check_keys(data, path, CIRCUIT_KEYS, "a circuit")
        kind = "superset" if "superset" in data else "circuit"
        if "superset" in data and "circuit" in data:
            self.fail((*path, "superset"), "give either circuit: or superset:, not both", key=True)
        name = data.get(kind)
        if not isinstance(name, str) or not name.strip():
            self.fail((*path, kind), f"{kind}: needs a name, like '{kind}: TRX Y-T-W'")
            name = kind
        rounds = self.positive_int(
            data.get("rounds", defaults.get("sets", 3)), (*path, "rounds"), "rounds"
        )
        rest = self.duration(data.get("rest", defaults.get("rest", "90s")), (*path, "rest"), "rest")
        transition = self.duration(
            data.get("transition", defaults.get("transition", "10s")),
            (*path, "transition"),
            "transition",
        )
        members = data.get("exercises")
        specs: list[ExerciseSpec] = []
        if not isinstance(members, list) or not members:
            self.fail(
                (*path, "exercises") if "exercises" in data else path,
                f"a {kind} needs an 'exercises:' list of at least one exercise",
            )
        else:
            for i, raw in enumerate(members):
                sub = (*path, "exercises", i)
                if isinstance(raw, str):
                    raw = {"use": raw}
                m = self.mapping(raw, sub, "an exercise entry")
                if m is None:
                    continue
                if "circuit" in m or "superset" in m:
                    self.fail(sub, "circuits cannot be nested; list the exercises directly")
                    continue
                spec = self.exercise(m, sub, defaults, in_circuit=True)
                if spec is not None:
                    specs.append(spec)
        if (
            rounds is None
            or rest is None
            or transition is None
            or not isinstance(members, list)
            or len(specs) != len(members)
        ):
            return None
        return Circuit(
            name=name.strip(),
            rounds=rounds,
            rest=rest,
            transition=transition,
            exercises=tuple(specs),
            kind=kind,
        )

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

    def text_list(self, raw: Any, path: tuple[Any, ...], what: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            self.fail(path, f"{what}: must be a list of short cues")
            return ()
        for i, cue in enumerate(raw):
            if len(cue) > 160:
                self.fail(
                    (*path, i),
                    f"this cue is {len(cue)} characters; keep spoken cues "
                    "under 160 so they fit between sets",
                )
        return tuple(x.strip() for x in raw)

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

    def progression(self, raw: Any, path: tuple[Any, ...], load: Load) -> Progression | None:
        data = self.mapping(raw, path, "progression")
        if data is None:
            return None
        self.check_keys(data, path, PROGRESSION_KEYS, "progression")
        unit = load.unit if isinstance(load, (Weight, Bodyweight)) else self.units
        metric = unit == "kg"
        rule = data.get("rule", "double")
        if rule not in RULES:
            self.fail(
                (*path, "rule"),
                f"unknown rule {rule!r}; use one of {', '.join(RULES)}"
                + did_you_mean(str(rule), RULES),
            )
            return None

        def amount(key: str, fallback: float) -> float | None:
            if key not in data:
                return fallback
            try:
                w = parse_weight(data[key], unit)
            except ValueError as exc:
                self.fail((*path, key), f"{key}: {exc}")
                return None
            if w.unit != unit:
                self.fail(
                    (*path, key),
                    f"{key}: is in {w.unit} but the load is in {unit}; use the same unit",
                )
                return None
            return w.amount

        add = amount("add", 2.5 if metric else 5.0)
        drop = amount("drop", 2.5 if metric else 5.0)
        step = amount("round", 2.5 if metric else 5.0)
        cap = amount("cap", 0.0) if "cap" in data else None
        dumbbells: tuple[float, ...] = ()
        if "dumbbells" in data:
            raw_db = data["dumbbells"]
            try:
                if not isinstance(raw_db, list) or not raw_db:
                    raise ValueError("dumbbells: must be a list of weights, like [20, 25, 30]")
                dumbbells = tuple(sorted({parse_weight(x, unit).amount for x in raw_db}))
            except ValueError as exc:
                self.fail((*path, "dumbbells"), str(exc))
                return None
        if add is None or drop is None or step is None or (cap is None and "cap" in data):
            return None
        if step <= 0:
            self.fail((*path, "round"), "round: must be more than zero, like 5 lb or 2.5 kg")
            return None
        return Progression(rule=rule, add=add, drop=drop, round=step, dumbbells=dumbbells, cap=cap)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: f"the text {value!r}",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)
