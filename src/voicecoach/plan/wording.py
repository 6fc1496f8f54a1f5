"""Lines said more than once a session, each with equivalent wordings to vary them.

A coach who says "Rest ninety seconds." word for word before every rest of
every week is a recording; a few short equivalents keep the ear listening.
The choice is a pure function of a seed and how many times the line came
before in the session, so:

* the same line never comes twice in a row (consecutive counts give
  consecutive wordings of a pool of at least two);
* a session is reproducible: a dry run, a golden transcript or a replay with
  the same seed says the same words;
* the seed is the number of sessions of the routine already journaled, so
  next week's session starts its pools elsewhere.

Every wording is short and built from words heard well in gym noise.
"""

from __future__ import annotations

from dataclasses import dataclass

POOLS: dict[str, tuple[str, ...]] = {
    # "{d}" is a spoken duration ("ninety seconds"); "{D}" the same, capitalised.
    "rest": ("Rest {d}.", "{D} rest.", "Take {d}."),
    "next-up": ("Next up: ", "Coming up: ", "Up next: "),
    "two-more": ("two more", "last two", "two left"),
    "halfway": ("halfway", "half done", "halfway there"),
}

# The word that starts the work, after a count-in and at a rest's end. Written
# with its exclamation mark because that is how it is rendered: said flat and
# alone, "go" ran into the "one" before it and the strong ear of the bench
# heard "l" or "out"; said as a call it was heard every time. No other line
# says "go", so the word means one thing only.
GO = "Go!"

# The question after every set, in one place: the session asks it, the button
# menu and the media player's title repeat it, and the speech check renders it.
# Not "Reps in reserve?": "reps in" runs together ("retson reserve") and the
# bench's strong ear missed it at every set.
QUESTION = "How many in reserve?"

# Between a rep's number and its phase word ("three. pull"): a sentence's stop,
# not a comma. After a comma the voice glides into the next word, and the
# strong ear heard "three, pull" as "free pull" and "three, T" as "pre-T".
REP_SEP = ". "


@dataclass(frozen=True)
class Wording:
    """Chooses a wording of a pool for its ``n``-th use in the session."""

    seed: int = 0

    def line(self, pool: str, n: int, **values: str) -> str:
        options = POOLS[pool]
        text = options[(self.seed + n) % len(options)]
        if "d" in values:
            values = {**values, "D": values["d"][:1].upper() + values["d"][1:]}
        return text.format(**values) if values else text

    def turn(self, n: int) -> Wording:
        """This wording as it stands at its ``n``-th use: ``turn(n).line(p, 0)`` is
        ``line(p, n)``, so a segment can be handed the wording of its own turn."""
        return Wording(self.seed + n)


PLAIN = Wording()
