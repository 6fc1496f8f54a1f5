"""A candidate ear for the recognition bench: the grammar proposes, Whisper confirms.

pocketsphinx's closed grammar always names *some* command, so "fine" comes
out as five and "ten" as done. Whisper decodes the same utterance freely
(no grammar, no prompt); the grammar's word is kept only when Whisper's
transcript is that word, or a word that sounds the same (:data:`SAME_SOUND`).
Whisper alone is a poor command listener (tiny.en hears "five" as "bye"), but
it rarely turns "fine" into "five": as a veto it may remove the false accepts
without adding its misses to the grammar's, only where both agree.

Bench only: faster-whisper is not a runtime dependency of voicecoach.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import whisper_ear  # first: it puts src/ on the path when run from a checkout
from voicecoach.inputs.recogniser import Heard

# The spellings Whisper may write for the sound of a command or reply word. Digits are
# turned into words first (whisper_ear.normalise), so "5" is already "five". Only true
# homophones: a near miss ("gone" for "go on", "fine" for "five") is what the veto is for.
SAME_SOUND: dict[str, frozenset[str]] = {
    "zero": frozenset(),
    "one": frozenset({"won"}),
    "two": frozenset({"to", "too"}),
    "three": frozenset(),
    "four": frozenset({"for", "fore"}),
    "five": frozenset(),
    "done": frozenset({"dun"}),
    "skip": frozenset(),
    "repeat": frozenset(),
    "pause": frozenset({"paws"}),
    "go on": frozenset(),
    "yes": frozenset(),
    "no": frozenset({"know"}),
    "undo": frozenset({"undue", "un do"}),
}
_PUNCTUATION = re.compile(r"[^a-z ]+")


def words_of(transcript: str) -> str:
    """A transcript as bare lower-case words: digits spelt out, punctuation and hyphens gone."""
    text = whisper_ear.normalise(transcript).replace("-", " ")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def agrees(word: str, transcript: str) -> bool:
    """True if Whisper's whole transcript is ``word`` or one of its homophones.

    The whole transcript, not a word in it: "one more set" is not "one".
    """
    heard = words_of(transcript)
    return heard == word or heard in SAME_SOUND.get(word, frozenset())


EARS = ("tiny.en", "base")


def ear_available(name: str) -> bool:
    """Whether faster-whisper and this ear's weights are installed (the bench extra)."""
    return whisper_ear.tiny_available() if name == "tiny.en" else whisper_ear.available()


def load_ear(name: str, threads: int) -> Callable[[bytes], str]:
    """A function from one utterance (16 kHz s16le) to Whisper's free transcript.

    Greedy decoding at temperature 0 with no fallback: a command is one word, a
    beam of five finds the same word on these clips, and the fallback's re-decodes
    would only add latency to utterances Whisper is unsure of, which are vetoed anyway.
    """
    from faster_whisper import WhisperModel

    import whisper_ear

    folder: Path = whisper_ear.tiny_model_dir() if name == "tiny.en" else whisper_ear.model_dir()
    model: Any = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)

    def hear(pcm: bytes) -> str:
        audio = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        segments, _info = model.transcribe(
            audio,
            language="en",
            beam_size=1,
            temperature=0.0,
            vad_filter=False,  # the listener's detector already cut the utterance
            condition_on_previous_text=False,
            without_timestamps=True,
        )
        return " ".join(s.text.strip() for s in segments)

    return hear


class SecondOpinion:
    """A recogniser: the grammar's decision, vetoed unless Whisper hears the same word.

    ``cache`` maps an utterance's audio to (transcript, seconds): the bench decodes
    one utterance in several windows, and Whisper's free transcript does not depend
    on the window. A cached answer still costs its measured seconds, so the
    latency is that of a listener that decodes each utterance once.
    """

    def __init__(
        self,
        grammar: Any,
        hear: Callable[[bytes], str],
        cache: dict[bytes, tuple[str, float]],
    ) -> None:
        self.grammar = grammar
        self.hear = hear
        self.cache = cache
        self.whisper_s = 0.0  # Whisper's measured seconds for the last utterance decoded
        self.spent = 0.0  # of which really spent in this call (0 when cached)
        self.transcript: str | None = None  # Whisper's text for the last decode, if asked

    def decode(
        self, pcm: bytes, allowed: frozenset[str] | None = None, voiced: float | None = None
    ) -> Heard:
        proposed = self.grammar.decode(pcm, allowed, voiced)
        self.whisper_s, self.spent, self.transcript = 0.0, 0.0, None
        if proposed.word is None:
            return proposed
        if pcm not in self.cache:
            t = time.perf_counter()
            text = self.hear(pcm)
            self.spent = time.perf_counter() - t
            self.cache[pcm] = (text, self.spent)
        self.transcript, self.whisper_s = self.cache[pcm]
        if agrees(proposed.word, self.transcript):
            return proposed
        return Heard(None, proposed.text, proposed.coverage, proposed.voiced)
