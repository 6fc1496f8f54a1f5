"""A lifter's own voice, enrolled once, as a second check on every word the grammar proposes.

The grammar (:mod:`.recogniser`) always names *some* live word, so a
neighbour's "fine" comes out as "five". The enrolment holds three takes of
each word the listener knows, said by the lifter (``voicecoach mic-train``),
as features (:mod:`.voiceprint`). A proposed word is kept only when

- of all the enrolled words, it is the proposed one whose takes are nearest
  to the utterance (so "fine", nearer to nothing in particular, or to "nine"
  had it been enrolled, loses to whatever it resembles more), and
- it is within that word's threshold, calibrated from the takes themselves:
  each take is compared with the other takes of its word (leave one out),
  and the threshold is ``MARGIN`` times the farthest of those, never less
  than ``MARGIN`` times the median over all words (three takes are few).

Another voice saying the right word is farther from the lifter's takes than
the lifter's own repeats are, so it fails the threshold: the check is also
a speaker check.

Why features and not audio: the file is a few hundred kB instead of a few
MB, it cannot be played back (it is a voice, kept on the lifter's disk),
and a run loads it in milliseconds. The cost: a change to the features
needs a new enrolment, so the file names its feature set and ``VERSION``,
and a file of any other version is refused with how to make a new one.
"""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from voicecoach.inputs import voiceprint
from voicecoach.inputs.commands import LISTENED
from voicecoach.paths import ENROLMENT_LIMIT, read_text, why_unreadable

VERSION = 1
FORMAT = "voicecoach-enrolment"
FEATURES = {
    "kind": "mfcc-cmn",
    "rate": voiceprint.RATE,
    "hop": voiceprint.HOP,
    "cepstra": voiceprint.CEPSTRA,
    "mels": voiceprint.MELS,
}
WORDS: tuple[str, ...] = LISTENED  # every word a run can take
TAKES = 3
MARGIN = 1.3  # how far past the farthest repeat a word may be and still be the lifter's
REDO = "run 'voicecoach mic-train' to enrol again"


class EnrolmentError(ValueError):
    """The enrolment file is unreadable, from another version, or not an enrolment."""


def calibrate(templates: dict[str, list[np.ndarray]]) -> dict[str, float]:
    """Each word's threshold from its own takes, leave-one-out (see the module docstring)."""
    spread: dict[str, list[float]] = {}
    for word, takes in templates.items():
        spread[word] = []
        for k, take in enumerate(takes):
            others = takes[:k] + takes[k + 1 :]
            if not others:
                continue  # one take has no repeat to measure: the pooled median stands in
            spread[word].append(float(voiceprint.distances(take, others).min()))
    finite = [d for ds in spread.values() for d in ds if np.isfinite(d)]
    pooled = statistics.median(finite) if finite else 0.0
    return {
        w: MARGIN * max(max((d for d in ds if np.isfinite(d)), default=pooled), pooled)
        for w, ds in spread.items()
    }


@dataclass(frozen=True)
class Verdict:
    """What the check made of one proposed word."""

    accepted: bool
    word: str
    nearest: str  # the enrolled word nearest to the utterance
    distance: float  # to the proposed word's nearest take
    threshold: float


