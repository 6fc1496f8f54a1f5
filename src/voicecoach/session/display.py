"""The screen: spoken lines as text, and one live status line on a capable terminal.

The screen is secondary (everything important is spoken), so it stays
simple. Every text shown passes through :func:`voicecoach.safetext.clean`:
routine names and cues are data, never terminal commands. Cursor codes are
written only when :class:`~voicecoach.session.terminal.Caps` allows them (a TTY whose
TERM is not dumb); elsewhere each event is one plain line and there is no
status line. The status line is in reverse video unless ``NO_COLOR`` is set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from voicecoach.events import Event, stamp
from voicecoach.safetext import clean
from voicecoach.session.statusline import Status, fit
from voicecoach.session.terminal import DEFAULT_WIDTH, Caps

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
    "menu",
}
CLEAR_LINE = "\r\x1b[K"  # back to column 0, erase to the end of the line
REVERSE, RESET = "\x1b[7m", "\x1b[0m"


class Display:
    def __init__(self, out: IO[str], caps: Caps, width: Callable[[], int] = lambda: DEFAULT_WIDTH):
        self.out = out
        self.caps = caps
        self.width = width
        self._status = ""  # the status line as drawn, escapes included; "" when none

    def event(self, event: Event) -> None:
        if event.kind not in _SHOWN:
            return
        if event.kind == "say" and _is_count(event.text):
            return  # counts are heard, and shown in the status line, not as lines
        text = clean(event.text)
        line = (
            f"{stamp(event.actual)} {text}"
            if event.kind == "say"
            else f"{stamp(event.actual)} [{event.kind}] {text}"
        )
        if self.caps.live:
            self.out.write(CLEAR_LINE + line + "\n" + self._status)
        else:
            self.out.write(line + "\n")
        self.out.flush()

    def status(self, status: Status) -> None:
        """Redraw the status line in place (only on a live terminal)."""
        if not self.caps.live:
            return
        text = fit(
            Status(*(clean(p) for p in (status.exercise, status.set, status.load, status.detail))),
            self.width(),
        )
        self._status = f"{REVERSE}{text}{RESET}" if self.caps.color else text
        self.out.write(CLEAR_LINE + self._status)
        self.out.flush()

    def finish(self) -> None:
        """Erase the status line, so what is printed next starts on a clean line."""
        if self.caps.live and self._status:
            self.out.write(CLEAR_LINE)
            self.out.flush()
        self._status = ""


def _is_count(text: str) -> bool:
    return len(text.split()) <= 2 and len(text) <= 16
