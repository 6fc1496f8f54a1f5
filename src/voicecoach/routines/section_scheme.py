"""Sets that differ from one another, and weeks that differ: ``sets:`` as a list, ``top:``
with ``backoff:``, and ``weeks:``.

A set is written ``"5 @ 85%"`` (reps at a share of the working load),
``"3x8 @ 70%"`` (three such sets), ``"5+ @ 85%"`` (as many as possible, five
the target), ``"8 @ 135 lb"`` (an absolute load), ``"3 @ 80% e1rm"`` (a share
of the estimated one-rep max) or ``"10"`` (the working load). A mapping says
the same with room for ``rir:``, ``rest:`` and ``name:``. A pyramid or a ramp is
such a list. ``weeks:`` lists, per week of a program, what changes: the sets
(a number or such a list), ``reps:``, ``rir:``, or ``top:``/``backoff:``.
"""

from __future__ import annotations

import re
from typing import Any

from voicecoach.routines.checks import MAX_LOAD, parse_range
from voicecoach.routines.loads import parse_weight
from voicecoach.routines.model import Range, SetPlan, Week
from voicecoach.routines.section_sets import SetsSection

_SET = re.compile(
    r"^\s*(?:(\d+)\s*[x×]\s*)?(\d+(?:\s*-\s*\d+)?)\s*(\+)?\s*(?:@\s*(.+?))?\s*$", re.I
)
_SHARE = re.compile(r"^(\d+(?:\.\d+)?)\s*%\s*(e1rm)?$", re.I)
_BARE = re.compile(r"^\d+(?:\.\d+)?$")
SET_KEYS = {"reps", "load", "rir", "rest", "name", "sets"}
WEEK_KEYS = {"sets", "reps", "rir", "top", "backoff"}
MAX_WEEKS = 16
SET_SYNTAX = (
    'write reps @ a load, like "5 @ 85%", "3x8 @ 70%", "5+ @ 85%", "8 @ 135 lb", '
    '"3 @ 80% e1rm" or just "10"'
)


