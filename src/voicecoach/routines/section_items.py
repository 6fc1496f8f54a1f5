"""The ``exercises:`` list: each item is an exercise or a circuit (superset) of them."""

from __future__ import annotations

from typing import Any

from voicecoach.routines.checks import CIRCUIT_KEYS
from voicecoach.routines.model import Circuit, ExerciseSpec, Item
from voicecoach.routines.section_exercise import ExerciseSection


class ItemSection(ExerciseSection):
    """Items and circuits of the ``exercises:`` list."""

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

        def at(key: str, default_key: str) -> tuple[Any, ...]:
            # A value taken from defaults: is wrong where it is written, once.
            if key not in data and default_key in defaults:
                return ("defaults", default_key)
            return (*path, key)

        where = at("rounds", "sets")
        rounds = self.positive_int(data.get("rounds", defaults.get("sets", 3)), where, where[-1])
        rest = self.duration(
            data.get("rest", defaults.get("rest", "90s")), at("rest", "rest"), "rest"
        )
        transition = self.duration(
            data.get("transition", defaults.get("transition", "10s")),
            at("transition", "transition"),
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
