"""One line of a recovery file, checked field by field before it may touch the journal.

A recovery file lies on disk between runs, and a hand (or a full disk) may
have changed it: it is read as an import is, every number bounded, every
name printable, every time a real timestamp. A line that fails names its
line number and what is wrong, and the whole file is left as it was.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from voicecoach.journal import sane
from voicecoach.journal.safe import set_from_json
from voicecoach.journal.store import SET_KINDS, SetRecord
from voicecoach.safetext import first_control

SET_FIELDS = set(SetRecord.__dataclass_fields__)
SESSION_KEYS = {"id", "routine_name", "routine_path", "routine_hash", "started_at", "dry_run"}
STATUSES = ("running", "completed", "aborted")
MAX_POSITION = 100_000


def check_line(line: Any, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the session, ``{"set": SetRecord}`` or ``{"finish": {...}}`` or ``{}``);
    ValueError names line ``n`` and the first thing wrong."""
    try:
        return _check(line)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"line {n}: {exc}") from None


def _check(line: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(line, dict) or not isinstance(line.get("session"), dict):
        raise ValueError("not a voicecoach recovery line")
    session = line["session"]
    unknown = set(session) - SESSION_KEYS
    if unknown:
        raise ValueError(f"the session has unknown keys {sorted(unknown)[:3]}")
    _name(session.get("routine_name"), "routine name")
    _time(session.get("started_at"), "the session's started_at")
    if session.get("id") is not None and not _whole(session["id"], 1, 2**62):
        raise ValueError(f"session id {session['id']!r} is not a positive whole number")
    payload: dict[str, Any] = {}
    if "set" in line:
        payload["set"] = _set(line["set"])
    elif "finish" in line:
        fin = line["finish"]
        if not isinstance(fin, dict) or fin.get("status") not in STATUSES:
            raise ValueError(f"finish status is not one of {', '.join(STATUSES)}")
        _time(fin.get("ended_at"), "ended_at")
        payload["finish"] = {"ended_at": fin["ended_at"], "status": fin["status"]}
    return session, payload


def _set(raw: Any) -> SetRecord:
    if not isinstance(raw, dict):
        raise ValueError("the set is not an object")
    unknown = set(raw) - SET_FIELDS
    if unknown:
        raise ValueError(f"the set has unknown keys {sorted(unknown)[:3]}")
    if not _whole(raw.get("position"), 0, MAX_POSITION):
        raise ValueError(f"position {raw.get('position')!r} is not a whole number")
    if not _whole(raw.get("set_no"), 0, MAX_POSITION):
        raise ValueError(f"set_no {raw.get('set_no')!r} is not a whole number")
    for key in ("exercise", "exercise_name"):
        _name(raw.get(key), key)
    for key in ("side", "original_name", "superset"):
        _text(raw.get(key, ""), key, sane.MAX_NAME)
    _text(raw.get("notes", ""), "notes", sane.MAX_NOTES)
    if raw.get("kind", "working") not in SET_KINDS:
        raise ValueError(f"kind {raw.get('kind')!r} is not one of {', '.join(SET_KINDS)}")
    for key in ("reps", "target_low", "target_high"):
        value = raw.get(key)
        if value is not None and not _whole(value, 0, sane.MAX_REPS):
            raise ValueError(f"{key} {value!r} is not a whole number from 0 to {sane.MAX_REPS}")
    if not _whole(raw.get("next_rep_bonus", 0), 0, sane.MAX_REPS):
        raise ValueError(f"next_rep_bonus {raw.get('next_rep_bonus')!r} is out of range")
    _number(raw.get("rir"), "RIR", 0, 10)
    _number(raw.get("hold_done"), "hold", 0, sane.MAX_SECONDS)
    _number(raw.get("target_hold"), "target hold", 0, sane.MAX_SECONDS)
    _number(raw.get("distance"), "distance", 0, sane.MAX_DISTANCE)
    for key in ("started_at", "ended_at"):
        _time(raw.get(key), key)
    return set_from_json(raw)  # the loads, checked against the same bounds


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _number(value: Any, what: str, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} {value!r} is not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{what} {value!r} is not between {low:g} and {high:g}")


def _text(value: Any, what: str, longest: int) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    if len(value) > longest:
        raise ValueError(f"{what} is {len(value):,} characters long (at most {longest})")
    if first_control(value) is not None:
        raise ValueError(f"{what} holds a control character")


def _name(value: Any, what: str) -> None:
    _text(value, what, sane.MAX_NAME)
    problem = sane.name_problem(value, what)
    if problem:
        raise ValueError(problem)


def _time(value: Any, what: str) -> None:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"{what} is not a timestamp")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{what} {value[:40]!r} is not a timestamp like 2026-05-07T06:13:00"
        ) from None
