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
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
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
from voicecoach.safejournal import SafeJournal
from voicecoach.settings import Settings
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
    shuffle: bool = False  # play a --music folder in random order
    duck_state: Path | None = None  # other apps' lowered volumes (issue 14); None: not lowered


class Terminated(Exception):
    def __init__(self, code: int):
        self.code = code


def _say_err(msg: str) -> None:
    print(f"voicecoach: {msg}", file=sys.stderr)


def build_voice(
    settings: Settings,
    cache_dir: Path | None,
    warn: Callable[[str], None],
    phrases: list[str] | None = None,
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
    missing = [t for t in phrases or [] if not voice.cached(t)]
    if phrases is None or missing:
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
        if voice.failed and voice.renderer.name in voice.failed:
            warn(
                f"the {voice.renderer.name} voice is unavailable "
                f"({voice.failed[voice.renderer.name]}); using espeak-ng"
            )
        voice.want(missing)
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
    on_stop: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Signals end or pause the run through the normal paths, so nothing is lost.

    SIGTERM/SIGHUP raise Terminated (exit 143/129) and unwind through the
    engine's ``finally``: the journal is finished and the audio closed. The
    first Ctrl-C asks to quit (like ``q``); a second one within the confirm
    window quits at once. Ctrl-Z restores the terminal and stops; after
    ``fg`` cbreak mode is back and the timeline is paused from the moment of
    suspension.
    """
    interrupted_at = [-1e9]

    def on_term(signum: int, frame: object) -> None:
        restore()
        if on_stop is not None:
            on_stop()
        raise Terminated(128 + signum)

    def on_int(signum: int, frame: object) -> None:
        now = clock.now()
        inject = getattr(keys, "inject", None)
        if inject is None or now - interrupted_at[0] < QUIT_CONFIRM + 1:
            restore()
            if on_stop is not None:
                on_stop()
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

    handlers = {
        signal.SIGTERM: on_term,
        signal.SIGHUP: on_term,
        signal.SIGINT: on_int,
        signal.SIGTSTP: on_tstp,
    }
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
    """Run (or simulate) a whole session; returns the exit status.

    SIGTERM and SIGHUP are handled from the first line, so a signal while the
    speech worker starts is the same clean exit (143/129) as one mid-set.
    """
    out = out or sys.stdout
    previous = {sig: signal.signal(sig, _terminate) for sig in (signal.SIGTERM, signal.SIGHUP)}
    journal: Journal | None = None
    voice: Voice | None = None
    try:
        if opts.duck_state is not None:  # a killed run's lowered apps come back up (issue 14)
            from voicecoach.audio.others import restore_stale

            restore_stale(opts.duck_state, _say_err)
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
        return _run(routine, settings, opts, voice, journal, keys, session_id, done, carried, out)
    except Terminated as exc:
        return exc.code
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        if voice is not None:
            voice.close()
        if journal is not None:
            journal.close()


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
) -> int:
    tty = out.isatty()
    sinks: list[Callable[[Event], None]] = []
    transcript_file = opts.transcript.open("w", encoding="utf-8") if opts.transcript else None
    if transcript_file:
        sinks.append(JsonlWriter(transcript_file))

    output: Output
    apps = None  # the other apps' ducker, when there is one
    if opts.dry_run:
        clock = FakeClock()
        output = WavRecorder(opts.record) if opts.record else SilentOutput()
        output.start(clock.now())
        sinks.append(lambda e: print(transcript_line(e), file=out))
        status = None
    else:
        clock = SystemClock(keys)
        name = "none" if not voice.audible else settings.audio
        try:
            output, note = open_output(name, clock.now())
        except AudioUnavailable as exc:
            _say_err(f"{exc}. Coaching in text only.")
            output, note = SilentOutput(), None
        if note:
            _say_err(note)
        if settings.duck_others and opts.duck_state is not None:
            from voicecoach.audio.others import duck_others

            output = duck_others(output, settings.duck_db, opts.duck_state, _say_err)
            apps = getattr(output, "apps", None)
        if opts.record:
            output = WavRecorder(opts.record, inner=output)
            output.start(clock.now())
        from voicecoach.display import Display

        display = Display(out, tty)
        sinks.append(display.event)
        status = display.status if tty else None
    music = None
    if settings.music and not (
        opts.dry_run and not opts.record
    ):  # music under the coach, in the stream and the --record file (issue 14)
        from voicecoach.audio.bed import attach_music

        music = attach_music(
            output,
            clock.now,
            Path(settings.music).expanduser(),
            shuffle=opts.shuffle,
            duck_db=settings.duck_db,
            warn=_say_err,
        )
    if not opts.dry_run:
        print(_help_line(music is not None), file=out)

    env = Environment(
        clock=clock,
        voice=voice,
        output=output,
        journal=journal,
        sinks=sinks,
        answers=deque(opts.answers or []),
        virtual=opts.dry_run,
        status=status,
        music=music,
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
        with _signals(restore, keys, clock, session, music.hurry if music else None):
            if isinstance(keys, TerminalKeys):
                keys.enter_cbreak()
            result = session.run()
            if isinstance(output, WavRecorder):
                output.extend_to(clock.now())
    except KeyboardInterrupt:
        code = ExitStatus.SIGINT
        _say_err("interrupted; every finished set is saved")
    except Terminated as exc:
        code = exc.code
    finally:
        restore()
        out.flush()
        if transcript_file:
            transcript_file.close()
        if apps is not None:  # other apps' volumes back on every way out (issue 14)
            apps.close()
    if code == ExitStatus.OK and not opts.dry_run:
        print(f"{result.status}: {result.sets_done} sets saved", file=out)
    return int(code)


def _open_journal(path: Path, backup: bool) -> SafeJournal:
    """The session's journal (issue 15): unsaved sets of earlier runs taken in, a backup
    taken, and writes that fail kept rather than lost. Neither step can stop a workout."""
    from voicecoach import journal_repair

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


def _help_line(music: bool = False) -> str:
    from voicecoach.engine import HELP, HELP_MUSIC

    return HELP_MUSIC if music else HELP


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
    from voicecoach.sane import stored_load

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
) -> list[str]:
    """Every phrase a session of ``routine`` says with default answers, in order of speech."""
    from voicecoach.voice.estimate import EstimateRenderer

    collect = _Collecting(Voice(EstimateRenderer()))
    env = Environment(clock=FakeClock(), voice=collect)  # type: ignore[arg-type]
    Session(routine, env, carried=carried or {}, resume_from=done or set()).run()
    return list(collect.seen)


class _Collecting:
    """A voice that remembers every phrase asked of it."""

    def __init__(self, voice: Voice):
        self.voice = voice
        self.seen: dict[str, None] = {}  # ordered: the order of speech

    def clip(self, text: str):  # type: ignore[no-untyped-def]
        self.seen.setdefault(text)
        return self.voice.clip(text)

    def duration(self, text: str) -> float:
        return self.clip(text).seconds

    def want(self, texts: object, urgent: bool = False) -> None:
        """Foreseen phrases are rendered at run time, set by set; the list skips them."""
