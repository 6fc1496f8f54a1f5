"""Fuzzing the routine loader: every input is a valid routine or located problems, never a crash.

Example counts are bounded for CI (see docs/manual.md, "Contributing"); raise them with
``VOICECOACH_FUZZ_EXAMPLES=5000 pytest tests/unit/test_fuzz.py``.
"""

from __future__ import annotations

import os
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicecoach.routines.catalog import builtin_paths
from voicecoach.routines.loader import parse_routine_text
from voicecoach.routines.problems import Problem, RoutineError

EXAMPLES = int(os.environ.get("VOICECOACH_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BUILTINS = [yaml.safe_load(p.read_text()) for p in builtin_paths().values()]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "90s",
            "1m30s",
            "8-12",
            "12-8",
            "70 lb",
            "bodyweight",
            "2-1-1-1",
            "X-0-X-0",
            "kroc-row",
            "light",
            "-5",
            "1e9",
            "∞",
            "🏋️",
            "\x00",
            "&a",
            "*a",
            "!!python/object",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)


def _outcome(text: str) -> None:
    try:
        parse_routine_text(text, "fuzz.yaml")
    except RoutineError as exc:
        assert exc.problems and all(
            isinstance(p, Problem) and p.line >= 1 and p.column >= 1 for p in exc.problems
        )


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    """Any text at all: a routine or located problems."""
    _outcome(text)


@SETTINGS
@given(values)
def test_generated_yaml_documents(doc: Any) -> None:
    """Any YAML document built from plain values: a routine or located problems."""
    _outcome(yaml.safe_dump(doc, allow_unicode=True))


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(doc: Any, path: tuple, action: str, value: Any) -> Any:  # type: ignore[type-arg]
    import copy

    doc = copy.deepcopy(doc)
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "nest":
        parent[key] = [[[[{"x": parent[key]}]]]] * 3
    else:
        parent[key] = value
    return doc


@SETTINGS
@given(
    st.sampled_from(range(len(BUILTINS))),
    st.data(),
    st.sampled_from(["delete", "replace", "nest"]),
    st.one_of(
        values,
        st.sampled_from([0, -1, 10**9, 10**100, 1e308, "", "９０s", "bodyweight + -5 lb", [], {}]),
    ),
)
def test_mutated_builtins(index: int, data: st.DataObject, action: str, value: Any) -> None:
    """A built-in with a key deleted, a value replaced or deeply nested: never a crash."""
    doc = BUILTINS[index]
    path = data.draw(st.sampled_from(_paths(doc)))
    _outcome(yaml.safe_dump(_mutate(doc, path, action, value), allow_unicode=True))
