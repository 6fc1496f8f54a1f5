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
  the grammar proposed nothing, never over a grammar word);
- ``templates …``: the takes alone, the grammar ignored.

``EAR`` names the rule chosen before measuring (the runtime's defaults); the
others are its neighbours in the grid, to see how sensitive it is. Tuning on
these clips would flatter the winner: figures are for these synthetic voices.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voicecoach.inputs.enrolled_ear import Ear  # noqa: E402
from voicecoach.inputs.enrolment import Scores  # noqa: E402

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


EAR = "ear, second 1.2, room 1.0"
RULES: dict[str, Rule] = {
    "today": _today,
    "check": _check,
    EAR: _ear(Ear(1.2, 1.0)),
    "ear, second 1.1, room 1.0": _ear(Ear(1.1, 1.0)),
    "ear, second 1.3, room 1.0": _ear(Ear(1.3, 1.0)),
    "ear, second 1.2, room 0.85": _ear(Ear(1.2, 0.85)),
    "ear, second 1.1, room 0.85": _ear(Ear(1.1, 0.85)),
    "ear fill, second 1.2, room 1.0": _ear(Ear(1.2, 1.0, override=False)),
    "templates, second 1.2, room 1.0": _ear(Ear(1.2, 1.0), grammar=False),
    "templates, second 1.1, room 1.0": _ear(Ear(1.1, 1.0), grammar=False),
}
SCORED = tuple(name for name in RULES if name != "today")  # the rules that need the scores
