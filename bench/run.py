#!/usr/bin/env python3
"""Run every voicecoach benchmark and report each figure beside a baseline from the same run.

    .venv/bin/python bench/run.py            # after: bash scripts/test.sh (or install.sh --test)

Prints a table and writes bench/results/latest.json (and a timestamped copy).
Method and the latest table: bench/README.md. Nothing here is a test: no
figure passes or fails anything; goals are reported as met or not.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import (  # noqa: E402
    QUICK,
    ROOT,
    Figure,
    machine,
)
from helpers import PulseServer  # noqa: E402
from journal_bench import bench_journal  # noqa: E402
from onsets import bench_onsets, bench_rss  # noqa: E402
from startup import bench_dry_run, bench_ttfw  # noqa: E402

SUITES = (
    "onsets",
    "ttfw",
    "speech",
    "dry",
    "journal",
    "music",
    "journal_scale",
    "history",
    "listencpu",
    "recognition",
    "enrolment",
    "talk",
)
USAGE = f"""usage: bench/run.py [--quick] [SUITE ...]

Runs every suite, or only those named: {", ".join(SUITES)}.
--quick runs small sizes, only to check that the bench runs (the smoke test).
The whole bench takes about 8 minutes, plus 8.5 for listencpu, 11 for recognition
and 10 for enrolment."""


def main() -> int:
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(USAGE)
        return 0
    unknown = [a for a in args if a not in SUITES and a != "--quick"]
    if unknown:
        print(f"bench/run.py: unknown suite or option {unknown[0]!r}\n{USAGE}", file=sys.stderr)
        return 2
    if shutil.which("pulseaudio") is None:
        print(
            "bench needs pulseaudio, parec and aplay: bash scripts/install.sh --test",
            file=sys.stderr,
        )
        return 1
    report: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="voicecoach-bench-") as tmp:
        work = Path(tmp)
        pulse = PulseServer(work / "pulse")
        pulse.start()
        try:
            only = {a for a in sys.argv[1:] if not a.startswith("--")}
            if not only or "onsets" in only:
                figures += bench_onsets(pulse, work, report)
                figures += bench_rss(report)
            if not only or "ttfw" in only:
                figures += bench_ttfw(pulse, work, report)
            if not only or "speech" in only:
                from render_lead import bench_speech

                figures += bench_speech(report, Figure, QUICK)
            if not only or "dry" in only:
                figures += bench_dry_run(work, report)
            if not only or "journal" in only:
                figures += bench_journal(work, report)
            if not only or "music" in only:
                from music import bench_music

                figures += bench_music(work, report, Figure, QUICK, pulse.env())
            if not only or "journal_scale" in only:
                from journal_scale import bench_journal_scale

                figures += bench_journal_scale(work, report, Figure, QUICK)
            if not only or "history" in only:
                from history_scale import bench_history_scale

                figures += bench_history_scale(work, report)
            if not only or "listencpu" in only:
                from listen_cpu import bench_listen_cpu

                figures += bench_listen_cpu(pulse, work, report)
            if not only or "recognition" in only:
                from recognition import bench_recognition

                figures += bench_recognition(report, Figure, QUICK)
            if not only or "enrolment" in only:
                from enrolment_bench import bench_enrolment

                figures += bench_enrolment(report, Figure, QUICK)
            if not only or "talk" in only:
                from talk_levels import bench_talk

                figures += bench_talk(report, Figure)
        finally:
            pulse.stop()
    report["figures"] = [dict(f.__dict__, ratio=f.ratio) for f in figures]
    lines = [
        f"Machine: {report['machine']}",
        "",
        "| figure | value | baseline (same run) | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        met = "n/a" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(
            f"| {f.name} | {f.value:.3g} {f.unit} | {f.baseline_name}: "
            f"{f.baseline:.3g} {f.unit} | {f.ratio:.3g}× | {f.goal} | {met} |"
        )
    table = "\n".join(lines)
    print(table)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    text = json.dumps(report, indent=2, default=str)
    name = "smoke" if QUICK else "latest"
    (out_dir / f"{name}.json").write_text(text)
    (out_dir / f"{name}.md").write_text(table + "\n")
    if not QUICK:
        (out_dir / f"{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
