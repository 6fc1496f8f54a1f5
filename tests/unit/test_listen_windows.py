"""Spoken commands: the word→key mapping, the windows, and muting on the coach's clips."""

from __future__ import annotations

import numpy as np
import pytest

from voicecoach.events import Event
from voicecoach.inputs.commands import NO, SPOKEN_NUMBER, TAIL, VOCABULARY, YES, Windows, key_for
from voicecoach.inputs.enrolment import Enrolment
from voicecoach.inputs.listener import Listener
from voicecoach.inputs.recogniser import Heard
from voicecoach.inputs.segments import Utterance
from voicecoach.testing import FakeClock


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("zero", SPOKEN_NUMBER[0]),
        ("one", SPOKEN_NUMBER[1]),
        ("two", SPOKEN_NUMBER[2]),
        ("three", SPOKEN_NUMBER[3]),
        ("four", SPOKEN_NUMBER[4]),
        ("five", SPOKEN_NUMBER[5]),
        ("done", "\n"),
        ("skip", "s"),
        ("repeat", "r"),
        ("pause", " "),
        ("go on", " "),
    ],
)
def test_word_gives_the_key_a_keyboard_would(word: str, key: str) -> None:
    """Each command word maps to the engine's key for it."""
    assert key_for(word) == key


def test_replies_are_live_only_after_a_spoken_answer() -> None:
    """ "no"/"undo" after the confirmation; "yes" only when the coach asked for it."""
    assert (key_for("no"), key_for("undo"), key_for("yes")) == (NO, NO, YES)
    w = Windows()
    w.event(_ev("ask", "RIR"), 0.0)
    assert not w.accepts("no") and not w.accepts("yes")
    w.event(_ev("heard", "three"), 0.0)
    assert w.accepts("no") and w.accepts("undo") and not w.accepts("yes")
    assert not w.accepts("two")
    w.event(_ev("ask", "RIR"), 0.0)  # taken back: the question is open again
    assert w.accepts("two")
    w.event(_ev("check", "four"), 0.0)
    assert w.accepts("yes") and w.accepts("no")
    w.event(_ev("answer", "4"), 0.0)
    assert not w.listening


def test_vocabulary_is_the_issue_s_eleven_commands() -> None:
    """The vocabulary is exactly zero..five, done, skip, repeat, pause, go on."""
    assert set(VOCABULARY) == {
        *("zero", "one", "two", "three", "four", "five"),
        *("done", "skip", "repeat", "pause", "go on"),
    }


def _ev(kind: str, text: str = "", due: float = 0.0, actual: float = 0.0, dur: float = 0.0):
    return Event(due, actual, kind, text, dur)


def test_nothing_is_taken_before_a_set() -> None:
    """Before any set (intro, rests) no word is live."""
    w = Windows()
    assert not w.listening
    assert not w.accepts("done")


def test_done_is_live_during_a_set_but_numbers_are_not() -> None:
    """During a set "done" counts; a number does not."""
    w = Windows()
    w.event(_ev("set", "Row set 1/3"), 0.0)
    assert w.accepts("done")
    assert not w.accepts("two")


def test_numbers_are_live_after_the_rir_question() -> None:
    """After "ask RIR" the numbers count and "done" does not."""
    w = Windows()
    w.event(_ev("set"), 0.0)
    w.event(_ev("ask", "RIR"), 10.0)
    assert w.accepts("three")
    assert not w.accepts("done")


def test_pause_at_the_rir_question_and_the_numbers_come_back() -> None:
    """ "pause" is live at the question (as space is); after "go on" the numbers count again."""
    w = Windows()
    w.event(_ev("ask", "RIR"), 0.0)
    assert w.accepts("pause")
    w.event(_ev("pause", "paused"), 1.0)
    assert not w.accepts("three") and w.accepts("go on")
    w.event(_ev("resume", "resumed"), 2.0)
    assert w.accepts("three")


def test_the_answer_closes_the_window() -> None:
    """Once answered, a second number is not taken."""
    w = Windows()
    w.event(_ev("ask", "RIR"), 0.0)
    w.event(_ev("answer", "2"), 1.0)
    assert not w.accepts("two")


def test_quit_question_does_not_open_the_answer_window() -> None:
    """The "quit?" question is not a reps-in-reserve question."""
    w = Windows()
    w.event(_ev("set"), 0.0)
    w.event(_ev("ask", "quit?"), 1.0)
    assert not w.accepts("two")


