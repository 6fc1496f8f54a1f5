"""What the session keeps about each exercise and about itself as a whole.

Plain data with no behaviour, in a module of its own so that every layer of
the session can name these types without importing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecoach.plan.plates import Rack
from voicecoach.plan.talk import Talk
from voicecoach.routines.loads import Load


@dataclass
class SlotState:
    """Where one exercise stands in this session."""

    load: Load
    rep_bonus: int = 0
    start_load: Load | None = None


@dataclass
class Result:
    """How a session ended, and what it did, for the summary and the caller."""

    status: str  # completed | aborted
    sets_done: int = 0
    volume: dict[str, float] = field(default_factory=dict)
    session_id: int | None = None


@dataclass(frozen=True)
class Coaching:
    """How the coach runs this session, beyond the routine: the lifter's choices."""

    rir_timeout: float | None = None  # None: the routine's own
    talk: Talk | None = None  # None: the routine's talk level and count, else full
    seed: int = 0  # where the varied lines start (sessions of the routine so far)
    rack: Rack | None = None  # the lifter's bar and plates, when both are known
