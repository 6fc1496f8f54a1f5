"""The session engine: one thread, one loop, absolute deadlines.

``Session`` is the last of a single chain of layers, one module each: the
loop (session/loop.py), asking and applying an answer (asking.py), running a
set (sets.py) and running a rest (rests.py). Each layer may call the ones
before it, never the ones after, and the state they share is declared once, on
the loop, so a type checker sees every attribute. This module holds the
session's outline: intro, items in order, summary.
"""

from __future__ import annotations

from collections import Counter

from voicecoach.plan import planner, spoken
from voicecoach.plan.cues import Sound
from voicecoach.plan.program import stall_lines
from voicecoach.plan.talk import Talk
from voicecoach.plan.wording import Wording
from voicecoach.plan.workplan import work_items
from voicecoach.routines.loads import Load, Unloaded
from voicecoach.routines.model import Routine
from voicecoach.session.environment import Environment
from voicecoach.session.loop import QuitRequested
from voicecoach.session.rests import Resting
from voicecoach.session.state import Coaching, Result, SlotState
from voicecoach.session.statusline import Status
from voicecoach.session.summary import summary_lines


class Session(Resting):
    """Coach one routine through an :class:`Environment`."""

    def __init__(
        self,
        routine: Routine,
        env: Environment,
        *,
        carried: dict[int, tuple[Load, int]] | None = None,
        resume_from: set[int] | None = None,
        session_id: int | None = None,
        coaching: Coaching | None = None,
    ):
        coaching = coaching or Coaching()
        self.routine = routine
        self.talk = coaching.talk or Talk(routine.talk or "full", routine.count or "start")
        self.wording = Wording(coaching.seed)
        self.uses = Counter()
        self.on_bar = {}
        self.lifted = {}
        self.top_lifted = {}
        self.best_e1rm = {}
        self.env = env
        self.items = work_items(routine)
        self.done_positions = resume_from or set()
        self.session_id = session_id
        self.resumed = session_id is not None  # a session id is only passed in to resume
        self.rir_timeout = (
            coaching.rir_timeout if coaching.rir_timeout is not None else routine.rir_timeout
        )
        self.state: dict[int, SlotState] = {}
        carried = carried or {}
        self.rack = coaching.rack
        for item in self.items:
            if item.slot not in self.state:
                load, bonus = carried.get(item.slot, (item.spec.load, 0))
                # What the plates can make is what is lifted, said and journaled.
                load = self._on_bar(item.spec, load)
                self.state[item.slot] = SlotState(load, bonus, start_load=item.spec.load)
        self.carried = carried
        self.t0 = 0.0
        self.suspended_at: float | None = None  # set by the runner's SIGTSTP handler
        self._segments = 0  # segments played so far
        self.typed_ahead: list[str] = []  # digits typed before the question they answer
        self.recent: list[tuple[float, str]] = []  # (due, text) of the last cues handed over
        self.answer_confirmed = False  # the button menu already said "Two in reserve."
        self.result = Result("aborted", session_id=session_id)
        self._wall0 = env.wallclock()
        self.screen = Status()  # what the status line shows now
        self._rep = 0  # the rep being counted, for the status line
        self.quitting = False  # quit confirmed: keys are no longer handled

    def run(self) -> Result:
        env = self.env
        self.t0 = env.clock.now()
        self._wall0 = env.wallclock()
        if env.journal is not None and self.session_id is None:
            self.session_id = env.journal.begin(
                self.routine.name,
                self.routine.source,
                self.routine.digest,
                self._wall0.isoformat(timespec="seconds"),
                dry_run=env.virtual,
            )
            self.result.session_id = self.session_id
        try:
            self._intro()
            todo = [it for it in self.items if it.position not in self.done_positions]
            skip_slot: int | None = None
            skip_warmups = False
            for n, item in enumerate(todo):
                if (
                    skip_slot is not None
                    and item.slot == skip_slot
                    and item.circuit is None
                    and (item.kind == "warmup" or not skip_warmups)
                ):
                    continue
                skip_slot = None
                nxt = todo[n + 1] if n + 1 < len(todo) else None
                previewed = n > 0 and todo[n - 1].rest_after > 0
                skipped = self._item(item, previewed, nxt)
                if skipped:
                    self._emit("skip", item.spec.name)
                    skip_slot = item.slot
                    # s during a warm-up skips the warm-ups, not the working sets.
                    skip_warmups = item.kind == "warmup"
                    nxt = next(
                        (
                            t
                            for t in todo[n + 1 :]
                            if t.slot != item.slot
                            or t.circuit is not None
                            or (skip_warmups and t.kind != "warmup")
                        ),
                        None,
                    )
                    if nxt is not None:
                        self._rest(item, nxt, rest=min(item.rest_after, 15.0) or 5.0)
                    continue
                if nxt is not None and item.rest_after > 0:
                    self._rest(item, nxt, rest=item.rest_after)
            self._summary()
            self.result.status = "completed"
        except QuitRequested:
            self._say_now(["Stopping here. Every finished set is saved."])
        finally:
            self._finish()
        return self.result

    def _finish(self) -> None:
        env = self.env
        if env.journal is not None and self.session_id is not None:
            env.journal.finish(self.session_id, self._wall(env.clock.now()), self.result.status)
        env.output.close()

    def _intro(self) -> None:
        r = self.routine
        exercises = len(r.exercises())
        minutes = max(1, round(planner.estimate_seconds(r) / 60))
        lines = [
            f"{r.name}. {spoken.sentence(spoken.number(exercises))} "
            f"exercise{'s' if exercises != 1 else ''}, about {spoken.number(minutes)} "
            f"minute{'s' if minutes != 1 else ''}."
        ]
        lines += r.session_notes  # a program's week, a deload week
        lines += stall_lines(r, {slot: st.load for slot, st in self.state.items()})
        if self.resumed:
            lines.append("Picking up where you stopped.")
        if self.env.buttons:  # the button mapping is spoken, not only written
            from voicecoach.inputs.button_answers import HELP as BUTTONS_HELP

            lines.append(BUTTONS_HELP)
        moved = []
        stalled = dict(r.stalls)
        for item in self.items:
            st = self.state[item.slot]
            if (
                item.slot in self.carried
                and item.slot not in stalled  # its deload line has said where it starts
                and st.load != item.spec.load
                and item.first_of_exercise
                and not isinstance(st.load, Unloaded)
            ):
                moved.append(f"{item.spec.name}, {spoken.load(st.load)}")
        if moved:
            lines.append("Starting where you left off: " + "; ".join(moved[:4]) + ".")
        self._say_now(lines)

    def _summary(self) -> None:
        self._say_now(
            summary_lines(self), start=0.5, first=[Sound(0.0, "workout-done")], keys=False
        )


__all__ = ["QuitRequested", "Result", "Session"]
