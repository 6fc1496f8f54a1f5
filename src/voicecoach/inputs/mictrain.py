"""``voicecoach mic-train``: three good takes of every word, prompted aloud and on screen.

Every word a run can take, then the near words (:data:`.enrolment.NEAR_WORDS`:
"fine", "floor", ...), which a run never takes but which teach the enrolment
what the lifter's non-answers next to an answer sound like.

The microphone runs the whole time; what it captured before a prompt ended
(plus the echo tail) is dropped by the capture times, so the coach's own
"Say: three" is never a take. Each take is cut by the listener's own
detector, as a run will cut the word, and checked: some speech, no longer
than a command, not clipped, not too quiet. A bad take is said to be bad
(why, and what to do) and asked for again.

Waiting is on the audio's own clock (the capture times of the chunks), so
the tests drive it with chunks of rendered speech and no sleeps; only a
microphone that delivers nothing at all is timed by the wall clock.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from voicecoach.inputs import voiceprint
from voicecoach.inputs.commands import TAIL
from voicecoach.inputs.enrolment import ENROLLED, TAKES, WORDS, Enrolment
from voicecoach.inputs.microphone import MicrophoneUnavailable
from voicecoach.inputs.recogniser import MAX_SECONDS, MIN_SECONDS
from voicecoach.inputs.segments import Segmenter, Utterance

LISTEN = 5.0  # seconds of audio after a prompt to say the word in
ATTEMPTS = 4  # bad takes of one word in a row before giving up
SILENT_DEVICE = 3.0  # wall-clock seconds without a single chunk: the microphone is dead
CLIPPED = 32000  # |sample| at or above this is a clipped one
CLIPPED_SHARE = 0.002  # more than this share of clipped samples: a clipped take
QUIET_DBFS = -35.0  # a take whose loudest 10 ms is below this is too quiet to trust


class Capture(Protocol):
    """What mic-train needs of a :class:`~voicecoach.inputs.microphone.Microphone`."""

    name: str
    chunks: queue.Queue[tuple[bytes, float]]

    def start(self) -> None: ...

    def close(self) -> None: ...


class TrainingFailed(RuntimeError):
    """A word got no good take in ``ATTEMPTS`` tries."""


def take_problem(utt: Utterance | None) -> str | None:
    """Why a take cannot be a template (what to do about it), or None for a good one."""
    if utt is None:
        return "heard nothing: say the word after the prompt, a hand's width from the microphone"
    a = np.frombuffer(utt.pcm, dtype=np.int16).astype(np.float64)
    if len(a) == 0 or utt.voiced < MIN_SECONDS:
        return "too short to be the word: say it whole"
    if utt.voiced > MAX_SECONDS:
        return "too long: say just the word, then stop"
    if np.count_nonzero(np.abs(a) >= CLIPPED) > CLIPPED_SHARE * len(a):
        return "too loud (clipped): speak softer or move the microphone away"
    n = len(a) // 160
    loudest = float(np.sqrt(np.max(np.mean(a[: n * 160].reshape(n, 160) ** 2, axis=1))))
    if 20 * np.log10(max(loudest, 1e-9) / 32768.0) < QUIET_DBFS:
        return "too quiet: speak up or bring the microphone closer"
    if len(voiceprint.features(utt.pcm)) < voiceprint.MIN_FRAMES:
        return "too short to be the word: say it whole"
    return None


@dataclass
class Training:
    """The takes so far, and what was wrong with the bad ones (for ``--json``)."""

    takes: dict[str, list[bytes]] = field(default_factory=dict)
    redone: dict[str, list[str]] = field(default_factory=dict)


def prompt(word: str, take: int) -> str:
    return f"Say: {word}." if take == 0 else f"Again: {word}."


def record_take(
    mic: Capture, segmenter: Segmenter, after: float, wall: Callable[[], float]
) -> Utterance | None:
    """The first utterance captured after ``after`` (the prompt's end), within ``LISTEN``
    seconds of audio; None if the lifter said nothing."""
    segmenter.reset()
    last_chunk = wall()
    while True:
        try:
            chunk, at = mic.chunks.get(timeout=0.2)
        except queue.Empty:
            if wall() - last_chunk > SILENT_DEVICE:
                raise MicrophoneUnavailable(
                    f"the microphone {mic.name!r} delivers no sound (muted or unplugged?)"
                ) from None
            continue
        last_chunk = wall()
        if at <= after:
            continue  # the prompt itself, or its echo
        if at > after + LISTEN:
            return None
        for utt in segmenter.feed(chunk, at):
            if utt.start >= after:
                return utt


def train(
    mic: Capture,
    say: Callable[[str], float],
    show: Callable[[str], None],
    wall: Callable[[], float],
    segmenter: Segmenter | None = None,
    words: tuple[str, ...] = ENROLLED,
) -> tuple[Enrolment, Training]:
    """Prompt for and record ``TAKES`` good takes of each word; the enrolment they make.

    ``say(text)`` speaks a prompt and returns the capture-clock time its sound
    ended; ``show`` prints a line. Raises TrainingFailed, MicrophoneUnavailable.
    """
    segmenter = segmenter if segmenter is not None else Segmenter()
    done = Training()
    mic.start()
    try:
        for n, word in enumerate(words, 1):
            done.takes[word] = []
            done.redone[word] = []
            while len(done.takes[word]) < TAKES:
                k = len(done.takes[word])
                near = "" if word in WORDS else ", not an answer: so the coach can tell them apart"
                show(f"[{n}/{len(words)}] say {word!r} (take {k + 1} of {TAKES}{near})")
                ended = say(prompt(word, k))
                utt = record_take(mic, segmenter, ended + TAIL, wall)
                problem = take_problem(utt)
                if problem is None and utt is not None:
                    done.takes[word].append(utt.pcm)
                    continue
                done.redone[word].append(str(problem))
                show(f"  again: {problem}")
                if len(done.redone[word]) >= ATTEMPTS:
                    raise TrainingFailed(
                        f"no good take of {word!r} in {ATTEMPTS} tries (last: {problem}); "
                        "check the microphone with 'voicecoach mic-test'"
                    )
    finally:
        mic.close()
    return Enrolment.from_takes(done.takes, microphone=mic.name), done
