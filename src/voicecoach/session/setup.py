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
from voicecoach.journal.safe import SafeJournal
from voicecoach.journal.store import Journal, JournalError
from voicecoach.plan.workplan import work_items
from voicecoach.routines.loads import Load
from voicecoach.routines.model import Routine
from voicecoach.safetext import clean
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.options import RunOptions
from voicecoach.session.starting import Ask, _say_err, next_start
from voicecoach.session.state import Coaching
from voicecoach.settings import Settings
from voicecoach.speech import SpeechUnavailable, make_voice
from voicecoach.speech.base import Voice
from voicecoach.speech.voice_names import UnknownVoice, check_voice
from voicecoach.testing import FakeClock


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
        # engine can still turn the session into text-only coaching with one line. A
        # voice name no engine has is a typo to fix, not a reason to coach in text; a
        # warm run skips the check, since its voice has rendered these phrases before.
        try:
            check_voice(settings)
        except UnknownVoice:
            voice.close()
            raise
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
    ask = Ask(dry_run=opts.dry_run, fresh=opts.fresh, week=opts.week)
    start = next_start(routine, journal, ask, session_id)
    routine, carried = start.routine, dict(start.carried)
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
    if session_id is not None and journal is not None:
        carried.update(_session_loads(journal, session_id, routine))
    return routine, session_id, done, carried


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
