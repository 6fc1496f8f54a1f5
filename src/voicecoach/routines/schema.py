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
from voicecoach.routines.exercise_entry import ENTRY_KEYS, PHASE_KEYS
from voicecoach.routines.library import Library, builtin_library
from voicecoach.routines.model import COUNT_AT, TALK_LEVELS
from voicecoach.routines.section_exercise import INLINE_KEYS

DURATION = {
    "oneOf": [
        {"type": "number", "minimum": 0},
        {
            "type": "string",
            "pattern": r"^\s*((\d+(\.\d+)?\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)?"
            r"\s*)+|\d+:[0-5]\d\s*)$",
        },
    ],
    "description": "seconds, or text like 90s, 1m30s, 2m, 2 minutes, 1:30",
}
RANGE = {
    "oneOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "pattern": r"^\s*\d+\s*((-|–|to)\s*\d+\s*)?$"},
        {"type": "string", "pattern": r"^\s*\d+\s*\+\s*$"},
    ],
    "description": "a count like 10, a range like 8-12, or 5+ for as many as possible",
}
WARMUP_TEXT = r"^\s*\d+\s*(x|×)?\s*@\s*(\d+(\.\d+)?\s*%|bar)\s*$"
WARMUP = {
    "oneOf": [
        {"enum": ["auto", "none"]},
        {"type": "array", "items": {"type": "string", "pattern": WARMUP_TEXT}, "maxItems": 8},
    ],
    "description": 'auto, or warm-up sets like ["10 @ bar", "5 @ 50%", "3 @ 70%"]',
}
DROP_TEXT = r"^\s*-\s*\d+(\.\d+)?\s*%\s*$"
RIR = {
    "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": 5},
        {"type": "string", "pattern": r"^\s*[0-5]\s*((-|–|to)\s*[0-5]\s*)?$"},
    ]
}
UNIT = r"(lb|lbs|pound|pounds|kg|kgs|kilo|kilos)"
REPS_TEXT = r"^\s*(\d+\s*[x×]\s*)?\d+(\s*-\s*\d+)?\s*\+?\s*"  # "5", "3x8", "8-12", "5+"
SHARE = r"\d+(\.\d+)?\s*%(\s*e1rm)?"  # "85%", "80% e1rm"
# One set of a scheme: "5 @ 85%", "3x8 @ 70%", "5+ @ 85%", "8 @ 135 lb", "3 @ 80% e1rm", "10".
SET_TEXT = REPS_TEXT + rf"(@\s*({SHARE}|\d+(\.\d+)?\s*{UNIT}?))?\s*$"
# A back-off's load says what it is: a share (of the top set) or a weight with its unit.
BACKOFF_LOAD = rf"({SHARE}|\d+(\.\d+)?\s*{UNIT})"
BACKOFF_TEXT = REPS_TEXT + r"@\s*" + BACKOFF_LOAD + r"\s*$"
WEIGHT_TEXT = rf"^\s*\d+(\.\d+)?\s*{UNIT}?\s*$"
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


ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 60}
CUE_LIST = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
REP_CUES = {
    "type": "object",
    "patternProperties": {r"^\d+$": {"type": "string", "maxLength": 80}},
    "additionalProperties": False,
}
NAMES = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 60}}
ENTRY = {
    "name": {"type": "string", "minLength": 1, "maxLength": 60},
    "equipment": {"oneOf": [{"type": "string"}, NAMES]},
    "unilateral": {"type": "boolean"},
    "phases": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **{k: {"type": "string", "maxLength": 20} for k in PHASE_KEYS},
            "starts_with": {"enum": ["lift", "lower"]},
        },
    },
    "tempo": TEMPO,
    "setup": CUE_LIST,
    "rep_cues": REP_CUES,
    "levels": NAMES,
    "timed": {"type": "boolean"},
    "aliases": NAMES,
    "step": {
        "type": "string",
        "pattern": r"^\s*\d+(\.\d+)?\s*(lb|lbs|pound|pounds|kg|kgs|kilo|kilos)\s*$",
        "description": "the exercise's default progression step, like 10 lb",
    },
    "id": ID,
}


