"""The listener: microphone → utterances → command words → keys, on its own thread.

It is also an event sink of the session: the events say which words are live
(:class:`~voicecoach.inputs.commands.Windows`) and when the coach is speaking,
so it never takes the coach's own voice for an answer. With a voice enrolment
(``voicecoach mic-train``), the lifter's takes have the last word
(:mod:`.enrolled_ear`): the grammar's word stands when it sounds like the
lifter saying it, and the takes may name a word the grammar missed when it is
clearly the nearest of them. A word it takes is
injected as the key a keyboard would send; the engine then confirms it aloud
the same way ("Two in reserve.").
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from voicecoach.events import Event
from voicecoach.inputs.commands import WINDOWS, Windows, key_for
from voicecoach.inputs.enrolled_ear import Ear
from voicecoach.inputs.enrolment import Enrolment
from voicecoach.inputs.microphone import Microphone, MicrophoneUnavailable
from voicecoach.inputs.recogniser import MAX_SECONDS, MIN_SECONDS, Heard, Recogniser
from voicecoach.inputs.segments import Segmenter, Utterance
from voicecoach.inputs.voiceprint import analyse


class Listener:
    """Turns spoken commands into keys for ``inject``, only when and what the session allows."""

    def __init__(
        self,
        inject: Callable[[str], None],
        recogniser: Recogniser,
        now: Callable[[], float] = time.monotonic,
        heard: Callable[[str], None] | None = None,
        mute: bool = True,
        enrolment: Enrolment | None = None,
    ):
        self.inject = inject
        self.recogniser = recogniser
        self.enrolment = enrolment
        self.ear = Ear()
        self.now = now
        self.heard = heard
        # Muting is for a coach the microphone can hear; with no audio output there is none.
        self.windows = Windows(tail=0.0) if not mute else Windows()
        self.mute = mute
        self._lock = threading.Lock()
        # Set while a window is open: the listening thread sleeps on it through a rest.
        self.opened = threading.Event()

    # --- the session side -------------------------------------------------------------
    def __call__(self, event: Event) -> None:
        """An event sink: follow the session's phase and the coach's clips."""
        if not self.mute and event.kind in ("say", "sound"):
            return
        with self._lock:
            self.windows.event(event, self.now())
            if self.windows.listening:
                self.opened.set()
            else:
                self.opened.clear()

    @property
    def open(self) -> bool:
        """True while some word can be taken: only then is the audio worth analysing."""
        with self._lock:
            return self.windows.listening

    # --- the audio side ------------------------------------------------------------------
    def utterance(self, utt: Utterance) -> str | None:
        """Decide on one utterance; returns the key injected, if any."""
        with self._lock:
            if not self.windows.listening or self.windows.muted(utt.start, utt.end):
                return None
            allowed = WINDOWS[self.windows.phase]
        result: Heard = self.recogniser.decode(utt.pcm, allowed, utt.voiced)
        word = result.word
        if self.enrolment is not None:
            word = self._enrolled(self.enrolment, utt, result, allowed)
        if word is None:
            return None
        with self._lock:
            # The window may have closed while decoding (an answer came by key).
            if not self.windows.accepts(word):
                return None
        key = key_for(word)
        if self.heard is not None:
            self.heard(word)
        self.inject(key)
        return key

    def _enrolled(
        self, enrolment: Enrolment, utt: Utterance, result: Heard, allowed: frozenset[str]
    ) -> str | None:
        """The word the lifter's takes make of the utterance, given the grammar's: a
        neighbour's voice or a word nearer another word's takes is refused."""
        if not MIN_SECONDS <= result.voiced <= MAX_SECONDS:
            return None  # a sentence or a click, whatever the takes say: no command
        return self.ear.word(enrolment.scores(analyse(utt.pcm)), result.word, allowed)


IDLE_POLL = 0.1  # seconds a wait for the next chunk lasts while a window is open
IDLE_WAKE = 1.0  # the longest sleep through a rest (a window opening wakes it at once)


class ListeningThread:
    """Runs a :class:`Listener` on a microphone until closed."""

    def __init__(
        self,
        listener: Listener,
        mic: Microphone,
        segmenter: Segmenter | None = None,
        on_error: Callable[[str], None] | None = None,
    ):
        self.listener = listener
        self.mic = mic
        self.on_error = on_error
        # Loaded here, not on the thread, so a missing detector is the caller's error.
        self.segmenter = segmenter if segmenter is not None else Segmenter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="voicecoach-listen", daemon=True)

    def start(self) -> None:
        self.mic.open()  # captured from only once a window opens (the loop resumes it)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._listen()
        except MicrophoneUnavailable as exc:  # unplugged mid-session: keys still work
            if self.on_error is not None:
                self.on_error(f"stopped listening: {exc}. Keys work as always.")

    def _listen(self) -> None:
        segmenter = self.segmenter
        while not self._stop.is_set():
            # In rests and announcements no word counts, so the microphone is not even
            # read: a rest costs what it costs without listening (bench/listen_cpu.py).
            if not self.listener.open:
                if self.mic.capturing:
                    self.mic.pause()
                    segmenter.reset()
                self.listener.opened.wait(IDLE_WAKE)
                continue
            if not self.mic.capturing:
                self.mic.resume()
            try:
                chunk, at = self.mic.chunks.get(timeout=IDLE_POLL)
            except queue.Empty:
                continue
            if not self.listener.open:
                continue  # captured before the pause took effect
            for utt in segmenter.feed(chunk, at):
                self.listener.utterance(utt)

    def close(self) -> None:
        self._stop.set()
        self.listener.opened.set()  # wake a thread asleep through a rest
        if self._thread.is_alive():  # first, so the thread never resumes a closed device
            self._thread.join(timeout=2)
        self.mic.close()
