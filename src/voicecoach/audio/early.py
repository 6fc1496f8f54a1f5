"""The audio device, opened on a thread from the moment ``voicecoach run`` has its settings.

This module is small on purpose: ``cli/run.py`` starts the thread before it
imports the session runner, so that the device opening (its waits on the
sound server) overlaps that import instead of following it.
"""

from __future__ import annotations

import contextlib
import threading
import time

from voicecoach.audio.base import AudioUnavailable, Output
from voicecoach.audio.registry import open_output

__all__ = ["EarlyOutput"]


class EarlyOutput:
    """The audio device, opened on a thread while the routine and journal load.

    Opening a PulseAudio stream takes a good part of the time to the first
    word; done in parallel, the first word does not wait for it.
    """

    def __init__(self, name: str):
        if name in ("auto", "stream"):
            _preload_stream()
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


def _preload_stream() -> None:
    """Import pyminiaudio here, on the caller's thread, before the opening thread starts.

    Its import keeps numpy out only while no other thread imports anything
    (see :func:`voicecoach.audio.stream.import_miniaudio`); the import is CPU
    work either way, so doing it first costs the overlap nothing.
    """
    from voicecoach.audio.stream import import_miniaudio

    with contextlib.suppress(ImportError):  # no pyminiaudio: the thread reports it
        import_miniaudio()
