"""Time to the first word (warm and cold, against a naive pyttsx3 say()), and
the speed of a dry run against process start-up alone.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import PY, QUICK, ROOT, Figure, vc  # noqa: E402
from helpers import PulseServer  # noqa: E402
from onsets import Recording  # noqa: E402


def time_to_first_word(
    pulse: PulseServer, work: Path, args: list[str], home: Path, settle: float = 0.0
) -> tuple[float, float]:
    """Seconds from ``Popen`` to the first sound heard, and from a SIGTERM sent ``settle``
    seconds after that sound to the process's exit."""
    env = dict(os.environ, **pulse.env(), VOICECOACH_HOME=str(home))
    with Recording(pulse, work / f"ttfw-{time.monotonic_ns()}.raw") as rec:
        start = time.monotonic()
        proc = subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        heard = rec.rec.wait_for_onsets(1, timeout=30)
        if settle:
            time.sleep(settle)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        gone = time.monotonic() - sent
    if not heard:
        return float("nan"), gone
    return rec.origin + heard[0] - start, gone


def _sigterm_exit(args: list[str]) -> float:
    """SIGTERM to exit of a process that is only running (the baseline for the exit)."""
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()  # it has started
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(10)
    return time.monotonic() - sent


def bench_ttfw(pulse: PulseServer, work: Path, report: dict) -> list[Figure]:
    home = work / "home-ttfw"
    # An installed package has its bytecode compiled (pip does it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module on every start, about 0.12 s here.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    # The neural voice (the default when installed) is the cold case the goal is set for.
    args = vc("run", "pull-day", "--no-journal", "--engine", "piper")
    cold, _ = time_to_first_word(pulse, work, args, home)
    warm, _ = time_to_first_word(pulse, work, args, home)
    # The exit: a warm run with its journal, terminated one second into its first words.
    _, gone = time_to_first_word(
        pulse, work, vc("run", "pull-day", "--engine", "piper"), home, settle=1.0
    )
    naive, _ = time_to_first_word(
        pulse,
        work,
        [PY, "-c", ("import pyttsx3; e = pyttsx3.init(); e.say('Pull Day.'); e.runAndWait()")],
        home,
    )
    version = statistics.median(_wall(vc("--version")) for _ in range(3))
    bare = _sigterm_exit([PY, "-c", "import time; print('up', flush=True); time.sleep(30)"])
    report["ttfw"] = {
        "cold": cold,
        "warm": warm,
        "naive_pyttsx3": naive,
        "version": version,
        "sigterm_exit": gone,
        "bare_sigterm_exit": bare,
    }
    return [
        Figure(
            "time to first word, warm cache",
            warm,
            "s",
            "voicecoach --version",
            version,
            "≤ 0.35 s and ≤ --version + 0.25 s",
            warm <= 0.35 and warm <= version + 0.25,
        ),
        Figure(
            "time to first word, warm cache, against pyttsx3",
            warm,
            "s",
            "naive pyttsx3 say()",
            naive,
            "ratio ≥ 1",
            warm <= naive,
        ),
        Figure(
            "time to first word, cold cache",
            cold,
            "s",
            "naive pyttsx3 say()",
            naive,
            "≤ 1.2 s",
            cold <= 1.2,
        ),
        Figure(
            "SIGTERM to exit, mid-sentence, journal on",
            gone,
            "s",
            "a bare Python process",
            bare,
            "≤ 0.5 s",
            gone <= 0.5,
        ),
    ]


def _wall(args: list[str]) -> float:
    t = time.monotonic()
    subprocess.run(args, capture_output=True, check=True)
    return time.monotonic() - t


def bench_dry_run(work: Path, report: dict) -> list[Figure]:
    from voicecoach.plan.planner import estimate_seconds
    from voicecoach.routines.catalog import builtin_paths, load

    longest = max(builtin_paths(), key=lambda n: estimate_seconds(load(n)))
    env = dict(os.environ, VOICECOACH_HOME=str(work / "home-dry"))
    # The smoke test only checks that this runs: filling the cache with the neural voice
    # costs a minute of CPU on two cores, espeak-ng a few seconds, through the same code.
    engine = ["--engine", "espeak"] if QUICK else []
    dry_args = vc("run", longest, "--dry-run", "--no-journal", *engine)
    subprocess.run(dry_args, env=env, capture_output=True, check=True)  # warm the speech cache

    def wall(args: list[str]) -> tuple[float, str]:
        times, out = [], ""
        for _ in range(2 if QUICK else 5):
            t = time.monotonic()
            out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
            times.append(time.monotonic() - t)
        return statistics.median(times), out

    dry, out = wall(dry_args)
    startup, _ = wall(vc("--version"))
    last = out.strip().splitlines()[-1]
    m, s = last[1:].split("]")[0].split(":")
    simulated = int(m) * 60 + float(s)
    report["dry_run"] = {
        "routine": longest,
        "wall": dry,
        "simulated": simulated,
        "speedup": simulated / dry,
        "startup": startup,
    }
    return [
        Figure(
            f"dry run of {longest} (longest)",
            dry,
            "s",
            "voicecoach --version",
            startup,
            "≤ 0.5 s",
            dry <= 0.5,
        )
    ]
