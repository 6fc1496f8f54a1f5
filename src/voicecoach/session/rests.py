"""Running a rest: the preview of the next set, the countdown, +/- and skip."""

from __future__ import annotations

from voicecoach.inputs.keymap import LONGER, LOUDER, REST_KEYS, SKIP
from voicecoach.plan import planner
from voicecoach.plan.wording import GO
from voicecoach.plan.workplan import WorkItem
from voicecoach.routines.loads import describe
from voicecoach.session.sets import SetRunner, set_label

ADJUST = 15.0


class Resting(SetRunner):
    """The rest between sets, with its countdown, + and - and skip (the last layer)."""

    def _rest(self, item: WorkItem, nxt: WorkItem, rest: float) -> None:
        preview = self._preview(item, nxt)
        nxt_state = self.state[nxt.slot]
        self._show(
            exercise=f"next: {nxt.spec.name}",
            set=set_label(nxt),
            load=describe(nxt_state.load),
            detail="",
        )
        if item.rest_kind == "transition":
            cues, end = planner.speech(preview, self.env.voice.duration)
            length = max(rest, end + 3.5)
            cues += planner.count_in(3, length - 3)
            from voicecoach.plan.cues import resolve

            self._emit("rest", f"transition {rest:g}s")
            self._play(
                resolve(cues, self.env.voice.duration),
                length,
                lambda k, e: None,
                countdown=("transition", 0.0, None),
            )
            return
        total = [rest]
        self._emit("rest", f"{rest:g}s")
        n = self.uses["rest"]
        self.uses["rest"] += 1
        if preview and preview[0].startswith(self.wording.line("next-up", self.uses["next-up"])):
            self.uses["next-up"] += 1
        seg = planner.rest_segment(
            rest, preview, self.env.voice.duration, self.talk, self.wording, n
        )

        def on_key(key: str, elapsed: float) -> object:
            if key == SKIP:
                return "skip"
            if key in REST_KEYS:  # + - reach here only without music
                more = key in (LOUDER, LONGER)
                change = ADJUST if more else -ADJUST
                total[0] = max(elapsed + 5.0, total[0] + change)
                self._emit("rest", f"adjusted to {total[0]:g}s")
                self._speak_immediate("Fifteen more seconds." if more else "Fifteen seconds less.")
                new = planner.rest_segment(
                    total[0], preview, self.env.voice.duration, self.talk, self.wording, n
                )
                return (new.cues, new.length)
            return None

        outcome = self._play(
            seg.cues,
            seg.length,
            on_key,  # type: ignore[arg-type]
            countdown=("rest", 0.0, None),
        )
        if outcome.reason == "skip":
            self._emit("skip", "rest")
            self._say_now([GO])
