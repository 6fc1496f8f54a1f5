"""The lifter's enrolment as an ear of its own, beside the grammar, not only a check on it.

As a check (:meth:`.enrolment.Scores.verdict`) the enrolment can only remove
the grammar's words, so it can never hear an answer the grammar missed: in
noise pocketsphinx's coverage rule drops right words, and those are lost.
But three takes of each word in the lifter's own voice are what a classic
speaker-dependent recogniser is made of: the nearest word by DTW over all
the enrolled words is a recognition in its own right.

So an utterance is taken as

- the grammar's word, when the takes agree (the check passes);
- otherwise (the grammar proposed nothing, or a word the takes put nearer
  another word) the takes' own nearest word, but only when it is *clearly*
  that word: live in this window, within ``ROOM`` times its threshold, and
  with the second-nearest word the listener knows at least ``SECOND`` times
  as far.

Near words (:data:`.enrolment.NEAR_WORDS`, "fine" beside "five") are never
taken: an utterance nearest one of them is refused. But they are left out of
the ``SECOND`` margin: in noise the lifter's own "five" and "fine" come close,
and asking "five" to be clearly farther from "fine" too cost right answers
at 10 dB SNR on the bench, where being nearer was enough to refuse most of
the false ones.

Words are compared over *all* the enrolled words, not only the live ones: an
utterance nearer "five" than "done" is not taken as "done" during a set just
because five is not live there. The threshold is the check's own (calibrated
from the takes at mic-train time), so a neighbour's voice, far from every
take, is refused by the ear as by the check. The numbers are measured in
bench/enrolment_bench.py against the check and the grammar alone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from voicecoach.inputs.commands import LISTENED
from voicecoach.inputs.enrolment import Scores

SECOND = 1.2  # the second-nearest word at least this many times as far as the nearest
ROOM = 1.0  # the nearest word within this share of its threshold


@dataclass(frozen=True)
class Ear:
    """When the takes may name a word on their own (see the module docstring)."""

    second: float = SECOND
    room: float = ROOM
    override: bool = True  # also over a grammar word the takes disagree with
    agree: float = 1.0  # the grammar's word within this share of its threshold (1: the check)

    def clear(self, scores: Scores, allowed: Collection[str]) -> str | None:
        """The takes' nearest word if it is clearly the nearest and live now, else None."""
        ranked = scores.ranked()
        if not ranked or ranked[0] not in allowed:
            return None
        best = ranked[0]
        d1 = scores.distance[best]
        rivals = [w for w in ranked[1:] if w in LISTENED]  # near words had their chance
        d2 = scores.distance[rivals[0]] if rivals else float("inf")
        if d1 <= self.room * scores.limit[best] and d2 >= self.second * d1:
            return best
        return None

    def word(self, scores: Scores, proposed: str | None, allowed: Collection[str]) -> str | None:
        """The word taken from one utterance, given what the grammar proposed for it."""
        if proposed is not None:
            v = scores.verdict(proposed)
            if v.accepted and v.distance <= self.agree * v.threshold:
                return proposed
        if proposed is not None and not self.override:
            return None
        return self.clear(scores, allowed)