def library_schema() -> dict[str, Any]:
    """The form of a library file: exercise ids mapped to an exercise's keys."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://voicecoach.invalid/library.schema.json",
        "title": "voicecoach exercise library",
        "type": "object",
        "propertyNames": ID,
        "additionalProperties": {
            "type": "object",
            "additionalProperties": False,
            "properties": _props(ENTRY_KEYS, ENTRY),
        },
    }


def routine_schema(library: Library | None = None) -> dict[str, Any]:
    """The routine format; ``use:`` lists the ids of ``library`` (by default the built-in one)."""
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
                "beat_by": {"type": "integer", "minimum": 0, "maximum": 20},
            },
        ),
    }
    one_set: dict[str, Any] = {
        "oneOf": [
            {"type": "integer", "minimum": 1},
            {"type": "string", "pattern": SET_TEXT},
            {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "reps": RANGE,
                    "load": {"type": ["string", "number"]},
                    "rir": RIR,
                    "rest": DURATION,
                    "name": {"type": "string", "maxLength": 40},
                    "sets": {"type": "integer", "minimum": 1},
                },
            },
        ],
        "description": 'a set like "5 @ 85%", "3x8 @ 70%", "5+ @ 85%", "8 @ 135 lb"',
    }
    backoff_set: dict[str, Any] = {
        "oneOf": [
            {"type": "string", "pattern": BACKOFF_TEXT},
            {
                **one_set["oneOf"][2],
                "required": ["load"],
                "properties": {
                    **one_set["oneOf"][2]["properties"],
                    "load": {"type": "string", "pattern": rf"^\s*{BACKOFF_LOAD}\s*$"},
                },
            },
        ],
        "description": 'back-off sets like "3x8 @ 85%" (of the top set) or "3x8 @ 185 lb"',
    }
    defs: dict[str, Any] = {"set": one_set, "backoff": backoff_set}
    one_set = {"$ref": "#/$defs/set"}
    backoff_set = {"$ref": "#/$defs/backoff"}
    scheme = {"type": "array", "minItems": 1, "items": one_set}
    week: dict[str, Any] = {
        "oneOf": [
            scheme,
            {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "sets": {"oneOf": [{"type": "integer", "minimum": 1}, scheme]},
                    "reps": RANGE,
                    "rir": RIR,
                    "top": one_set,
                    "backoff": backoff_set,
                },
            },
        ]
    }
    defs["week"] = week
    week = {"$ref": "#/$defs/week"}
    exercise_props = {
        **ENTRY,
        "use": {"enum": sorted(library if library is not None else builtin_library())},
        "name": {"type": "string"},
        "sets": {"oneOf": [{"type": "integer", "minimum": 1}, scheme]},
        "top": one_set,
        "backoff": backoff_set,
        "weeks": {"type": "array", "minItems": 1, "maxItems": 16, "items": week},
        "reps": RANGE,
        "hold": DURATION,
        "load": LOAD,
        "tempo": TEMPO,
        "rest": DURATION,
        "rir": RIR,
        "sides": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
        "switch": DURATION,
        "progression": progression,
        "setup": CUE_LIST,
        "rep_cues": REP_CUES,
        "bar": WEIGHT,
        "warmup": WARMUP,
        "drop": {
            "oneOf": [
                {"type": "string", "pattern": DROP_TEXT},
                {"type": "array", "items": {"type": "string", "pattern": DROP_TEXT}},
            ]
        },
    }

    def entry(keys: set[str]) -> dict[str, Any]:
        # An exercise either names one of the library's (use:) or is the routine's own
        # (name: and the library's keys, no use:).
        return {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["use"],
                    "additionalProperties": False,
                    "properties": _props(keys, exercise_props),
                },
                {
                    "type": "object",
                    "required": ["name"],
                    "not": {"required": ["use"]},
                    "additionalProperties": False,
                    "properties": _props((keys | INLINE_KEYS) - {"use"}, exercise_props),
                },
            ]
        }

    exercise = entry(EXERCISE_KEYS)
    in_circuit = EXERCISE_KEYS - {"sets", "rest", "warmup", "drop", "top", "backoff", "weeks"}
    circuit_member = {"oneOf": [{"type": "string"}, entry(in_circuit)]}
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
                "warmup": WARMUP,
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
        "$defs": defs,
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
                "talk": {"enum": list(TALK_LEVELS)},
                "count": {"enum": list(COUNT_AT)},
                "program": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "per_week": {"type": "integer", "minimum": 1, "maximum": 7},
                        "deload": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "every": {"type": "integer", "minimum": 2, "maximum": 52},
                                "stalled": {"type": "integer", "minimum": 2, "maximum": 52},
                                "take": {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"},
                            },
                        },
                    },
                },
                "exercises": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"oneOf": [{"type": "string"}, exercise, circuit]},
                },
            },
        ),
    }