@dataclass
class Enrolment:
    """Takes (features) per word and each word's threshold."""

    templates: dict[str, list[np.ndarray]]
    thresholds: dict[str, float] = field(default_factory=dict)
    microphone: str = ""

    def __post_init__(self) -> None:
        if not self.thresholds:
            self.thresholds = calibrate(self.templates)
        self._flat = [t for w in self.templates for t in self.templates[w]]
        self._owner = [w for w in self.templates for _ in self.templates[w]]

    @classmethod
    def from_takes(cls, takes: dict[str, list[bytes]], microphone: str = "") -> Enrolment:
        """From the recorded takes (16 kHz mono s16le), thresholds calibrated."""
        return cls(
            {w: [voiceprint.features(pcm) for pcm in pcms] for w, pcms in takes.items()},
            microphone=microphone,
        )

    def verdict(self, pcm: bytes, word: str) -> Verdict:
        """Is this utterance the lifter saying ``word``? (see the module docstring)"""
        return self.judge(voiceprint.features(pcm), word)

    def judge(self, heard: np.ndarray, word: str) -> Verdict:
        """The verdict on an utterance's features (:func:`.voiceprint.features`)."""
        threshold = self.thresholds.get(word, 0.0)
        if word not in self.templates:
            return Verdict(False, word, "", float("inf"), threshold)
        d = voiceprint.distances(heard, self._flat)
        best: dict[str, float] = {}
        for owner, x in zip(self._owner, d, strict=True):
            best[owner] = min(best.get(owner, float("inf")), float(x))
        nearest = min(best, key=lambda w: best[w])
        mine = best[word]
        return Verdict(nearest == word and mine <= threshold, word, nearest, mine, threshold)

    def accepts(self, pcm: bytes, word: str) -> bool:
        return self.verdict(pcm, word).accepted

    # --- the file ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "features": FEATURES,
            "microphone": self.microphone,
            "words": {
                w: {
                    "threshold": round(self.thresholds[w], 5),
                    "takes": [np.round(t, 4).tolist() for t in takes],
                }
                for w, takes in self.templates.items()
            },
        }

    def save(self, path: Path) -> None:
        """Write atomically: a run reading it meanwhile sees the old file or the new one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)


def _takes(path: Path, word: str, raw: object) -> list[np.ndarray]:
    if not isinstance(raw, list) or not raw:
        raise EnrolmentError(f"{path}: the word {word!r} has no takes; {REDO}")
    out = []
    for take in raw:
        try:
            a = np.asarray(take, dtype=np.float64)
        except (TypeError, ValueError):
            raise EnrolmentError(f"{path}: a take of {word!r} is not numbers; {REDO}") from None
        if a.ndim != 2 or a.shape[1] != voiceprint.CEPSTRA or not np.isfinite(a).all():
            raise EnrolmentError(f"{path}: a take of {word!r} has the wrong shape; {REDO}")
        out.append(a)
    return out


def parse(path: Path, text: str) -> Enrolment:
    """An enrolment from its file's text, every field checked; EnrolmentError otherwise."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EnrolmentError(f"{path}:{exc.lineno}: not JSON ({exc.msg}); {REDO}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise EnrolmentError(f"{path}: not a voicecoach enrolment; {REDO}")
    if doc.get("version") != VERSION or doc.get("features") != FEATURES:
        raise EnrolmentError(
            f"{path}: made by another version of voicecoach (version {doc.get('version')!r}, "
            f"this one reads {VERSION}); {REDO}"
        )
    words = doc.get("words")
    if not isinstance(words, dict):
        raise EnrolmentError(f"{path}: no words; {REDO}")
    missing = [w for w in WORDS if w not in words]
    if missing:
        raise EnrolmentError(f"{path}: {', '.join(missing)} not enrolled; {REDO}")
    templates: dict[str, list[np.ndarray]] = {}
    thresholds: dict[str, float] = {}
    for w in WORDS:
        entry = words[w]
        if not isinstance(entry, dict):
            raise EnrolmentError(f"{path}: the word {w!r} is not an object; {REDO}")
        templates[w] = _takes(path, w, entry.get("takes"))
        th = entry.get("threshold")
        if isinstance(th, bool) or not isinstance(th, (int, float)) or not 0 < th < 1e6:
            raise EnrolmentError(f"{path}: the word {w!r} has no valid threshold; {REDO}")
        thresholds[w] = float(th)
    mic = doc.get("microphone", "")
    return Enrolment(templates, thresholds, mic if isinstance(mic, str) else "")


def load(path: Path) -> Enrolment | None:
    """The enrolment at ``path``, None if there is none; EnrolmentError if it is unusable."""
    try:
        text = read_text(path, ENROLMENT_LIMIT)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        why = why_unreadable(exc) if isinstance(exc, OSError) else "not UTF-8 text"
        raise EnrolmentError(f"{path}: cannot read it ({why}); {REDO}") from None
    return parse(path, text)


def status(path: Path) -> tuple[bool, str]:
    """(usable, one line) for ``doctor`` and ``mic-test``."""
    try:
        enrolment = load(path)
    except EnrolmentError as exc:
        return False, str(exc)
    if enrolment is None:
        return (
            True,
            "no voice enrolment: any voice's word the grammar matches is taken; "
            "'voicecoach mic-train' enrols yours (about two minutes)",
        )
    takes = sum(len(t) for t in enrolment.templates.values())
    return True, (
        f"voice enrolment: {len(enrolment.templates)} words, {takes} takes ({path}); "
        "only your voice's words are taken"
    )
