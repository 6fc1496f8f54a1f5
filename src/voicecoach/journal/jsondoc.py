"""voicecoach's own export, read back: a versioned JSON document of sessions and their sets.

Every field comes back as it was written (sides, band levels, prescriptions,
the next load), so ``export --format json`` then ``import`` is lossless.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from voicecoach.journal import sane
from voicecoach.journal.formats import ImportError_
from voicecoach.journal.rows import Row, check, text_cell
from voicecoach.journal.store import SET_KINDS, SetRecord
from voicecoach.routines.loads import Bodyweight, Level, Load, Unloaded, Weight, from_record

if TYPE_CHECKING:
    from voicecoach.journal.importing import Importer

JSON_FORMAT = "voicecoach-journal"
JSON_VERSION = 1


def import_json(imp: Importer, lines: Iterable[str]) -> None:
    """voicecoach's own export: every field comes back as it was written."""
    try:
        doc = json.loads("".join(lines))
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{imp.filename}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        raise ImportError_(f"{imp.filename}:1: not a voicecoach journal export (no format key)")
    if doc.get("version") != JSON_VERSION:
        raise ImportError_(
            f"{imp.filename}:1: journal export version {doc.get('version')!r};"
            f" this voicecoach reads version {JSON_VERSION}"
        )
    sessions = doc.get("sessions")
    if not isinstance(sessions, list):
        raise ImportError_(f"{imp.filename}:1: 'sessions' must be a list")
    for n, session in enumerate(sessions, start=1):
        try:
            _import_json_session(imp, session)
        except (ValueError, TypeError, KeyError) as exc:
            imp.bad(n, f"session {n}: {exc}")


def _import_json_session(imp: Importer, session: dict[str, Any]) -> None:
    start = datetime.fromisoformat(str(session["started_at"]))
    end = datetime.fromisoformat(session["ended_at"]) if session.get("ended_at") else None
    head = Row(start, end, text_cell(str(session["routine_name"]), "workout name"),
                str(session.get("notes", ""))[: sane.MAX_NOTES], "", None, None, "kg", None,
                None, None, None, "", "")  # fmt: skip
    w = imp.workout(head, str(session.get("source") or "json"))
    if not w.existed:  # what only the JSON keeps: the exact times and the status
        imp.db.execute(
            "UPDATE sessions SET started_at = ?, ended_at = ?, status = ? WHERE id = ?",
            (
                session["started_at"],
                session.get("ended_at"),
                session.get("status", "completed"),
                w.sid,
            ),
        )
    for s in session.get("sets", []):
        load = json_load(s["load"])
        kind = str(s.get("kind", "working"))
        if kind not in SET_KINDS:
            raise ValueError(f"set kind {kind[:20]!r} is not one of {', '.join(SET_KINDS)}")
        reps = s.get("reps")
        rir = s.get("rir")
        sane.stored_number(reps, "reps", 0, sane.MAX_REPS)
        sane.stored_number(rir, "RIR", 0, 10)
        sane.stored_number(s.get("hold"), "hold", 0, sane.MAX_SECONDS)
        exercise = str(s["exercise"])
        if imp.duplicate(w, exercise, kind, load, reps):
            imp.report.duplicates += 1
            continue
        nxt = json_load(s["next_load"]) if s.get("next_load") else None
        # A new session keeps its plan positions (what a resume goes by); sets added to a
        # session already here are numbered after its own.
        position = w.position if w.existed else int(s.get("position", w.position))
        imp.journal.record(
            w.sid,
            SetRecord(
                position=position,
                exercise=exercise,
                exercise_name=text_cell(str(s.get("name") or exercise), "exercise name"),
                set_no=int(s.get("set", w.position + 1)),
                side=str(s.get("side", ""))[: sane.MAX_NAME],
                prescribed=json_load(s.get("prescribed") or s["load"]),
                target_low=s.get("target_low"),
                target_high=s.get("target_high"),
                target_hold=s.get("target_hold"),
                load=load,
                reps=reps,
                rir=rir,
                hold_done=s.get("hold"),
                started_at=str(s.get("started_at") or session["started_at"]),
                ended_at=str(s.get("ended_at") or session["started_at"]),
                next_load=nxt,
                next_rep_bonus=int(s.get("next_rep_bonus", 0)),
                kind=kind,
                original_name=str(s.get("original_name") or ""),
                distance=s.get("distance"),
                superset=str(s.get("superset", "")),
                notes=str(s.get("notes", ""))[: sane.MAX_NOTES],
            ),
        )
        w.position = max(w.position, position) + 1
        imp.report.sets += 1
        imp.report.kinds[kind] += 1
        if kind == "working" and nxt is not None:
            imp.last_working[exercise] = (start, None)


def json_load(record: Any) -> Load:
    """A load in the JSON document: {"kind", "value", "unit"} (or a level's list)."""
    if not isinstance(record, dict):
        raise ValueError(f"load {str(record)[:40]!r} is not an object")
    kind = record.get("kind")
    if kind in ("weight", "bodyweight"):
        amount = float(record["value"])
        load: Load = (Weight if kind == "weight" else Bodyweight)(amount, str(record["unit"]))
    elif kind == "level":
        load = Level(tuple(str(x) for x in record["levels"]), int(record["index"]))
    elif kind == "none":
        load = Unloaded()
    else:
        load = from_record(record)
    check(sane.load_problem(load), "load")
    return load
