"""Signals during a run: each ends or pauses the session through its normal paths.

Nothing is lost on any of them: every finished set is already journaled,
and the terminal is restored before the process stops or exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from voicecoach.audio.base import cut_short
from voicecoach.inputs.clock import SystemClock
from voicecoach.inputs.keys import SUSPEND, KeySource, TerminalKeys
from voicecoach.session.engine import Session
from voicecoach.session.loop import QUIT_CONFIRM
from voicecoach.testing import FakeClock

# The signals that end a run. Once one has started the shutdown, the rest are ignored.
_STOP_NAMES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
_STOPS = tuple(getattr(signal, n) for n in _STOP_NAMES if hasattr(signal, n))
_shutting_down = [False]


def begin_shutdown() -> None:
    """From now until the process ends, every further stop signal is ignored.

    A second Ctrl-\\ (or a Ctrl-C, a SIGTERM) while the journal is being
    finished and the terminal restored must not interrupt that work, and must
    never reach the default action: for SIGQUIT that is a core dump, with the
    terminal left in cbreak mode. ``SIG_IGN`` is set in the kernel, so no
    window remains in which a handler is half-replaced. The process is ending,
    so nothing ever sets them back (``restore_handlers`` keeps them ignored).
    """
    _shutting_down[0] = True
    for sig in _STOPS:
        signal.signal(sig, signal.SIG_IGN)


def restore_handlers(previous: Mapping[int, Any]) -> None:
    """Put the handlers of before back, except the stop signals once shutdown began."""
    for sig, old in previous.items():
        if _shutting_down[0] and sig in _STOPS:
            continue
        signal.signal(sig, old)


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
    core and leave echo off). The
    first Ctrl-C asks to quit (like ``q``); a second one within the confirm
    window quits at once. Ctrl-Z restores the terminal and stops; after
    ``fg`` cbreak mode is back and the timeline is paused from the moment of
    suspension.
    """
    interrupted_at = [-1e9]

    def on_term(signum: int, frame: object) -> None:
        begin_shutdown()
        restore()
        cut_short(session.env.output)  # gone within half a second; the last word may be cut
        if on_stop is not None:
            on_stop()
        raise Terminated(128 + signum)

    def on_int(signum: int, frame: object) -> None:
        now = clock.now()
        inject = getattr(keys, "inject", None)
        if inject is None or now - interrupted_at[0] < QUIT_CONFIRM + 1:
            begin_shutdown()
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
        restore_handlers(previous)


def _terminate(signum: int, frame: object) -> None:
    begin_shutdown()
    raise Terminated(128 + signum)


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C before the workout starts (while the voice loads): quit, and absorb the rest."""
    begin_shutdown()
    raise KeyboardInterrupt
