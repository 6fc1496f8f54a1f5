"""The screen: spoken lines as text, and one live status line when stdout is a TTY.

The screen is secondary (everything important is spoken), so it stays
simple: no colour and no control codes at all when stdout is not a TTY.
"""

from __future__ import annotations

from typing import IO

from voicecoach.events import Event, stamp

_SHOWN = {
    "say",
    "ask",
    "answer",
    "load",
    "pause",
    "resume",
    "skip",
    "set",
    "rest",
    "quit",
    "note",
    "repeat",
    "music",
}


class Display:
    def __init__(self, out: IO[str], tty: bool):
        self.out = out
        self.tty = tty
        self._status = ""

    def event(self, event: Event) -> None:
        if event.kind not in _SHOWN:
            return
        if event.kind == "say" and _is_count(event.text):
            if self.tty:
                self.status(self._status.split(" | ")[0] + f" | {event.text}")
            return
        text = (
            f"{stamp(event.actual)} {event.text}"
            if event.kind == "say"
            else f"{stamp(event.actual)} [{event.kind}] {event.text}"
        )
        if self.tty:
            self.out.write("\r\x1b[K" + text + "\n" + self._status)
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def status(self, text: str) -> None:
        if not self.tty:
            return
        self._status = text
        self.out.write("\r\x1b[K" + text)
        self.out.flush()


def _is_count(text: str) -> bool:
    return len(text.split()) <= 2 and len(text) <= 16
