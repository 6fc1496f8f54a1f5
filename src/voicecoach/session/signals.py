"""Signals during a run: each ends or pauses the session through its normal paths.

Nothing is lost on any of them: every finished set is already journaled,
and the terminal is restored before the process stops or exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator

from voicecoach.audio.base import cut_short
from voicecoach.inputs.clock import SystemClock
from voicecoach.inputs.keys import SUSPEND, KeySource, TerminalKeys
from voicecoach.session.engine import Session
from voicecoach.session.loop import QUIT_CONFIRM
from voicecoach.testing import FakeClock


class Terminated(BaseException):
    """A signal asked us to stop: a BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` on the way (an engine start, a render) can swallow it."""

    def __init__(self, code: int):
        self.code = code


@contextlib.contextmanager
def _signals(
    restore: Callable[[], None],
    keys: KeySource | None,
    clock: SystemClock | FakeClock,
    session: Session,
    on_stop: Callable[[], None] | None = None,
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
        cut_short(session.env.output)  # gone within half a second; the last word may be cut
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


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(128 + signum)
