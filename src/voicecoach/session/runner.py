"""Build the environment for ``voicecoach run`` and run a session in it.

This is the imperative shell around the engine: it picks the clock, keys,
voice, audio output and journal, restores the terminal on every way out,
and turns failures into one clear line and an exit code.
"""

from __future__ import annotations

import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from voicecoach.audio import AudioUnavailable
from voicecoach.audio.base import Output, SilentOutput
from voicecoach.audio.early import EarlyOutput
from voicecoach.events import JsonlWriter, LateSink, Sink, transcript_line
from voicecoach.exitcodes import ExitStatus
from voicecoach.inputs.clock import Clock, SystemClock
from voicecoach.inputs.keys import KeySource, TerminalKeys, open_keys
from voicecoach.journal.store import Journal, JournalError
from voicecoach.plan.talk import Talk
from voicecoach.routines.loads import Load
from voicecoach.routines.model import Routine
from voicecoach.safetext import clean
from voicecoach.session.background import STOP_WAIT, Background, FirstClip
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.session.options import RunOptions
from voicecoach.session.setup import (
    AlreadyComplete,
    _continuation,
    _first_phrase,
    _open_journal,
    _phrases,
    _say_err,
    back_up,
    build_voice,
    render_ahead,
)
from voicecoach.session.signals import (
    Terminated,
    _interrupt,
    _signals,
    _terminate,
    restore_handlers,
)
from voicecoach.session.starting import rack_of
from voicecoach.session.state import Coaching
from voicecoach.session.stdout import ClosedStdout
from voicecoach.session.terminal import GuardedStream, caps_for, width_of
from voicecoach.settings import Settings
from voicecoach.speech.base import Voice
from voicecoach.testing import FakeClock

if TYPE_CHECKING:
    from voicecoach.audio.wavfile import WavRecorder
    from voicecoach.inputs.buttons import Buttons

__all__ = ["EarlyOutput", "Parts", "RunOptions", "run_session"]

DRY_RUN_WAIT = 10.0  # a dry run waits this long at most for its background parts (a loaded
# machine can take seconds to reach the sound server and put back what a killed run lowered)


def _restore_stale(state: Path, warn: Callable[[str], None]) -> None:
    from voicecoach.audio.others import restore_stale

    restore_stale(state, warn)


def _connect_others(ducked, depth_db: float, state: Path, warn: Callable[[str], None]) -> None:
    from voicecoach.audio.others import connect_later

    connect_later(ducked, depth_db, state, warn)()


def _open_buttons(wanted, keys, routine, warn):
    from voicecoach.inputs.buttons import open_buttons

    return open_buttons(wanted, keys, routine, warn)


def _start_listening(settings, inject, warn, audible):
    from voicecoach.inputs.session import start_listening

    return start_listening(settings, inject, warn, audible=audible)


def _listen_hint(settings: Settings) -> str | None:
    from voicecoach.inputs.session import listen_hint

    return listen_hint(settings)


@dataclass
class Parts:
    """Where a real run gets each of its parts. The defaults are the real ones; a test
    swaps them for fakes that record when each is asked for (nothing but the voice, the
    keys, the journal and the output may be, before the first clip is handed over)."""

    open_journal: Callable[[Path, bool], Journal] = _open_journal
    back_up: Callable[[Journal], None] = back_up
    open_keys: Callable[[], KeySource | None] = open_keys
    build_voice: Callable[..., Voice] = build_voice
    clock: Callable[[KeySource | None], SystemClock | FakeClock] = SystemClock
    restore_stale: Callable[[Path, Callable[[str], None]], None] = _restore_stale
    connect_others: Callable[..., None] = _connect_others
    open_buttons: Callable[..., object] = _open_buttons
    start_listening: Callable[..., object] = _start_listening
    listen_hint: Callable[[Settings], str | None] = _listen_hint


@dataclass(frozen=True)
class Started:
    """What is open once the first word is on its way: voice, journal, keys, where this
    session starts and how it is coached (``ahead``: the phrases still to render, if any)."""

    voice: Voice
    journal: Journal | None
    keys: KeySource | None
    session_id: int | None
    done: set[int]
    carried: dict[int, tuple[Load, int]]
    coaching: Coaching
    ahead: Callable[[], None] | None = None  # renders the rest of the phrases


