"""Plates on the bar: what a barbell load is made of, per side, and how to say it.

A voice coach is most useful where a lifter cannot look at a screen: loading
the bar between sets. From the bar's weight and the plates the lifter owns
(config.toml: ``bar`` and ``plates``), each barbell load is split into the
fewest plates per side, rounded to the nearest load those plates can make,
and said aloud: "a forty-five and a ten each side". Between sets only the
change is said: "add a five each side".

Pure functions; the session decides when to speak.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from voicecoach.plan import spoken

MAX_PER_SIDE = 1000  # a bigger load is not on a bar; the routine caps loads well below


@dataclass(frozen=True)
class Rack:
    """The bar and the plates a lifter owns (each kind assumed in pairs, as many as needed)."""

    bar: float
    plates: tuple[float, ...]
    unit: str

    def loading(self, total: float, before: Loading | None = None) -> Loading | None:
        """The fewest plates per side for the loadable total nearest ``total``.

        With ``before`` (what the bar holds now), a heavier load keeps those
        plates and adds to them when that is fewer moves than re-plating:
        12.5 lb a side going to 32.5 is "add two tens", not "take off a ten
        and a two and a half, add a twenty-five, a five and a two and a half".
        None when there are no plates. A load under the bar is the bar alone.
        """
        fresh = self._fewest_loading(total)
        if fresh is None or before is None or fresh.total <= before.total:
            return fresh
        grain, fewest = _table(self.kinds)
        extra = fewest.get(round((fresh.total - before.total) / 2 / grain))
        if extra is None:
            return fresh
        now, was = Counter(fresh.per_side), Counter(before.per_side)
        moves = sum(((now - was) + (was - now)).values())
        # Adding is kept only while the bar stays near its fewest plates: a ramp of
        # small additions would otherwise pile six tens on a side.
        if len(extra) > moves or len(before.per_side) + len(extra) > len(fresh.per_side) + 1:
            return fresh
        plates = tuple(sorted((*before.per_side, *extra), reverse=True))
        return Loading(fresh.total, plates, self.unit)

    @property
    def kinds(self) -> tuple[float, ...]:
        return tuple(sorted({p for p in self.plates if p > 0}, reverse=True))

    def _fewest_loading(self, total: float) -> Loading | None:
        if not self.kinds:
            return None
        grain, fewest = _table(self.kinds)
        side = max(0.0, (total - self.bar) / 2) / grain
        target = min(round(side), max(fewest))
        # The nearest reachable per-side weight, searching outward; on a tie, the lighter.
        for d in range(max(fewest) + 1):
            lower, upper = target - d, target + d
            near = [s for s in (lower, upper) if s in fewest]
            if near:
                chosen = min(near, key=lambda s: (abs(s - side), s))
                break
        plates = tuple(sorted(fewest[chosen], reverse=True))
        return Loading(self.bar + 2 * chosen * grain, plates, self.unit)


@dataclass(frozen=True)
class Loading:
    """A total as it is really on the bar, and the plates on each side, heaviest first."""

    total: float
    per_side: tuple[float, ...]
    unit: str

    def say(self) -> str:
        """ "a forty-five and a ten each side", or "just the bar"."""
        if not self.per_side:
            return "just the bar"
        return _list(Counter(self.per_side)) + " each side"

    def change_from(self, before: Loading) -> str:
        """What to do to go from ``before`` to this: add or take off, per side."""
        now, was = Counter(self.per_side), Counter(before.per_side)
        add, off = now - was, was - now
        if not add and not off:
            return ""
        if not self.per_side:
            return "strip the bar"
        parts = []
        if off:
            parts.append("take off " + _list(off))
        if add:
            parts.append("add " + _list(add))
        return ", then ".join(parts) + " each side"


def _grain(kinds: list[float]) -> float:
    """The step every combination of the plates is a multiple of (their common divisor)."""
    from fractions import Fraction  # only with a rack: its import costs a run without one

    fracs = [Fraction(p).limit_denominator(1000) for p in kinds]
    g = fracs[0]
    for f in fracs[1:]:
        a, b = g, f
        while b:
            a, b = b, a % b
        g = a
    return float(g)


@lru_cache(maxsize=8)
def _table(kinds: tuple[float, ...]) -> tuple[float, dict[int, tuple[float, ...]]]:
    """The plates' grain, and for every per-side weight they can make (in grains, up to
    the most a bar could hold) its fewest plates. Built once per set of plates, so a
    set's header and every foreseen answer only look loads up."""
    grain = _grain(list(kinds))
    units = [(round(p / grain), p) for p in kinds]
    limit = int(MAX_PER_SIDE / grain) + max(u for u, _ in units)
    best: dict[int, tuple[float, ...]] = {0: ()}
    for total in range(1, limit + 1):
        options = [(*best[total - u], p) for u, p in units if total - u in best]
        if options:
            best[total] = min(options, key=len)
    return grain, best


def _list(counts: Counter[float]) -> str:
    words = [_plates(v, n) for v, n in sorted(counts.items(), reverse=True)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _plates(value: float, count: int) -> str:
    name = _name(value)
    if count == 1:
        return ("an " if name.startswith(("eight", "eleven")) else "a ") + name
    if " and " in name or name.endswith(("half", "quarter", "quarters")):
        return f"{spoken.number(count)} plates of {name}"  # not "two and a halfs"
    plural = name + ("es" if name.endswith("x") else "s")
    return f"{spoken.number(count)} {plural}"


def _name(value: float) -> str:
    whole = int(value)
    rest = round(value - whole, 3)
    fraction = {0.25: "a quarter", 0.5: "a half", 0.75: "three quarters"}.get(rest)
    if rest and fraction:
        return f"{spoken.number(whole)} and {fraction}" if whole else fraction.removeprefix("a ")
    return spoken.number(value)
