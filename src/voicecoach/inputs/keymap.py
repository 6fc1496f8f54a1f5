"""Every key a workout answers to, in one table: the session compares keys with these
names, and every help text (``run --help``, the line printed at the start, the manual's
table, checked by a test) is written from the table, so none can fall behind.

Buttons and spoken words arrive as these same keys (see ``inputs/commands.py``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from voicecoach.inputs.keys import ENTER

PAUSE = " "
QUIT = "q"
SKIP = "s"
REPEAT = "r"
TALK = "t"
LONGER = "]"  # the rest 15 s longer
SHORTER = "["
LOUDER = "+"  # the music 3 dB louder; without music, the rest longer
QUIETER = "-"
MUTE = "m"
MUSIC_KEYS = (LOUDER, QUIETER, MUTE)
TOP_RIR = 5  # the scale's top answer, which means "five or more"
REST_KEYS = (LONGER, SHORTER, LOUDER, QUIETER)  # + and - reach the rest only without music


@dataclass(frozen=True)
class Binding:
    """One row of the table: the keys as a lifter types them, a word or two for the
    one-line reminder, and the whole action for the help."""

    keys: str
    short: str
    action: str
    music: bool = False  # only with --music


BINDINGS = (
    Binding("0-5", "RIR", "reps in reserve (5 = five or more)"),
    Binding("Enter", "set done", "set done (ends the set early; reps reached are recorded)"),
    Binding("space", "pause", "pause / resume"),
    Binding("s", "skip", "skip the rest, or the current exercise"),
    Binding("r", "repeat", "repeat the last cue"),
    Binding("t", "talk", "talk: full, then reps, then quiet, then full again"),
    Binding("] / [", "rest", "rest 15 s longer / shorter (+ / - too, when no music plays)"),
    Binding("+ / -", "music", "music 3 dB louder / quieter (with --music)", music=True),
    Binding("m", "mute", "mute / unmute the music", music=True),
    Binding("q", "quit", "quit (asks to confirm; the journal is kept)"),
)


def rir_key(key: str) -> int | None:
    """The reps in reserve a typed key answers, or None if the key is not a digit.

    Only decimal digits count (any script's: a phone keyboard's ``٢`` is 2); a
    superscript ``²`` is a digit to ``str.isdigit`` yet not a number ``int`` reads,
    and once crashed the question. Keys 6 to 9 are above the scale's top, which
    already means five or more, so they are that answer, not refused.
    """
    if len(key) != 1:
        return None
    value = unicodedata.decimal(key, None)
    return None if value is None else min(TOP_RIR, value)


def over_top_note(key: str) -> str | None:
    """The line shown when a key above the scale was taken as its top, else None."""
    if len(key) != 1 or unicodedata.decimal(key, -1) <= TOP_RIR:
        return None
    return f"{key} pressed: reps in reserve goes up to {TOP_RIR}; taken as five or more"


def help_line(music: bool = False) -> str:
    """The reminder printed as a workout starts: ``keys: 0-5 RIR · Enter set done · …``."""
    parts = [f"{b.keys.replace(' / ', '/')} {b.short}" for b in BINDINGS if music or not b.music]
    if not music:
        parts = [p.replace("]/[ rest", "]/[ or +/- rest") for p in parts]
    return "keys: " + " · ".join(parts)


def help_block() -> str:
    """The keys section of ``run --help`` (click keeps a ``\\b`` paragraph as written)."""
    width = max(len(b.keys) for b in BINDINGS) + 2
    rows = [f"  {b.keys.ljust(width)}{b.action}" for b in BINDINGS]
    return "\b\nKeys during a run (one key, no Enter):\n" + "\n".join(rows)


__all__ = ["BINDINGS", "ENTER", "help_block", "help_line"]
