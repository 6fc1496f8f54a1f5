"""Sets that differ from the working sets: warm-ups before them, drop sets after, AMRAP.

``warmup: ["5 @ 50%", "3 @ 70%"]`` gives reps at a share of the first working
set's load (``"10 @ bar"`` for the empty bar); ``warmup: auto`` picks a ramp
(the empty bar first for a barbell lift). ``drop: ["-20%", "-20%"]`` follows
the last set with lighter sets, each a share of the load before it, without
rest. ``reps: 5+`` is a set of as many reps as possible, five the target.
"""

from __future__ import annotations

import re
from typing import Any

from voicecoach.routines.checks import Checks
from voicecoach.routines.model import Warmup

_WARMUP = re.compile(r"^\s*(\d+)\s*(?:x|×)?\s*@\s*(?:(\d+(?:\.\d+)?)\s*%|(bar))\s*$", re.I)
_DROP = re.compile(r"^\s*-\s*(\d+(?:\.\d+)?)\s*%\s*$")
_AMRAP = re.compile(r"^\s*(\d+)\s*\+\s*$")
# A ramp to the first working set: lighter and fewer reps as the load rises.
AUTO_BARBELL = (Warmup(10, 0.0), Warmup(5, 0.4), Warmup(3, 0.6), Warmup(2, 0.8))
AUTO_OTHER = (Warmup(8, 0.5), Warmup(4, 0.75))
MAX_WARMUPS = 8
MAX_DROPS = 4


class SetsSection(Checks):
    """Reads ``warmup:``, ``drop:`` and the AMRAP form of ``reps:``."""

    def amrap(self, raw: Any) -> int | None:
        """The target of ``reps: 5+``, or None if ``raw`` is not that form."""
        match = _AMRAP.match(raw) if isinstance(raw, str) else None
        return int(match.group(1)) if match else None

    def warmups(
        self, raw: Any, path: tuple[Any, ...], *, barbell: bool, from_defaults: bool
    ) -> tuple[Warmup, ...]:
        if raw is None or raw is False or raw == "none":
            return ()
        if raw == "auto":
            return AUTO_BARBELL if barbell else () if from_defaults else AUTO_OTHER
        if from_defaults and not barbell:
            return ()  # a list in defaults is for the barbell lifts, as auto is
        if not isinstance(raw, list) or not raw or len(raw) > MAX_WARMUPS:
            self.fail(
                path,
                f"warmup: is auto, or a list of up to {MAX_WARMUPS} sets like "
                '["10 @ bar", "5 @ 50%", "3 @ 70%"]',
            )
            return ()
        out: list[Warmup] = []
        for i, text in enumerate(raw):
            match = _WARMUP.match(text) if isinstance(text, str) else None
            share = float(match.group(2)) / 100 if match and match.group(2) else 0.0
            if not match or not 1 <= int(match.group(1)) <= 30 or not 0 <= share < 1:
                self.fail(
                    (*path, i),
                    f"{text!r} is not a warm-up set; write reps @ a share of the first "
                    "working set under 100%, like 5 @ 50%, or 10 @ bar",
                )
                continue
            if match.group(3) and not barbell:
                self.fail((*path, i), "'@ bar' is for barbell exercises; use a share like 50%")
                continue
            out.append(Warmup(int(match.group(1)), share))
        return tuple(out)

    def drops(self, raw: Any, path: tuple[Any, ...]) -> tuple[float, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw or len(raw) > MAX_DROPS:
            self.fail(path, f'drop: is a list of up to {MAX_DROPS} drops, like ["-20%", "-20%"]')
            return ()
        out: list[float] = []
        for i, text in enumerate(raw):
            match = _DROP.match(text) if isinstance(text, str) else None
            if not match or not 5 <= float(match.group(1)) <= 75:
                self.fail(
                    (*path, i),
                    f"{text!r} is not a drop; write how much lighter, from -5% to -75%, like -20%",
                )
                continue
            out.append(1 - float(match.group(1)) / 100)
        return tuple(out)
