"""Every side effect the engine has, in one object, so a test can swap them all at once.

``cli.py`` builds the real one; tests and ``--dry-run`` build one with the
fake clock from ``voicecoach.testing``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from voicecoach.audio.base import Output, SilentOutput
from voicecoach.audio.clips import Clip
from voicecoach.audio.sounds import sound
from voicecoach.events import Event, Sink
from voicecoach.inputs.clock import Clock
from voicecoach.journal.store import Journal
from voicecoach.session.answers import Answer
from voicecoach.session.statusline import Status
from voicecoach.speech.base import Voice


class MusicKeys(Protocol):
    def key(self, key: str) -> str:
        """Act on + - m; return what changed, for the screen."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Environment:
    clock: Clock
    voice: Voice
    output: Output = field(default_factory=SilentOutput)
    journal: Journal | None = None
    sinks: list[Sink] = field(default_factory=list)
    answers: deque[Answer] = field(default_factory=deque)
    sounds: Callable[[str], Clip] = sound
    wallclock: Callable[[], datetime] = utc_now
    virtual: bool = False  # a dry run: the journal stamps its sets when they are written
    status: Callable[[Status], None] | None = None  # the live status line, on a live terminal
    buttons: bool = False  # media buttons are connected: RIR has a spoken menu
    music: MusicKeys | None = None  # the music's live keys, when music plays

    def emit(self, event: Event) -> None:
        for sink in self.sinks:
            sink(event)
