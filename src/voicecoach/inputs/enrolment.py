"""A lifter's own voice, enrolled once: a check on the words the grammar proposes, and the
scores an ear of its own decides from (:mod:`.enrolled_ear`, the run's path).

The grammar (:mod:`.recogniser`) always names *some* live word, so a
neighbour's "fine" comes out as "five". The enrolment holds three takes of
each word the listener knows, said by the lifter (``voicecoach mic-train``),
as features (:mod:`.voiceprint`). A proposed word is kept only when

- of all the enrolled words, near words included, it is the proposed one
  whose takes are nearest to the utterance (so the lifter's "fine", nearer
  their takes of "fine" than of "five", is refused), and
- it is within that word's threshold, calibrated from the takes themselves:
  each take is compared with the other takes of its word (leave one out),
  and the threshold is ``MARGIN`` times the farthest of those, never less
  than ``MARGIN`` times the median over all words (three takes are few).

Noise: a word heard in a noisy gym is compared with the takes *with that
noise added to them* (:func:`.voiceprint.adapt`), and the leave-one-out is
done twice at mic-train time: once on the takes as recorded (the quiet
threshold) and once on the takes with pink noise at ``NOISY_SNR`` dB added
(the noisy threshold: a word in noise never matches its takes as closely as
in quiet). A run interpolates between the two by the heard word's own
signal-to-noise ratio; below ``NOISY_SNR`` the noisy one stands, so a word
drowned deeper is refused rather than guessed.

Another voice saying the right word is farther from the lifter's takes than
the lifter's own repeats are, so it fails the threshold: the check is also
a speaker check.

Near words: three takes of "five" cannot tell it from the same voice's
"fine", which the grammar also hears as five (its coverage is full). So
mic-train also asks for a few words one sound away from an answer
(``NEAR_WORDS``: "fine", "fight", "floor", "door", "gone", "hero"), which a
run never takes. An utterance nearer one of those than to any answer is
refused, by the check and by the ear alike: the near word gives a non-answer
somewhere else to go. They were chosen as common one-phone neighbours of the
numbers and of "done", none of them a word the bench holds out. "free" was
tried and left out: in noise it is nearer the lifter's own "three" about as
often as "three" itself, so it cost more answers than the false ones it
saved. An enrolment made before near words existed still works, without
them.

Why features and not audio: the file is a few hundred kB instead of a few
MB, it cannot be played back (it is a voice, kept on the lifter's disk),
and a run loads it in milliseconds. The features kept are the takes' clean
mel-band levels (not their cepstra), because the noise is added in that
domain. The cost: a change to the features needs a new enrolment, so the
file names its feature set and ``VERSION``, and a file of any other version
is refused with how to make a new one.
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

VERSION = 2
FORMAT = "voicecoach-enrolment"
FEATURES = {
    "kind": "mel-db, noise added at compare time",
    "rate": voiceprint.RATE,
    "hop": voiceprint.HOP,
    "mels": voiceprint.MELS,
    "cepstra": voiceprint.CEPSTRA,
}
WORDS: tuple[str, ...] = LISTENED  # every word a run can take
NEAR_WORDS: tuple[str, ...] = ("fine", "fight", "floor", "door", "gone", "hero")
ENROLLED: tuple[str, ...] = WORDS + NEAR_WORDS  # what mic-train asks for
TAKES = 3
MARGIN = 1.3  # how far past the farthest repeat a word may be and still be the lifter's
QUIET_SNR = 30.0  # dB: at or above this a word is heard as in quiet
NOISY_SNR = 10.0  # dB: the noise the noisy threshold is calibrated in
NOISY_REPEATS = 2  # noisy versions of each take (different noise each)
SEED = 10  # the calibration noise is seeded: one set of takes, one set of thresholds
REDO = "run 'voicecoach mic-train' to enrol again"


class EnrolmentError(ValueError):
    """The enrolment file is unreadable, from another version, or not an enrolment."""


@dataclass(frozen=True)
class Threshold:
    """How far from its takes a word may be: in quiet, and at ``NOISY_SNR`` dB."""

    quiet: float
    noisy: float

    def at(self, snr_db: float) -> float:
        """Linear in dB between the two calibration points, flat beyond them."""
        share = (np.clip(snr_db, NOISY_SNR, QUIET_SNR) - NOISY_SNR) / (QUIET_SNR - NOISY_SNR)
        return float(share * self.quiet + (1.0 - share) * self.noisy)


def nearest(heard: voiceprint.Heard, takes: list[np.ndarray]) -> float:
    """The distance of a heard word to the nearest of ``takes``, each adapted to its noise."""
    word = voiceprint.cepstra(heard.mel)
    return float(voiceprint.distances(word, [voiceprint.adapt(t, heard) for t in takes]).min())


def limits(spread: dict[str, list[float]]) -> dict[str, float]:
    """``MARGIN`` times each word's farthest repeat, floored at the median over all words;
    a word with no finite repeat (one take) gets the median."""
    finite = {w: [d for d in ds if np.isfinite(d)] for w, ds in spread.items()}
    pooled = statistics.median([d for ds in finite.values() for d in ds] or [0.0])
    return {w: MARGIN * max(max(ds, default=pooled), pooled) for w, ds in finite.items()}


def calibrate(
    takes: dict[str, list[bytes]], templates: dict[str, list[np.ndarray]]
) -> dict[str, Threshold]:
    """Each word's thresholds from its own takes, leave-one-out (see the module docstring)."""
    rng = np.random.default_rng(SEED)
    quiet: dict[str, list[float]] = {}
    noisy: dict[str, list[float]] = {}
    for word, pcms in takes.items():
        quiet[word], noisy[word] = [], []
        for k, pcm in enumerate(pcms):
            others = templates[word][:k] + templates[word][k + 1 :]
            if not others:
                continue  # one take has no repeat to measure: the pooled median stands in
            quiet[word].append(nearest(voiceprint.analyse(pcm), others))
            for _ in range(NOISY_REPEATS):
                heard = voiceprint.analyse(voiceprint.with_noise(pcm, NOISY_SNR, rng))
                noisy[word].append(nearest(heard, others))
    q, n = limits(quiet), limits(noisy)
    return {w: Threshold(q[w], n[w]) for w in takes}


