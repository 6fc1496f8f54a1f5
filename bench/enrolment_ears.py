"""The listeners the enrolment bench compares, each a rule on the same decodes and scores.

Every utterance of a clip is decoded once by the grammar (through the real
Listener) and scored once against each enrolment that matters (the lifter's
and the neighbour's: :meth:`voicecoach.inputs.enrolment.Enrolment.scores`).
Each listener below then decides from those, window by window, so all of
them are measured on the same clips in the same run and a rule costs no
extra decoding:

- ``today``: the grammar alone (no enrolment);
- ``check``: the grammar's word, kept only if the takes agree (the enrolment
  as a check, as a run used it before the ear);
- ``ear …``: the enrolment as an ear (:class:`voicecoach.inputs.enrolled_ear.Ear`):
  the grammar's word when the takes agree, else the takes' word when it is
  clearly the nearest (``second``: the margin to the second-nearest word;
  ``room``: the share of the threshold it must be within; ``fill``: only when
  the grammar proposed nothing, never over a grammar word; ``agree``: the share
  of its threshold the grammar's word must be within, 1 being the check's);
- ``templates …``: the takes alone, the grammar ignored.

Each speaker is enrolled twice from the same takes: with the near words
(``voicecoach mic-train`` now, :data:`voicecoach.inputs.enrolment.NEAR_WORDS`)
and without them (an enrolment made before they existed; rules marked
``no near words``), so both are measured on the same clips.

``EAR`` names the run's path (the runtime's defaults); the others are its
neighbours in the grid, to see how sensitive it is. Tuning on these clips
would flatter the winner: figures are for these synthetic voices.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from recognition_report import OPEN_WINDOWS  # noqa: E402
from voicecoach.inputs.enrolled_ear import Ear  # noqa: E402
from voicecoach.inputs.enrolment import (  # noqa: E402
    NEAR_WORDS,
    TAKES,
    WORDS,
    Scores,
)

# A rule: (the grammar's word or None, the scores or None when not scored, live words) → word
Rule = Callable[[str | None, Scores | None, Collection[str]], str | None]


def _today(proposed: str | None, scores: Scores | None, allowed: Collection[str]) -> str | None:
    return proposed


def _check(proposed: str | None, scores: Scores | None, allowed: Collection[str]) -> str | None:
    if proposed is None or scores is None:
        return None
    return proposed if scores.verdict(proposed).accepted else None


def _ear(ear: Ear, grammar: bool = True) -> Rule:
    def rule(proposed: str | None, scores: Scores | None, allowed: Collection[str]) -> str | None:
        if scores is None:
            return None
        return ear.word(scores, proposed if grammar else None, allowed)

    return rule


EAR = "ear with near words, second 1.2, room 1.0"
PLAIN = "no near words"  # the marker of a rule judged on the enrolment without near words
RULES: dict[str, Rule] = {
    "today": _today,
    f"check, {PLAIN}": _check,
    f"ear, {PLAIN}, second 1.2, room 1.0 (the run's path before)": _ear(Ear(1.2, 1.0)),
    f"ear, {PLAIN}, second 1.2, room and agree 0.85": _ear(Ear(1.2, 0.85, agree=0.85)),
    f"templates, {PLAIN}, second 1.2, room 1.0": _ear(Ear(1.2, 1.0), grammar=False),
    "check with near words": _check,
    EAR: _ear(Ear(1.2, 1.0)),
    "ear with near words, second 1.1, room 1.0": _ear(Ear(1.1, 1.0)),
    "ear with near words, second 1.3, room 1.0": _ear(Ear(1.3, 1.0)),
    "ear with near words, second 1.2, room 0.85": _ear(Ear(1.2, 0.85)),
    "ear with near words fill, second 1.2, room 1.0": _ear(Ear(1.2, 1.0, override=False)),
    "templates with near words, second 1.2, room 1.0": _ear(Ear(1.2, 1.0), grammar=False),
}
SCORED = tuple(name for name in RULES if name != "today")  # the rules that need the scores


def uses_plain(name: str) -> bool:
    """Whether a rule is judged on the enrolment without near words."""
    return PLAIN in name


def table(s: dict[str, Any]) -> str:
    pct = lambda x: f"{100 * x:.1f} %"  # noqa: E731
    ls = s["listeners"]
    lines = [
        f"{len(s['speakers'])} speakers, each enrolled with {TAKES} takes of {len(WORDS)} words "
        f"and {len(NEAR_WORDS)} near words; "
        f"{s['today']['answers']['quiet']} answers per condition; the run's path: "
        f"{s['the_runs_path']}",
        "",
        "| listener | recall quiet | recall pink 10 dB | recall pink 0 dB | false accepts, "
        "worst window | latency p95 | goals met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in ls.items():
        met = sum(m["goals"].values())
        lines.append(
            f"| {name} | {pct(m['recall']['quiet'])} | {pct(m['recall']['pink 10 dB'])} | "
            f"{pct(m['recall']['pink 0 dB'])} | {pct(m['false_worst_window'])} | "
            f"{1000 * m['latency_p95_s']:.0f} ms | {met} of {len(m['goals'])} |"
        )
    lines += [
        "",
        "| listener | false accepts | " + " | ".join(OPEN_WINDOWS) + " |",
        "|---|---|" + "---|" * len(OPEN_WINDOWS),
    ]
    for name, m in ls.items():
        for label, key in (
            ("same speaker, non-answers", "false_same_speaker"),
            ("the neighbour, anything", "false_neighbour"),
        ):
            row = m[key]
            cells = " | ".join(
                f"{pct(row[w]['rate'])} ({row[w]['accepted']}/{row[w]['n']})" for w in OPEN_WINDOWS
            )
            lines.append(f"| {name} | {label} | {cells} |")
    lines += [
        "",
        f"scoring one utterance against an enrolment ({s['scored_utterances']} scored): "
        f"wall mean {s['check_ms_mean']:.1f} ms, p95 {s['check_ms_p95']:.1f} ms; "
        f"CPU mean {s['check_cpu_ms_mean']:.1f} ms, p95 {s['check_cpu_ms_p95']:.1f} ms",
    ]
    return "\n".join(lines)
