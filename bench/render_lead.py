"""Render lead and the neural voice's memory: does speech stay ahead of the playhead?

Render lead is the smallest margin by which a clip is ready before the
session needs it. Every built-in routine, with answers 0, 2 and 5, lasts
hours in real time, so the lead is computed by replaying each session's
timeline against render times measured for real:

1. each session runs on the fake clock with a recording voice, which logs
   when every phrase is first needed and every ``want()`` the engine makes
   (the per-set foresight of all possible answers included);
2. every distinct phrase is rendered once by the real Piper worker, timed,
   and the worker's start-up is timed too;
3. a discrete-event replay of the Voice's scheduler (one worker, earliest due
   first, on-demand needs first of all) gives each phrase's ready time.

Two cases per session: week one (empty cache) and week two (the phrases of
week one cached, so only new ones render). The first phrase of week one is
the cold time to first word, reported on its own, and is left out of the
lead. The worker's peak RSS (VmHWM) is read from /proc while it renders.

    .venv/bin/python bench/render_lead.py [--quick]
"""

from __future__ import annotations

import heapq
import statistics
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from voicecoach.routines.catalog import builtin_paths, load  # noqa: E402
from voicecoach.session.answers import Answer  # noqa: E402
from voicecoach.session.engine import Session  # noqa: E402
from voicecoach.session.environment import Environment  # noqa: E402
from voicecoach.session.setup import _phrases  # noqa: E402
from voicecoach.speech.base import Voice  # noqa: E402
from voicecoach.speech.engines import EngineSpec  # noqa: E402
from voicecoach.speech.estimate import EstimateRenderer  # noqa: E402
from voicecoach.speech.worker_client import WorkerRenderer  # noqa: E402
from voicecoach.testing import FakeClock  # noqa: E402


@dataclass
class Trace:
    """What one simulated session asked of its voice, on the session clock."""

    initial: list[tuple[str, float]]
    wants: list[tuple[float, float, list[str]]] = field(default_factory=list)  # (at, due, texts)
    needs: dict[str, float] = field(default_factory=dict)  # text -> first needed


class _Recording:
    def __init__(self, clock: FakeClock, trace: Trace):
        self.inner = Voice(EstimateRenderer())
        self.clock = clock
        self.trace = trace

    def clip(self, text: str):  # type: ignore[no-untyped-def]
        self.trace.needs.setdefault(text, self.clock.now())
        return self.inner.clip(text)

    def duration(self, text: str) -> float:
        return self.clip(text).seconds

    def want(self, texts, due: float = 0.0) -> None:  # type: ignore[no-untyped-def]
        self.trace.wants.append((self.clock.now(), due, list(texts)))


def trace_session(name: str, rir: int) -> Trace:
    routine = load(name)
    trace = Trace(initial=_phrases(routine))
    clock = FakeClock()
    env = Environment(
        clock=clock,
        voice=_Recording(clock, trace),  # type: ignore[arg-type]
        answers=deque([Answer(None, rir)] * 500),
        virtual=False,  # a live session's behaviour: the foresight is on
    )
    Session(routine, env).run()
    return trace


def replay(trace: Trace, cost: dict[str, float], start: float, cached: set[str]) -> list[float]:
    """Each needed phrase's lead (need time - ready time), by the Voice's rules.

    One worker renders, earliest due first; it begins after ``start`` (its
    start-up). A phrase needed before it is ready is rendered on demand as soon
    as the render in progress ends: its lead is then negative.
    """
    heap: list[tuple[float, int, str]] = []
    order = 0

    def push(text: str, due: float) -> None:
        nonlocal order
        if text not in ready:
            order += 1
            heapq.heappush(heap, (due, order, text))

    ready: dict[str, float] = dict.fromkeys(cached, float("-inf"))  # lead: +inf
    for text, at in trace.initial:
        push(text, at)
    wants = deque(sorted(trace.wants, key=lambda w: w[0]))
    t = start
    leads = []
    for need_at, text in sorted((at, x) for x, at in trace.needs.items()):
        # Phrases of the opening segment are needed at t = 0, all together (the planner
        # lays a segment out from its clips' durations): their wait is the first word's.
        while text not in ready:
            while wants and wants[0][0] <= t:
                _, due, texts = wants.popleft()
                for x in texts:
                    push(x, due)
            if t >= need_at:  # needed now: on demand
                t += cost[text]
                ready[text] = t
                break
            if not heap:
                t = min(need_at, wants[0][0]) if wants else need_at  # idle
                continue
            _, _, x = heapq.heappop(heap)
            if x not in ready:
                t += cost[x]
                ready[x] = t
        leads.append(need_at - ready[text])
    return leads


