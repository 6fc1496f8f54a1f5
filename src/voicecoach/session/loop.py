"""The session's loop: play a timed segment against absolute deadlines, pause, repeat.

A segment (a set, a rest, an announcement) is a resolved list of timed cues
(plan/planner.py). :meth:`Loop._play` hands each clip to the output ``lookahead``
seconds before it is due and, between cues, waits for the next deadline or a
key, whichever comes first. Pausing shifts the segment's start, so the rest of
the timeline moves with it and nothing is bunched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from voicecoach.events import Event, EventKind
from voicecoach.inputs.commands import spoken_number
from voicecoach.inputs.keymap import MUSIC_KEYS, PAUSE, QUIT, REPEAT, TALK, rir_key
from voicecoach.inputs.keys import SUSPEND
from voicecoach.plan import planner
from voicecoach.plan.cues import Cue, Mark, Say, Sound
from voicecoach.plan.spoken import sentence as spoken_sentence
from voicecoach.plan.wording import REP_SEP
from voicecoach.session.statusline import Status, clock_text

if TYPE_CHECKING:
    from collections import Counter

    from voicecoach.plan.plates import Loading, Rack
    from voicecoach.plan.talk import Talk
    from voicecoach.plan.wording import Wording
    from voicecoach.plan.workplan import WorkItem
    from voicecoach.routines.loads import Load
    from voicecoach.routines.model import Routine
    from voicecoach.session.environment import Environment
    from voicecoach.session.state import Result, SlotState

QUIT_CONFIRM = 5.0


class QuitRequested(Exception):
    """The lifter confirmed q: stop now, keep the journal."""


@dataclass
class Played:
    """What playing a segment ended with."""

    reason: str  # "end", "enter", "skip"
    elapsed: float
    marks: list[Mark] = field(default_factory=list)
    start: float = 0.0  # when the segment started on the engine clock (after any pause)


class Loop:
    """Time, output and the one loop every segment is played through.

    The first layer of the session (see session/engine.py). The attributes
    below are the state every layer shares; the engine sets them all in its
    constructor, and they are declared here so each layer's use is checked.
    """

    routine: Routine
    env: Environment
    items: list[WorkItem]
    done_positions: set[int]
    session_id: int | None
    resumed: bool
    rir_timeout: float
    state: dict[int, SlotState]
    carried: dict[int, tuple[Load, int]]
    t0: float
    suspended_at: float | None  # set by the runner's SIGTSTP handler
    typed_ahead: list[str]  # digits typed before the question they answer
    recent: list[tuple[float, str]]  # (due, text) of the last cues handed over
    answer_confirmed: bool  # the button menu already said "Two in reserve."
    result: Result
    screen: Status  # what the status line shows now
    quitting: bool  # quit confirmed: keys are no longer handled
    _segments: int  # segments played so far
    _wall0: datetime
    _rep: int  # the rep being counted, for the status line
    talk: Talk  # how much the coach says; the t key changes it from the next segment on
    wording: Wording  # which of a line's equivalent wordings is said
    uses: Counter[str]  # how often each varied line came so far (the wording's index)
    rack: Rack | None  # the lifter's bar and plates, when both are set
    on_bar: dict[int, Loading]  # what each exercise's bar holds now, to say only the change
    lifted: dict[int, Load]  # each exercise's last working load, that a drop set follows
    top_lifted: dict[int, Load]  # each exercise's top set today, that back-offs are a share of
    best_e1rm: dict[int, float]  # each exercise's best estimated max today

    def _show(self, **parts: str) -> None:
        """Update parts of the status line (when there is one)."""
        self.screen = replace(self.screen, **parts)
        if self.env.status is not None:
            self.env.status(self.screen)

    # --- time and output ----------------------------------------------------------------
    def _rel(self, t: float) -> float:
        return t - self.t0

    def _wall(self, t: float) -> str:
        """The wall-clock time of engine time ``t`` (a set's start is when it started,
        however late it is written).

        A dry run's hour passes in a second: on its virtual clock, one dry run after
        another would overlap (a shorter week ending "before" a longer one), and the
        journal finds where an exercise left off by when its sets ended. So a dry
        run's sets are stamped with the real time they are written, in order.
        """
        if self.env.virtual:
            return self.env.wallclock().isoformat(timespec="seconds")
        return (self._wall0 + timedelta(seconds=self._rel(t))).isoformat(timespec="seconds")

    def _emit(
        self, kind: EventKind, text: str, due: float | None = None, duration: float = 0.0
    ) -> None:
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
        self._emit(
            "sound" if isinstance(cue, Sound) else "say", text, due=at, duration=clip.seconds
        )

    def _say_now(
        self,
        texts: list[str],
        on_key: Callable[[str, float], str | None] | None = None,
        *,
        start: float = 0.0,
        first: Sequence[Cue] = (),
        keys: bool = True,
    ) -> float:
        """Speak sentences from now (``start`` into the segment, after ``first``), in order;
        returns when the last one ends.

        They are laid out as :func:`planner.speech` lays them, in one segment's time,
        but each sentence's place (the end of the one before it) is worked out only
        once that one has been handed over: its clip renders while the one before is
        heard, instead of every clip of the segment before its first word.
        """
        react = on_key or (lambda k, o: None)
        said = [text for text in texts if text]
        cues, t, begun = list(first), start, None
        end = start
        for i, text in enumerate(said):
            line = spoken_sentence(text)
            cues.append(Say(t, (line,), priority=5, kind="say"))
            end = t + self.env.voice.duration(line)
            # A sentence's pause after the last, so the next segment does not start on
            # its last syllable; the others end when they are handed over.
            length = end + planner.GAP if i == len(said) - 1 else t
            played = self._play(cues, length, react, keys=keys, at=begun)
            if played.reason != "end":
                return end
            cues, t, begun = [], end + planner.GAP, played.start
        if not said:
            self._play(cues, start + planner.GAP, react, keys=keys)
        return end

    # --- the loop ----------------------------------------------------------------------------
    def _play(
        self,
        cues: list[Cue],
        length: float,
        on_key: Callable[[str, float], str | None],
        countdown: tuple[str, float, float | None] | None = None,
        keys: bool = True,
        at: float | None = None,
    ) -> Played:
        """Play a segment; ``on_key`` may end it ("enter", "skip") or re-plan it.

        The segment starts ``output.lead`` from now, so even its first clip can be
        placed at its exact sample. Sounds are handed over ``lookahead`` early;
        marks (rep starts) are acted on at their time. The two run on separate
        cursors so a mark never holds a sound back.

        ``countdown`` is ``(label, from, until)`` in segment time (``until`` None:
        the segment's end, which moves with +/- and pauses): the status line
        counts down the seconds left, as "rest 1:25".

        ``keys=False`` plays the segment through whatever is pressed: the
        workout's summary, where a press queued from the last set (a button
        flood, a space typed late) once paused a finished session forever.

        ``at``: the segment's start on the engine clock, for one that continues
        the segment just played at a set distance (it must leave the output's
        ``lookahead`` to hand over its first clip).
        """
        clock, out = self.env.clock, self.env.output
        # The lead lets a segment's first clip land on its exact sample; the session's
        # very first words have nothing to line up with, so they start at once.
        start = at if at is not None else clock.now() + (out.lead if self._segments else 0.0)
        self._segments += 1
        end_at = start + length
        audible = [c for c in cues if not isinstance(c, Mark)]
        timeline = [c for c in cues if isinstance(c, Mark)]
        # The status line follows the rep and phase words when they are heard, not when
        # they are handed over (lookahead early), so it never runs ahead of the voice.
        phases = _phase_cues(audible) if self.env.status is not None else []
        ia = im = ip = 0
        marks: list[Mark] = []
        while True:
            now = clock.now()
            while ia < len(audible) and start + audible[ia].at - out.lookahead <= now:
                self._dispatch(audible[ia], start + audible[ia].at)
                ia += 1
            while im < len(timeline) and start + timeline[im].at <= now:
                mark = timeline[im]
                marks.append(mark)
                if mark.kind == "rep":
                    self._rep = int(mark.value)
                    self._show(detail=f"rep {self._rep}")
                im += 1
            while ip < len(phases) and start + phases[ip].at <= now:
                cue = phases[ip]
                # A rep's line is "three. pull": the status shows its last part, the phase.
                _, sep, tail = cue.text.rpartition(REP_SEP)
                word = cue.text if cue.kind == "phase" else (tail if sep else "")
                self._show(detail=f"rep {self._rep}" + (f" · {word}" if word else ""))
                ip += 1
            if ia >= len(audible) and im >= len(timeline) and now >= end_at:
                return Played("end", now - start, marks, start)
            nxt = end_at
            if countdown is not None and self.env.status is not None:
                label, begin, until = countdown
                nxt = min(
                    nxt,
                    self._tick(
                        label, now, start + begin, start + until if until is not None else end_at
                    ),
                )
            if ia < len(audible):
                nxt = min(nxt, start + audible[ia].at - out.lookahead)
            if im < len(timeline):
                nxt = min(nxt, start + timeline[im].at)
            if ip < len(phases):
                nxt = min(nxt, start + phases[ip].at)
            key = clock.wait(max(nxt, now))
            if key is None:
                continue
            if self.quitting or not keys:
                continue  # quit is confirmed, or the workout is over: keys change nothing
            now = clock.now()
            if key in (PAUSE, QUIT, SUSPEND):
                # After Ctrl-Z and fg, the pause began when the process was suspended.
                paused_at = self.suspended_at if key == SUSPEND and self.suspended_at else now
                self.suspended_at = None
                out.cancel_after(paused_at)
                if self._pause(key == QUIT):
                    raise QuitRequested
                shift = clock.now() - paused_at
                start += shift
                end_at += shift
                # Hand over again what the pause cancelled; marks not yet due stay pending.
                while ia > 0 and start + audible[ia - 1].at > paused_at + shift:
                    ia -= 1
                continue
            if key == REPEAT:
                heard = [text for at, text in self.recent if at <= now]
                if heard:
                    self._emit("repeat", heard[-1])
                    self._dispatch(Say(0, (heard[-1],)), now + out.lead)
                continue
            if key == TALK:
                self.talk = self.talk.next_level()
                self._emit("talk", self.talk.level)
                self._speak_immediate(f"Talk: {self.talk.level}.")
                continue
            if key in MUSIC_KEYS and self.env.music is not None:
                self._emit("music", self.env.music.key(key))
                continue
            if rir_key(key) is not None or spoken_number(key) is not None:
                # Typed ahead (or piped in early, or said over the question with no coach
                # to mute): it answers the next RIR question.
                self.typed_ahead.append(key)
            action = on_key(key, now - start)
            if action in ("enter", "skip"):
                out.cancel_after(now)
                return Played(action, now - start, marks, start)
            if isinstance(action, tuple):  # a re-planned segment: (cues, length)
                new_cues, new_length = action
                elapsed = now - start
                audible = [c for c in new_cues if not isinstance(c, Mark)]
                timeline = [c for c in new_cues if isinstance(c, Mark)]
                ia = next((k for k, c in enumerate(audible) if c.at > elapsed), len(audible))
                phases = _phase_cues(audible) if self.env.status is not None else []
                ip = next((k for k, c in enumerate(phases) if c.at > elapsed), len(phases))
                im = next((k for k, c in enumerate(timeline) if c.at > elapsed), len(timeline))
                out.cancel_after(now)
                end_at = start + new_length

    def _tick(self, label: str, now: float, begin: float, stop: float) -> float:
        """Show the seconds left until ``stop``; return when the shown number next changes."""
        if now < begin:
            return begin
        if now >= stop:
            return float("inf")
        left = math.ceil(stop - now - 1e-9)
        text = f"{label} {clock_text(left)}"
        if text != self.screen.detail:
            self._show(detail=text)
        return stop - (left - 1)

    def _pause(self, quitting: bool) -> bool:
        """Wait while paused; True if the lifter confirmed quitting."""
        clock = self.env.clock
        before = self.screen.detail
        if quitting:
            self._emit("ask", "quit?")
            self._speak_immediate("Press q again to quit, any other key to go on.")
            self._show(detail="quit? q again quits, any other key goes on")
            key = clock.wait(clock.now() + QUIT_CONFIRM)
            if key == QUIT:
                self._emit("quit", "confirmed")
                self.quitting = True
                self._show(detail="stopping")
                return True
            self._emit("resume", "quit cancelled")
            self._show(detail=before)
            return False
        self._emit("pause", "paused")
        self._speak_immediate("Paused.")
        self._show(detail="paused: space goes on")
        while True:
            key = clock.wait(clock.now() + 3600)
            if key == PAUSE:
                self._emit("resume", "resumed")
                self._speak_immediate("Go on.")
                self._show(detail=before)
                return False
            if key == QUIT:
                if self._pause(True):
                    return True
                self._emit("pause", "still paused")
                self._show(detail="paused: space goes on")

    def _speak_immediate(self, text: str) -> None:
        now = self.env.clock.now()
        self._dispatch(Say(0, (text,)), now + self.env.output.lead)

    # --- the session ----------------------------------------------------------------------------


def _phase_cues(cues: Sequence[Cue]) -> list[Say]:
    """The rep numbers and phase words of a segment, for the status line."""
    return [c for c in cues if isinstance(c, Say) and c.kind in ("rep", "phase")]
