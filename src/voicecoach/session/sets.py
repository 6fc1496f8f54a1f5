"""Running a set: its header, the work segment with every side, and what was done."""

from __future__ import annotations

from dataclasses import replace

from voicecoach.inputs.keymap import SKIP
from voicecoach.inputs.keys import ENTER
from voicecoach.plan import planner, spoken
from voicecoach.plan.cues import Mark, Say, Sound
from voicecoach.plan.plates import Loading, Rack
from voicecoach.plan.progression import Decision, Outcome, decide, epley, steps_moved
from voicecoach.plan.talk import Talk
from voicecoach.plan.wording import GO, QUESTION
from voicecoach.plan.workplan import WorkItem
from voicecoach.routines.loads import Load, Unloaded, Weight, describe
from voicecoach.routines.model import ExerciseSpec
from voicecoach.session.asking import Asking
from voicecoach.session.loop import Played, QuitRequested
from voicecoach.session.summary import possible_summaries, summary_lines

AMRAP_BEYOND = 20  # reps counted past the target of an AMRAP or drop set before it stops


class SetRunner(Asking):
    """Runs one set (all its sides) and foresees every answer's phrases."""

    def _preview(self, item: WorkItem, nxt: WorkItem) -> list[str]:
        """What the rest after ``item`` says about ``nxt``, from the current loads."""
        preview = self._header(nxt, full=nxt.first_of_exercise)
        if nxt.slot == item.slot and nxt.circuit is None:
            return ["Next: " + preview[0][0].lower() + preview[0][1:], *preview[1:]]
        if nxt.circuit is None or nxt.circuit is not item.circuit:
            lead = self.wording.line("next-up", self.uses["next-up"])
            return [lead + preview[0], *preview[1:]]
        return preview

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
            if self.talk.form_cues:
                lines += list(spec.setup)
        total = 1 if item.circuit else item.total
        set_no = 1 if item.circuit else item.set_no
        load = self._set_load(item)
        if item.kind != "working":
            lines.append(self._extra_line(item, load))
        elif item.circuit is not None:
            reps = planner.set_header(spec, 1, 1, st.load, st.rep_bonus)
            lines.append(
                f"{spec.name}: " + reps[0].removeprefix("One set, ").rstrip(".") + "."
                if not (full and item.first_of_exercise)
                else reps[0].removeprefix("One set, ").capitalize()
            )
        else:
            lines += planner.set_header(
                spec,
                set_no,
                total,
                load,
                st.rep_bonus,
                spec.sides[0] if spec.sides else None,
                self._scheme_label(item),
            )
        loading = self._loading(spec, load, item.slot)
        if loading is not None:
            before = self.on_bar.get(item.slot)
            say = loading.change_from(before) if before else loading.say()
            if say:
                lines.append(say[0].upper() + say[1:] + ".")
        return lines

    def _brief(self) -> Talk:
        """Warm-ups and drops are spoken briefly: counts, not form cues."""
        return self.talk if self.talk.level != "full" else Talk("reps", self.talk.count)

    def _extra_line(self, item: WorkItem, load: Load) -> str:
        """ "Warm-up two of four: ninety-five pounds, five reps." or "Drop set: …"."""
        bar = item.spec.bar or (Weight(self.rack.bar, self.rack.unit) if self.rack else None)
        at_bar = (
            item.spec.barbell
            and isinstance(load, Weight)
            and (
                load == bar
                or (bar is None and load.amount == (45.0 if load.unit == "lb" else 20.0))
            )
        )
        what = (
            "the empty bar"
            if item.share == 0 or at_bar
            else ""
            if isinstance(load, Unloaded)
            else spoken.load(load)
        )
        if item.kind == "warmup":
            head = f"Warm-up {spoken.number(item.set_no)} of {spoken.number(item.total)}"
            reps = spoken.reps(item.reps or 1, item.reps or 1)
            return ", ".join(x for x in (head, what, reps) if x) + "."
        head = "Drop set" if item.total == 1 else f"Drop {spoken.number(item.set_no)}"
        return f"{head}: {what}, as many as you can." if what else f"{head}: as many as you can."

    def _loading(self, spec: ExerciseSpec, load: Load, slot: int | None = None) -> Loading | None:
        """The plates for a barbell load, when the lifter's bar and plates are known."""
        if self.rack is None or not spec.barbell or not isinstance(load, Weight):
            return None
        bar = spec.bar or Weight(self.rack.bar, self.rack.unit)
        if bar.unit != load.unit or self.rack.unit != load.unit:
            return None  # plates in kg say nothing about a bar loaded in pounds
        rack = Rack(bar.amount, self.rack.plates, load.unit)
        return rack.loading(load.amount, self.on_bar.get(slot) if slot is not None else None)

    def _on_bar(self, spec: ExerciseSpec, load: Load) -> Load:
        """A load as it can really be made: with the plates, or the nearest fixed dumbbells
        the lifter owns (the journal keeps that one)."""
        loading = self._loading(spec, load)
        if loading is not None:
            return Weight(loading.total, loading.unit)
        pairs = spec.progression.dumbbells
        if pairs and isinstance(load, Weight) and load.amount not in pairs:
            return load.with_amount(min(pairs, key=lambda d: (abs(d - load.amount), d)))
        return load

    def _scheme_label(self, item: WorkItem) -> str | None:
        """ "Top set" or "Back-off two of three": a named set of a scheme says what it is."""
        plan = item.plan
        if plan is None or not plan.name:
            return None
        same = [
            it
            for it in self.items
            if it.slot == item.slot and it.plan is not None and it.plan.name == plan.name
        ]
        name = plan.name[0].upper() + plan.name[1:]
        if len(same) == 1:
            return name
        k = next(i for i, it in enumerate(same, 1) if it.position == item.position)
        return f"{name} {spoken.number(k)} of {spoken.number(len(same))}"

    def _set_load(self, item: WorkItem) -> Load:
        """What this set is lifted at: the working load, or its scheme's share of it."""
        if item.kind != "working":
            return self._extra_load(item)
        st, plan = self.state[item.slot], item.plan
        if plan is None or plan.at_working_load:
            return st.load
        if plan.absolute is not None:
            return self._on_bar(item.spec, plan.absolute)
        if not isinstance(st.load, Weight):
            return st.load  # a share of a band colour is no load: the working one it is
        if plan.of_e1rm:
            base = self.best_e1rm.get(item.slot) or self._e1rm_guess(item)
        else:
            # Back-offs are a share of the top set as it was lifted today.
            base = self.top_lifted.get(item.slot, st.load).amount  # type: ignore[union-attr]
        return self._share_of(item.spec, Weight(base, st.load.unit), plan.share, nearest=True)

    def _e1rm_guess(self, item: WorkItem) -> float:
        """Before any answer today: the max the working load implies at its own target."""
        st = self.state[item.slot]
        driver = next(
            (it for it in self.items if it.slot == item.slot and it.drives and it.plan), item
        )
        reps, rir = driver.spec.reps, driver.spec.rir
        to_failure = (reps.high if reps else 5) + (rir.low + rir.high) / 2
        return epley(st.load.amount, round(to_failure))  # type: ignore[union-attr]

    def _share_of(
        self, spec: ExerciseSpec, base: Weight, share: float, *, nearest: bool = False
    ) -> Load:
        """``share`` of ``base``, on a loadable step (never below the empty bar)."""
        bar = spec.bar or (
            Weight(self.rack.bar, self.rack.unit)
            if self.rack and self.rack.unit == base.unit
            else Weight(45.0 if base.unit == "lb" else 20.0, base.unit)
        )
        if share == 0:
            return bar
        step = spec.progression.round or 1.0
        raw = base.amount * share / step
        amount = (round(raw) if nearest else int(raw)) * step
        if spec.barbell:
            amount = max(amount, bar.amount)
        return self._on_bar(spec, Weight(amount, base.unit))

    def _extra_load(self, item: WorkItem) -> Load:
        """A warm-up's share of the first working set's load, or a drop's of the last lifted."""
        spec = item.spec
        if item.kind == "warmup":
            first = next(
                (it for it in self.items if it.slot == item.slot and it.kind == "working"), None
            )
            base = self._set_load(first) if first is not None else self.state[item.slot].load
        else:
            base = self.lifted.get(item.slot, self.state[item.slot].load)
        if not isinstance(base, Weight):
            return base  # a band or a bodyweight set warms up at its own level
        return self._share_of(spec, base, item.share)

    def _item(self, item: WorkItem, previewed: bool, nxt: WorkItem | None = None) -> bool:
        """Run one set (all its sides), ask RIR, record it. True if the lifter skipped it.

        A warm-up or a drop set is counted and journaled like any set but asks
        nothing and never moves the working load.
        """
        spec, env = item.spec, self.env
        st = self.state[item.slot]
        working = item.kind == "working"
        load = self._set_load(item)
        scripted = env.answers[0] if env.answers and working else None
        stop_at = scripted.reps if scripted and scripted.reps is not None else None
        target_top = (spec.reps.high + st.rep_bonus) if spec.reps else 0
        open_ended = (spec.amrap and working) or item.kind == "drop"
        if open_ended and not (env.virtual and stop_at is None):
            # Enter ends it; a dry run with no scripted reps does the target, not 20 more.
            target_top = target_top + AMRAP_BEYOND
        elif item.reps is not None:
            target_top = item.reps
        rep_count = min(target_top, stop_at) if stop_at is not None else target_top
        sides: list[str | None] = list(spec.sides) or [None]
        records: list[tuple[str | None, int | None, float | None, float, float]] = []
        loading = self._loading(spec, load, item.slot)
        self._emit("set", item.label + f" · {describe(load)}")
        for k, side in enumerate(sides):
            self._show(
                exercise=spec.name,
                set=set_label(item) + (f" {side}" if side else ""),
                load=describe(load),
                detail="",
            )
            if k == 0:
                intro = [] if previewed else self._header(item, full=True)
                beats = 0 if previewed else self.routine.count_in
            else:
                self._switch(spec.switch, side or "")
                intro, beats = [], 0
            talk = self.talk if working else self._brief()
            wording = self.wording.turn(self.uses["work"])
            self.uses["work"] += 1  # each side's segment: its lines differ from the last
            if loading is not None:  # loaded now: the next preview says only the change
                self.on_bar[item.slot] = loading
            started = env.clock.now()
            ends = self._ends_set
            # The announcement plays first, and the count-in and reps are laid out from
            # their clips' durations as it ends, in the same segment's time (so on the same
            # beat as one segment): their clips render while it is spoken, not before it.
            header, header_end = planner.speech(intro, env.voice.duration)
            at, after = None, (header_end + planner.COUNT_IN_AFTER if intro else 0.0)
            work = planner.Work(rep_count, [], beats, open_ended, after)
            if k == 0 and working:  # the answer's phrases are due when the last side ends
                whole = planner.work_length(spec, work)
                self._foresee(item, nxt, rep_count, started + whole * len(sides))
            if nxt is None and not working and not env.virtual:
                # Nothing is said between this last set's end and the summary, so every
                # summary it can lead to renders while it is lifted, the fewest reps first.
                so_far = sum(r[1] or 0 for r in records)
                counts = range(so_far, so_far + rep_count + 1)
                env.voice.want(possible_summaries(self, load, len(sides), counts), due=started)
            if intro:
                heard = self._play(header, header_end, ends)
                if heard.reason == "skip":
                    return True
                if heard.reason == "enter":  # ended before its first rep
                    held = None if spec.hold is None else 0.0
                    records.append(
                        (side, 0 if held is None else None, held, started, env.clock.now())
                    )
                    continue
                at = heard.start
            seg = planner.work_segment(spec, work, env.voice.duration, talk, wording)
            hold = None
            if spec.hold is not None:
                begin = next(
                    (m.at for m in seg.cues if isinstance(m, Mark) and m.kind == "work-start"), 0.0
                )
                hold = ("hold", begin, begin + spec.hold)
            outcome = self._play(seg.cues, seg.length, ends, countdown=hold, at=at)
            if outcome.reason == "skip":
                return True
            reps, hold_done = self._reps_done(spec, outcome, rep_count, seg)
            records.append((side, reps, hold_done, started, env.clock.now()))
        if not working:
            kept = Decision(st.load, st.rep_bonus, 0, item.kind)
            self._record(item, records, None, kept, load=load, kind=item.kind)
            return False
        self.lifted[item.slot] = load  # what a drop set after this one is lighter than
        if item.plan is not None and item.plan.at_working_load:
            self.top_lifted[item.slot] = load  # what back-offs are a share of
        # A hold has no RIR question; the top of the target is what the button menu offers.
        done_reps = records[-1][1]

        def moves(answer: int) -> int:
            """How far an answer would move the next load (a far one said is asked about)."""
            d = self._decide(item, load, done_reps, answer)
            return steps_moved(st.load, d.load, spec.progression)

        kind = "amrap" if spec.amrap else "working"
        if spec.hold is None:
            # The set is on disk before its question: a kill, a crash or a quit while the
            # question waits keeps it (with no answer, its load unchanged).
            unanswered = Decision(st.load, st.rep_bonus, 0, "not answered yet")
            self._record(item, records, None, unanswered, load=load, kind=kind, counted=False)
        rir = self._ask_rir(spec.rir.high, moves) if spec.hold is None else None
        decision = self._decide(item, load, done_reps, rir)
        if rir is not None and isinstance(load, Weight) and done_reps:
            e1rm = epley(load.amount, done_reps + rir)
            self.best_e1rm[item.slot] = max(e1rm, self.best_e1rm.get(item.slot, 0.0))
        self._record(item, records, rir, decision, load=load, kind=kind)
        if self.quitting:  # q confirmed at the question: the set is kept, the session stops
            raise QuitRequested
        lines, event = self._decision_lines(item, st.load, decision, rir)
        if self.answer_confirmed:  # not "Two in reserve." twice
            lines, self.answer_confirmed = lines[1:], False
        if event:
            self._emit("load", event)
        st.load, st.rep_bonus = decision.load, decision.rep_bonus
        if nxt is None and not env.virtual:
            # The last set: the summary is known now, and renders while this is said.
            env.voice.want(summary_lines(self))
        if lines:
            # After the last set's answer the workout is over: its words play through
            # presses as the summary does, so a button pressed (or a flood coalesced)
            # across the end cannot leave a finished workout paused with no one to resume.
            self._say_now(lines, keys=nxt is not None)
        return False

    def _decide(self, item: WorkItem, load: Load, reps: int | None, rir: int | None) -> Decision:
        """The working load after this set's answer.

        A set at the working load decides it as ever. A set that drives the
        program at a share of it (a 5/3/1 "5+" at 85 %) is judged at its own
        load, and the working load moves by the same steps. A back-off moves
        nothing: its answer is journaled, the top set decides.
        """
        spec, st = item.spec, self.state[item.slot]
        if not item.drives:
            return Decision(st.load, st.rep_bonus, 0, "a back-off set")
        own = decide(load, Outcome(reps, rir), spec.reps, spec.rir, spec.progression, st.rep_bonus)
        at_working = item.plan is None or item.plan.at_working_load
        if at_working or not isinstance(load, Weight) or not isinstance(st.load, Weight):
            return replace(own, load=self._on_bar(spec, own.load))
        moved = own.load.amount - load.amount  # type: ignore[union-attr]
        if spec.progression.rule == "e1rm" and item.plan is not None and item.plan.share:
            moved = own.load.amount / item.plan.share - st.load.amount  # type: ignore[union-attr]
        step = spec.progression.round or 1.0
        amount = max(0.0, st.load.amount + round(moved / step) * step)
        direction = (amount > st.load.amount) - (amount < st.load.amount)
        working = self._on_bar(spec, st.load.with_amount(round(amount, 4)))
        return Decision(working, own.rep_bonus, direction, own.reason)

    @staticmethod
    def _ends_set(key: str, elapsed: float) -> str | None:
        """Enter ends a set where it is; skip leaves it unrecorded."""
        return "enter" if key == ENTER else "skip" if key == SKIP else None

    def _reps_done(
        self, spec: object, outcome: Played, planned: int, seg: planner.Segment
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
            if self.talk.rep_numbers
            else Sound(length - k, "beep")
            for k in (3, 2, 1)
        ]
        cues.append(Say(length, (GO,), priority=8, kind="go", sound="go"))
        from voicecoach.plan.cues import resolve

        self._play(resolve(cues, self.env.voice.duration), length, lambda k, e: None)

    def _foresee(self, item: WorkItem, nxt: WorkItem | None, reps: int, due: float) -> None:
        """Render, during the set, what every possible answer would make the coach say.

        RIR 0 to 5 (and no answer) can give up to six next loads; each one's
        confirmation and the next set's preview (after the last set: the
        summary, with the set done as planned) are queued first, so the answer
        is confirmed at once whatever it is.
        """
        if self.env.virtual:
            return  # a dry run knows its answers: nothing to foresee
        st = self.state[item.slot]
        texts = [QUESTION, "No answer. The load stays."]
        load = self._set_load(item)
        sides = len(item.spec.sides) or 1
        done = 0 if item.spec.hold is not None else reps * sides  # a hold adds no volume
        for rir in (None, 0, 1, 2, 3, 4, 5):
            d = self._decide(item, load, reps, rir)
            texts += self._decision_lines(item, st.load, d, rir)[0]
            saved = st.load, st.rep_bonus
            st.load, st.rep_bonus = d.load, d.rep_bonus
            try:
                if nxt is not None:
                    texts += self._preview(item, nxt)
                else:
                    texts += possible_summaries(self, load, sides, range(done, done + 1))
            finally:
                st.load, st.rep_bonus = saved
        if nxt is not None and item.rest_after <= 0 and nxt.kind == "drop":
            # A drop set follows at once: its announcement is due with the answer. Its
            # load is a share of this set's, which is what it is lighter than by then.
            before = self.lifted.get(item.slot)
            self.lifted[item.slot] = load
            try:
                texts += self._header(nxt, full=True)
            finally:
                if before is None:
                    del self.lifted[item.slot]
                else:
                    self.lifted[item.slot] = before
        # As they are spoken: a line said alone starts with a capital.
        self.env.voice.want([spoken.sentence(t) for t in texts], due=due)


def set_label(item: WorkItem) -> str:
    return f"{'round' if item.circuit else 'set'} {item.set_no}/{item.total}"
