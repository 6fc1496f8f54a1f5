"""What the workout's summary says: sets done, volume, and each load that moved today.

A function of the session's state, apart from the engine: the last set asks
for it as soon as its answer is decided, so that the summary renders while
that answer is spoken, and the engine says it at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicecoach.plan import spoken
from voicecoach.routines.loads import Level, Load, Unloaded

if TYPE_CHECKING:
    from voicecoach.session.loop import Loop


def summary_lines(session: Loop) -> list[str]:
    """The summary's sentences, from the sets done and the loads now."""
    r = session.result
    count = spoken.sentence(spoken.number(r.sets_done))
    lines = [f"Workout done. {count} set{'' if r.sets_done == 1 else 's'}."]
    for unit, vol in r.volume.items():
        lines.append(f"Total volume {spoken.weight(round(vol), unit)}.")
    seen: set[int] = set()
    for item in session.items:
        if item.slot in seen:
            continue
        seen.add(item.slot)
        st = session.state[item.slot]
        first = session.carried.get(item.slot, (item.spec.load, 0))[0]
        if st.load != first and not isinstance(st.load, Unloaded):
            way = "up" if _more(st.load, first) else "down"
            verb = "moved" if isinstance(st.load, Level) else "went"
            lines.append(f"{item.spec.name} {verb} {way} to {spoken.load(st.load)}.")
    return lines


def _more(a: Load, b: Load) -> bool:
    if isinstance(a, Level) and isinstance(b, Level):
        return a.index > b.index
    return getattr(a, "amount", 0) > getattr(b, "amount", 0)
