"""Scripted answers (``--answers 2,8:1,-``): one per RIR question, in order."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANSWER = re.compile(r"^(?:(\d{1,3}):)?(\d+|-)$")


@dataclass(frozen=True)
class Answer:
    """``reps`` ends the set early at that many reps; ``rir`` None means no answer."""

    reps: int | None
    rir: int | None


def parse_answers(text: str) -> list[Answer]:
    """Parse the comma-separated list; ValueError names the bad item and the valid forms."""
    out = []
    for i, raw in enumerate(text.split(","), start=1):
        item = raw.strip()
        m = _ANSWER.match(item)
        if not m:
            raise ValueError(
                f"answer {i} ({item!r}) is not valid; each answer is RIR (0-5), "
                "REPS:RIR (the set ended early at REPS), or - (no answer)"
            )
        reps = int(m.group(1)) if m.group(1) else None
        rir = None if m.group(2) == "-" else int(m.group(2))
        if rir is not None and rir > 5:
            # Not taken as 5 in silence: a script saying 6 meant something else.
            raise ValueError(
                f"answer {i} ({item!r}): reps in reserve is 0 to 5 (5 means five or more), "
                f"not {rir}"
            )
        if reps is not None and reps < 0:
            raise ValueError(f"answer {i}: reps cannot be negative")
        out.append(Answer(reps, rir))
    return out
