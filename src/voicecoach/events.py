"""What happened during a session, for the screen, ``--transcript`` and tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import IO, Literal, Protocol, get_args

# Every kind of event a session emits; the type checker holds each emit to this list.
EventKind = Literal[
    "say",  # a phrase handed to the output
    "sound",  # a tick, beep or "go" sound
    "set",  # a set begins
    "rest",  # a rest begins
    "ask",  # a question (reps in reserve, quit?)
    "answer",  # its answer ("-": none)
    "heard",  # a spoken answer, said back; "no" or "undo" may still take it back
    "check",  # a spoken answer far from the last, asked about first ("Say yes.")
    "menu",  # the buttons' spoken answer menu
    "load",  # the next load changed
    "skip",
    "pause",
    "resume",
    "quit",
    "repeat",
    "talk",  # the talk level changed
    "music",  # a music key
    "note",  # something the lifter should know (a lost device, a failed save)
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)


@dataclass(frozen=True)
class Event:
    """One thing the coach did or heard. Times are seconds since the session started."""

    due: float
    actual: float
    kind: EventKind
    text: str
    duration: float = 0.0


class Sink(Protocol):
    def __call__(self, event: Event) -> None: ...


def stamp(seconds: float) -> str:
    """``[03:12.0]``: rounded to tenths first, so 359.96 s is 06:00.0, never 05:60.0."""
    m, tenths = divmod(round(max(0.0, seconds) * 10), 600)
    return f"[{m:02d}:{tenths / 10:04.1f}]"


def transcript_line(event: Event) -> str:
    """``[03:12.0] SAY "Rest ninety seconds."`` — the dry-run and golden-file format."""
    if event.kind in ("say", "sound"):
        return f'{stamp(event.due)} {event.kind.upper()} "{event.text}"'
    return f"{stamp(event.due)} {event.kind.upper()} {event.text}"


class JsonlWriter:
    """``--transcript FILE.jsonl``: one JSON object per event, flushed as it happens."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def __call__(self, event: Event) -> None:
        record = asdict(event)
        record["due"] = round(event.due, 4)
        record["actual"] = round(event.actual, 4)
        record["duration"] = round(event.duration, 4)
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()


class LateSink:
    """The sink of a part that joins later: the events before it comes are handed to it, in
    order, as it comes; every later event as it happens.

    Handed over at once, not with the next event: the RIR question waits seconds with
    no event at all, and a listener that came up during it would otherwise not know
    the question is open until it is asked again. So a target is called from the
    attaching thread too, and must be thread-safe (the listener and the media-button
    player each hold a lock). One hand-over at a time keeps the order.
    """

    def __init__(self) -> None:
        self._target: Callable[[Event], None] | None = None
        self._gone = False
        self._kept: list[Event] = []
        self._lock = threading.Lock()  # held while an event is handed over, or kept

    def attach(self, target: Callable[[Event], None] | None) -> None:
        """From any thread: the part is there (or, with None, will never be)."""
        with self._lock:
            self._target = target
            self._gone = target is None
            kept, self._kept = self._kept, []
            if target is not None:
                for e in kept:
                    target(e)

    def __call__(self, event: Event) -> None:
        with self._lock:
            if self._gone:
                return
            if self._target is None:
                self._kept.append(event)
                return
            self._target(event)