class SchemeSection(SetsSection):
    """Reads set schemes and program weeks, each problem located."""

    def scheme(self, raw: Any, path: tuple[Any, ...]) -> tuple[SetPlan, ...]:
        """A list of sets that differ (``sets: ["5 @ 85%", ...]``)."""
        if not isinstance(raw, list) or not raw:
            self.fail(path, f"a list of sets is not empty; {SET_SYNTAX}")
            return ()
        out: list[SetPlan] = []
        for i, entry in enumerate(raw):
            out += self._entry(entry, (*path, i))
        if len(out) > self.limits["sets"]:
            self.fail(path, f"{len(out)} sets is more than the limit of {self.limits['sets']}")
            return ()
        return tuple(out)

    def top_backoff(self, top: Any, backoff: Any, path: tuple[Any, ...]) -> tuple[SetPlan, ...]:
        """``top: 1x5`` then ``backoff: 3x8 @ 85%``: back-offs are a share of the top set."""
        out: list[SetPlan] = []
        if top is None:
            self.fail((*path, "backoff"), "backoff: follows a top set; add top:, like top: 1x5")
            return ()
        tops = self._entry(top, (*path, "top"), name="top set")
        if any(not t.at_working_load for t in tops):
            self.fail(
                (*path, "top"),
                "the top set is lifted at the working load (load:); give back-offs a share",
            )
        out += tops
        if backoff is not None:
            backoffs = self._entry(backoff, (*path, "backoff"), name="back-off", backoff=True)
            if any(b.at_working_load for b in backoffs):
                self.fail(
                    (*path, "backoff"),
                    "back-off sets are lighter than the top set; give a share, like 3x8 @ 85%",
                )
            out += backoffs
        return tuple(out)

    def weeks(self, raw: Any, path: tuple[Any, ...], base: Week) -> tuple[Week, ...]:
        """``weeks:``: what each week of the program changes; the rest is the exercise's."""
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_WEEKS:
            self.fail(
                path,
                f"weeks: is a list of 1 to {MAX_WEEKS} weeks, each a list of sets or a mapping "
                "with sets:, reps:, rir:, top:/backoff:",
            )
            return ()
        return tuple(self._week(entry, (*path, i), base) for i, entry in enumerate(raw))

    def _week(self, entry: Any, path: tuple[Any, ...], base: Week) -> Week:
        if isinstance(entry, list):
            entry = {"sets": entry}
        data = self.mapping(entry, path, "a week")
        if data is None:
            return base
        self.check_keys(data, path, WEEK_KEYS, "a week")
        reps, amrap = base.reps, base.amrap
        if "reps" in data:
            reps, amrap = self._reps(data["reps"], (*path, "reps")) or (base.reps, base.amrap)
        rir = base.rir
        if "rir" in data:
            rir = self._rir(data["rir"], (*path, "rir")) or base.rir
        scheme: tuple[SetPlan, ...] = ()
        sets = base.sets
        if isinstance(data.get("sets"), list):
            scheme = self.scheme(data["sets"], (*path, "sets"))
        elif "sets" in data:
            sets = self.positive_int(data["sets"], (*path, "sets"), "sets") or base.sets
        if "top" in data or "backoff" in data:
            scheme = self.top_backoff(data.get("top"), data.get("backoff"), path)
        return Week(len(scheme) or sets, reps, amrap, rir, scheme)

    def _entry(
        self, entry: Any, path: tuple[Any, ...], name: str = "", backoff: bool = False
    ) -> list[SetPlan]:
        """One list entry: a string or a mapping, possibly several sets (``3x8``)."""
        if isinstance(entry, int) and not isinstance(entry, bool):
            entry = str(entry)
        count = 1
        if isinstance(entry, dict):
            self.check_keys(entry, path, SET_KEYS, "a set")
            reps_raw, load_raw = entry.get("reps"), entry.get("load")
            if "sets" in entry:
                count = self.positive_int(entry["sets"], (*path, "sets"), "sets") or 1
            rir = self._rir(entry["rir"], (*path, "rir")) if "rir" in entry else None
            rest = (
                self.duration(entry["rest"], (*path, "rest"), "rest") if "rest" in entry else None
            )
            name = str(entry.get("name", name))[:40]
            reps = self._reps(reps_raw, (*path, "reps")) if reps_raw is not None else (None, False)
        elif isinstance(entry, str):
            match = _SET.match(entry)
            if not match:
                self.fail(path, f"{entry!r} is not a set; {SET_SYNTAX}")
                return []
            count = int(match.group(1) or 1)
            reps = self._reps(match.group(2) + (match.group(3) or ""), path)
            load_raw, rir, rest = match.group(4), None, None
        else:
            self.fail(path, f"a set is text or a mapping; {SET_SYNTAX}")
            return []
        if reps is None:
            return []
        if not 1 <= count <= self.limits["sets"]:
            self.fail(path, f"{count} sets: write from 1 to {self.limits['sets']}")
            return []
        load = self._set_load(load_raw, path, backoff)
        if load is None:
            return []
        share, absolute, of_e1rm = load
        plan = SetPlan(reps[0], reps[1], share, absolute, of_e1rm, rir, rest, name)
        return [plan] * count

    def _reps(self, raw: Any, path: tuple[Any, ...]) -> tuple[Range | None, bool] | None:
        target = self.amrap(raw)
        try:
            reps = Range(target, target) if target is not None else parse_range(raw, "reps")
        except ValueError as exc:
            self.fail(path, str(exc))
            return None
        if reps.low < 1 or reps.high > self.limits["reps"]:
            self.fail(path, f"reps run from 1 to {self.limits['reps']}")
            return None
        return reps, target is not None

    def _rir(self, raw: Any, path: tuple[Any, ...]) -> Range | None:
        try:
            rir = parse_range(raw, "RIR")
        except ValueError as exc:
            self.fail(path, str(exc))
            return None
        if rir.high > 5:
            self.fail(path, "an RIR target runs from 0 to 5")
            return None
        return rir

    def _set_load(
        self, raw: Any, path: tuple[Any, ...], backoff: bool = False
    ) -> tuple[float, Any, bool] | None:
        """(share, absolute load, of e1RM) for the text after ``@``."""
        if raw is None:
            return 1.0, None, False
        text = str(raw).strip()
        if backoff and _BARE.match(text):
            # "3x8 @ 85" reads as a share of the top set to a lifter and as 85 lb to a
            # parser; either guess lifts the wrong weight, so the spelling must say.
            self.fail(
                path,
                f"{text!r} after @ in a back-off is neither a share nor a weight; write "
                f"{text}% (of the top set) or {text} {self.units} (a weight)",
            )
            return None
        match = _SHARE.match(text)
        if match:
            share = float(match.group(1)) / 100
            e1rm = bool(match.group(2))
            high = 1.0 if e1rm else 1.5
            if not 0.2 <= share <= high:
                self.fail(
                    path,
                    f"{text}: a share runs from 20% to {high:.0%}"
                    + (" of the estimated max" if e1rm else " of the working load"),
                )
                return None
            return share, None, e1rm
        try:
            weight = parse_weight(text, self.units)
            if not 0 <= weight.amount <= MAX_LOAD[weight.unit]:
                raise ValueError(weight.amount)
        except ValueError:
            self.fail(
                path,
                f"{text!r} is not a set's load; write a share like 85% (of the working load), "
                "80% e1rm, or a weight like 135 lb",
            )
            return None
        return 1.0, weight, False