def measure_costs(texts: list[str]) -> tuple[dict[str, float], float, float]:
    """Real Piper render time per phrase, its start-up time, and the worker's peak RSS (MB)."""
    renderer = WorkerRenderer(EngineSpec("piper", "joe"))
    t = time.perf_counter()
    renderer.start()
    startup = time.perf_counter() - t
    cost = {}
    for text in texts:
        t = time.perf_counter()
        renderer.render(text)
        cost[text] = time.perf_counter() - t
    pid = renderer._proc.pid  # type: ignore[union-attr]
    hwm = next(
        int(line.split()[1])
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmHWM")
    )
    renderer.close()
    return cost, startup, hwm / 1024


def run(quick: bool = False) -> dict[str, object]:
    names = ["trx-ytw"] if quick else sorted(builtin_paths())
    answers = [2] if quick else [0, 2, 5]
    traces = {(n, a): trace_session(n, a) for n in names for a in answers}
    texts = sorted(
        {t for tr in traces.values() for t in tr.needs}
        | {t for tr in traces.values() for _, _, ts in tr.wants for t in ts}
    )
    cost, startup, rss = measure_costs(texts[:25] if quick else texts)
    typical = statistics.median(cost.values())
    everything = set(texts) | {x for tr in traces.values() for x, _ in tr.initial}
    for text in everything | {t for tr in traces.values() for t in tr.needs}:
        cost.setdefault(text, typical)  # --quick renders a sample; the rest take the median
    rows = []
    for (name, rir), tr in traces.items():
        first = min(tr.needs.items(), key=lambda kv: kv[1])[0]
        opening = sum(1 for at in tr.needs.values() if at == 0.0)
        week1 = replay(tr, cost, startup, set())
        # Week two: week one's phrases are cached; the carried loads' phrases are new
        # (modelled as the intro and every phrase with a load in it).
        new = {t for t in tr.needs if t == first or "pound" in t or "kilo" in t}
        week2 = replay(tr, cost, startup, set(tr.needs) - new)
        rendered2 = [x for x in week2[opening:] if x != float("inf")]
        rows.append(
            {
                "routine": name,
                "rir": rir,
                "phrases": len(tr.needs),
                "first_word_s": -min(week1[:opening]),
                "lead_week1_min_s": min(week1[opening:]),
                "lead_week2_min_s": min(rendered2) if rendered2 else None,
                "late_week1": sum(1 for x in week1[opening:] if x < 0),
            }
        )
    return {
        "renders": len(cost),
        "median_render_s": typical,
        "p95_render_s": statistics.quantiles(list(cost.values()), n=20)[-1],
        "worker_start_s": startup,
        "worker_peak_rss_mb": rss,
        "sessions": rows,
        "min_lead_s": min(
            x for r in rows for x in (r["lead_week1_min_s"], r["lead_week2_min_s"]) if x is not None
        ),
    }


def main() -> int:
    report = run("--quick" in sys.argv)
    print(
        f"Piper worker: start {report['worker_start_s']:.2f} s, median render "
        f"{report['median_render_s'] * 1000:.0f} ms (p95 {report['p95_render_s'] * 1000:.0f} ms) "
        f"over {report['renders']} phrases, peak RSS {report['worker_peak_rss_mb']:.0f} MB"
    )
    print("| routine | RIR | phrases | cold first word | min lead, week 1 | min lead, week 2 |")
    print("|---|---|---|---|---|---|")
    for r in report["sessions"]:  # type: ignore[union-attr]
        print(
            f"| {r['routine']} | {r['rir']} | {r['phrases']} | {r['first_word_s']:.2f} s "
            f"| {r['lead_week1_min_s']:.2f} s | "
            + ("all cached" if r["lead_week2_min_s"] is None else f"{r['lead_week2_min_s']:.2f} s")
            + " |"
        )
    print(f"smallest render lead: {report['min_lead_s']:.2f} s (goal: never negative)")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def espeak_worker_rss() -> float:
    """The espeak-ng worker's peak RSS (MB) after a few phrases: the baseline for Piper's."""
    renderer = WorkerRenderer(EngineSpec("espeak", None))
    for text in ("Rest two minutes.", "Set one of three, seventy pounds, ten to twenty reps."):
        renderer.render(text)
    pid = renderer._proc.pid  # type: ignore[union-attr]
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    renderer.close()
    return next(int(x.split()[1]) for x in status if x.startswith("VmHWM")) / 1024


def bench_speech(report: dict, figure: type, quick: bool) -> list:  # type: ignore[type-arg]
    """Figures for bench/run.py: render lead against a render's time, RSS against espeak-ng."""
    data = run(quick)
    report["speech"] = data
    espeak_rss = espeak_worker_rss()
    return [
        figure(
            "smallest render lead, Piper (all built-ins × RIR 0/2/5, weeks 1 and 2)",
            data["min_lead_s"],
            "s",
            "median Piper render",
            data["median_render_s"],
            "never negative",
            data["min_lead_s"] >= 0,
        ),
        figure(
            "speech worker peak RSS, Piper",
            data["worker_peak_rss_mb"],
            "MB",
            "espeak-ng worker",
            espeak_rss,
            "≤ 250 MB",
            data["worker_peak_rss_mb"] <= 250,
        ),
    ]
