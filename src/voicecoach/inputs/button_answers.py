"""Answering "How many in reserve?" with media buttons: a spoken menu, as a pure state machine.

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

The question has the session's RIR timeout (``--rir-timeout``, default
20 s), measured from the end of the question as with the keyboard, and
ends with "no answer" by then, with two guarantees a lifter relies on:

- one full round of the count is always offered, even if the timeout is
  shorter: with a one-second proposal, one round of zero … five takes about
  13 s (:func:`round_seconds`);
- no number is cut short: the count is repeated ("How many in reserve? Two?
  zero …") only as far as every number spoken keeps its whole ``STEP``
  window and the reaction allowance after it, so the menu ends at a
  number's edge at or before the timeout, never while a number is offered.

While stepping, the proposal stands until the timeout; a step pressed close
to it still gets the proposal's own window, and an undo (or ``r``) asks
again with a full round, because the lifter is answering.

The machine never reads a clock: it is given ``now`` and says when it next
needs a ``tick``, so unit tests drive it on the fake clock. The engine's
only hook is :func:`ask_by_buttons`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from voicecoach.inputs.commands import spoken_number
from voicecoach.inputs.keymap import rir_key
from voicecoach.plan import spoken
from voicecoach.plan.wording import QUESTION

# Keys the media buttons inject while the RIR question is open. They are private-use
# characters, so no keyboard sends them and every keyboard key keeps its meaning.
PLAY = "\ue000"
NEXT = "\ue001"
PREV = "\ue002"
BUTTONS = (PLAY, NEXT, PREV)

PROPOSE_HOLD = 2.5  # after the proposal, before the count starts
STEP = 1.6  # from one counted number to the next
REACTION = 0.3  # a press this soon after a number began answers the number before
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


@dataclass(frozen=True)
class _Slot:
    """One phrase of the menu at an absolute time; ``offered`` is what play picks while it
    is the last thing said (None for the question), until ``closes``."""

    at: float
    text: str
    offered: int | None
    closes: float


def round_seconds(duration: Callable[[str], float], expected: int = 2) -> float:
    """How long one round (the proposal, then zero … five) takes to offer in full: the
    floor under any RIR timeout when buttons answer."""
    return duration(proposal(expected)) + PROPOSE_HOLD + 6 * STEP + REACTION


class ButtonMenu:
    """The menu for one question. Call :meth:`open`, then :meth:`press` for each button
    and :meth:`tick` whenever ``now`` reaches :attr:`deadline`, until :attr:`finished`.

    ``timeout`` is the session's RIR timeout, counted from the first :meth:`open`.
    """

    def __init__(self, expected: int, duration: Callable[[str], float], timeout: float):
        self.expected = max(0, min(5, expected))
        self.duration = duration
        self.timeout = timeout
        self.mode = "count"  # count | step | confirm
        self.stepping = False  # next/previous seen: this headset has them
        self.finished = False
        self.result: int | None = None
        self.deadline = 0.0  # when the menu next needs a tick
        self.until = 0.0  # when the question ends with no answer (see open)
        self.current: int | None = None  # the value being offered or picked
        self._asked_at: float | None = None  # the first open: the timeout runs from here
        self._heard: list[tuple[float, int | None]] = []  # (onset, number offered) spoken
        self._script: deque[_Slot] = deque()
        self._end = 0.0  # when the last phrase's window closes: then no answer

    # --- starting and restarting ----------------------------------------------------------
    def open(self, now: float, ask: bool = False) -> list[Say]:
        """Start the menu (``ask``: say the question first, as after an undo or ``r``).

        The schedule runs to the timeout, but never less than one full round
        from ``now``: an undo or ``r`` near the timeout still gets one.
        Stepping headsets start again from their last value, counting ones from
        the expected answer.
        """
        if self._asked_at is None:
            self._asked_at = now
        self.result = None
        self.mode = "step" if self.stepping else "count"
        self.current = self.current if self.stepping and self.current is not None else self.expected
        self._heard = []
        first = self._round(now, ask, self.current)
        self._end = first[-1].closes
        self.until = max(self._asked_at + self.timeout, self._end)
        script = deque(first)
        if self.stepping:
            self._end = self.until  # the proposal stands until the timeout
        else:
            while more := self._round(self._end - REACTION, True, self.expected, self.until):
                script.extend(more)
                self._end = more[-1].closes
        self._script = script
        return self._advance(now)

    def _round(self, at: float, ask: bool, start: int, until: float | None = None) -> list[_Slot]:
        """One round from ``at``: [the question,] the proposal[, the count]. With ``until``,
        only its longest start whose last window (and reaction allowance) closes by then;
        empty if that offers nothing."""
        slots: list[_Slot] = []
        if ask:
            hold = self.duration(QUESTION) + GAP
            slots.append(_Slot(at, QUESTION, None, at + hold))
            at += hold
        hold = self.duration(proposal(start)) + PROPOSE_HOLD
        slots.append(_Slot(at, proposal(start), start, at + hold))
        at += hold
        if not self.stepping:
            for n in range(6):
                slots.append(_Slot(at, spoken.number(n), n, at + STEP))
                at += STEP
        # The allowance after the last window: a press just after it still means its number.
        slots = [_Slot(s.at, s.text, s.offered, s.closes + REACTION) for s in slots]
        if until is not None:
            while slots and slots[-1].closes > until:
                slots.pop()
            if all(s.offered is None for s in slots):
                return []
        return slots

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
        self.finished, self.result = True, None  # counted out, or the timeout while stepping
        return []

    def _advance(self, now: float) -> list[Say]:
        slot = self._script.popleft()
        self._heard.append((now, slot.offered))
        self.deadline = self._script[0].at if self._script else self._end
        return [Say(slot.text)]

    def _offered(self, now: float) -> int | None:
        """What play picks at ``now``: the number just spoken, allowing for reaction
        time while counting (across the question that starts a new round too); None
        while a question is being asked."""
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
        # Until the timeout, but a step near it still gets the proposal's own window.
        text = proposal(self.current)
        self._end = max(self.until, now + self.duration(text) + PROPOSE_HOLD)
        self.deadline = self._end
        return [Say(text)]

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
    timeout: float,
    on_spoken: Callable[[int], tuple[int, bool] | None] | None = None,
) -> tuple[int | None, bool]:
    """Run the menu after the question was asked: ``(rir, confirmed_aloud)``, with no
    answer at ``timeout`` seconds from now (the session's RIR timeout; see the module).

    Keyboard keys keep their meaning: a digit answers at once (as without
    buttons; the engine confirms it), ``r`` asks the question again; other
    keys are ignored, as they are during the question without buttons.
    A spoken number goes to ``on_spoken``: ``(rir, confirmed aloud)``, or None
    if the lifter took it back.
    """
    menu = ButtonMenu(expected, duration, timeout)
    for action in menu.open(clock.now()):
        say(action.text)
    while not menu.finished:
        key = clock.wait(menu.deadline)
        now = clock.now()
        if key is None:
            actions = menu.tick(now)
        elif key in BUTTONS:
            actions = menu.press(key, now)
        elif (typed := rir_key(key)) is not None:
            return typed, False
        elif on_spoken is not None and (heard := spoken_number(key)) is not None:
            # A spoken number: ``on_spoken`` settles it with the lifter (confirmed aloud,
            # or taken back: then the menu starts again with the question).
            taken = on_spoken(heard)
            if taken is not None:
                return taken
            actions = menu.open(clock.now(), ask=True)
        elif key == "r" and menu.mode != "confirm":
            actions = menu.open(now, ask=True)
        else:
            continue
        for action in actions:
            say(action.text)
    return menu.result, menu.result is not None
