"""A JSON Schema of the routine format, for editors (yaml-language-server) and CI checks.

It mirrors routine.py's key sets so the two cannot drift apart silently: a
test checks that every built-in validates against it and that the invalid
files a schema can catch are rejected.
"""

from __future__ import annotations

from typing import Any

from voicecoach.routines.checks import (
    CIRCUIT_KEYS,
    DEFAULT_KEYS,
    EXERCISE_KEYS,
    PROGRESSION_KEYS,
    RULES,
    TOP_KEYS,
)
from voicecoach.routines.library import load_library

DURATION = {
    "oneOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*(\d+(\.\d+)?\s*(h|m|min|s|sec)?\s*)+$"},
    ],
    "description": "seconds, or text like 90s, 1m30s, 2m",
}
RANGE = {
    "oneOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "pattern": r"^\s*\d+\s*((-|–|to)\s*\d+\s*)?$"},
    ],
    "description": "a count like 10, or a range like 8-12",
}
RIR = {
    "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": 5},
        {"type": "string", "pattern": r"^\s*[0-5]\s*((-|–|to)\s*[0-5]\s*)?$"},
    ]
}
WEIGHT_TEXT = r"^\s*\d+(\.\d+)?\s*(lb|lbs|pound|pounds|kg|kgs|kilo|kilos)?\s*$"
WEIGHT = {"oneOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": WEIGHT_TEXT}]}
LOAD = {
    "oneOf": [
        {"type": "number", "minimum": 0},
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "level": {"type": "string"},
                "levels": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            },
        },
    ],
    "description": "70 lb, 32.5 kg, bodyweight, bodyweight + 10 lb, a level name, "
    "or {level, levels}",
}
TEMPO = {
    "oneOf": [
        {
            "type": "string",
            "pattern": r"^\s*[0-9Xx]\s*-?\s*[0-9Xx]\s*-?\s*[0-9Xx]\s*-?\s*[0-9Xx]\s*$",
        },
        {"type": "integer", "minimum": 0, "maximum": 9999},
        {"type": "array", "minItems": 1, "items": {"type": "string"}},
    ]
}


def _props(keys: set[str], table: dict[str, Any]) -> dict[str, Any]:
    assert keys <= set(table), sorted(keys - set(table))
    return {k: table[k] for k in sorted(keys)}


def routine_schema() -> dict[str, Any]:
    progression = {
        "type": "object",
        "additionalProperties": False,
        "properties": _props(
            PROGRESSION_KEYS,
            {
                "rule": {"enum": list(RULES)},
                "add": WEIGHT,
                "drop": WEIGHT,
                "round": WEIGHT,
                "cap": WEIGHT,
                "dumbbells": {"type": "array", "items": WEIGHT, "minItems": 1},
            },
        ),
    }
    cue_list = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    exercise_props = {
        "use": {"enum": sorted(load_library())},
        "name": {"type": "string"},
        "sets": {"type": "integer", "minimum": 1},
        "reps": RANGE,
        "hold": DURATION,
        "load": LOAD,
        "tempo": TEMPO,
        "rest": DURATION,
        "rir": RIR,
        "sides": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
        "switch": DURATION,
        "progression": progression,
        "setup": cue_list,
        "rep_cues": {
            "type": "object",
            "patternProperties": {r"^\d+$": {"type": "string"}},
            "additionalProperties": False,
        },
    }
    exercise = {
        "type": "object",
        "required": ["use"],
        "additionalProperties": False,
        "properties": _props(EXERCISE_KEYS, exercise_props),
    }
    circuit_member = {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "required": ["use"],
                "additionalProperties": False,
                "properties": _props(EXERCISE_KEYS - {"sets", "rest"}, exercise_props),
            },
        ]
    }
    circuit = {
        "type": "object",
        "additionalProperties": False,
        "oneOf": [{"required": ["circuit"]}, {"required": ["superset"]}],
        "required": ["exercises"],
        "properties": _props(
            CIRCUIT_KEYS,
            {
                "circuit": {"type": "string"},
                "superset": {"type": "string"},
                "rounds": {"type": "integer", "minimum": 1},
                "rest": DURATION,
                "transition": DURATION,
                "exercises": {"type": "array", "minItems": 1, "items": circuit_member},
            },
        ),
    }
    defaults = {
        "type": "object",
        "additionalProperties": False,
        "properties": _props(
            DEFAULT_KEYS,
            {
                "rest": DURATION,
                "rir": RIR,
                "tempo": TEMPO,
                "switch": DURATION,
                "transition": DURATION,
                "progression": progression,
                "sets": {"type": "integer", "minimum": 1},
                "reps": RANGE,
            },
        ),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://voicecoach.invalid/routine.schema.json",
        "title": "voicecoach routine",
        "type": "object",
        "required": ["name", "exercises"],
        "additionalProperties": False,
        "properties": _props(
            TOP_KEYS,
            {
                "name": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "units": {"enum": ["lb", "lbs", "pound", "pounds", "kg", "kgs", "kilo", "kilos"]},
                "defaults": defaults,
                "count_in": {"type": "integer", "minimum": 0, "maximum": 10},
                "rir_timeout": DURATION,
                "allow_long": {"type": "boolean"},
                "notes": {"type": "array", "items": {"type": "string"}},
                "exercises": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"oneOf": [{"type": "string"}, exercise, circuit]},
                },
            },
        ),
    }
