"""The live status line: what is happening now, fitted to the terminal's width.

The engine says what the parts are (:class:`Status`); :func:`fit` decides how
they look in N columns. A glance should answer "which exercise, which set,
what load, which rep (or how long is left)". When the line is too wide the
least useful part gives way first:

1. the phase word after the rep number ("rep 7 · lower" → "rep 7");
2. the exercise name, down to 12 columns with an ellipsis;
3. the words "set"/"round" before the numbers ("set 2/3" → "2/3");
4. the exercise name, down to 4 columns;
5. the load;
6. finally the line itself is cut.

The last column is never written: on many terminals writing it wraps the
cursor, and the next ``\\r`` would then redraw the wrong line.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

SEPARATOR = " · "
ELLIPSIS = "…"


@dataclass(frozen=True)
class Status:
    """The parts of the status line. Empty parts are left out."""

    exercise: str = ""
    set: str = ""
    load: str = ""
    detail: str = ""  # "rep 7 · lower", "rest 1:25", "hold 0:20", "paused"


def cells(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def truncate(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` cells, ending in an ellipsis if anything was cut."""
    if cells(text) <= columns:
        return text
    if columns <= 0:
        return ""
    out, used = [], 0
    for ch in text:
        w = cells(ch)
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + ELLIPSIS


def render(status: Status) -> str:
    """The parts joined, in order, without fitting."""
    return SEPARATOR.join(p for p in (status.exercise, status.set, status.load, status.detail) if p)


def fit(status: Status, width: int) -> str:
    """The status line for a terminal ``width`` columns wide (at most ``width - 1`` cells)."""
    room = max(1, width - 1)
    steps = (
        lambda s: replace(s, detail=s.detail.split(SEPARATOR)[0]),
        lambda s: replace(s, exercise=truncate(s.exercise, 12)),
        lambda s: replace(s, set=_short_set(s.set)),
        lambda s: replace(s, exercise=truncate(s.exercise, 4)),
        lambda s: replace(s, load=""),
    )
    line = render(status)
    for step in steps:
        if cells(line) <= room:
            return line
        status = step(status)
        line = render(status)
    return truncate(line, room)


def _short_set(text: str) -> str:
    for word in ("set ", "round ", "next: set ", "next: round "):
        if text.startswith(word):
            return text[len(word) :]
    return text


def clock_text(seconds: float) -> str:
    """``1:25`` for a countdown shown on screen."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


__all__ = ["Status", "cells", "clock_text", "fit", "render", "truncate"]
