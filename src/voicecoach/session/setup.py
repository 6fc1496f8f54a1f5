"""Before the first word: the journal, where this session starts, the voice, the device.

Everything here runs once per ``voicecoach run``, before the engine takes
over: it decides which session this is (new or resumed) and its loads,
lists the phrases it will say, starts the speech engines only if the first
words are not cached yet, and opens the audio device in parallel.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO

from voicecoach.inputs.keys import KeySource, TerminalKeys
from voicecoach.journal.progress import sessions_done, stalled_sessions
from voicecoach.journal.safe import SafeJournal
from voicecoach.journal.store import Journal, JournalError
from voicecoach.plan import spoken
from voicecoach.plan.program import ProgramWeek, for_week, lighter, week_of
from voicecoach.plan.workplan import work_items
from voicecoach.routines.loads import Load
from voicecoach.routines.model import Routine
from voicecoach.safetext import clean
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.options import RunOptions
from voicecoach.session.state import Coaching
from voicecoach.settings import Settings
from voicecoach.speech import SpeechUnavailable, make_voice
from voicecoach.speech.base import Voice
from voicecoach.testing import FakeClock


def _say_err(msg: str) -> None:
    if sys.stderr is None:  # started with 2>&-: nowhere to say it
        return
    with contextlib.suppress(OSError, ValueError):
        print(f"voicecoach: {clean(msg)}", file=sys.stderr, flush=True)


def build_voice(
    settings: Settings,
    cache_dir: Path | None,
    warn: Callable[[str], None],
    phrases: list[tuple[str, float]] | None = None,
) -> Voice:
    """The configured voice, or the silent estimate with one warning line.

    Given the session's phrases (in the order it speaks them), the engines are
    started only if one of them is not cached yet, so a warm run never starts
    a speech worker; the missing phrases are then rendered in the background,
    first phrase first. An engine that cannot start is skipped for the next
    (Piper, then espeak-ng); with none, the session coaches in text.
    """
    try:
        voice = make_voice(settings, cache_dir, warn)
    except SpeechUnavailable as exc:
        if settings.engine == "estimate":
            raise
        warn(f"speech unavailable: {exc}. Coaching in text only.")
        return make_voice(replace(settings, engine="estimate"), None)
    missing = [(t, at) for t, at in phrases or [] if not voice.cached(t)]
    if phrases is None or (missing and missing[0] == phrases[0]):
        # Cold: the first word needs an engine now, so start it here, where a missing
        # engine can still turn the session into text-only coaching with one line.
        reasons = []
        for renderer in voice.renderers:
            try:
                start = getattr(renderer, "start", None)
                if start is not None:
                    start()
                break
            except Exception as exc:  # RenderError: this engine is out; try the next
                voice.failed[renderer.name] = str(exc)
                reasons.append(str(exc))
        else:
            voice.close()
            warn(f"speech unavailable: {'; '.join(reasons)}. Coaching in text only.")
            return make_voice(replace(settings, engine="estimate"), None)
        if voice.renderer.name in voice.failed:
            warn(
                f"the {voice.renderer.name} voice is unavailable "
                f"({voice.failed[voice.renderer.name]}); using espeak-ng"
            )
    # Warm: the first words are cached; anything new renders in the background, and
    # the engine starts there, off the path to the first word. Earliest due first.
    t0 = time.monotonic()
    for text, at in missing:
        voice.want([text], due=t0 + at)
    return voice


def carried_loads(
    journal: Journal | None, routine: Routine, include_dry_runs: bool
) -> dict[int, tuple[Load, int]]:
    """Per exercise slot, the load its last session ended with (if the kind matches).

    A training max (every set of a week a share of ``load:``) is carried only from
    this routine's own sessions: a working set lifted elsewhere, or imported, is a
    share of some max already, and taking it as the max makes every set lighter.
    """
    if journal is None:
        return {}
    out: dict[int, tuple[Load, int]] = {}
    items = work_items(routine)
    slots: dict[str, set[int]] = {}
    for item in items:
        slots.setdefault(item.spec.key, set()).add(item.slot)
    for item in items:
        if item.slot in out:
            continue
        found = None
        own = routine.name if item.spec.training_max else None
        if len(slots[item.spec.key]) > 1:
            # The same lift twice (a top set, then "Bench BBB" for volume): each entry
            # starts where its own sets left off, by the name it is journaled under.
            found = journal.carried_load(
                item.spec.key, include_dry_runs=include_dry_runs, name=item.spec.name, routine=own
            )
        if found is None:
            found = journal.carried_load(
                item.spec.key, include_dry_runs=include_dry_runs, routine=own
            )
        if found is None or type(found[0]) is not type(item.spec.load):
            continue
        load = in_unit(found[0], getattr(item.spec.load, "unit", None), item.spec.progression.round)
        over = _over_routine_cap(load, item.spec.load)
        if over:
            # An imported history may hold what no routine could prescribe (a typo of
            # 14,999 lb): it is history, never the weight the coach asks for.
            _say_err(f"{item.spec.name}: not starting from {over}; starting as written")
            continue
        out[item.slot] = (load, found[1])
    return out


def _over_routine_cap(load: Load, prescribed: Load) -> str | None:
    """The carried load, if it is beyond what the routine itself may prescribe."""
    from voicecoach.routines.checks import MAX_LOAD
    from voicecoach.routines.loads import Bodyweight, Weight, describe

    if not isinstance(load, (Weight, Bodyweight)):
        return None
    cap = MAX_LOAD.get(load.unit, 0.0)
    if isinstance(prescribed, (Weight, Bodyweight)) and abs(prescribed.amount) > cap:
        cap *= 10  # the routine lifted its caps with allow_long
    if abs(load.amount) <= cap:
        return None
    return f"{describe(load)}, over the routine's limit of {cap:g} {load.unit}"


def in_unit(load: Load, unit: str | None, step: float) -> Load:
    """A carried weight in the routine's unit, rounded to its increment.

    A history imported in kg meets a routine in lb (or the other way): the
    lifter expects 100 kg to come back as 220 lb, not to be dropped.
    """
    from voicecoach.routines.loads import LB_PER_KG, Bodyweight, Weight

    if not isinstance(load, (Weight, Bodyweight)) or unit is None or load.unit == unit:
        return load
    factor = LB_PER_KG if unit == "lb" else 1 / LB_PER_KG
    amount = load.amount * factor
    if step > 0:
        amount = round(amount / step) * step
    return replace(load.with_amount(round(amount, 2)), unit=unit)


class AlreadyComplete(Exception):
    """The session asked to resume has every set done: there is nothing to coach."""


def _continuation(
    routine: Routine,
    opts: RunOptions,
    journal: Journal | None,
    keys: KeySource | None,
    out: IO[str],
) -> tuple[Routine, int | None, set[int], dict[int, tuple[Load, int]]]:
    """Which session this is (new or resumed), its finished positions, and carried loads.

    A program's routine comes back as this session's week prescribes it.
    """
    session_id: int | None = None
    done: set[int] = set()
    if journal is not None:
        unfinished = journal.unfinished(routine.name)
        want = opts.resume
        if (
            unfinished is not None
            and want is None
            and not opts.dry_run
            and isinstance(keys, TerminalKeys)
        ):
            want = _ask_resume(out)
        if want and unfinished is not None:
            session_id = unfinished
        elif want:
            _say_err(f"no unfinished session of {routine.name!r} to resume; starting fresh")
    routine, week = _program_week(routine, opts, journal, session_id)
    if journal is not None and session_id is not None:
        done = {pos for pos, _ in journal.done_positions(session_id)}
        if all(it.position in done for it in work_items(routine)):
            # Killed during its summary: every set is saved. Resuming would coach
            # nothing ("Workout done. Zero sets."); it is marked complete instead.
            from voicecoach.session.environment import utc_now

            journal.finish(session_id, utc_now().isoformat(timespec="seconds"), "completed")
            raise AlreadyComplete(
                f"the last session of {clean(routine.name)!r} has every set done already "
                f"({len(done)} saved); it is marked complete, nothing to resume"
            )
        journal.reopen(session_id)
    carried = {} if opts.fresh else carried_loads(journal, routine, opts.dry_run)
    if session_id is None and journal is not None and routine.program is not None:
        routine = _deloads(routine, week, journal, carried, opts.dry_run)
    if session_id is not None and journal is not None:
        carried.update(_session_loads(journal, session_id, routine))
    return routine, session_id, done, carried


def _program_week(
    routine: Routine, opts: RunOptions, journal: Journal | None, session_id: int | None
) -> tuple[Routine, ProgramWeek | None]:
    """A program's routine as its week prescribes it; the journal says which week."""
    if routine.program is None:
        return routine, None
    done = 0
    if journal is not None and opts.week is None:
        try:
            done = sessions_done(
                journal.db, routine.name, include_dry_runs=opts.dry_run, before=session_id
            )
        except sqlite3.Error as exc:
            _say_err(f"cannot read the journal to find the week ({exc}); coaching week one")
    week = week_of(routine.program, done, forced=opts.week)
    return for_week(routine, week), week


