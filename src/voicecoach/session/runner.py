"""Build the environment for ``voicecoach run`` and run a session in it.

This is the imperative shell around the engine: it picks the clock, keys,
voice, audio output and journal, restores the terminal on every way out,
and turns failures into one clear line and an exit code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from voicecoach.audio import AudioUnavailable, open_output
from voicecoach.audio.base import Output, SilentOutput
from voicecoach.audio.wavfile import WavRecorder
from voicecoach.exitcodes import ExitStatus
from voicecoach.inputs.clock import SystemClock
from voicecoach.inputs.keys import SUSPEND, KeySource, TerminalKeys, open_keys
from voicecoach.journal.safe import SafeJournal
from voicecoach.journal.store import Journal, JournalError
from voicecoach.plan.workplan import work_items
from voicecoach.routines.loads import Load
from voicecoach.routines.model import Routine
from voicecoach.safetext import clean
from voicecoach.session.answers import Answer
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.events import Event, JsonlWriter, transcript_line
from voicecoach.session.loop import QUIT_CONFIRM
from voicecoach.session.stdout import ClosedStdout
from voicecoach.session.terminal import GuardedStream, caps_for, width_of
from voicecoach.settings import Settings
from voicecoach.speech import SpeechUnavailable, make_voice
from voicecoach.speech.base import Voice
from voicecoach.testing import FakeClock


@dataclass
class RunOptions:
    dry_run: bool = False
    answers: list[Answer] | None = None
    record: Path | None = None
    transcript: Path | None = None
    fresh: bool = False
    resume: bool | None = None  # None: ask if there is an unfinished session
    db: Path | None = None
    no_journal: bool = False


class Terminated(Exception):
    def __init__(self, code: int):
        self.code = code


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
    """Per exercise slot, the load its last session ended with (if the kind matches)."""
    if journal is None:
        return {}
    out: dict[int, tuple[Load, int]] = {}
    for item in work_items(routine):
        if item.slot in out:
            continue
        found = journal.carried_load(item.spec.key, include_dry_runs=include_dry_runs)
        if (
            found is not None
            and type(found[0]) is type(item.spec.load)
            and getattr(found[0], "unit", None) == getattr(item.spec.load, "unit", None)
        ):
            out[item.slot] = found
    return out


@contextlib.contextmanager
def _signals(
    restore: Callable[[], None],
    keys: KeySource | None,
    clock: SystemClock | FakeClock,
    session: Session,
) -> Iterator[None]:
    """Signals end or pause the run through the normal paths, so nothing is lost.

    SIGTERM/SIGHUP/SIGQUIT raise Terminated (exit 143/129/131) and unwind
    through the engine's ``finally``: the journal is finished, the audio
    closed and the terminal restored exactly (SIGQUIT's default would dump
    core and leave echo off, issue 15 finding 8). The
    first Ctrl-C asks to quit (like ``q``); a second one within the confirm
    window quits at once. Ctrl-Z restores the terminal and stops; after
    ``fg`` cbreak mode is back and the timeline is paused from the moment of
    suspension.
    """
    interrupted_at = [-1e9]

    def on_term(signum: int, frame: object) -> None:
        restore()
        raise Terminated(128 + signum)

    def on_int(signum: int, frame: object) -> None:
        now = clock.now()
        inject = getattr(keys, "inject", None)
        if inject is None or now - interrupted_at[0] < QUIT_CONFIRM + 1:
            restore()
            raise KeyboardInterrupt
        interrupted_at[0] = now
        inject("q")

    def on_tstp(signum: int, frame: object) -> None:
        session.suspended_at = clock.now()
        session.env.output.cancel_after(clock.now())
        restore()
        os.kill(os.getpid(), signal.SIGSTOP)  # SIGSTOP: a stop signal that is never discarded
        # ... continued by fg / SIGCONT
        if isinstance(keys, TerminalKeys):
            keys.enter_cbreak()
        inject = getattr(keys, "inject", None)
        if inject is not None:
            inject(SUSPEND)

    wanted = {"SIGTERM": on_term, "SIGHUP": on_term, "SIGQUIT": on_term, "SIGINT": on_int}
    wanted["SIGTSTP"] = on_tstp
    # Windows has only SIGINT and SIGTERM of these.
    handlers = {getattr(signal, n): h for n, h in wanted.items() if hasattr(signal, n)}
    previous = {sig: signal.signal(sig, h) for sig, h in handlers.items()}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_session(
    routine: Routine,
    settings: Settings,
    opts: RunOptions,
    *,
    cache_dir: Path,
    journal_path: Path,
    out: IO[str] | None = None,
    audio: EarlyOutput | None = None,
) -> int:
    """Run (or simulate) a whole session; returns the exit status.

    SIGTERM and SIGHUP are handled from the first line, so a signal while the
    speech worker starts is the same clean exit (143/129) as one mid-set.
    """
    # The screen is secondary: a closed or broken stdout never ends a workout.
    inner = out or sys.stdout
    screen = GuardedStream(
        None if isinstance(inner, ClosedStdout) else inner,
        on_lost=lambda: _say_err("standard output is gone; coaching goes on by voice"),
    )
    if screen.lost:
        _say_err("standard output is closed; coaching goes on by voice")
    out = screen  # type: ignore[assignment]
    early = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, _terminate) for sig in early}
    journal: Journal | None = None
    voice: Voice | None = None
    if audio is None and not opts.dry_run:
        audio = EarlyOutput(settings.audio)
    try:
        if not opts.no_journal:
            try:
                journal = _open_journal(opts.db or journal_path, backup=not opts.dry_run)
            except JournalError as exc:
                if opts.resume:
                    raise
                _say_err(f"{exc}. This session will not be saved.")
        keys = None if opts.dry_run else open_keys()
        session_id, done, carried = _continuation(routine, opts, journal, keys, out)
        # One silent simulation from where this session starts: every phrase it will
        # say with the expected answers, in order, so the first is rendered first.
        phrases = _phrases(routine, carried, done)
        voice = build_voice(settings, cache_dir, _say_err, phrases)
        return _run(
            routine, settings, opts, voice, journal, keys, session_id, done, carried, out, audio
        )
    except Terminated as exc:
        return exc.code
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        if audio is not None:
            audio.discard()
        if voice is not None:
            voice.close()
        if journal is not None:
            journal.close()


class EarlyOutput:
    """The audio device, opened on a thread while the routine and journal load.

    Opening a PulseAudio stream takes a good part of the time to the first
    word; done in parallel, the first word does not wait for it.
    """

    def __init__(self, name: str):
        import threading
        import time

        self._result: tuple[Output, str | None] | None = None
        self._error: AudioUnavailable | None = None
        self._taken = False

        def open_it() -> None:
            try:
                self._result = open_output(name, time.monotonic())
            except AudioUnavailable as exc:
                self._error = exc

        self._thread = threading.Thread(target=open_it, name="voicecoach-audio-open", daemon=True)
        self._thread.start()

    def take(self) -> tuple[Output, str | None]:
        self._thread.join()
        self._taken = True
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def discard(self) -> None:
        """Close the device if the session never took it (text only, or an early exit)."""
        if not self._taken:
            self._thread.join()
            if self._result is not None:
                self._result[0].close()


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(128 + signum)


def _continuation(
    routine: Routine,
    opts: RunOptions,
    journal: Journal | None,
    keys: KeySource | None,
    out: IO[str],
) -> tuple[int | None, set[int], dict[int, tuple[Load, int]]]:
    """Which session this is (new or resumed), its finished positions, and carried loads."""
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
            done = {pos for pos, _ in journal.done_positions(unfinished)}
            journal.reopen(unfinished)
        elif want:
            _say_err(f"no unfinished session of {routine.name!r} to resume; starting fresh")
    carried = {} if opts.fresh else carried_loads(journal, routine, opts.dry_run)
    if session_id is not None and journal is not None:
        carried.update(_session_loads(journal, session_id, routine))
    return session_id, done, carried


def _run(
    routine: Routine,
    settings: Settings,
    opts: RunOptions,
    voice: Voice,
    journal: Journal | None,
    keys: KeySource | None,
    session_id: int | None,
    done: set[int],
    carried: dict[int, tuple[Load, int]],
    out: IO[str],
    audio: EarlyOutput | None,
) -> int:
    caps = caps_for(out)
    sinks: list[Callable[[Event], None]] = []
    transcript_file = opts.transcript.open("w", encoding="utf-8") if opts.transcript else None
    if transcript_file:
        sinks.append(JsonlWriter(transcript_file))

    output: Output
    if opts.dry_run:
        clock = FakeClock()
        output = WavRecorder(opts.record) if opts.record else SilentOutput()
        output.start(clock.now())
        sinks.append(lambda e: print(clean(transcript_line(e)), file=out))
        status = None
        display = None
    else:
        clock = SystemClock(keys)
        assert audio is not None
        try:
            output, note = audio.take() if voice.audible else (SilentOutput(), None)
        except AudioUnavailable as exc:
            _say_err(f"{exc}. Coaching in text only.")
            output, note = SilentOutput(), None
        if note:
            _say_err(note)
        if opts.record:
            output = WavRecorder(opts.record, inner=output)
            output.start(clock.now())
        from voicecoach.session.display import Display

        display = Display(out, caps, lambda: width_of(out))
        sinks.append(display.event)
        status = display.status if caps.live else None
        print(_help_line(), file=out)

    env = Environment(
        clock=clock,
        voice=voice,
        output=output,
        journal=journal,
        sinks=sinks,
        answers=deque(opts.answers or []),
        virtual=opts.dry_run,
        status=status,
    )
    session = Session(
        routine,
        env,
        carried=carried,
        resume_from=done,
        session_id=session_id,
        rir_timeout=settings.rir_timeout,
        dry_run=opts.dry_run,
    )
    if session_id is not None:
        session.result.session_id = session_id

    restore = keys.restore if isinstance(keys, TerminalKeys) else (lambda: None)
    code = ExitStatus.OK
    try:
        with _signals(restore, keys, clock, session):
            if isinstance(keys, TerminalKeys):
                keys.enter_cbreak()
            result = session.run()
            if isinstance(output, WavRecorder):
                output.extend_to(clock.now())
    except KeyboardInterrupt:
        code = ExitStatus.SIGINT
    except Terminated as exc:
        code = exc.code
    finally:
        restore()
        if display is not None:
            display.finish()  # the lines below start on a clean line, not after the status
        out.flush()
        if transcript_file:
            transcript_file.close()
    if code == ExitStatus.OK and not opts.dry_run:
        print(f"{result.status}: {result.sets_done} sets saved", file=out)
    if code == ExitStatus.SIGINT:
        _say_err("interrupted; every finished set is saved")
    return int(code)


def _open_journal(path: Path, backup: bool) -> SafeJournal:
    """The session's journal (issue 15): unsaved sets of earlier runs taken in, a backup
    taken, and writes that fail kept rather than lost. Neither step can stop a workout."""
    from voicecoach.journal import repair as journal_repair

    journal = SafeJournal(path, warn=_say_err)
    try:
        journal_repair.recover_waiting(journal, _say_err)
    except (OSError, JournalError) as exc:
        _say_err(f"could not take in the unsaved sets of an earlier run: {exc}")
    if backup:
        try:
            journal_repair.backup(journal)
        except (OSError, sqlite3.Error) as exc:
            _say_err(f"could not back up the journal {path}: {exc}")
    return journal


def _help_line() -> str:
    from voicecoach.session.engine import HELP

    return HELP


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
            try:  # the journal is never trusted (issue 15, finding 2)
                out[item.slot] = (stored_load(row["next_load"]), int(row["next_rep_bonus"]))
            except ValueError as exc:
                journal.warn(f"skipped the load of set {row['id']} on resume: {exc}")
    return out


def _phrases(
    routine: Routine,
    carried: dict[int, tuple[Load, int]] | None = None,
    done: set[int] | None = None,
) -> list[tuple[str, float]]:
    """Every phrase a session of ``routine`` says with default answers, with when it is
    first needed (seconds from the start, estimated), in order of speech."""
    from voicecoach.speech.estimate import EstimateRenderer

    clock = FakeClock()
    collect = _Collecting(Voice(EstimateRenderer()), clock)
    env = Environment(clock=clock, voice=collect)  # type: ignore[arg-type]
    Session(routine, env, carried=carried or {}, resume_from=done or set()).run()
    return list(collect.seen.items())


class _Collecting:
    """A voice that remembers every phrase asked of it."""

    def __init__(self, voice: Voice, clock: FakeClock):
        self.voice = voice
        self.clock = clock
        self.seen: dict[str, float] = {}  # text -> first needed; ordered: order of speech

    def clip(self, text: str):  # type: ignore[no-untyped-def]
        self.seen.setdefault(text, self.clock.now())
        return self.voice.clip(text)

    def duration(self, text: str) -> float:
        return self.clip(text).seconds

    def want(self, texts: object, due: float = 0.0) -> None:
        """Foreseen phrases are rendered at run time, set by set; the list skips them."""
