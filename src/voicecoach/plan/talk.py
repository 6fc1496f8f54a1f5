"""How much the coach says, and where in a rep the rep number falls.

``full`` speaks every phase change, the rep numbers, form cues and the
end-of-set lines. ``reps`` keeps the words a lifter counts by (rep numbers,
"last one", set-up and rests) and ticks the phases. ``quiet`` speaks only what
needs words: the exercise and its load, the question, the end of the rest;
everything else is a short sound.

A rep number said at the start of a rep ("three. pull") tells the lifter
which rep he is starting; said at its end it is the count of reps done, as
most lifters count in their head.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from voicecoach.routines.model import COUNT_AT, TALK_LEVELS

__all__ = ["COUNT_AT", "TALK_LEVELS", "Talk"]


@dataclass(frozen=True)
class Talk:
    """The talk level and the rep number's place, as the planner applies them."""

    level: str = "full"
    count: str = "start"

    def __post_init__(self) -> None:
        if self.level not in TALK_LEVELS:
            raise ValueError(f"talk is one of {', '.join(TALK_LEVELS)}, not {self.level!r}")
        if self.count not in COUNT_AT:
            raise ValueError(f"count is one of {', '.join(COUNT_AT)}, not {self.count!r}")

    @property
    def phase_words(self) -> bool:
        """Words at each phase change ("pull", "down slow"), not only ticks."""
        return self.level == "full"

    @property
    def rep_numbers(self) -> bool:
        return self.level != "quiet"

    @property
    def form_cues(self) -> bool:
        """Set-up cues before the first set and cues during the reps."""
        return self.level != "quiet"

    @property
    def rep_cues(self) -> bool:
        return self.level == "full"

    @property
    def milestones(self) -> bool:
        """ "Thirty seconds" during a rest, "halfway" in a hold."""
        return self.level != "quiet"

    def next_level(self) -> Talk:
        """The next level round the cycle: full → reps → quiet → full (the live key)."""
        i = TALK_LEVELS.index(self.level)
        return replace(self, level=TALK_LEVELS[(i + 1) % len(TALK_LEVELS)])