def _deloads(
    routine: Routine,
    week: ProgramWeek | None,
    journal: Journal,
    carried: dict[int, tuple[Load, int]],
    dry_run: bool,
) -> Routine:
    """Take weight off where the program says: a deload week, or an exercise that stalled.

    The lighter load is where this session starts and progression builds back up
    from it; a line at the start says why.
    """
    rule = routine.program.deload if routine.program else None
    if rule is None:
        return routine
    notes = list(routine.session_notes)
    seen: set[int] = set()
    for item in work_items(routine):
        if item.slot in seen or item.slot not in carried:
            continue
        seen.add(item.slot)
        load, _bonus = carried[item.slot]
        why = "deload week" if week is not None and week.deload else None
        if why is None and rule.stalled:
            try:
                stalls = stalled_sessions(
                    journal, item.spec.key, include_dry_runs=dry_run, limit=rule.stalled
                )
            except JournalError as exc:
                _say_err(f"{exc}; no deload for a stall this session")
                stalls = 0
            if stalls >= rule.stalled:
                why = "stalled"
                take = round(rule.take * 100)
                notes.append(
                    f"{item.spec.name}: no progress in {spoken.number(stalls)} sessions; "
                    f"{spoken.number(take)} percent off, build back up."
                )
        if why is not None:
            carried[item.slot] = (lighter(load, rule.take, item.spec.progression.round), 0)
    return replace(routine, session_notes=tuple(notes))


