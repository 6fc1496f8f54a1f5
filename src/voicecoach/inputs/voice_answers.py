"""A spoken answer to "How many in reserve?" the lifter can take back, as a pure state machine.

A word heard through the microphone may be a neighbour's, and an answer
moves the next load. So a spoken answer never stands at once:

- one that moves the load by at most one step is confirmed aloud ("Three in
  reserve.") and "no" or "undo" within ``UNDO`` seconds after the
  confirmation takes it back and asks again, as any button does after the
  button menu's confirmation;
- one that would move the load by more than one step is asked about first
  ("Four in reserve? Say yes."): "yes" within ``CHECK`` seconds makes it
  stand; "no", "undo" or silence asks the question again.

The keyboard is trusted: a digit typed meanwhile answers at once, and ``r``
(or any media button, as after the button menu's confirmation) asks again.
The machine never reads a clock: it is given ``now`` and says when it next
needs a ``tick``, so unit tests drive it on the fake clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voicecoach.events import EventKind
from voicecoach.inputs.button_answers import BUTTONS, UNDO, confirmation
from voicecoach.inputs.commands import NO, YES
from voicecoach.inputs.keymap import rir_key
from voicecoach.plan import spoken

CHECK = 6.0  # seconds after "Four in reserve? Say yes." for the yes
FAR = 1  # an answer moving the load more steps than this is asked about first


def check_question(n: int) -> str:
    return f"{spoken.sentence(spoken.number(n))}{' or more' if n == 5 else ''} in reserve? Say yes."


def phrases() -> list[str]:
    """What spoken answers add to a session, to render before they are needed."""
    return [text for n in range(6) for text in (confirmation(n), check_question(n))]


@dataclass(frozen=True)
class Step:
    """What to do now: emit ``event`` (kind, text) for the listener's windows, then say ``say``."""

    event: tuple[EventKind, str]
    say: str


class SpokenAnswer:
    """One spoken answer, from hearing it until it stands or is taken back.

    :attr:`result` is then ``"stands"`` (the answer is :attr:`rir`; :attr:`said` tells
    whether the coach already confirmed it aloud), or ``"again"`` (ask the question again).
    """

    def __init__(self, rir: int, steps: int, duration: Callable[[str], float]):
        self.rir = rir
        self.checking = abs(steps) > FAR
        self.duration = duration
        self.result: str | None = None
        self.said = True  # the coach has spoken the number back
        self.deadline = 0.0

    @property
    def finished(self) -> bool:
        return self.result is not None

    def start(self, now: float) -> Step:
        if self.checking:
            text = check_question(self.rir)
            self.deadline = now + self.duration(text) + CHECK
            return Step(("check", f"{spoken.number(self.rir)}? yes confirms"), text)
        text = confirmation(self.rir)
        self.deadline = now + self.duration(text) + UNDO
        return Step(("heard", f"{spoken.number(self.rir)}: no or undo takes it back"), text)

    def tick(self, now: float) -> None:
        """``now`` reached :attr:`deadline`: a confirmed answer stands; an unchecked one
        (nobody said yes) is asked again."""
        if self.finished or now < self.deadline:
            return
        self.result = "again" if self.checking else "stands"

    def key(self, key: str) -> None:
        """A key arrived before the deadline: a reply, a typed digit, or ``r``."""
        if self.finished:
            return
        if key == NO or key == "r" or key in BUTTONS:  # any media button undoes, as there
            self.result = "again"
        elif key == YES and self.checking:
            self.result = "stands"
        elif (typed := rir_key(key)) is not None:
            self.rir, self.said, self.result = typed, False, "stands"
