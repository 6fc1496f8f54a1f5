#!/usr/bin/env python3
"""Replay a saved enrolment bench run (``enrolment_bench.py --dump FILE``) without decoding.

The grammar's proposals and the detector's utterances are kept in the dump,
so another scoring (other voiceprint settings) or other rules can be judged on
exactly the clips of that run in a minute instead of the decoding's ten. The
enrolments are made again from the dumped takes, with the code as it is now.

    .venv/bin/python bench/enrolment_replay.py run.pkl
    .venv/bin/python bench/enrolment_replay.py run.pkl --set TRIM_DB=35 --json

``--set NAME=VALUE`` changes a constant of ``voicecoach.inputs.voiceprint``
(or ``enrolment.NAME``, ``enrolled_ear.NAME``) before the enrolments are
made: for trying a setting, never a figure to quote without a full run.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import enrolment_bench as bench  # noqa: E402
import enrolment_judge  # noqa: E402
from enrolment_ears import table  # noqa: E402
from voicecoach.inputs import enrolled_ear, enrolment, voiceprint  # noqa: E402
from voicecoach.inputs.segments import Utterance  # noqa: E402

MODULES = {"voiceprint": voiceprint, "enrolment": enrolment, "enrolled_ear": enrolled_ear}


def apply(settings: list[str]) -> None:
    for item in settings:
        name, _, value = item.partition("=")
        module, _, attr = name.rpartition(".")
        target = MODULES[module or "voiceprint"]
        if not hasattr(target, attr):
            raise SystemExit(f"--set {item}: {target.__name__} has no {attr}")
        setattr(target, attr, type(getattr(target, attr))(value))


def _init(settings: list[str], enrolments: dict, plain: dict) -> None:  # type: ignore[type-arg]
    apply(settings)
    enrolment_judge.share(enrolments, plain)


def judge(raw: dict[str, Any]) -> tuple[dict[tuple[str, str], Any], list[tuple[float, float]]]:
    trial = raw["trial"]
    utterances = [(Utterance(0.0, 0.0, pcm, voiced), end) for pcm, voiced, end in raw["utterances"]]
    scored = enrolment_judge.scores_of(trial.family, utterances)
    out = enrolment_judge.judge(trial, raw["proposed"], scored, raw["speech_end"])
    costs = [(w, c) for who in ("own", "neighbour") for s, w, c in scored[who, False] if s]
    return out, costs


def replay(path: Path, settings: list[str], processes: int = 2) -> dict[str, Any]:
    with open(path, "rb") as f:
        doc = pickle.load(f)
    apply(settings)
    enrolments = bench.enrol(doc["takes"])
    plain = bench.enrol(doc["takes"], near=False)
    with get_context("fork").Pool(
        processes, initializer=_init, initargs=(settings, enrolments, plain)
    ) as pool:
        done = pool.map(judge, doc["trials"], chunksize=16)
    keys = list(done[0][0]) if done else []
    trials = {k: [d[0][k] for d in done] for k in keys}
    s = bench.summarise(trials, [c for d in done for c in d[1]])
    s["settings"] = settings
    s["dumped_run"] = {k: doc["summary"].get(k) for k in ("every", "conditions", "seconds")}
    return s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE (repeatable)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--processes", type=int, default=2, choices=(1, 2))
    args = parser.parse_args(argv)
    s = replay(args.dump, args.set, args.processes)
    print(json.dumps(s, indent=2) if args.json else table(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
