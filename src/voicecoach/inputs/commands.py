"""The spoken command vocabulary, and when each word may be taken (pure, no audio).

A recognised word becomes the key a keyboard would send, injected into the
session's key source, so the engine has one input path. Which
words are live follows the session's own events:

- during a set: "done", "skip", "repeat", "pause";
- after "How many in reserve?": "zero" … "five", "repeat" and "pause";
- while paused: "go on" (and "pause" again) resume;
- after a spoken answer is confirmed aloud: "no" or "undo" takes it back;
  after "Four in reserve? Say yes.": "yes", or "no" / "undo".

Everywhere else (rests, announcements) nothing is taken. Every clip the
coach plays, plus a short tail for the room's echo, mutes recognition: an
utterance that overlaps one is dropped, so the coach never hears itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecoach.events import Event

# A spoken number is not a typed digit: the engine confirms it aloud and lets "no" take
# it back. So it has its own keys, private-use characters no keyboard sends.
SPOKEN_NUMBER: dict[int, str] = {n: chr(0xE010 + n) for n in range(6)}
YES = "\ue018"
NO = "\ue019"

WORD_KEYS: dict[str, str] = {
    "zero": SPOKEN_NUMBER[0],
    "one": SPOKEN_NUMBER[1],
    "two": SPOKEN_NUMBER[2],
    "three": SPOKEN_NUMBER[3],
    "four": SPOKEN_NUMBER[4],
    "five": SPOKEN_NUMBER[5],
    "done": "\n",
    "skip": "s",
    "repeat": "r",
    "pause": " ",
    "go on": " ",
}
VOCABULARY: tuple[str, ...] = tuple(WORD_KEYS)
# Replies to the coach about a spoken answer: "no" or "undo" takes it back, "yes" confirms
# one that would move the load more than a step.
REPLY_KEYS: dict[str, str] = {"yes": YES, "no": NO, "undo": NO}
LISTENED: tuple[str, ...] = VOCABULARY + tuple(REPLY_KEYS)
NUMBERS = ("zero", "one", "two", "three", "four", "five")
WINDOWS: dict[str, frozenset[str]] = {
    "set": frozenset({"done", "skip", "repeat", "pause"}),
    "answer": frozenset({*NUMBERS, "repeat", "pause"}),  # pause works at the question too
    "paused": frozenset({"go on", "pause"}),
    "undo": frozenset({"no", "undo"}),  # after "Three in reserve.", for a few seconds
    "check": frozenset({"yes", "no", "undo"}),  # after "Four in reserve? Say yes."
    "idle": frozenset(),
}
TAIL = 0.35  # seconds muted after a clip ends: earbud leakage and room echo die away


def key_for(word: str) -> str:
    """The key a spoken command stands for; KeyError for a word outside the vocabulary."""
    return WORD_KEYS[word] if word in WORD_KEYS else REPLY_KEYS[word]


def spoken_number(key: str) -> int | None:
    """The number a spoken answer's key stands for, or None for any other key."""
    for n, k in SPOKEN_NUMBER.items():
        if k == key:
            return n
    return None


@dataclass
class Windows:
    """Follows the session's events; says which words count at a moment, and when it is muted.

    Times are on the listener's clock. An event carries its times relative to
    the session start, so its absolute time is ``now - event.actual + event.due``.
    """

    tail: float = TAIL
    phase: str = "idle"
    before_pause: str = "idle"
    busy: list[tuple[float, float]] = field(default_factory=list)

    def event(self, event: Event, now: float) -> None:
        """Take one session event, seen at ``now``."""
        kind = event.kind
        if kind in ("say", "sound"):
            start = now - event.actual + event.due
            self.busy_between(start, start + event.duration)
        elif kind == "set":
            self.phase = "set"
        elif kind == "ask":
            self.phase = "answer" if event.text == "RIR" else self.phase
        elif kind == "heard":  # a spoken answer confirmed aloud: "no" may take it back
            self.phase = "undo"
        elif kind == "check":  # a spoken answer that moves the load far: "yes" confirms
            self.phase = "check"
        elif kind == "pause":
            if self.phase != "paused":
                self.before_pause = self.phase
            self.phase = "paused"
        elif kind == "resume":
            self.phase = self.before_pause
        elif kind in ("answer", "rest", "skip", "quit"):
            self.phase = "idle"

    def busy_between(self, start: float, end: float) -> None:
        """The coach sounds from ``start`` to ``end``: mute until ``end`` plus the tail."""
        self.busy.append((start, end + self.tail))
        del self.busy[:-64]  # only recent clips can still overlap an utterance

    def muted(self, start: float, end: float) -> bool:
        """True if an utterance from ``start`` to ``end`` overlaps anything the coach played."""
        return any(b0 < end and start < b1 for b0, b1 in self.busy)

    def accepts(self, word: str) -> bool:
        return word in WINDOWS[self.phase]

    @property
    def listening(self) -> bool:
        return bool(WINDOWS[self.phase])
