"""What a run needs, but not for its first word, started once that word is on its way.

The sound-server connection that lowers other apps, the media buttons' bus,
the microphone and the journal's backup each cost from a few milliseconds to
a second (a sound server that does not answer is waited for). None of them
shapes the first words, so the runner hands them to :class:`Background`,
whose one thread starts when the first clip has been handed to the output.
The engine's loop never waits on it: each part joins the session when it is
ready, and a part that never comes is said once, by the part itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from voicecoach.audio.base import Output
from voicecoach.audio.clips import Clip

STOP_WAIT = 0.2  # at the end, a part still connecting is waited for this long, no longer


class Background:
    """Tasks run in order on one daemon thread; each may return how to close what it opened."""

    def __init__(self, warn: Callable[[str], None]):
        self.warn = warn
        self._tasks: list[tuple[str, Callable[[], Callable[[], None] | None]]] = []
        self._closers: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def add(self, name: str, task: Callable[[], Callable[[], None] | None]) -> None:
        """Queue ``task`` (before :meth:`start`); what it returns is called on close."""
        self._tasks.append((name, task))

    def start(self) -> None:
        """Start the thread; a second call does nothing."""
        if self._thread is not None or not self._tasks:
            return
        self._thread = threading.Thread(target=self._run, name="voicecoach-background", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for name, task in self._tasks:
            with self._lock:
                if self._stopping:
                    return
            try:
                closer = task()
            except Exception as exc:  # a part that fails is a part the run goes without
                self.warn(f"{name} failed to start: {exc}")
                continue
            if closer is None:
                continue
            with self._lock:
                late = self._stopping
                if not late:
                    self._closers.append(closer)
            if late:  # the session ended while this part started: close it now
                closer()
                return

    def close(self, wait: float = STOP_WAIT) -> None:
        """Skip what has not started, wait ``wait`` at most, close what was opened."""
        with self._lock:
            self._stopping = True
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(wait)
        with self._lock:
            closers, self._closers = self._closers, []
        for closer in reversed(closers):
            closer()


class FirstClip:
    """Wraps the outermost output: the first clip handed over starts ``then`` (once).

    It is transparent otherwise: ``inner`` lets the runner and the music walk
    through it to the outputs it wraps.
    """

    def __init__(self, inner: Output, then: Callable[[], None]):
        self.inner = inner
        self.name = inner.name
        self.lookahead = inner.lookahead
        self.lead = inner.lead
        self._then: Callable[[], None] | None = then

    def start(self, now: float) -> None:
        self.inner.start(now)

    def play(self, clip: Clip, at: float) -> None:
        self.inner.play(clip, at)
        then, self._then = self._then, None
        if then is not None:
            then()

    def cancel_after(self, at: float) -> None:
        self.inner.cancel_after(at)

    def healthy(self) -> bool:
        return self.inner.healthy()

    def close(self) -> None:
        self.inner.close()