def test_go_on_only_while_paused_and_resume_restores_the_set() -> None:
    """ "go on" counts only while paused; resuming brings the set's words back."""
    w = Windows()
    w.event(_ev("set"), 0.0)
    assert not w.accepts("go on")
    w.event(_ev("pause", "paused"), 1.0)
    assert w.accepts("go on")
    assert not w.accepts("done")
    w.event(_ev("resume", "resumed"), 2.0)
    assert w.accepts("done")


def test_a_clip_mutes_its_span_plus_the_tail() -> None:
    """An utterance overlapping a coach clip or its tail is muted; one after it is not."""
    w = Windows()
    # Emitted at session time 5.0 (listener time 105.0), due at 5.5, lasting 1 s.
    w.event(_ev("say", "How many in reserve?", due=5.5, actual=5.0, dur=1.0), 105.0)
    assert w.muted(106.0, 106.2)  # during the clip
    assert w.muted(106.5 + TAIL - 0.05, 107.5)  # in the tail
    assert not w.muted(106.5 + TAIL + 0.01, 107.5)  # after the tail
    assert not w.muted(104.0, 105.4)  # before the clip


class _Recogniser:
    """Answers every utterance with one fixed word; records what it was asked."""

    def __init__(self, word: str | None):
        self.word = word
        self.calls = 0

    def decode(
        self, pcm: bytes, allowed: frozenset[str] | None = None, voiced: float | None = None
    ) -> Heard:
        self.calls += 1
        return Heard(self.word, self.word or "", 1.0, 0.3)


def _listener(word: str | None, clock: FakeClock) -> tuple[Listener, list[str], _Recogniser]:
    keys: list[str] = []
    rec = _Recogniser(word)
    return Listener(keys.append, rec, now=clock.now), keys, rec  # type: ignore[arg-type]


def test_listener_injects_the_rir_key_after_the_question() -> None:
    """A heard "three" after the RIR question injects the spoken three's key (not the typed
    "3": the engine confirms a spoken answer and lets "no" take it back)."""
    clock = FakeClock()
    listener, keys, _ = _listener("three", clock)
    listener(_ev("ask", "RIR"))
    key = listener.utterance(Utterance(clock.now() + 1, clock.now() + 1.4, b""))
    assert key == SPOKEN_NUMBER[3] and keys == [SPOKEN_NUMBER[3]]


def test_listener_does_not_decode_what_overlaps_the_coach() -> None:
    """An utterance during a coach clip is dropped before decoding."""
    clock = FakeClock()
    listener, keys, rec = _listener("done", clock)
    listener(_ev("set"))
    listener(_ev("say", "two", due=0.0, actual=0.0, dur=0.5))
    assert listener.utterance(Utterance(0.2, 0.6, b"")) is None
    assert keys == [] and rec.calls == 0


def test_listener_without_audible_output_does_not_mute() -> None:
    """With no audio output the coach cannot be heard, so its clips do not mute."""
    clock = FakeClock()
    keys: list[str] = []
    listener = Listener(keys.append, _Recogniser("done"), now=clock.now, mute=False)  # type: ignore[arg-type]
    listener(_ev("set"))
    listener(_ev("say", "two", due=0.0, actual=0.0, dur=0.5))
    assert listener.utterance(Utterance(0.2, 0.6, b"")) == "\n"


def test_listener_drops_a_rejected_utterance() -> None:
    """A rejected utterance (below the confidence threshold) injects nothing."""
    clock = FakeClock()
    listener, keys, _ = _listener(None, clock)
    listener(_ev("set"))
    assert listener.utterance(Utterance(1.0, 1.3, b"")) is None
    assert keys == []


class _Mic:
    """A microphone double: records pause/resume, delivers nothing."""

    def __init__(self) -> None:
        import queue
        import threading

        self.chunks: queue.Queue[tuple[bytes, float]] = queue.Queue()
        self.capturing = False
        self.paused = threading.Event()
        self.resumed = threading.Event()
        self.opened = False

    def open(self) -> None:
        self.opened = True  # open, not capturing: the listener resumes it for a window

    def pause(self) -> None:
        self.capturing = False
        self.resumed.clear()
        self.paused.set()

    def resume(self) -> None:
        self.capturing = True
        self.paused.clear()
        self.resumed.set()

    def close(self) -> None:
        pass