def run_session(
    routine: Routine,
    opts: RunOptions,
    *,
    out: IO[str] | None = None,
    audio: EarlyOutput | None = None,
    parts: Parts | None = None,
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
    code: int | None = None
    settings = opts.settings
    if audio is None and not opts.dry_run:
        audio = EarlyOutput(settings.audio)
    parts = parts or Parts()
    try:
        if opts.journal is not None:
            try:
                # The backup is no part of the first word: it is taken in the background.
                journal = parts.open_journal(opts.journal, False)
            except JournalError as exc:
                if opts.resume:
                    raise
                _say_err(f"{exc}. This session will not be saved.")
        keys = None if opts.dry_run else parts.open_keys()
        routine, session_id, done, carried = _continuation(routine, opts, journal, keys, out)
        # The first phrase decides whether an engine must start now (not cached: cold).
        # The rest come from one silent simulation of the whole session, with the
        # expected answers: at once when cold, in the background when the first word
        # is cached (the simulation costs a good part of the time to the first word).
        t0 = time.monotonic()
        coaching = _coaching(settings, routine, journal)
        first = _first_phrase(routine, carried, done, coaching)
        voice = parts.build_voice(settings, opts.cache_dir, _say_err, first)
        built = voice

        def ahead() -> None:
            render_ahead(built, _phrases(routine, carried, done, coaching), t0)

        cold = bool(first) and not voice.cached(first[0][0])
        if cold:
            ahead()
        started = Started(
            voice, journal, keys, session_id, done, carried, coaching, None if cold else ahead
        )
        code = _run(routine, opts, started, out, audio, parts)
        return code
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
            # Ended by a signal (or an error): gone at once, not after a render ahead.
            voice.close(hurry=code is None or code >= 128)
        if journal is not None:
            journal.close()


def _run(
    routine: Routine,
    opts: RunOptions,
    started: Started,
    out: IO[str],
    audio: EarlyOutput | None,
    parts: Parts,
) -> int:
    settings, voice, journal, keys = opts.settings, started.voice, started.journal, started.keys
    session_id, done, carried = started.session_id, started.done, started.carried
    caps = caps_for(out)
    # What the first word does not need starts once it is handed to the output. First,
    # volumes a killed run left lowered come back up: what has not started when a run
    # ends is skipped, and a dry run can end before the render ahead does.
    background = Background(_say_err)
    if opts.duck_state is not None:
        state = opts.duck_state
        background.add("restoring other apps", lambda: parts.restore_stale(state, _say_err))
    if started.ahead is not None:
        background.add("rendering ahead", started.ahead)
    sinks: list[Sink] = []
    transcript_file = opts.transcript.open("w", encoding="utf-8") if opts.transcript else None
    if transcript_file:
        sinks.append(JsonlWriter(transcript_file))

    output: Output
    clock: Clock
    recorder: WavRecorder | None = None
    if opts.record:  # its encoder loads numpy, which nothing else before the first word needs
        from voicecoach.audio.wavfile import WavRecorder
    buttons = None
    ducked = None  # the other apps' ducker, when there is one
    if opts.dry_run:
        clock = FakeClock()
        recorder = WavRecorder(opts.record) if opts.record else None
        output = recorder or SilentOutput()
        output.start(clock.now())
        sinks.append(lambda e: print(clean(transcript_line(e)), file=out))
        status = None
        display = None
    else:
        # Media buttons: an MPRIS2 player whose presses arrive as keys. The
        # session bus is joined in the background; the keys it presses are there at once.
        from voicecoach.inputs.button_answers import phrases as button_phrases

        buttons = cast("Buttons | None", parts.open_buttons(opts.buttons, keys, routine, _say_err))
        if buttons is not None:
            voice.want(button_phrases())
        clock = parts.clock(buttons.keys if buttons is not None else keys)
        assert audio is not None
        try:
            output, note = audio.take() if voice.audible else (SilentOutput(), None)
        except AudioUnavailable as exc:
            _say_err(f"{exc}. Coaching in text only.")
            output, note = SilentOutput(), None
        if note:
            _say_err(note)
        if settings.duck_others and opts.duck_state is not None and output.name != "none":
            # The sound server is connected in the background (it may take a second):
            # clips handed over before then are simply not ducked.
            from voicecoach.audio.others import DuckOthersOutput

            ducked = DuckOthersOutput(output)
            output = ducked
            background.add(
                "lowering other apps",
                lambda: parts.connect_others(ducked, settings.duck_db, state, _say_err),
            )
        if opts.record:
            output = recorder = WavRecorder(opts.record, inner=output)
            output.start(clock.now())
        from voicecoach.session.display import Display

        display = Display(out, caps, lambda: width_of(out))
        sinks.append(display.event)
        if buttons is not None:
            sinks.append(buttons.event)
            background.add("media buttons", buttons.connect)
        status = display.status if caps.live else None
    music = None
    if settings.music and not (opts.dry_run and not opts.record):
        # Music under the coach, in the stream and the --record file.
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

    # Spoken answers become keys; the listener follows the session's events.
    if not opts.dry_run:
        if settings.listen is None and not settings.mic:
            # Listening is off until asked; when a microphone is there, say once how to
            # ask. Finding one asks the sound server, so it is done off the first word's path.
            background.add("the listening hint", lambda: _hint(parts, settings))
        else:  # the microphone and recogniser start in the background
            from voicecoach.inputs.voice_answers import phrases as voice_phrases

            voice.want(voice_phrases())  # "Four in reserve? Say yes." ready when needed
            heard = LateSink()
            sinks.append(heard)
            background.add(
                "listening",
                _listen(parts, settings, getattr(keys, "inject", None), output.name, heard),
            )
        if journal is not None:
            kept = journal
            background.add("the journal backup", lambda: parts.back_up(kept))
    first = FirstClip(output, background.start)

    env = Environment(
        clock=clock,
        voice=voice,
        output=first,
        journal=journal,
        sinks=sinks,
        answers=deque(opts.answers),
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
        coaching=started.coaching,
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
            if recorder is not None:
                recorder.extend_to(clock.now())
    except KeyboardInterrupt:
        code = ExitStatus.SIGINT
    except Terminated as exc:
        code = exc.code
    finally:
        if ducked is not None:  # other apps' volumes back first, on every way out
            ducked.close_apps()
        # A part still starting is waited for a moment only, and not at all on a signal
        # (one that comes later has lowered nothing, and dies with the process); a dry
        # run has no cue to hold up, so its restore of other apps' volumes may finish.
        if code >= 128:
            background.close(0.0)
        else:
            background.close(DRY_RUN_WAIT if opts.dry_run else STOP_WAIT)
        restore()
        if buttons is not None:
            buttons.close()
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


def _help_line(music: bool = False) -> str:
    from voicecoach.inputs.keymap import help_line

    return help_line(music)


def _coaching(settings: Settings, routine: Routine, journal: Journal | None) -> Coaching:
    """The lifter's choices for this session: flags and config over the routine's own."""
    return Coaching(
        rir_timeout=settings.rir_timeout,
        talk=Talk(
            settings.talk or routine.talk or "full", settings.count or routine.count or "start"
        ),
        seed=_seed(journal, routine),
        rack=rack_of(settings),
    )


def _seed(journal: Journal | None, routine: Routine) -> int:
    """The session's wording seed: how many sessions of this routine came before."""
    if journal is None:
        return 0
    try:
        return journal.sessions_of(routine.name)
    except JournalError:
        return 0  # varied lines are not worth stopping a workout for


def _hint(parts: Parts, settings: Settings) -> None:
    line = parts.listen_hint(settings)
    if line:
        _say_err(line)


def _listen(
    parts: Parts,
    settings: Settings,
    inject: Callable[[str], None] | None,
    output_name: str,
    heard: LateSink,
) -> Callable[[], Callable[[], None] | None]:
    """The background task that starts listening and hands it the session's events."""

    def start() -> Callable[[], None] | None:
        listening = parts.start_listening(settings, inject, _say_err, audible=output_name != "none")
        if listening is None:
            heard.attach(None)
            return None
        heard.attach(listening.listener)  # type: ignore[attr-defined]
        return listening.close  # type: ignore[attr-defined]

    return start
