"""Build the environment for ``voicecoach run`` and run a session in it.

This is the imperative shell around the engine: it picks the clock, keys,
voice, audio output and journal, restores the terminal on every way out,
and turns failures into one clear line and an exit code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from voicecoach.answers import Answer
from voicecoach.audio import AudioUnavailable, open_output
from voicecoach.audio.base import Output, SilentOutput
from voicecoach.audio.wavfile import WavRecorder
from voicecoach.clock import SystemClock
from voicecoach.engine import QUIT_CONFIRM, Session
from voicecoach.environment import Environment
from voicecoach.events import Event, JsonlWriter, transcript_line
from voicecoach.exitcodes import ExitStatus
from voicecoach.journal import Journal, JournalError
from voicecoach.keys import SUSPEND, KeySource, TerminalKeys, open_keys
from voicecoach.loads import Load
from voicecoach.model import Routine
from voicecoach.safetext import clean
from voicecoach.settings import Settings
from voicecoach.stdout import ClosedStdout
from voicecoach.terminal import GuardedStream, caps_for, width_of
from voicecoach.testing import FakeClock
from voicecoach.voice import SpeechUnavailable, make_voice
from voicecoach.voice.base import Voice
from voicecoach.workplan import work_items


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
    phrases: list[str] | None = None,
) -> Voice:
    """The configured voice, or the silent estimate with one warning line.

    Given the session's phrases, the engine is started only if one of them is
    not cached yet: a warm run never loads espeak-ng at all.
    """
    try:
        voice = make_voice(settings, cache_dir)
        if phrases is None or not all(voice.cached(t) for t in phrases):
            voice.start()
        return voice
    except SpeechUnavailable as exc:
        if settings.engine == "estimate":
            raise
        warn(f"speech unavailable: {exc}. Coaching in text only.")
        from dataclasses import replace

        return make_voice(replace(settings, engine="estimate"), None)


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
) -> int:
    """Run (or simulate) a whole session; returns the exit status."""
    # The screen is secondary: a closed or broken stdout never ends a workout.
    inner = out or sys.stdout
    screen = GuardedStream(
        None if isinstance(inner, ClosedStdout) else inner,
        on_lost=lambda: _say_err("standard output is gone; coaching goes on by voice"),
    )
    if screen.lost:
        _say_err("standard output is closed; coaching goes on by voice")
    out = screen  # type: ignore[assignment]
    caps = caps_for(screen)
    warnings: list[str] = []
    phrases = _phrases(routine)  # one silent simulation, used to check and fill the cache
    voice = build_voice(settings, cache_dir, warnings.append, phrases)
    for w in warnings:
        _say_err(w)

    journal: Journal | None = None
    if not opts.no_journal:
        try:
            journal = Journal(opts.db or journal_path)
        except JournalError as exc:
            if opts.resume:
                raise
            _say_err(f"{exc}. This session will not be saved.")

    sinks: list[Callable[[Event], None]] = []
    transcript_file = opts.transcript.open("w", encoding="utf-8") if opts.transcript else None
    if transcript_file:
        sinks.append(JsonlWriter(transcript_file))

    keys = None
    output: Output
    if opts.dry_run:
        clock = FakeClock()
        output = WavRecorder(opts.record) if opts.record else SilentOutput()
        output.start(clock.now())
        sinks.append(lambda e: print(clean(transcript_line(e)), file=out))
        status = None
        display = None
    else:
        keys = open_keys()
        clock = SystemClock(keys)
        name = "none" if not voice.audible else settings.audio
        try:
            output, note = open_output(name, clock.now())
        except AudioUnavailable as exc:
            _say_err(f"{exc}. Coaching in text only.")
            output, note = SilentOutput(), None
        if note:
            _say_err(note)
        if opts.record:
            output = WavRecorder(opts.record, inner=output)
            output.start(clock.now())
        from voicecoach.display import Display

        display = Display(out, caps, lambda: width_of(screen))
        sinks.append(display.event)
        status = display.status if caps.live else None
        print(_help_line(), file=out)

    session_id: int | None = None
    done: set[int] = set()
    if journal is not None:
        unfinished = journal.unfinished(routine.name)
        want = opts.resume
        if (
            unfinished is not None
            and want is None
            and not opts.dry_run
            and keys is not None
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
            if not opts.dry_run:
                _prerender(routine, voice, phrases, out if caps.live else None)
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
        if journal is not None:
            journal.close()
    if code == ExitStatus.SIGINT:
        _say_err("interrupted; every finished set is saved")
    if code == ExitStatus.OK and not opts.dry_run:
        print(f"{result.status}: {result.sets_done} sets saved", file=out)
    return int(code)


def _help_line() -> str:
    from voicecoach.engine import HELP

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
    import json

    from voicecoach.loads import from_record

    rows = journal.done_positions(session_id)
    by_position = {it.position: it for it in work_items(routine)}
    out: dict[int, tuple[Load, int]] = {}
    for (pos, _side), row in sorted(rows.items()):
        item = by_position.get(pos)
        if item is not None and row["next_load"]:
            out[item.slot] = (from_record(json.loads(row["next_load"])), row["next_rep_bonus"])
    return out


def _prerender(routine: Routine, voice: Voice, texts: list[str], out: IO[str] | None) -> None:
    """Render every fixed phrase before the first word, with a progress bar on a TTY.

    ``texts`` come from a silent simulation with estimated durations
    (:func:`_phrases`); each is rendered (or read from the cache); a second
    simulation with the real durations catches the few whose choice depends
    on them.
    """
    if not voice.audible:
        return
    for n, text in enumerate(texts, start=1):
        voice.clip(text)
        if out is not None and (n % 5 == 0 or n == len(texts)):
            filled = round(30 * n / len(texts))
            print(
                f"\r\x1b[Kpreparing speech [{'#' * filled}{'.' * (30 - filled)}] {n}/{len(texts)}",
                end="",
                file=out,
                flush=True,
            )
    Session(routine, Environment(clock=FakeClock(), voice=voice)).run()
    if out is not None:
        print(f"\r\x1b[Kspeech ready: {len(texts)} phrases", file=out, flush=True)


def _phrases(routine: Routine) -> list[str]:
    """Every phrase a session of ``routine`` says with default answers (estimated timing)."""
    from voicecoach.voice.estimate import EstimateRenderer

    collect = _Collecting(Voice(EstimateRenderer()))
    Session(routine, Environment(clock=FakeClock(), voice=collect)).run()  # type: ignore[arg-type]
    return sorted(collect.seen)


class _Collecting:
    """A voice that remembers every phrase asked of it."""

    def __init__(self, voice: Voice):
        self.voice = voice
        self.seen: set[str] = set()

    def clip(self, text: str):  # type: ignore[no-untyped-def]
        self.seen.add(text)
        return self.voice.clip(text)

    def duration(self, text: str) -> float:
        return self.clip(text).seconds
