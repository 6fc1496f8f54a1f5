"""How the enrolment bench judges one clip: its utterances scored against the enrolments
that matter, and every listener of bench/enrolment_ears.py deciding from those scores and
the grammar's proposals, window by window.

Shared by bench/enrolment_bench.py (decoding in its workers) and bench/enrolment_replay.py
(a saved run judged again), so both judge alike. :func:`share` sets the enrolments before
the workers fork.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from enrolment_ears import RULES, uses_plain  # noqa: E402
from recognition_report import Trial  # noqa: E402
from voicecoach.inputs.commands import WINDOWS  # noqa: E402
from voicecoach.inputs.enrolment import Enrolment, Scores  # noqa: E402
from voicecoach.inputs.recogniser import MAX_SECONDS, MIN_SECONDS  # noqa: E402
from voicecoach.inputs.voiceprint import analyse  # noqa: E402

_STATE: dict[str, dict[str, Enrolment]] = {}


def score_all(
    utterances: list[tuple[Any, float]], enrolment: Enrolment | None
) -> list[tuple[Scores | None, float, float]]:
    """Each utterance against one enrolment, once: (scores, wall s, CPU s); None for an
    utterance of no command's length, which neither the grammar nor the ear takes."""
    out: list[tuple[Scores | None, float, float]] = []
    for utt, _ in utterances:
        if enrolment is None or not MIN_SECONDS <= utt.voiced <= MAX_SECONDS:
            out.append((None, 0.0, 0.0))
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        scores = enrolment.scores(analyse(utt.pcm))
        out.append((scores, time.perf_counter() - t0, time.process_time() - c0))
    return out


def scores_of(
    family: str, utterances: list[tuple[Any, float]]
) -> dict[tuple[str, bool], list[tuple[Scores | None, float, float]]]:
    """The utterances scored against the lifter's and the neighbour's enrolment, with the
    near words (``False``) and without them (``True``: plain)."""
    return {
        (who, plain): score_all(utterances, _STATE[key].get(family))
        for who, prefix in (("own", "enrolments"), ("neighbour", "neighbour"))
        for plain, key in ((False, prefix), (True, prefix + " plain"))
    }


Proposed = dict[str, list[tuple[str | None, float]]]  # window -> (word, when) per utterance
Scored = dict[tuple[str, bool], list[tuple[Scores | None, float, float]]]


def judge(
    trial: Trial, proposed: Proposed, scored: Scored, speech_end: float
) -> dict[tuple[str, str], Trial]:
    """Every rule of bench/enrolment_ears.py on one clip's decodes and scores, per window."""
    out = {
        (name, who): replace(trial, heard={}, utterances=[], decode_s=[])
        for name in RULES
        for who in ("own", "neighbour")
    }
    for window, words in proposed.items():
        allowed = WINDOWS[window]
        for (name, who), t in out.items():
            rule, taken = RULES[name], []
            for (word, at), (scores, wall, _) in zip(
                words, scored[who, uses_plain(name)], strict=True
            ):
                got = rule(word, scores, allowed)
                if got is None:
                    continue
                taken.append(got)
                if t.kind == "command" and got == t.text:
                    t.latency = at + (wall if name != "today" else 0.0) - speech_end
                break  # the first word taken answers; the window closes
            t.heard[window] = taken
    return out


def share(enrolments: dict[str, Enrolment], plain: dict[str, Enrolment]) -> None:
    """Set the enrolments the workers score against (before they fork). The neighbour of a
    clip's speaker is the lifter enrolled next in the list."""
    families = list(enrolments)
    for key, es in (("enrolments", enrolments), ("enrolments plain", plain)):
        _STATE[key] = es
        _STATE[key.replace("enrolments", "neighbour")] = {
            f: es[families[(i + 1) % len(families)]] for i, f in enumerate(families)
        }
