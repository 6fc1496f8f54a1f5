"""The session engine: one thread, one loop, absolute deadlines.

Each set, rest and announcement is planned as a resolved list of timed cues
(planner.py), then played by :meth:`Session._play`: it hands each clip to the
output ``lookahead`` seconds before it is due, and between cues waits for the
next deadline or a key, whichever comes first. Pausing shifts the segment's
start, so the rest of the timeline moves with it and nothing is bunched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from voicecoach import planner, spoken
from voicecoach.cues import Cue, Mark, Say, Sound
from voicecoach.environment import Environment
from voicecoach.events import Event
from voicecoach.journal import SetRecord
from voicecoach.keys import ENTER, SUSPEND
from voicecoach.loads import Level, Load, Unloaded, Weight, describe
from voicecoach.model import Routine
from voicecoach.progression import Decision, Outcome, decide
from voicecoach.workplan import WorkItem, work_items

REASK_AFTER = 8.0
ANSWER_DELAY = 1.0  # a scripted answer arrives this long after the question ends
QUIT_CONFIRM = 5.0
ADJUST = 15.0
HELP = "keys: 0-5 RIR · Enter set done · space pause · s skip · r repeat · +/- rest · q quit"
# With music, + and - move the music and ] [ the rest (issue 14); ] [ work without music too.
HELP_MUSIC = (
    "keys: 0-5 RIR · Enter set done · space pause · s skip · r repeat · "
    "+/- music · m mute · ]/[ rest · q quit"
)
MUSIC_KEYS = ("+", "-", "m")


class QuitRequested(Exception):
    """The lifter confirmed q: stop now, keep the journal."""


@dataclass
class SlotState:
    """Where one exercise stands in this session."""

    load: Load
    rep_bonus: int = 0
    start_load: Load | None = None


@dataclass
class Result:
    status: str  # completed | aborted
    sets_done: int = 0
    volume: dict[str, float] = field(default_factory=dict)
    session_id: int | None = None


@dataclass
class _Outcome:
    """What playing a segment ended with."""

    reason: str  # "end", "enter", "skip"
    elapsed: float
    marks: list[Mark] = field(default_factory=list)


class Session:
    """Coach one routine through an :class:`Environment`."""

    def __init__(
        self,
        routine: Routine,
        env: Environment,
        *,
        carried: dict[int, tuple[Load, int]] | None = None,
        resume_from: set[int] | None = None,
        session_id: int | None = None,
        rir_timeout: float | None = None,
        dry_run: bool = False,
    ):
        self.routine = routine
        self.env = env
        self.items = work_items(routine)
        self.done_positions = resume_from or set()
        self.session_id = session_id
        self.resumed = session_id is not None  # a session id is only passed in to resume
        self.rir_timeout = rir_timeout if rir_timeout is not None else routine.rir_timeout
        self.dry_run = dry_run
        self.state: dict[int, SlotState] = {}
        carried = carried or {}
        for item in self.items:
            if item.slot not in self.state:
                load, bonus = carried.get(item.slot, (item.spec.load, 0))
                self.state[item.slot] = SlotState(load, bonus, start_load=item.spec.load)
        self.carried = carried
        self.t0 = 0.0
        self.suspended_at: float | None = None  # set by the runner's SIGTSTP handler
        self.typed_ahead: list[str] = []  # digits typed before the question they answer
        self.recent: list[tuple[float, str]] = []  # (due, text) of the last cues handed over
        self.result = Result("aborted", session_id=session_id)
        self._wall0 = env.wallclock()

    # --- time and output ----------------------------------------------------------------
    def _rel(self, t: float) -> float:
        return t - self.t0

    def _wall(self, t: float) -> str:
        if self.env.virtual:
            return (self._wall0 + timedelta(seconds=self._rel(t))).isoformat(timespec="seconds")
        return self.env.wallclock().isoformat(timespec="seconds")

    def _emit(self, kind: str, text: str, due: float | None = None, duration: float = 0.0) -> None:
        now = self.env.clock.now()
        self.env.emit(
            Event(self._rel(due if due is not None else now), self._rel(now), kind, text, duration)
        )

    def _dispatch(self, cue: Say | Sound, at: float) -> None:
        """Hand one cue to the output, to start at engine time ``at``."""
        if isinstance(cue, Sound):
            clip = self.env.sounds(cue.name)
            text = cue.name
        else:
            clip = self.env.voice.clip(cue.text)
            text = cue.text
            self.recent.append((at, text))
            del self.recent[:-4]
        out = self.env.output
        if out.healthy():
            out.play(clip, at)
        elif out.name != "none":
            self._emit("note", "audio device lost; coaching goes on in text")
            from voicecoach.audio.base import SilentOutput

            self.env.output = SilentOutput()
        kind = "sound" if isinstance(cue, Sound) else "say"
        self._emit(kind, text, due=at, duration=clip.seconds)

    def _say_now(
        self, texts: list[str], on_key: Callable[[str, float], str | None] | None = None
    ) -> float:
        """Speak sentences from now, in order; returns when the last one ends."""
        cues, end = planner.speech(texts, self.env.voice.duration)
        # A sentence's pause after it, so the next segment does not start on its last syllable.
        self._play(cues, end + planner.GAP, on_key or (lambda k, o: None))
        return end

    # --- the loop ----------------------------------------------------------------------------
    def _play(
        self, cues: list[Cue], length: float, on_key: Callable[[str, float], str | None]
    ) -> _Outcome:
        """Play a segment; ``on_key`` may end it ("enter", "skip") or re-plan it.

        The segment starts ``output.lead`` from now, so even its first clip can be
        placed at its exact sample. Sounds are handed over ``lookahead`` early;
        marks (rep starts) are acted on at their time. The two run on separate
        cursors so a mark never holds a sound back.
        """
        clock, out = self.env.clock, self.env.output
        start = clock.now() + getattr(out, "lead", 0.0)
        end_at = start + length
        audible = [c for c in cues if not isinstance(c, Mark)]
        timeline = [c for c in cues if isinstance(c, Mark)]
        ia = im = 0
        marks: list[Mark] = []
        while True:
            now = clock.now()
            while ia < len(audible) and start + audible[ia].at - out.lookahead <= now:
                self._dispatch(audible[ia], start + audible[ia].at)  # type: ignore[arg-type]
                ia += 1
            while im < len(timeline) and start + timeline[im].at <= now:
                mark = timeline[im]
                marks.append(mark)
                if mark.kind == "rep" and self.env.status:
                    self.env.status(f"rep {mark.value}")
                im += 1
            if ia >= len(audible) and im >= len(timeline) and now >= end_at:
                return _Outcome("end", now - start, marks)
            nxt = end_at
            if ia < len(audible):
                nxt = min(nxt, start + audible[ia].at - out.lookahead)
            if im < len(timeline):
                nxt = min(nxt, start + timeline[im].at)
            key = clock.wait(max(nxt, now))
            if key is None:
                continue
            now = clock.now()
            if key in (" ", "q", SUSPEND):
                # After Ctrl-Z and fg, the pause began when the process was suspended.
                paused_at = self.suspended_at if key == SUSPEND and self.suspended_at else now
                self.suspended_at = None
                out.cancel_after(paused_at)
                if self._pause(key == "q"):
                    raise QuitRequested
                shift = clock.now() - paused_at
                start += shift
                end_at += shift
                # Hand over again what the pause cancelled; marks not yet due stay pending.
                while ia > 0 and start + audible[ia - 1].at > paused_at + shift:
                    ia -= 1
                continue
            if key == "r":
                heard = [text for at, text in self.recent if at <= now]
                if heard:
                    self._emit("repeat", heard[-1])
                    self._dispatch(Say(0, (heard[-1],)), now + getattr(out, "lead", 0.0))
                continue
            if key in MUSIC_KEYS and self.env.music is not None:
                self._emit("music", self.env.music.key(key))
                continue
            if key.isdigit():
                # Typed ahead (or piped in early): it answers the next RIR question.
                self.typed_ahead.append(key)
            action = on_key(key, now - start)
            if action in ("enter", "skip"):
                out.cancel_after(now)
                return _Outcome(action, now - start, marks)
            if isinstance(action, tuple):  # a re-planned segment: (cues, length)
                new_cues, new_length = action
                elapsed = now - start
                audible = [c for c in new_cues if not isinstance(c, Mark)]
                timeline = [c for c in new_cues if isinstance(c, Mark)]
                ia = next((k for k, c in enumerate(audible) if c.at > elapsed), len(audible))
                im = next((k for k, c in enumerate(timeline) if c.at > elapsed), len(timeline))
                out.cancel_after(now)
                end_at = start + new_length

    def _pause(self, quitting: bool) -> bool:
        """Wait while paused; True if the lifter confirmed quitting."""
        clock = self.env.clock
        if quitting:
            self._emit("ask", "quit?")
            self._speak_immediate("Press q again to quit, any other key to go on.")
            if self.env.status:
                self.env.status("quit? press q (or Ctrl-C) again to quit, any other key goes on")
            key = clock.wait(clock.now() + QUIT_CONFIRM)
            if key == "q":
                self._emit("quit", "confirmed")
                return True
            self._emit("resume", "quit cancelled")
            return False
        self._emit("pause", "paused")
        self._speak_immediate("Paused.")
        while True:
            key = clock.wait(clock.now() + 3600)
            if key == " ":
                self._emit("resume", "resumed")
                self._speak_immediate("Go on.")
                return False
            if key == "q":
                if self._pause(True):
                    return True
                self._emit("pause", "still paused")

    def _speak_immediate(self, text: str) -> None:
        now = self.env.clock.now()
        self._dispatch(Say(0, (text,)), now + getattr(self.env.output, "lead", 0.05))

    # --- the session ----------------------------------------------------------------------------
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
                dry_run=self.dry_run,
            )
            self.result.session_id = self.session_id
        try:
            self._intro()
            todo = [it for it in self.items if it.position not in self.done_positions]
            skip_slot: int | None = None
            for n, item in enumerate(todo):
                if skip_slot is not None and item.slot == skip_slot and item.circuit is None:
                    continue
                skip_slot = None
                nxt = todo[n + 1] if n + 1 < len(todo) else None
                previewed = n > 0 and todo[n - 1].rest_after > 0
                skipped = self._item(item, previewed, nxt)
                if skipped:
                    self._emit("skip", item.spec.name)
                    skip_slot = item.slot
                    nxt = next(
                        (t for t in todo[n + 1 :] if t.slot != item.slot or t.circuit is not None),
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
        if self.resumed:
            lines.append("Picking up where you stopped.")
        moved = []
        for item in self.items:
            st = self.state[item.slot]
            if (
                item.slot in self.carried
                and st.load != item.spec.load
                and item.first_of_exercise
                and not isinstance(st.load, Unloaded)
            ):
                moved.append(f"{item.spec.name}, {spoken.load(st.load)}")
        if moved:
            lines.append("Starting where you left off: " + "; ".join(moved[:4]) + ".")
        self._say_now(lines)

    def _header(self, item: WorkItem, full: bool) -> list[str]:
        st = self.state[item.slot]
        spec = item.spec
        lines: list[str] = []
        if item.circuit is not None and item.circuit.exercises[0] is spec:
            lines.append(
                f"{item.circuit.name}, round {spoken.number(item.set_no)} of "
                f"{spoken.number(item.total)}."
            )
        if full and item.first_of_exercise:
            lines.append(f"{spec.name}.")
            lines += list(spec.setup)
        total = 1 if item.circuit else item.total
        set_no = 1 if item.circuit else item.set_no
        if item.circuit is not None:
            reps = planner.set_header(spec, 1, 1, st.load, st.rep_bonus)
            lines.append(
                f"{spec.name}: " + reps[0].removeprefix("One set, ").rstrip(".") + "."
                if not (full and item.first_of_exercise)
                else reps[0].removeprefix("One set, ").capitalize()
            )
        else:
            lines += planner.set_header(
                spec, set_no, total, st.load, st.rep_bonus, spec.sides[0] if spec.sides else None
            )
        return lines

    def _item(self, item: WorkItem, previewed: bool, nxt: WorkItem | None = None) -> bool:
        """Run one set (all its sides), ask RIR, record it. True if the lifter skipped it."""
        spec, env = item.spec, self.env
        st = self.state[item.slot]
        scripted = env.answers[0] if env.answers else None
        stop_at = scripted.reps if scripted and scripted.reps is not None else None
        target_top = (spec.reps.high + st.rep_bonus) if spec.reps else 0
        rep_count = min(target_top, stop_at) if stop_at is not None else target_top
        sides: list[str | None] = list(spec.sides) or [None]
        records = []
        self._emit("set", item.label + f" · {describe(st.load)}")
        self._foresee(item, nxt, rep_count)
        if env.status:
            env.status(f"{item.label} · {describe(st.load)}")
        for k, side in enumerate(sides):
            if k == 0:
                intro = [] if previewed else self._header(item, full=True)
                beats = 0 if previewed else self.routine.count_in
            else:
                self._switch(spec.switch, side or "")
                intro, beats = [], 0
            seg = planner.work_segment(
                spec, spec.tempo, rep_count, intro, beats, env.voice.duration
            )
            started = env.clock.now()
            outcome = self._play(
                seg.cues,
                seg.length,
                lambda key, el: "enter" if key == ENTER else "skip" if key == "s" else None,
            )
            if outcome.reason == "skip":
                return True
            reps, hold_done = self._reps_done(spec, outcome, rep_count, seg)
            records.append((side, reps, hold_done, started, env.clock.now()))
        rir = self._ask_rir() if spec.hold is None else None  # a hold has no RIR question
        decision = decide(
            st.load,
            Outcome(records[-1][1], rir),
            spec.reps,
            spec.rir,
            spec.progression,
            st.rep_bonus,
        )
        self._record(item, st, records, rir, decision)
        lines, event = self._decision_lines(item, st.load, decision, rir)
        if event:
            self._emit("load", event)
        st.load, st.rep_bonus = decision.load, decision.rep_bonus
        if lines:
            self._say_now(lines)
        return False

    def _reps_done(
        self, spec: object, outcome: _Outcome, planned: int, seg: planner.Segment
    ) -> tuple[int | None, float | None]:
        if getattr(spec, "hold", None) is not None:
            start = next(
                (m.at for m in seg.cues if isinstance(m, Mark) and m.kind == "work-start"), 0.0
            )
            return None, max(0.0, min(spec.hold, outcome.elapsed - start))  # type: ignore[attr-defined]
        if outcome.reason == "end":
            return planned, None
        reps = [m for m in outcome.marks if m.kind == "rep"]
        if not reps:
            return 0, None
        last = reps[-1]
        rep_len = spec.tempo.rep_seconds  # type: ignore[attr-defined]
        into = outcome.elapsed - last.at
        return int(last.value) - (1 if into < rep_len / 2 else 0), None

    def _switch(self, seconds: float, side: str) -> None:
        cues, end = planner.speech(
            [f"Switch sides. {side.capitalize()} side."], self.env.voice.duration
        )
        length = max(seconds, end + 3.5)
        cues += [
            Say(length - k, (spoken.number(k),), priority=7, kind="countdown", sound="beep")
            for k in (3, 2, 1)
        ]
        cues.append(Say(length, ("go",), priority=8, kind="go", sound="go"))
        from voicecoach.cues import resolve

        self._play(resolve(cues, self.env.voice.duration), length, lambda k, e: None)

    def _ask_rir(self) -> int | None:
        env, clock = self.env, self.env.clock
        question = "Reps in reserve?"
        self._emit("ask", "RIR")
        self._say_now([question])
        # Typed ahead (or while the question was spoken); from a pipe, one line per question.
        early = [self.typed_ahead.pop(0)] if self.typed_ahead else []
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
        if early:
            rir = min(5, int(early[0]))
            self._emit("answer", str(rir))
            return rir
        while True:
            wait_until = min(reask, deadline) if reask else deadline
            key = clock.wait(wait_until)
            if key is None:
                if reask and clock.now() >= reask:
                    reask = 0.0
                    self._say_now(["Reps in reserve? Press zero to five."])
                    continue
                if clock.now() >= deadline:
                    self._emit("answer", "-")
                    self._say_now(["No answer. The load stays."])
                    return None
                continue
            if key.isdigit():
                rir = min(5, int(key))
                self._emit("answer", str(rir))
                return rir
            if key == "r":
                self._say_now([question])

    def _decision_lines(
        self, item: WorkItem, old: Load, d: Decision, rir: int | None
    ) -> tuple[list[str], str | None]:
        """What the coach says after an answer, and the load event to show (pure)."""
        lines = []
        event = None
        if rir is not None:
            lines.append(f"{spoken.number(rir)}{' or more' if rir == 5 else ''} in reserve.")
        later = [it for it in self.items if it.slot == item.slot and it.position > item.position]
        when = ("Next round" if item.circuit else "Next set") if later else "Next time"
        if d.direction and d.load != old and not isinstance(d.load, Unloaded):
            way = "up" if d.direction > 0 else "down"
            target = d.load.name if isinstance(d.load, Level) else spoken.load(d.load)
            lines.append(f"{when}: {way} to {target}.")
            event = f"{item.spec.name}: {describe(old)} -> {describe(d.load)} ({d.reason})"
        elif d.rep_bonus != self.state[item.slot].rep_bonus:
            lines.append(f"{when}: one more rep.")
            event = f"{item.spec.name}: reps +1 ({d.reason})"
        elif rir is not None and not isinstance(d.load, Unloaded):
            lines.append(f"{when}: same load.")
        return lines, event

    def _foresee(self, item: WorkItem, nxt: WorkItem | None, reps: int) -> None:
        """Render, during the set, what every possible answer would make the coach say.

        RIR 0 to 5 (and no answer) can give up to six next loads; each one's
        confirmation and the next set's preview are queued first, so the
        answer is confirmed at once whatever it is.
        """
        if self.env.virtual:
            return  # a dry run knows its answers: nothing to foresee
        spec, st = item.spec, self.state[item.slot]
        texts = ["Reps in reserve?", "No answer. The load stays."]
        for rir in (None, 0, 1, 2, 3, 4, 5):
            d = decide(
                st.load, Outcome(reps, rir), spec.reps, spec.rir, spec.progression, st.rep_bonus
            )
            texts += self._decision_lines(item, st.load, d, rir)[0]
            if nxt is not None:
                saved = st.load, st.rep_bonus
                st.load, st.rep_bonus = d.load, d.rep_bonus
                try:
                    texts += self._preview(item, nxt)
                finally:
                    st.load, st.rep_bonus = saved
        self.env.voice.want(texts, urgent=True)

    def _record(
        self, item: WorkItem, st: SlotState, records: list[tuple], rir: int | None, d: Decision
    ) -> None:
        spec = item.spec
        for side, reps, hold_done, started, ended in records:
            self.result.sets_done += 1
            if isinstance(st.load, Weight) and reps:
                self.result.volume[st.load.unit] = (
                    self.result.volume.get(st.load.unit, 0.0) + st.load.amount * reps
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
                    load=st.load,
                    reps=reps,
                    rir=rir,
                    hold_done=hold_done,
                    started_at=self._wall(started),
                    ended_at=self._wall(ended),
                    next_load=d.load,
                    next_rep_bonus=d.rep_bonus,
                ),
            )
        # A journal that could not write keeps the set and says so once, aloud (issue 15).
        notice = getattr(self.env.journal, "take_notice", lambda: None)()
        if notice:
            self._emit("note", notice)
            self._say_now([notice])

    def _preview(self, item: WorkItem, nxt: WorkItem) -> list[str]:
        """What the rest after ``item`` says about ``nxt``, from the current loads."""
        preview = self._header(nxt, full=nxt.first_of_exercise)
        if nxt.slot == item.slot and nxt.circuit is None:
            return ["Next: " + preview[0][0].lower() + preview[0][1:], *preview[1:]]
        if nxt.circuit is None or nxt.circuit is not item.circuit:
            return ["Next up: " + preview[0], *preview[1:]]
        return preview

    def _rest(self, item: WorkItem, nxt: WorkItem, rest: float) -> None:
        preview = self._preview(item, nxt)
        if item.rest_kind == "transition":
            cues, end = planner.speech(preview, self.env.voice.duration)
            length = max(rest, end + 3.5)
            cues += planner.count_in(3, length - 3)
            from voicecoach.cues import resolve

            self._emit("rest", f"transition {rest:g}s")
            self._play(resolve(cues, self.env.voice.duration), length, lambda k, e: None)
            return
        total = [rest]
        self._emit("rest", f"{rest:g}s")
        seg = planner.rest_segment(rest, preview, self.env.voice.duration)

        def on_key(key: str, elapsed: float) -> object:
            if key == "s":
                return "skip"
            if key in ("+", "-", "]", "["):  # + - reach here only without music
                more = key in ("+", "]")
                change = ADJUST if more else -ADJUST
                total[0] = max(elapsed + 5.0, total[0] + change)
                self._emit("rest", f"adjusted to {total[0]:g}s")
                self._speak_immediate("Fifteen more seconds." if more else "Fifteen seconds less.")
                new = planner.rest_segment(total[0], preview, self.env.voice.duration)
                return (new.cues, new.length)
            return None

        outcome = self._play(seg.cues, seg.length, on_key)  # type: ignore[arg-type]
        if outcome.reason == "skip":
            self._emit("skip", "rest")
            self._say_now(["Go."])

    def _summary(self) -> None:
        r = self.result
        count = spoken.sentence(spoken.number(r.sets_done))
        lines = [f"Workout done. {count} set{'' if r.sets_done == 1 else 's'}."]
        for unit, vol in r.volume.items():
            lines.append(f"Total volume {spoken.weight(round(vol), unit)}.")
        seen: set[int] = set()
        for item in self.items:
            if item.slot in seen:
                continue
            seen.add(item.slot)
            st = self.state[item.slot]
            first = self.carried.get(item.slot, (item.spec.load, 0))[0]
            if st.load != first and not isinstance(st.load, Unloaded):
                way = "up" if _more(st.load, first) else "down"
                lines.append(f"{item.spec.name} went {way} to {spoken.load(st.load)}.")
        cues, end = planner.speech(lines, self.env.voice.duration, start=0.5)
        self._play([Sound(0.0, "workout-done"), *cues], end + planner.GAP, lambda k, e: None)


def _more(a: Load, b: Load) -> bool:
    if isinstance(a, Level) and isinstance(b, Level):
        return a.index > b.index
    return getattr(a, "amount", 0) > getattr(b, "amount", 0)


__all__ = ["HELP", "HELP_MUSIC", "QuitRequested", "Result", "Session"]
