"""Build the environment for ``voicecoach run`` and run a session in it.

This is the imperative shell around the engine: it picks the clock, keys,
voice, audio output and journal, restores the terminal on every way out,
and turns failures into one clear line and an exit code.
"""

from __future__ import annotations

import signal
import sys
from collections import deque
from pathlib import Path
from typing import IO, cast

from voicecoach.audio import AudioUnavailable
from voicecoach.audio.base import Output, SilentOutput
from voicecoach.audio.wavfile import WavRecorder
from voicecoach.events import JsonlWriter, Sink, transcript_line
from voicecoach.exitcodes import ExitStatus
from voicecoach.inputs.clock import Clock, SystemClock
from voicecoach.inputs.keys import KeySource, TerminalKeys, open_keys
from voicecoach.journal.store import Journal, JournalError
from voicecoach.plan.plates import Rack
from voicecoach.plan.talk import Talk
from voicecoach.routines.loads import Load
from voicecoach.routines.model import Routine
from voicecoach.safetext import clean
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.setup import (
    AlreadyComplete,
    EarlyOutput,
    RunOptions,
    _continuation,
    _open_journal,
    _phrases,
    _say_err,
    build_voice,
)
from voicecoach.session.signals import (
    Terminated,
    _interrupt,
    _signals,
    _terminate,
    restore_handlers,
)
from voicecoach.session.stdout import ClosedStdout
from voicecoach.session.terminal import GuardedStream, caps_for, width_of
from voicecoach.settings import Settings
from voicecoach.speech.base import Voice
from voicecoach.testing import FakeClock

__all__ = ["EarlyOutput", "RunOptions", "run_session"]


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
    out = cast(IO[str], screen)  # it writes like stdout, and never raises
    early = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, _terminate) for sig in early}
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, _interrupt)
    journal: Journal | None = None
    voice: Voice | None = None
    if audio is None and not opts.dry_run:
        audio = EarlyOutput(settings.audio)
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
        return _run(
            routine, settings, opts, voice, journal, keys, session_id, done, carried, out, audio
        )
    except Terminated as exc:
        return exc.code
    except AlreadyComplete as exc:
        print(exc, file=out)
        return int(ExitStatus.OK)
    finally:
        restore_handlers(previous)
        if audio is not None:
            audio.discard()
        if voice is not None:
            voice.close()
        if journal is not None:
            journal.close()


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
    sinks: list[Sink] = []
    transcript_file = opts.transcript.open("w", encoding="utf-8") if opts.transcript else None
    if transcript_file:
        sinks.append(JsonlWriter(transcript_file))

    output: Output
    clock: Clock
    buttons = None
    apps = None  # the other apps' ducker, when there is one
    if opts.dry_run:
        clock = FakeClock()
        output = WavRecorder(opts.record) if opts.record else SilentOutput()
        output.start(clock.now())
        sinks.append(lambda e: print(clean(transcript_line(e)), file=out))
        status = None
        display = None
    else:
        # Media buttons (issue 13): an MPRIS2 player whose presses arrive as keys.
        from voicecoach.inputs.button_answers import phrases as button_phrases
        from voicecoach.inputs.buttons import open_buttons

        buttons = open_buttons(opts.buttons, keys, routine, _say_err)
        if buttons is not None:
            voice.want(button_phrases())
        clock = SystemClock(buttons.keys if buttons is not None else keys)
        assert audio is not None
        try:
            output, note = audio.take() if voice.audible else (SilentOutput(), None)
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
        from voicecoach.session.display import Display

        display = Display(out, caps, lambda: width_of(out))
        sinks.append(display.event)
        if buttons is not None:
            sinks.append(buttons.event)
        status = display.status if caps.live else None
    music = None
    if settings.music and not (opts.dry_run and not opts.record):
        # Music under the coach, in the stream and the --record file (issue 14).
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

    # Issue 13: spoken answers become keys; the listener follows the session's events.
    listening = None
    if not opts.dry_run:
        from voicecoach.inputs.session import start_listening

        listening = start_listening(
            settings, getattr(keys, "inject", None), _say_err, audible=output.name != "none"
        )
        if listening is not None:
            sinks.append(listening.listener)
        elif settings.listen is None and not settings.mic:
            # Listening is off until asked; say once how to ask, on the screen only.
            print("voice answers are off: run with --listen to answer by voice", file=out)

    env = Environment(
        clock=clock,
        voice=voice,
        output=output,
        journal=journal,
        sinks=sinks,
        answers=deque(opts.answers or []),
        virtual=opts.dry_run,
        status=status,
        buttons=buttons is not None,
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
        talk=Talk(
            settings.talk or routine.talk or "full", settings.count or routine.count or "start"
        ),
        seed=_seed(journal, routine),
        rack=_rack(settings),
    )
    if session_id is not None:
        session.result.session_id = session_id

    restore = keys.restore if isinstance(keys, TerminalKeys) else (lambda: None)
    code: int = ExitStatus.OK
    try:
        with _signals(restore, keys, clock, session, music.hurry if music else None):
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
        if listening is not None:
            listening.close()
        restore()
        if buttons is not None:
            buttons.close()
        if display is not None:
            display.finish()  # the lines below start on a clean line, not after the status
        out.flush()
        if transcript_file:
            transcript_file.close()
        if apps is not None:  # other apps' volumes back on every way out (issue 14)
            apps.close()
    if code == ExitStatus.OK and not opts.dry_run:
        print(f"{result.status}: {result.sets_done} sets saved", file=out)
    if code == ExitStatus.SIGINT:
        _say_err("interrupted; every finished set is saved")
    return int(code)


def _help_line(music: bool = False) -> str:
    from voicecoach.session.engine import HELP, HELP_MUSIC

    return HELP_MUSIC if music else HELP


def _seed(journal: Journal | None, routine: Routine) -> int:
    """The session's wording seed: how many sessions of this routine came before."""
    if journal is None:
        return 0
    try:
        return journal.sessions_of(routine.name)
    except JournalError:
        return 0  # varied lines are not worth stopping a workout for


def _rack(settings: Settings) -> Rack | None:
    """The lifter's bar and plates from the settings; None unless both are set."""
    if not settings.bar or not settings.plates:
        return None
    amount, unit = settings.bar.split()
    return Rack(float(amount), tuple(settings.plates), unit)
