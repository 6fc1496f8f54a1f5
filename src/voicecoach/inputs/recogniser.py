"""Offline recognition of the command words: pocketsphinx 5 with its bundled en-US model.

Why pocketsphinx: it is the only recogniser found on PyPI whose English model
installs with it and needs no download at run time (vosk's English models,
openWakeWord's, moonshine-voice's and sherpa-onnx's are all fetched from a
hub on first use; see docs/listening.md). It decodes a short utterance in a
few milliseconds on one core.

How: each utterance (cut by the voice-activity detector in :mod:`.segments`)
is decoded against a JSGF grammar of the words live at that moment. A closed
grammar always names *some* command, so a word is taken only if it explains
most of the utterance's voiced time (``coverage``) and the utterance is
short, as a command is. Thresholds are measured by ``bench/recognition.py``.
Optional *decoys* are decoded beside the commands as a garbage model (an
utterance decoded as one is dropped); the bench measures the decoys of
``bench/decoys.py`` that way, and they cost too many real answers to be
used in a run (docs/listening.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from voicecoach.inputs.commands import LISTENED, VOCABULARY

RATE = 16000
FRAME = 0.01  # pocketsphinx's frame shift
MIN_COVERAGE = 0.6  # the word must span this share of the voiced time
MAX_SECONDS = 1.6  # voiced speech longer than this is a sentence, not a command
MIN_SECONDS = 0.12  # shorter is a click or a cough
_SKIP = {"<sil>", "<s>", "</s>", "(NULL)", "[NOISE]", "[SPEECH]"}


class RecogniserUnavailable(RuntimeError):
    """pocketsphinx is not installed or its model did not load."""


@dataclass(frozen=True)
class Heard:
    """What one utterance was taken as (``word`` None: rejected) and why."""

    word: str | None
    text: str  # the raw hypothesis
    coverage: float  # share of voiced frames the hypothesis spans, 0..1
    voiced: float  # seconds of voiced speech in the utterance

    @property
    def accepted(self) -> bool:
        return self.word is not None


def grammar(words: tuple[str, ...] = VOCABULARY, decoys: tuple[str, ...] = ()) -> str:
    """A JSGF grammar that matches exactly one command or one decoy (none a command)."""
    alternatives = " | ".join(words + decoys)
    return f"#JSGF V1.0;\ngrammar commands;\npublic <command> = {alternatives};\n"


def voiced_frames(pcm: bytes) -> int:
    """10 ms frames within 20 dB of the utterance's loudest frame: the part that is speech."""
    import numpy as np

    a = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
    n = len(a) // 160
    if n == 0:
        return 0
    rms = np.sqrt(np.mean(a[: n * 160].reshape(n, 160) ** 2, axis=1))
    return int(np.count_nonzero(rms >= max(rms.max() / 10.0, 60.0)))


class Recogniser:
    """Decode one utterance (16 kHz mono s16le) to a command word, or reject it."""

    def __init__(
        self,
        min_coverage: float = MIN_COVERAGE,
        words: tuple[str, ...] = LISTENED,
        decoys: tuple[str, ...] = (),
    ):
        try:
            from pocketsphinx import Decoder, get_model_path
        except ImportError as exc:
            raise RecogniserUnavailable(
                f"pocketsphinx is not installed ({exc}); pip install 'voicecoach[listen]'"
            ) from None
        model = get_model_path()
        try:
            self._decoder = Decoder(
                hmm=os.path.join(model, "en-us", "en-us"),
                dict=os.path.join(model, "en-us", "cmudict-en-us.dict"),
                samprate=RATE,
                loglevel="FATAL",
            )
        except (RuntimeError, ValueError) as exc:
            raise RecogniserUnavailable(f"pocketsphinx did not load its model ({exc})") from None
        self.words = words
        self.decoys = decoys
        self.min_coverage = min_coverage
        self._searches: dict[frozenset[str], str] = {}

    def _search(self, words: frozenset[str]) -> None:
        """Activate a grammar of just these words and the decoys. Decoding only what the
        moment allows matters: espeak's "done" is heard as "go on" when both are in one
        grammar. The other commands are not decoys: "one" would swallow "done"."""
        name = self._searches.get(words)
        if name is None:
            name = self._searches[words] = f"g{len(self._searches)}"
            live = tuple(w for w in self.words if w in words)
            decoys = tuple(d for d in self.decoys if d not in self.words)
            self._decoder.add_jsgf_string(name, grammar(live, decoys))
        self._decoder.activate_search(name)

    def decode(
        self, pcm: bytes, allowed: frozenset[str] | None = None, voiced: float | None = None
    ) -> Heard:
        """The command in this utterance (one of ``allowed``, default all), or a rejection.

        ``voiced`` is the seconds of speech the voice-activity detector found in it;
        without one (a clip decoded on its own) it is measured from the energy.
        """
        self._search(allowed if allowed else frozenset(self.words))
        seconds = voiced if voiced is not None else voiced_frames(pcm) * FRAME
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            return Heard(None, "", 0.0, seconds)
        d = self._decoder
        d.start_utt()
        d.process_raw(pcm, full_utt=True)
        d.end_utt()
        hyp = d.hyp()
        text = hyp.hypstr if hyp is not None else ""
        spanned = FRAME * sum(
            s.end_frame - s.start_frame + 1 for s in (d.seg() or []) if s.word not in _SKIP
        )
        coverage = min(1.0, spanned / seconds) if seconds else 0.0
        word = text if text in self.words and coverage >= self.min_coverage else None
        return Heard(word, text, coverage, seconds)
