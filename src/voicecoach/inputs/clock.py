"""Time, and waiting for a deadline or a key, whichever comes first.

Only this module reads the real time, so everything timed runs on a fake clock in tests. The
engine never sleeps for an interval: it waits for absolute deadlines, so
nothing drifts however long the session is.
"""

from __future__ import annotations

import select
import time
from typing import Protocol

from voicecoach.inputs.keys import KeySource

SLICE = 0.05  # wake at least this often while waiting, so keys and signals are handled


class Clock(Protocol):
    """What the engine needs from time."""

    def now(self) -> float:
        """Seconds on a monotonic timeline."""

    def wait(self, deadline: float) -> str | None:
        """Block until ``deadline`` or a key press; return the key, or None at the deadline."""


class SystemClock:
    """The real clock; waits with ``select`` on the key source's file descriptor."""

    def __init__(self, keys: KeySource | None = None):
        self.keys = keys

    def now(self) -> float:
        return time.monotonic()

    def wait(self, deadline: float) -> str | None:
        while True:
            if self.keys is not None:
                pending = self.keys.pending()
                if pending is not None:
                    return pending
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            polled = self.keys is not None and getattr(self.keys, "polled", lambda: False)()
            if polled:  # a Windows console: nothing to select on, so look every slice
                self.keys.read_ready()  # type: ignore[union-attr]
                key = self.keys.pending()  # type: ignore[union-attr]
                if key is not None:
                    return key
                time.sleep(min(remaining, SLICE))
                continue
            fd = self.keys.fileno() if self.keys is not None else None
            if fd is None:
                time.sleep(min(remaining, SLICE * 20))
                continue
            try:
                ready, _, _ = select.select([fd], [], [], min(remaining, SLICE))
            except InterruptedError:  # pragma: no cover - PEP 475 retries for us
                continue
            if ready and self.keys is not None:
                self.keys.read_ready()