def test_capture_pauses_while_no_word_can_be_taken() -> None:
    """Opened idle, the microphone is not captured from; a set resumes it; a rest pauses it."""
    from voicecoach.inputs.listener import ListeningThread

    clock = FakeClock()
    listener, _, _ = _listener("done", clock)
    mic = _Mic()
    thread = ListeningThread(listener, mic, segmenter=_Seg())  # type: ignore[arg-type]
    thread.start()
    try:
        assert mic.opened and not mic.capturing
        listener(Event(0.0, 0.0, "set", ""))
        assert mic.resumed.wait(5)
        listener(Event(0.0, 0.0, "rest", ""))
        assert mic.paused.wait(5)
    finally:
        thread.close()


def test_a_listener_that_comes_up_during_the_question_hears_the_answer_at_once() -> None:
    """The events before the listener came are handed to it as it comes, not with the next
    event: the question waits seconds with none, and "three" said then must count."""
    from voicecoach.events import LateSink

    clock = FakeClock()
    listener, keys, _ = _listener("three", clock)
    late = LateSink()
    for e in (_ev("set"), _ev("ask", "RIR"), _ev("say", "How many in reserve?")):
        late(e)
    assert not listener.open
    late.attach(listener)
    assert listener.open and listener.windows.phase == "answer"
    at = clock.now() + 1
    assert listener.utterance(Utterance(at, at + 0.4, b"")) == SPOKEN_NUMBER[3]
    late(_ev("answer", "3"))  # later events as they happen
    assert not listener.open and keys == [SPOKEN_NUMBER[3]]
    gone = LateSink()
    gone(_ev("set"))
    gone.attach(None)
    gone(_ev("rest"))  # a part that never comes costs nothing


class _Seg:
    def reset(self) -> None:
        pass

    def feed(self, chunk: bytes, at: float) -> list[Utterance]:
        return []


def _sweep(lo: float, hi: float, seconds: float = 0.5, seed: int = 0) -> bytes:
    """A frequency sweep with a little noise: a stand-in 'word' whose shape is its pitch path."""
    t = np.arange(int(16000 * seconds)) / 16000
    f = lo + (hi - lo) * t / seconds
    a = 8000 * np.sin(2 * np.pi * np.cumsum(f) / 16000)
    a += np.random.default_rng(seed).normal(0, 50, len(t))
    return a.astype(np.int16).tobytes()


def _sweeps() -> Enrolment:
    """A lifter whose "three" rises and whose "five" falls (real features, real DTW)."""
    return Enrolment.from_takes(
        {
            "three": [_sweep(300, 2500, 0.5 + 0.03 * k, k) for k in range(3)],
            "five": [_sweep(2500, 300, 0.5 + 0.03 * k, k) for k in range(3)],
        }
    )


def test_listener_with_an_enrolment_keeps_the_grammars_word_only_in_the_lifters_sound() -> None:
    """The grammar proposes "five"; the lifter's takes put the utterance at their "three",
    so the takes' word is taken, not the grammar's; a sound near no take is refused."""
    clock = FakeClock()
    keys: list[str] = []
    rec = _Recogniser("five")  # the grammar heard the lifter's "three" as "five"
    listener = Listener(keys.append, rec, now=clock.now, enrolment=_sweeps())  # type: ignore[arg-type]
    listener(_ev("ask", "RIR"))
    at = clock.now() + 1
    three = _sweep(300, 2500, 0.52, 9)
    assert listener.utterance(Utterance(at, at + 0.5, three)) == SPOKEN_NUMBER[3]
    hum = _sweep(900, 950, 0.52, 9)  # near neither word's takes
    assert listener.utterance(Utterance(at + 1, at + 1.5, hum)) is None
    rec.word = "five"
    five = _sweep(2500, 300, 0.52, 9)
    assert listener.utterance(Utterance(at + 2, at + 2.5, five)) == SPOKEN_NUMBER[5]
    assert keys == [SPOKEN_NUMBER[3], SPOKEN_NUMBER[5]]


def test_listener_with_an_enrolment_hears_a_word_the_grammar_missed() -> None:
    """The grammar proposes nothing (its coverage rule dropped the word); the lifter's takes
    name it, but only in a window where it is live."""
    clock = FakeClock()
    keys: list[str] = []
    rec = _Recogniser(None)
    listener = Listener(keys.append, rec, now=clock.now, enrolment=_sweeps())  # type: ignore[arg-type]
    listener(_ev("set", "Row"))
    at = clock.now() + 1
    three = _sweep(300, 2500, 0.52, 9)
    assert listener.utterance(Utterance(at, at + 0.5, three)) is None  # not live in a set
    listener(_ev("ask", "RIR"))
    at = clock.now() + 1
    assert listener.utterance(Utterance(at, at + 0.5, three)) == SPOKEN_NUMBER[3]
    assert keys == [SPOKEN_NUMBER[3]]
