"""Answering "Reps in reserve?" with media buttons: a spoken menu, as a pure state machine.

A headset may have one button (play/pause) or three (with next and
previous), and voicecoach cannot tell which. So one menu serves both:

- the coach proposes the expected answer ("Two?"), then counts slowly
  "zero … one … two … three … four … five"; play picks the number just
  spoken (a press within ``REACTION`` of a new number still means the one
  before: nobody reacts that fast);
- the first next or previous press switches to stepping: the proposal
  moves up or down one at a time, spoken ("Three?"), and play confirms;
- every pick is confirmed aloud ("Two in reserve.") and any button within
  ``UNDO`` seconds after the confirmation takes it back and asks again.

The machine never reads a clock: it is given ``now`` and says when it next
needs a ``tick``, so unit tests drive it on the fake clock. The engine's
only hook is :func:`ask_by_buttons`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from voicecoach.plan import spoken

# Keys the media buttons inject while the RIR question is open. They are private-use
# characters, so no keyboard sends them and every keyboard key keeps its meaning.
PLAY = "\ue000"
NEXT = "\ue001"
PREV = "\ue002"
BUTTONS = (PLAY, NEXT, PREV)

QUESTION = "Reps in reserve?"
PROPOSE_HOLD = 2.5  # after the proposal, before the count starts
STEP = 1.6  # from one counted number to the next
REACTION = 0.3  # a press this soon after a number began answers the number before
ROUNDS = 2  # the count runs this many times before "no answer"
IDLE = 10.0  # stepping with next/previous: no press this long means no answer
UNDO = 3.0  # seconds after the confirmation ends in which any button takes it back
GAP = 0.35  # silence after a sentence before the next one

# Spoken once at the start of a session with buttons, so the mapping is heard, not only read.
HELP = (
    "Media buttons: play ends a set, or pauses a rest. Next skips, previous repeats. "
    "For reps in reserve, press play when you hear your number."
)


def proposal(n: int) -> str:
    return f"{spoken.sentence(spoken.number(n))}?"


def confirmation(n: int) -> str:
    """The engine's own words for an answer, so the clip is shared and cached once."""
    return f"{spoken.sentence(spoken.number(n))}{' or more' if n == 5 else ''} in reserve."


def phrases() -> list[str]:
    """Every phrase the buttons add to a session (the spoken mapping first), to render
    before they are needed."""
    out = [HELP, QUESTION]
    for n in range(6):
        out += [proposal(n), spoken.number(n), confirmation(n)]
    return out


@dataclass(frozen=True)
class Say:
    """Speak this now."""

    text: str


class ButtonMenu:
    """The menu for one question. Call :meth:`open`, then :meth:`press` for each button
    and :meth:`tick` whenever ``now`` reaches :attr:`deadline`, until :attr:`finished`."""

    def __init__(self, expected: int, duration: Callable[[str], float]):
        self.expected = max(0, min(5, expected))
        self.duration = duration
        self.mode = "count"  # count | step | confirm
        self.stepping = False  # next/previous seen: this headset has them
        self.finished = False
        self.result: int | None = None
        self.deadline = 0.0
        self.current: int | None = None  # the value being offered or picked
        self._heard: list[tuple[float, int | None]] = []  # (onset, number offered) spoken
        self._script: deque[tuple[str, int | None, float]] = deque()
        self._round = 0

    # --- starting and restarting ----------------------------------------------------------
    def open(self, now: float, ask: bool = False) -> list[Say]:
        """Start the menu (``ask``: say the question first, as after an undo or ``r``).

        Stepping headsets start again from their last value, counting ones from
        the expected answer.
        """
        self._round = 1
        self.result = None
        start = self.current if self.stepping and self.current is not None else self.expected
        return self._begin(now, ask, start)

    def _begin(self, now: float, ask: bool, start: int) -> list[Say]:
        self.mode = "step" if self.stepping else "count"
        self.current = start
        self._heard = []
        self._script = deque()
        if ask:
            self._script.append((QUESTION, None, self.duration(QUESTION) + GAP))
        if self.stepping:
            self._script.append((proposal(start), start, IDLE))
        else:
            hold = self.duration(proposal(start)) + PROPOSE_HOLD
            self._script.append((proposal(start), start, hold))
            self._script.extend((spoken.number(n), n, STEP) for n in range(6))
        return self._advance(now)

    # --- time -----------------------------------------------------------------------------
    def tick(self, now: float) -> list[Say]:
        """``now`` reached :attr:`deadline`: say what comes next, or end a phase."""
        if self.finished or now < self.deadline:
            return []
        if self.mode == "confirm":
            self.finished = True  # the undo window closed: the answer stands
            return []
        if self._script:
            return self._advance(now)
        if self.mode == "count" and self._round < ROUNDS:
            self._round += 1
            return self._begin(now, ask=True, start=self.expected)
        self.finished, self.result = True, None  # counted out, or idle while stepping
        return []

    def _advance(self, now: float) -> list[Say]:
        text, number, hold = self._script.popleft()
        self._heard.append((now, number))
        self.deadline = now + hold
        return [Say(text)]

    def _offered(self, now: float) -> int | None:
        """What play picks at ``now``: the number just spoken, allowing for reaction
        time while counting; None while a question is being asked."""
        if not self._heard:
            return None
        onset, number = self._heard[-1]
        if self.mode == "count" and now - onset < REACTION and len(self._heard) > 1:
            number = self._heard[-2][1]
        return number

    # --- buttons --------------------------------------------------------------------------
    def press(self, button: str, now: float) -> list[Say]:
        """A media button (``PLAY``, ``NEXT`` or ``PREV``) was pressed at ``now``."""
        if self.finished:
            return []
        if self.mode == "confirm":
            return self.open(now, ask=True)  # taken back: ask again
        offered = self._offered(now)
        if button == PLAY:
            return [] if offered is None else self._pick(offered, now)
        self.stepping, self.mode = True, "step"
        base = self.expected if offered is None else offered
        self.current = min(5, base + 1) if button == NEXT else max(0, base - 1)
        self._script.clear()
        self._heard.append((now, self.current))
        self.deadline = now + IDLE
        return [Say(proposal(self.current))]

    def _pick(self, number: int, now: float) -> list[Say]:
        self.mode, self.result, self.current = "confirm", number, number
        text = confirmation(number)
        self.deadline = now + self.duration(text) + UNDO
        return [Say(text)]


class _Clock(Protocol):
    def now(self) -> float: ...

    def wait(self, deadline: float) -> str | None: ...


def ask_by_buttons(
    clock: _Clock,
    say: Callable[[str], None],
    expected: int,
    duration: Callable[[str], float],
) -> tuple[int | None, bool]:
    """Run the menu after the question was asked: ``(rir, confirmed_aloud)``.

    Keyboard keys keep their meaning: a digit answers at once (as without
    buttons; the engine confirms it), ``r`` asks the question again; other
    keys are ignored, as they are during the question without buttons.
    """
    menu = ButtonMenu(expected, duration)
    for action in menu.open(clock.now()):
        say(action.text)
    while not menu.finished:
        key = clock.wait(menu.deadline)
        now = clock.now()
        if key is None:
            actions = menu.tick(now)
        elif key in BUTTONS:
            actions = menu.press(key, now)
        elif key.isdigit():
            return min(5, int(key)), False
        elif key == "r" and menu.mode != "confirm":
            actions = menu.open(now, ask=True)
        else:
            continue
        for action in actions:
            say(action.text)
    return menu.result, menu.result is not None