def _open_journal(path: Path, backup: bool) -> SafeJournal:
    """The session's journal: unsaved sets of earlier runs taken in, a backup
    taken, and writes that fail kept rather than lost. Neither step can stop a workout."""
    from voicecoach.journal import repair as journal_repair

    journal = SafeJournal(path, warn=_say_err)
    try:
        journal_repair.recover_waiting(journal, _say_err)
    except (OSError, JournalError) as exc:
        _say_err(f"could not take in the unsaved sets of an earlier run: {exc}")
    if backup:
        back_up(journal)
    return journal


def back_up(journal: Journal) -> None:
    """A copy of the journal as this session starts; a failure is one line, never a stop."""
    from voicecoach.journal import repair as journal_repair

    try:
        journal_repair.backup(journal)
    except (OSError, sqlite3.Error) as exc:
        _say_err(f"could not back up the journal {journal.path}: {exc}")


def _ask_resume(out: IO[str]) -> bool:
    print(
        "An unfinished session of this routine exists. Resume it? [y/N] ",
        end="",
        file=out,
        flush=True,
    )
    try:
        answer = os.read(sys.stdin.fileno(), 16).decode(errors="replace").strip().lower()
    except OSError:
        return False
    return answer.startswith("y")


def _session_loads(
    journal: Journal, session_id: int, routine: Routine
) -> dict[int, tuple[Load, int]]:
    """On resume, each exercise continues from the load its last finished set chose."""
    from voicecoach.journal.sane import stored_load

    rows = journal.done_positions(session_id)
    by_position = {it.position: it for it in work_items(routine)}
    out: dict[int, tuple[Load, int]] = {}
    for (pos, _side), row in sorted(rows.items()):
        item = by_position.get(pos)
        if item is not None and row["next_load"]:
            try:  # the journal is never trusted
                out[item.slot] = (stored_load(row["next_load"]), int(row["next_rep_bonus"]))
            except ValueError as exc:
                journal.warn(f"skipped the load of set {row['id']} on resume: {exc}")
    return out


def _phrases(
    routine: Routine,
    carried: dict[int, tuple[Load, int]] | None = None,
    done: set[int] | None = None,
    coaching: Coaching | None = None,
) -> list[tuple[str, float]]:
    """Every phrase a session of ``routine`` says with default answers, with when it is
    first needed (seconds from the start, estimated), in order of speech. It is coached
    as the session will be (talk level, plates, wording), so it says the same words."""
    from voicecoach.speech.estimate import EstimateRenderer

    clock = FakeClock()
    collect = _Collecting(Voice(EstimateRenderer()), clock)
    env = Environment(clock=clock, voice=collect)  # type: ignore[arg-type]
    Session(routine, env, carried=carried or {}, resume_from=done or set(), coaching=coaching).run()
    return list(collect.seen.items())


def _first_phrase(
    routine: Routine,
    carried: dict[int, tuple[Load, int]] | None = None,
    done: set[int] | None = None,
    coaching: Coaching | None = None,
) -> list[tuple[str, float]]:
    """The first phrase of :func:`_phrases` alone: the simulation stops at it, so it costs
    milliseconds where the whole list costs a good part of the time to the first word."""
    from voicecoach.speech.estimate import EstimateRenderer

    clock = FakeClock()
    collect = _Collecting(Voice(EstimateRenderer()), clock, stop_after=1)
    env = Environment(clock=clock, voice=collect)  # type: ignore[arg-type]
    with contextlib.suppress(_Enough):
        Session(
            routine, env, carried=carried or {}, resume_from=done or set(), coaching=coaching
        ).run()
    return list(collect.seen.items())


def render_ahead(voice: Voice, phrases: list[tuple[str, float]], t0: float) -> None:
    """Queue every phrase not cached yet, earliest due first (``at`` seconds after ``t0``)."""
    for text, at in phrases:
        if not voice.cached(text):
            voice.want([text], due=t0 + at)


class _Enough(BaseException):
    """The phrases asked for are collected: a BaseException, so no handler keeps it."""


class _Collecting:
    """A voice that remembers every phrase asked of it (up to ``stop_after``)."""

    def __init__(self, voice: Voice, clock: FakeClock, stop_after: int | None = None):
        self.voice = voice
        self.clock = clock
        self.stop_after = stop_after
        self.seen: dict[str, float] = {}  # text -> first needed; ordered: order of speech

    def clip(self, text: str):
        self.seen.setdefault(text, self.clock.now())
        if self.stop_after is not None and len(self.seen) >= self.stop_after:
            raise _Enough
        return self.voice.clip(text)

    def duration(self, text: str) -> float:
        return self.clip(text).seconds

    def want(self, texts: object, due: float = 0.0) -> None:
        """Foreseen phrases are rendered at run time, set by set; the list skips them."""