@dataclass(frozen=True)
class Verdict:
    """What the check made of one proposed word."""

    accepted: bool
    word: str
    nearest: str  # the enrolled word nearest to the utterance
    distance: float  # to the proposed word's nearest take
    threshold: float  # at the utterance's signal-to-noise ratio


@dataclass(frozen=True)
class Scores:
    """One utterance against every enrolled word: computed once, then judged by any rule."""

    distance: dict[str, float]  # to each word's nearest take
    limit: dict[str, float]  # each word's threshold at the utterance's signal-to-noise ratio

    def ranked(self) -> list[str]:
        """The enrolled words, nearest first."""
        return sorted(self.distance, key=lambda w: self.distance[w])

    def verdict(self, word: str) -> Verdict:
        """The check on a proposed word (see the module docstring)."""
        if word not in self.distance:
            return Verdict(False, word, "", float("inf"), 0.0)
        closest = min(self.distance, key=lambda w: self.distance[w])
        mine, threshold = self.distance[word], self.limit[word]
        return Verdict(closest == word and mine <= threshold, word, closest, mine, threshold)


@dataclass
class Enrolment:
    """Clean takes (mel frames, :func:`.voiceprint.template`) per word and their thresholds."""

    templates: dict[str, list[np.ndarray]]
    thresholds: dict[str, Threshold]
    microphone: str = ""
    _flat: list[np.ndarray] = field(init=False, repr=False)
    _owner: list[str] = field(init=False, repr=False)

    @property
    def near_words(self) -> list[str]:
        """The enrolled words a run never takes (see the module docstring)."""
        return [w for w in self.templates if w not in WORDS]

    def __post_init__(self) -> None:
        self._flat = [t for w in self.templates for t in self.templates[w]]
        self._owner = [w for w in self.templates for _ in self.templates[w]]

    @classmethod
    def from_takes(cls, takes: dict[str, list[bytes]], microphone: str = "") -> Enrolment:
        """From the recorded takes (16 kHz mono s16le), thresholds calibrated."""
        templates = {w: [voiceprint.template(pcm) for pcm in pcms] for w, pcms in takes.items()}
        return cls(templates, calibrate(takes, templates), microphone)

    def scores(self, heard: voiceprint.Heard) -> Scores:
        """An analysed utterance (:func:`.voiceprint.analyse`) against every word's takes,
        each take with the utterance's noise added."""
        cep = voiceprint.cepstra(heard.mel)
        d = voiceprint.distances(cep, [voiceprint.adapt(t, heard) for t in self._flat])
        best: dict[str, float] = {}
        for owner, x in zip(self._owner, d, strict=True):
            best[owner] = min(best.get(owner, float("inf")), float(x))
        limit = {w: th.at(heard.snr_db) for w, th in self.thresholds.items()}
        return Scores(best, limit)

    def verdict(self, pcm: bytes, word: str) -> Verdict:
        """Is this utterance the lifter saying ``word``? (see the module docstring)"""
        return self.judge(voiceprint.analyse(pcm), word)

    def judge(self, heard: voiceprint.Heard, word: str) -> Verdict:
        """The verdict on an analysed utterance (:func:`.voiceprint.analyse`)."""
        if word not in self.templates:
            return Verdict(False, word, "", float("inf"), 0.0)
        return self.scores(heard).verdict(word)

    def accepts(self, pcm: bytes, word: str) -> bool:
        return self.verdict(pcm, word).accepted

    # --- the file ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "features": FEATURES,
            "microphone": self.microphone,
            "near_words": self.near_words,
            "words": {
                w: {
                    "threshold": [
                        round(self.thresholds[w].quiet, 5),
                        round(self.thresholds[w].noisy, 5),
                    ],
                    # mel levels in dB: a hundredth of a dB is far below what matters
                    "takes": [np.round(10 * np.log10(t + 1e-15), 2).tolist() for t in takes],
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
        if a.ndim != 2 or a.shape[1] != voiceprint.MELS or not np.isfinite(a).all():
            raise EnrolmentError(f"{path}: a take of {word!r} has the wrong shape; {REDO}")
        if a.max(initial=0.0) > 100.0:  # dB above full scale: not a level a microphone gives
            raise EnrolmentError(f"{path}: a take of {word!r} is out of range; {REDO}")
        out.append(10 ** (a / 10))
    return out


def _positive(x: object) -> bool:
    return not isinstance(x, bool) and isinstance(x, (int, float)) and 0 < x < 1e6


def _thresholds(path: Path, word: str, entry: dict[str, Any]) -> Threshold:
    th = entry.get("threshold")
    if not isinstance(th, list) or len(th) != 2 or not all(_positive(x) for x in th):
        raise EnrolmentError(f"{path}: the word {word!r} has no valid thresholds; {REDO}")
    return Threshold(float(th[0]), float(th[1]))


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
    thresholds: dict[str, Threshold] = {}
    for w in WORDS:
        entry = words[w]
        if not isinstance(entry, dict):
            raise EnrolmentError(f"{path}: the word {w!r} is not an object; {REDO}")
        templates[w] = _takes(path, w, entry.get("takes"))
        thresholds[w] = _thresholds(path, w, entry)
    near = doc.get("near_words", [])
    if not isinstance(near, list) or not all(isinstance(w, str) for w in near):
        raise EnrolmentError(f"{path}: near_words is not a list of words; {REDO}")
    for w in near:
        entry = words.get(w)
        if w in WORDS or not isinstance(entry, dict):
            raise EnrolmentError(f"{path}: the near word {w!r} is not enrolled; {REDO}")
        templates[w] = _takes(path, w, entry.get("takes"))
        thresholds[w] = _thresholds(path, w, entry)
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
            "'voicecoach mic-train' enrols yours (about three minutes)",
        )
    takes = sum(len(t) for t in enrolment.templates.values())
    near = len(enrolment.near_words)
    words = len(enrolment.templates) - near
    if not near:
        return True, (
            f"voice enrolment: {words} words, {takes} takes ({path}); only your voice's words "
            "are taken; it has no near words ('fine' for five): run 'voicecoach mic-train' "
            "again to add them"
        )
    return True, (
        f"voice enrolment: {words} words and {near} near words, {takes} takes ({path}); "
        "only your voice's words are taken"
    )
