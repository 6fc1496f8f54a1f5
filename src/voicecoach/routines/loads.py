"""What a set is loaded with: a weight, bodyweight (plus or minus), a level, or nothing.

Loads are immutable values. Progression returns new ones; the journal stores
them with :meth:`to_record` and reads them back with :func:`from_record`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

UNITS = ("lb", "kg")
_UNIT_ALIASES = {
    "lb": "lb",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "kg": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
}
_WEIGHT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?\s*$")
_BODYWEIGHT = re.compile(
    r"^\s*(?:bodyweight|bw)\s*(?:([+-])\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?)?\s*$", re.IGNORECASE
)


LB_PER_KG = 2.2046226218  # exact to the 10th digit: 1 lb is 0.45359237 kg


@dataclass(frozen=True)
class Weight:
    """An external load such as a barbell, dumbbell or cable stack setting."""

    amount: float
    unit: str

    def with_amount(self, amount: float) -> Weight:
        return replace(self, amount=amount)


@dataclass(frozen=True)
class Bodyweight:
    """Bodyweight, with added weight (``extra > 0``) or assistance (``extra < 0``)."""

    extra: float = 0.0
    unit: str = "lb"

    def with_amount(self, amount: float) -> Bodyweight:
        return replace(self, extra=amount)

    @property
    def amount(self) -> float:
        return self.extra


@dataclass(frozen=True)
class Level:
    """A position on an ordered list: band colour, TRX foot position, machine pin."""

    levels: tuple[str, ...]
    index: int

    @property
    def name(self) -> str:
        return self.levels[self.index]

    def step(self, by: int) -> Level:
        return replace(self, index=max(0, min(len(self.levels) - 1, self.index + by)))


@dataclass(frozen=True)
class Unloaded:
    """No load to track (a stretch, a dead hang, a mobility drill)."""


Load = Weight | Bodyweight | Level | Unloaded


def normalise_unit(word: str) -> str:
    """Map ``lbs``, ``pounds``, ``kilos``… to ``lb`` or ``kg``; ValueError otherwise."""
    unit = _UNIT_ALIASES.get(word.lower())
    if unit is None:
        raise ValueError(f"unknown unit {word!r}; use lb or kg")
    return unit


def parse_weight(value: object, default_unit: str) -> Weight:
    """``70 lb``, ``32.5kg`` or a bare number in the routine's unit."""
    if isinstance(value, bool):
        raise ValueError("expected a weight such as 70 lb or 32.5 kg")
    if isinstance(value, (int, float)):
        amount, unit = float(value), default_unit
    elif isinstance(value, str) and (m := _WEIGHT.match(value)):
        amount = float(m.group(1))
        unit = normalise_unit(m.group(2)) if m.group(2) else default_unit
    else:
        raise ValueError(f"{value!r} is not a weight; write it like 70 lb or 32.5 kg")
    if amount < 0:
        raise ValueError("a weight cannot be negative")
    return Weight(amount, unit)


def parse_load(value: object, default_unit: str, levels: tuple[str, ...] = ()) -> Load:
    """Parse any load form a routine may use (see docs/routine-format.md)."""
    if value is None or value == "none":
        return Unloaded()
    if isinstance(value, dict):
        unknown = set(value) - {"level", "levels"}
        if unknown:
            raise ValueError(
                f"unknown key {sorted(unknown)[0]!r} in a level load; use level: and levels:"
            )
        given = value.get("levels", list(levels))
        if not isinstance(given, list) or not given or not all(isinstance(x, str) for x in given):
            raise ValueError("levels: must be a non-empty list of names, easiest first")
        if len(set(given)) != len(given):
            raise ValueError("levels: has a name twice; each level must be different")
        level = value.get("level", given[0])
        if level not in given:
            raise ValueError(f"level {level!r} is not one of {', '.join(given)}")
        return Level(tuple(given), given.index(level))
    if isinstance(value, str):
        if m := _BODYWEIGHT.match(value):
            sign, number, unit = m.groups()
            extra = float(number) * (-1 if sign == "-" else 1) if number else 0.0
            return Bodyweight(extra, normalise_unit(unit) if unit else default_unit)
        if levels and value in levels:
            return Level(levels, levels.index(value))
    try:
        return parse_weight(value, default_unit)
    except ValueError:
        hint = f", one of the levels ({', '.join(levels)})" if levels else ""
        raise ValueError(
            f"{value!r} is not a load; use a weight (70 lb, 32.5 kg), bodyweight, "
            f"bodyweight + 10 lb, bodyweight - 30 lb{hint}, or {{level: ..., levels: [...]}}"
        ) from None


def describe(load: Load) -> str:
    """Short form for the screen and plans: ``70 lb``, ``BW+10 lb``, ``level: medium``."""
    if isinstance(load, Weight):
        return f"{_num(load.amount)} {load.unit}"
    if isinstance(load, Bodyweight):
        if not load.extra:
            return "bodyweight"
        sign = "+" if load.extra > 0 else "-"
        return f"bodyweight {sign} {_num(abs(load.extra))} {load.unit}"
    if isinstance(load, Level):
        return f"level: {load.name}"
    return "no load"


def to_record(load: Load) -> dict[str, object]:
    """A JSON-able form for the journal."""
    if isinstance(load, Weight):
        return {"kind": "weight", "amount": load.amount, "unit": load.unit}
    if isinstance(load, Bodyweight):
        return {"kind": "bodyweight", "amount": load.extra, "unit": load.unit}
    if isinstance(load, Level):
        return {"kind": "level", "levels": list(load.levels), "index": load.index}
    return {"kind": "none"}


def from_record(record: dict[str, object]) -> Load:
    """Inverse of :func:`to_record`."""
    kind = record.get("kind")
    if kind == "weight":
        return Weight(float(record["amount"]), str(record["unit"]))  # type: ignore[arg-type]
    if kind == "bodyweight":
        return Bodyweight(float(record["amount"]), str(record["unit"]))  # type: ignore[arg-type]
    if kind == "level":
        levels = tuple(str(x) for x in record["levels"])  # type: ignore[attr-defined]
        return Level(levels, int(record["index"]))  # type: ignore[call-overload]
    return Unloaded()


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
