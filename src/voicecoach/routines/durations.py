"""Human durations (``90s``, ``1m30s``, ``2m``) and how to say them.

A routine author writes rests the way they would say them. This module turns
them into seconds and back into text; it is pure, so the validator and the
planner can share it.
"""

from __future__ import annotations

import re

# Units as lifters write them: 2m, 2 min, 2 minutes; 45s, 45 sec, 45 seconds; 1h, 1 hour.
_UNIT = r"(?:hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)"
_PART = re.compile(rf"(\d+(?:\.\d+)?)\s*({_UNIT})?", re.IGNORECASE)
_WHOLE = re.compile(rf"^\s*(?:\d+(?:\.\d+)?\s*{_UNIT}?\s*)+$", re.IGNORECASE)
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0}
# A clock's 1:30 (YAML reads it unquoted as 90 already; quoted it is text).
_CLOCK = re.compile(r"^\s*(\d+):([0-5]\d)\s*$")


def parse_duration(value: object) -> float:
    """Return seconds for ``90``, ``"90s"``, ``"1m30s"``, ``"2m"``, ``"1.5m"``,
    ``"2 minutes"`` or ``"1:30"``.

    Raises ValueError with a message that says what is valid.
    """
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 90s, 1m30s or 2m")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, str) and (clock := _CLOCK.match(value)):
        return int(clock.group(1)) * 60.0 + int(clock.group(2))
    if not isinstance(value, str) or not _WHOLE.match(value):
        raise ValueError(f"{value!r} is not a duration; write it like 90s, 1m30s, 2m or 1:30")
    total = 0.0
    bare_numbers = 0
    for number, unit in _PART.findall(value):
        if not unit:
            bare_numbers += 1
        total += float(number) * (_UNIT_SECONDS[unit[0].lower()] if unit else 1.0)
    if bare_numbers and len(_PART.findall(value)) > 1:
        raise ValueError(f"{value!r} is ambiguous; give every part a unit, like 1m30s")
    return total


def format_duration(seconds: float) -> str:
    """Compact form for the screen and plan output: ``1m30s``, ``45s``, ``1h05m``."""
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}h{m:02d}m"
    if m and sec:
        return f"{m}m{sec:02d}s"
    if m:
        return f"{m}m"
    return f"{sec}s"
