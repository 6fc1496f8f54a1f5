"""The ``progression:`` section: the rule, steps, rounding, dumbbells and cap."""

from __future__ import annotations

from typing import Any

from voicecoach.routines.checks import PROGRESSION_KEYS, RULES
from voicecoach.routines.loads import (
    Bodyweight,
    Load,
    Weight,
    parse_weight,
)
from voicecoach.routines.model import Progression
from voicecoach.routines.problems import did_you_mean
from voicecoach.routines.section_scheme import SchemeSection


class ProgressionSection(SchemeSection):
    """A progression, checked against the load it progresses."""

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
        beat_by = data.get("beat_by")
        if beat_by is not None and (
            isinstance(beat_by, bool) or not isinstance(beat_by, int) or not 0 <= beat_by <= 20
        ):
            self.fail(
                (*path, "beat_by"),
                "beat_by: is how many reps past the target add a step, 0 to 20",
            )
            return None
        if add is None or drop is None or step is None or (cap is None and "cap" in data):
            return None
        if step <= 0:
            self.fail((*path, "round"), "round: must be more than zero, like 5 lb or 2.5 kg")
            return None
        return Progression(
            rule=rule,
            add=add,
            drop=drop,
            round=step,
            dumbbells=dumbbells,
            cap=cap,
            beat_by=beat_by,
        )
