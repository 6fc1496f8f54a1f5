"""Asking for reps in reserve, and what the answer changes: the words and the journal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from voicecoach.inputs.commands import spoken_number
from voicecoach.inputs.keymap import PAUSE, QUIT, REPEAT, over_top_note, rir_key
from voicecoach.inputs.keys import SUSPEND
from voicecoach.inputs.voice_answers import SpokenAnswer
from voicecoach.journal.store import SetRecord
from voicecoach.plan import spoken
from voicecoach.plan.planner import said_load
from voicecoach.plan.progression import Decision
from voicecoach.plan.wording import QUESTION
from voicecoach.plan.workplan import WorkItem
from voicecoach.routines.loads import Level, Load, Unloaded, Weight, describe
from voicecoach.session.loop import Loop, QuitRequested

if TYPE_CHECKING:
    pass

REASK_AFTER = 8.0
ANSWER_DELAY = 1.0  # a scripted answer arrives this long after the question ends


class Asking(Loop):
    """The RIR question, the decision's words, the journal record (the loop's next layer)."""

    def _ask_rir(self, expected: int = 2, moves: Callable[[int], int] | None = None) -> int | None:
        """Ask, and wait for the answer. ``moves(rir)`` is how many load steps an answer
        would move the next set: a spoken one moving it far is asked about first."""
        env, clock = self.env, self.env.clock
        question = QUESTION
        self._emit("ask", "RIR")
        if self._say_question(question):
            return None
        # Typed ahead (or while the question was spoken); from a pipe, one line per question.
        early = [self.typed_ahead.pop(0)] if self.typed_ahead else []
        heard = spoken_number(early[0]) if early else None
        if heard is not None:  # said while the question was spoken (no coach to mute)
            early = []
            taken = self._take_spoken(heard, moves)
            if taken is not None:
                self._emit("answer", str(taken))
                return taken
            if self._say_question(question):
                return None
        if env.answers:
            answer = env.answers.popleft()
            deadline = clock.now() + ANSWER_DELAY
            while clock.wait(deadline) is not None:
                pass
            self._emit("answer", "-" if answer.rir is None else str(answer.rir))
            if answer.rir is None:
                self._say_now(["No answer. The load stays."])
            return answer.rir
        deadline = clock.now() + self.rir_timeout
        reask = clock.now() + REASK_AFTER
        typed = rir_key(early[0]) if early else None
        if typed is not None:
            return self._typed_answer(early[0], typed)
        if env.buttons:  # media buttons are on, so a spoken menu answers too
            from voicecoach.inputs.button_answers import ask_by_buttons

            def say(text: str) -> None:
                self._emit("menu", text)  # shown as a line: the display hides short counts
                self._speak_immediate(text)

            def by_voice(n: int) -> tuple[int, bool] | None:
                taken = self._take_spoken(n, moves)
                return None if taken is None else (taken, self.answer_confirmed)

            # The same timeout as the keyboard's, from the same moment (the menu keeps one
            # full round of the count even if the timeout is shorter).
            rir, self.answer_confirmed = ask_by_buttons(
                clock,
                say,
                expected,
                env.voice.duration,
                self.rir_timeout,
                by_voice,
            )
            self._emit("answer", "-" if rir is None else str(rir))
            if rir is None:
                self._say_now(["No answer. The load stays."])
            return rir
        while True:
            wait_until = min(reask, deadline) if reask else deadline
            # A digit (or a spoken number) that came while the question was asked again
            # answers it: the loop plays the question and keeps such keys for us.
            key = self.typed_ahead.pop(0) if self.typed_ahead else clock.wait(wait_until)
            if key is None:
                if reask and clock.now() >= reask:
                    reask = 0.0
                    if self._say_question(f"{QUESTION} Press zero to five."):
                        return None
                    continue
                if clock.now() >= deadline:
                    self._emit("answer", "-")
                    self._say_now(["No answer. The load stays."])
                    return None
                continue
            typed = rir_key(key)
            if typed is not None:
                return self._typed_answer(key, typed)
            heard = spoken_number(key)
            if heard is not None:
                taken = self._take_spoken(heard, moves)
                if taken is not None:
                    self._emit("answer", str(taken))
                    return taken
                if self._say_question(question):  # taken back: the question again
                    return None
                deadline = clock.now() + self.rir_timeout
                reask = clock.now() + REASK_AFTER
                continue
            if key == REPEAT and self._say_question(question):
                return None
            if key in (PAUSE, QUIT, SUSPEND):
                # Pause and quit work here as everywhere: a lifter who must stop while the
                # question waits is not made to answer it first.
                if self._pause_question(key):
                    self._emit("answer", "-")
                    return None  # quitting: the set is still recorded, then the session stops
                # The wait starts again after the pause, with the question asked again.
                if self._say_question(question):
                    return None
                deadline = clock.now() + self.rir_timeout
                reask = clock.now() + REASK_AFTER

    def _typed_answer(self, key: str, rir: int) -> int:
        """A digit key's answer; one above the scale is shown as taken for its top, so
        the screen and the transcript say what became of the 7 (the coach then says
        "Five or more in reserve.")."""
        note = over_top_note(key)
        if note:
            self._emit("note", note)
        self._emit("answer", str(rir))
        return rir

    def _take_spoken(self, rir: int, moves: Callable[[int], int] | None) -> int | None:
        """A spoken answer: confirmed aloud with a few seconds to take it back, or asked
        about first if it moves the load far. The answer, or None if it was taken back
        (the listener is then told the question is open again; the caller asks it)."""
        clock = self.env.clock
        answer = SpokenAnswer(rir, moves(rir) if moves else 0, self.env.voice.duration)
        step = answer.start(clock.now())
        self._emit(*step.event)
        self._speak_immediate(step.say)
        while not answer.finished:
            key = clock.wait(answer.deadline)
            if key is None:
                answer.tick(clock.now())
            else:
                answer.key(key)
        if answer.result == "stands":
            # "Three in reserve." was said, or the lifter said yes to the question about it.
            self.answer_confirmed = answer.said
            return answer.rir
        self._emit("ask", "RIR")
        return None

    def _say_question(self, text: str) -> bool:
        """Say the question; True if q, q was pressed while it was spoken.

        The set is finished but not yet recorded, so the quit must come back here
        (the caller records the set, then stops) instead of unwinding past it.
        """
        try:
            self._say_now([text])
        except QuitRequested:
            self._emit("answer", "-")
            return True
        return False

    def _pause_question(self, key: str) -> bool:
        """Pause (space, Ctrl-Z) or ask to quit (q) while the question waits; True: quit."""
        clock = self.env.clock
        now = clock.now()
        paused_at = self.suspended_at if key == SUSPEND and self.suspended_at else now
        self.suspended_at = None
        self.env.output.cancel_after(paused_at)
        return self._pause(key == QUIT)

    def _decision_lines(
        self, item: WorkItem, old: Load, d: Decision, rir: int | None
    ) -> tuple[list[str], str | None]:
        """What the coach says after an answer, and the load event to show (pure)."""
        lines = []
        event = None
        if rir is not None:
            lines.append(f"{spoken.number(rir)}{' or more' if rir == 5 else ''} in reserve.")
        if not item.drives:
            return lines, None  # a back-off's answer is kept; the top set moves the load
        # "Next set" only if a later set today is lifted at the load just decided.
        later = [
            it
            for it in self.items
            if it.slot == item.slot
            and it.position > item.position
            and it.kind == "working"
            and (it.plan is None or it.plan.at_working_load)
        ]
        when = ("Next round" if item.circuit else "Next set") if later else "Next time"
        if d.direction and d.load != old and not isinstance(d.load, Unloaded):
            way = "up" if d.direction > 0 else "down"
            target = d.load.name if isinstance(d.load, Level) else said_load(item.spec, d.load)
            lines.append(f"{when}: {way} to {target}.")
            event = f"{item.spec.name}: {describe(old)} -> {describe(d.load)} ({d.reason})"
        elif d.rep_bonus != self.state[item.slot].rep_bonus:
            lines.append(f"{when}: one more rep.")
            event = f"{item.spec.name}: reps +1 ({d.reason})"
        elif rir is not None and not isinstance(d.load, Unloaded):
            lines.append(f"{when}: no change.")  # "same load" was heard "same low"
        return lines, event

    def _record(
        self,
        item: WorkItem,
        records: list[tuple],
        rir: int | None,
        d: Decision,
        *,
        load: Load,
        kind: str = "working",
        counted: bool = True,
    ) -> None:
        """Journal the set (each side); ``counted`` False: a first write of a set still
        waiting for its answer, which the answer's write replaces (and counts)."""
        spec = item.spec
        lifted = load
        # The max this set started from, so a stall can be judged on the max itself.
        before = self.state[item.slot].load
        max_from = getattr(before, "amount", None) if spec.training_max else None
        for side, reps, hold_done, started, ended in records:
            if counted:
                self.result.sets_done += 1
            if counted and isinstance(lifted, Weight) and reps:
                self.result.volume[lifted.unit] = (
                    self.result.volume.get(lifted.unit, 0.0) + lifted.amount * reps
                )
            if self.env.journal is None or self.session_id is None:
                continue
            self.env.journal.record(
                self.session_id,
                SetRecord(
                    position=item.position,
                    exercise=spec.key,
                    exercise_name=spec.name,
                    set_no=item.set_no,
                    side=side or "",
                    prescribed=spec.load,
                    target_low=spec.reps.low if spec.reps else None,
                    target_high=spec.reps.high if spec.reps else None,
                    target_hold=spec.hold,
                    load=lifted,
                    reps=reps,
                    rir=rir,
                    hold_done=hold_done,
                    started_at=self._wall(started),
                    ended_at=self._wall(ended),
                    next_load=d.load,
                    next_rep_bonus=d.rep_bonus,
                    kind=kind,
                    next_is_max=spec.training_max,
                    max_from=max_from,
                ),
            )
        # A journal that could not write keeps the set and says so once, aloud.
        notice = getattr(self.env.journal, "take_notice", lambda: None)()
        if notice:
            self._emit("note", notice)
            self._say_now([notice])
