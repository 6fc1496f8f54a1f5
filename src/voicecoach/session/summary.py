"""What the workout's summary says: sets done, volume, and each load that moved today.

A function of the session's state, apart from the engine. The summary is
spoken the moment the last set ends, so its clips must be rendered before
then: a last working set asks for it as soon as its answer is decided (it
renders while that answer is spoken), and a last set that asks nothing (a
drop set) asks, as it starts, for the summary of every rep count it can end
on, since nothing is said between its end and the summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicecoach.plan import spoken
from voicecoach.routines.loads import Level, Load, Unloaded, Weight

if TYPE_CHECKING:
    from voicecoach.session.loop import Loop


def summary_lines(
    session: Loop, sets_done: int | None = None, volume: dict[str, float] | None = None
) -> list[str]:
    """The summary's sentences, from the sets done and the loads now (or the given
    counts: a summary foreseen before the last set is over)."""
    r = session.result
    done = r.sets_done if sets_done is None else sets_done
    count = spoken.sentence(spoken.number(done))
    lines = [f"Workout done. {count} set{'' if done == 1 else 's'}."]
    for unit, vol in (r.volume if volume is None else volume).items():
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


def possible_summaries(session: Loop, load: Load, sets: int, reps: range) -> list[str]:
    """Every sentence of the summary after a last set that moves no load, in the order
    to render them: the set adds ``sets`` (one a side) and ``n`` reps at ``load`` for
    each ``n`` in ``reps`` (the fewest first: they can be needed soonest), or, skipped,
    nothing at all (the least likely, last)."""
    r = session.result
    texts: list[str] = []
    for n in reps:
        volume = dict(r.volume)
        if isinstance(load, Weight) and n:
            volume[load.unit] = volume.get(load.unit, 0.0) + load.amount * n
        texts += summary_lines(session, r.sets_done + sets, volume)
    texts += summary_lines(session)
    return list(dict.fromkeys(texts))


def _more(a: Load, b: Load) -> bool:
    if isinstance(a, Level) and isinstance(b, Level):
        return a.index > b.index
    return getattr(a, "amount", 0) > getattr(b, "amount", 0)
