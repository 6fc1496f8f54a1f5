"""One exercise's fixed facts: name, equipment, phases, tempo, cues, levels, default step.

The same keys describe an exercise wherever it is written: in the built-in
library, in a lifter's own library file, or inline in a routine (``name:``
with no ``use:``). One reader checks them all, so an exercise of your own is
validated exactly like a built-in one and its problems are located in the
file they are in.
"""

from __future__ import annotations

import re
from typing import Any

from voicecoach.routines.checks import Checks
from voicecoach.routines.loads import Weight, parse_weight
from voicecoach.routines.model import LibraryExercise
from voicecoach.routines.problems import did_you_mean
from voicecoach.routines.tempo import PhaseWords, parse_tempo

# What an exercise is, as opposed to how a routine prescribes it (sets, reps, load).
ENTRY_KEYS = {
    "name",
    "equipment",
    "unilateral",
    "phases",
    "tempo",
    "setup",
    "rep_cues",
    "levels",
    "timed",
    "aliases",
    "step",
}
PHASE_KEYS = ("lift", "top", "lower", "bottom", "starts_with")
DEFAULT_TEMPO = "2-0-1-1"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_NAME = 60


def slug(name: str) -> str:
    """The id an exercise gets from its name: ``Landmine press`` → ``landmine-press``."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def valid_id(key: object) -> bool:
    return isinstance(key, str) and bool(_ID.match(key)) and len(key) <= _MAX_NAME


class EntryReader:
    """Reads the exercise keys of one mapping, reporting problems through ``checks``."""

    def __init__(self, checks: Checks):
        self.checks = checks

    def read(
        self,
        data: dict[str, Any],
        path: tuple[Any, ...],
        key: str,
        *,
        source: str,
        base: LibraryExercise | None = None,
        keys: set[str] = ENTRY_KEYS,
    ) -> LibraryExercise | None:
        """The exercise ``key`` from ``data``; keys left out come from ``base``, if given.

        ``keys`` limits which exercise keys are read here, for an inline entry
        whose tempo and cues are read with the routine's own keys instead.
        """
        c = self.checks
        before = len(c.problems)
        present = {k for k in data if k in keys}
        if base is None and "name" not in data:
            c.fail(path, f"the exercise {key!r} needs a name: a line like 'name: Landmine press'")
        name = self._name(data, path) if "name" in present else (base.name if base else key)
        words = self._words(data.get("phases"), (*path, "phases")) if "phases" in present else None
        if words is None:
            words = base.words if base else PhaseWords()
        tempo = base.tempo if base and "phases" not in present else None
        if "tempo" in present or tempo is None:
            raw = data.get("tempo", DEFAULT_TEMPO) if "tempo" in present else DEFAULT_TEMPO
            try:
                tempo = parse_tempo(raw, words)
            except ValueError as exc:
                c.fail((*path, "tempo"), str(exc))
                tempo = parse_tempo(DEFAULT_TEMPO, words)
        out = LibraryExercise(
            key=key,
            name=name,
            equipment=self._words_list(data, path, "equipment", present, base),
            unilateral=self._flag(data, path, "unilateral", present, base),
            words=words,
            tempo=tempo,
            setup=(
                c.text_list(data.get("setup"), (*path, "setup"), "setup")
                if "setup" in present
                else (base.setup if base else ())
            ),
            rep_cues=(
                tuple(sorted(self.rep_cues(data.get("rep_cues"), (*path, "rep_cues")).items()))
                if "rep_cues" in present
                else (base.rep_cues if base else ())
            ),
            levels=self._words_list(data, path, "levels", present, base),
            timed=self._flag(data, path, "timed", present, base),
            aliases=(base.aliases if base else ())
            + (self._words_list(data, path, "aliases", present, None) if "aliases" in data else ()),
            step=self._step(data, path) if "step" in present else (base.step if base else None),
            source=source,
        )
        return out if len(c.problems) == before else None

    # --- the keys ----------------------------------------------------------------
    def _name(self, data: dict[str, Any], path: tuple[Any, ...]) -> str:
        raw = data.get("name")
        if not isinstance(raw, str) or not raw.strip() or len(raw) > _MAX_NAME:
            self.checks.fail(
                (*path, "name"),
                f"name: must be the exercise's spoken name, at most {_MAX_NAME} characters",
            )
            return "?"
        if not slug(raw):
            self.checks.fail((*path, "name"), "name: needs at least one letter or digit")
        return raw.strip()

    def _words(self, raw: Any, path: tuple[Any, ...]) -> PhaseWords | None:
        data = self.checks.mapping(raw, path, "phases")
        if data is None:
            return None
        self.checks.check_keys(data, path, set(PHASE_KEYS), "phases")
        words: dict[str, str] = {}
        for k in PHASE_KEYS:
            if k not in data:
                continue
            value = data[k]
            if not isinstance(value, str) or not value.strip() or len(value) > 20:
                self.checks.fail((*path, k), f"{k}: must be a short spoken word, like 'pull'")
            else:
                words[k] = value.strip()
        start = words.get("starts_with", "lift")
        if start not in ("lift", "lower"):
            self.checks.fail(
                (*path, "starts_with"),
                f"starts_with: is 'lift' (rows, presses) or 'lower' (squats, hinges), not {start!r}"
                + did_you_mean(start, ("lift", "lower")),
            )
            return None
        return PhaseWords(**words)

    def _words_list(
        self,
        data: dict[str, Any],
        path: tuple[Any, ...],
        key: str,
        present: set[str],
        base: LibraryExercise | None,
    ) -> tuple[str, ...]:
        if key not in present:
            return tuple(getattr(base, key)) if base else ()
        raw = data.get(key)
        if isinstance(raw, str):
            raw = [raw]
        if (
            not isinstance(raw, list)
            or not all(isinstance(x, str) and x.strip() and len(x) <= _MAX_NAME for x in raw)
            or len({x.strip().lower() for x in raw}) != len(raw)
        ):
            self.checks.fail(
                (*path, key), f"{key}: must be a list of distinct names, like [barbell, bench]"
            )
            return ()
        return tuple(x.strip() for x in raw)

    def _flag(
        self,
        data: dict[str, Any],
        path: tuple[Any, ...],
        key: str,
        present: set[str],
        base: LibraryExercise | None,
    ) -> bool:
        if key not in present:
            return bool(getattr(base, key)) if base else False
        value = data.get(key)
        if not isinstance(value, bool):
            self.checks.fail((*path, key), f"{key}: must be true or false")
            return False
        return value

    def _step(self, data: dict[str, Any], path: tuple[Any, ...]) -> Weight | None:
        raw = data.get("step")
        try:
            if not isinstance(raw, str):
                raise ValueError("write a weight with its unit, like 5 lb or 2.5 kg")
            step = parse_weight(raw, "")
            if step.unit not in ("lb", "kg") or not 0 < step.amount <= 100:
                raise ValueError("write a weight with its unit, like 5 lb or 2.5 kg")
        except ValueError as exc:
            self.checks.fail((*path, "step"), f"step: {exc}")
            return None
        return step

    def rep_cues(self, raw: Any, path: tuple[Any, ...]) -> dict[int, str]:
        """``{3: keep your chest up}`` → rep number to cue, each checked."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.checks.fail(
                path, "rep_cues: must map a rep number to a cue, like {3: keep your chest up}"
            )
            return {}
        out: dict[int, str] = {}
        for k, v in raw.items():
            rep = int(k) if isinstance(k, int) or (isinstance(k, str) and k.isdigit()) else None
            if rep is None or rep < 1:
                self.checks.fail(
                    (*path, k), f"{k!r} is not a rep number; keys are 1, 2, 3…", key=True
                )
            elif not isinstance(v, str) or not v.strip() or len(v) > 80:
                self.checks.fail((*path, k), "a rep cue is a short phrase of at most 80 characters")
            else:
                out[rep] = v.strip()
        return out
