#!/usr/bin/env python3
"""Run every voicecoach benchmark and report each figure beside a baseline from the same run.

    .venv/bin/python bench/run.py            # after: bash scripts/test.sh (or install.sh --test)

Prints a table and writes bench/results/latest.json (and a timestamped copy).
Method and the latest table: bench/README.md. Nothing here is a test: no
figure passes or fails anything; goals are reported as met or not.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from helpers import PulseServer, onsets  # noqa: E402
from voicecoach.clips import samples  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.voice import make_voice  # noqa: E402

PY = sys.executable
BENCH_ROUTINE = Path(os.environ.get("BENCH_ROUTINE", ROOT / "bench" / "routines" / "bench.yaml"))
THRESHOLD = 1500
CLIP_RATE = 22050
QUICK = "--quick" in sys.argv  # the smoke test: small sizes, only checks that the bench runs


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    goal: str
    met: bool | None

    @property
    def ratio(self) -> float:
        return self.baseline / self.value if self.value else float("inf")


def vc(*args: str) -> list[str]:
    return [PY, "-m", "voicecoach", *args]


def internal_onset(pcm_samples, rate: int) -> float:  # type: ignore[no-untyped-def]
    for i, v in enumerate(pcm_samples):
        if v > THRESHOLD or v < -THRESHOLD:
            return i / rate
    return 0.0


class Recording:
    """parec of one sink's monitor at the clips' rate, with an estimate of when its first
    sample was taken (used only for time to first word)."""

    def __init__(self, pulse: PulseServer, path: Path):
        self.rec = pulse.record(path, CLIP_RATE)
        self.path = path

    def __enter__(self) -> Recording:
        self.rec.__enter__()
        while not self.path.exists() or self.path.stat().st_size < 4410:
            time.sleep(0.01)
        size = self.path.stat().st_size
        self.origin = time.monotonic() - size / 2 / CLIP_RATE
        return self

    def __exit__(self, *exc: object) -> None:
        self.rec.__exit__(*exc)

    def onset_times(self, min_gap: float = 0.25) -> list[float]:
        return [self.origin + t for t in onsets(self.rec.samples(), CLIP_RATE, THRESHOLD, min_gap)]


def _crossing(rec, start: int, stop: int, quiet: int) -> int | None:  # type: ignore[no-untyped-def]
    """First sample in [start, stop) above the threshold after ``quiet`` quiet samples."""
    last_loud = -(10**9)
    for i in range(max(0, start - quiet), min(stop, len(rec))):
        v = rec[i]
        if v > THRESHOLD or v < -THRESHOLD:
            if i >= start and i - last_loud > quiet:
                return i
            last_loud = i
    return None


def _refine(rec, clip, guess: int, radius: int) -> int:  # type: ignore[no-untyped-def]
    """The lag (clip start in the recording) that best correlates the clip's first 40 ms."""
    n = min(len(clip), int(0.04 * CLIP_RATE))
    head = clip[:n]
    best, best_lag = -1.0, guess
    for lag in range(max(0, guess - radius), guess + radius + 1):
        seg = rec[lag : lag + n]
        if len(seg) < n:
            break
        score = sum(a * b for a, b in zip(head, seg, strict=False))
        if score > best:
            best, best_lag = score, lag
    return best_lag


def cue_errors(rec, cues: list[tuple[float, object]]) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    """Onset error of every cue, in seconds, after removing the constant latency.

    ``cues`` are (due, clip) in schedule order, due in session seconds. Each
    cue is searched for after the previous one's sound, from 80 ms before its
    expected time up to 10 s after (the naive baseline runs late). Near the
    expectation the onset is refined by correlating the clip's first 40 ms
    with the recording, which is sample-accurate whatever the word's attack.
    """
    quiet = int(0.03 * CLIP_RATE)
    first_clip = cues[0][1]
    first = _crossing(rec, 0, len(rec), quiet)
    if first is None:
        return [], len(cues)
    inner0 = internal_onset(first_clip, CLIP_RATE)
    offset = first / CLIP_RATE - inner0 - cues[0][0]
    errors, missed, floor = [], 0, 0
    for due, clip in cues:
        inner = internal_onset(clip, CLIP_RATE)
        expect = round((offset + due + inner) * CLIP_RATE)
        lo = max(floor, expect - int(0.08 * CLIP_RATE))
        hit = _crossing(rec, lo, expect + 10 * CLIP_RATE, quiet)
        if hit is None:
            missed += 1
            continue
        start = hit - round(inner * CLIP_RATE)
        if abs(hit - expect) < int(0.08 * CLIP_RATE):
            start = _refine(rec, clip, start, int(0.006 * CLIP_RATE))
        errors.append(start / CLIP_RATE - (offset + due))
        floor = start + len(clip)
    if errors:
        centre = statistics.median(errors)
        errors = [e - centre for e in errors]
    return errors, missed


def stats_ms(errors: list[float], missed: int) -> dict[str, float]:
    """p50/p99/max of |error| and drift (last five cues against the first five), in ms."""
    if not errors:
        return {
            "p50": float("nan"),
            "p99": float("nan"),
            "max": float("nan"),
            "drift": float("nan"),
            "n": 0,
            "missed": missed,
        }
    a = sorted(abs(e) * 1000 for e in errors)
    p99 = a[min(len(a) - 1, round(0.99 * (len(a) - 1)))]
    k = min(5, len(errors))
    drift = (statistics.mean(errors[-k:]) - statistics.mean(errors[:k])) * 1000
    return {
        "p50": statistics.median(a),
        "p99": p99,
        "max": a[-1],
        "drift": drift,
        "n": len(errors),
        "missed": missed,
    }


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def run_session(audio: str, pulse: PulseServer, work: Path, home: Path) -> dict:
    """voicecoach run of the bench routine, recorded; CPU sampled during the 60 s rest."""
    log = work / f"{audio}.jsonl"
    env = dict(os.environ, **pulse.env(), VOICECOACH_HOME=str(home))
    with Recording(pulse, work / f"{audio}.raw") as rec:
        start = time.monotonic()
        proc = subprocess.Popen(
            vc(
                "run",
                str(BENCH_ROUTINE),
                "--audio",
                audio,
                "--answers",
                "2,2",
                "--transcript",
                str(log),
                "--no-journal",
            ),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        rest_cpu = None
        while proc.poll() is None:
            text = log.read_text() if log.exists() else ""
            if rest_cpu is None and '"kind": "rest"' in text:
                time.sleep(3)  # let the rest's opening announcement finish
                c0, t0 = proc_cpu(proc.pid), time.monotonic()
                time.sleep(50)  # inside the 60 s rest: milestones, no speech-heavy work
                rest_cpu = (proc_cpu(proc.pid) - c0) / (time.monotonic() - t0)
            time.sleep(0.1)
        wall = time.monotonic() - start
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    return {
        "events": events,
        "samples": rec.rec.samples(),
        "rest_cpu": rest_cpu,
        "wall": wall,
        "children_ru": (ru.ru_utime + ru.ru_stime, ru.ru_maxrss),
        "stderr": proc.stderr.read().decode() if proc.stderr else "",
    }


def scheduled(events: list[dict], voice) -> tuple[list[tuple[float, object]], list[dict]]:  # type: ignore[no-untyped-def]
    """(due, clip samples) for every spoken cue, from a run's transcript."""
    says = [e for e in events if e["kind"] == "say"]
    return [(e["due"], samples(voice.clip(e["text"]))) for e in says], says


def bench_onsets(pulse: PulseServer, work: Path, report: dict) -> list[Figure]:
    home = work / "home-onset"
    voice = make_voice(Settings(), home / "cache" / "clips")
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stream = run_session("stream", pulse, work, home)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stream_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
        cpu_before.ru_utime + cpu_before.ru_stime
    )
    stream_rss_mb = cpu_after.ru_maxrss / 1024
    cues, says = scheduled(stream["events"], voice)
    s_stream = stats_ms(*cue_errors(stream["samples"], cues))

    simple = run_session("simpleaudio", pulse, work, home)
    cues_sa, _ = scheduled(simple["events"], voice)
    s_simple = stats_ms(*cue_errors(simple["samples"], cues_sa))

    # The naive loop: same cue texts at the same due times, say() + runAndWait().
    cue_lines = "\n".join(json.dumps({"due": e["due"], "text": e["text"]}) for e in says)
    env = dict(os.environ, **pulse.env())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Recording(pulse, work / "naive.raw") as rec:
        t_start = time.monotonic()
        naive = subprocess.run(
            [PY, str(ROOT / "bench" / "naive_pyttsx3.py")],
            input=cue_lines,
            text=True,
            capture_output=True,
            env=env,
            timeout=600,
        )
        naive_wall = time.monotonic() - t_start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    naive_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    s_naive = stats_ms(*cue_errors(rec.rec.samples(), cues))
    report["onsets"] = {
        "stream": s_stream,
        "simpleaudio": s_simple,
        "naive_pyttsx3": s_naive,
        "cues": len(says),
        "naive_stderr": naive.stderr[-500:],
    }
    report["cpu"] = {
        "stream_rest_fraction": stream["rest_cpu"],
        "simpleaudio_rest_fraction": simple["rest_cpu"],
        "stream_whole": stream_cpu / stream["wall"],
        "naive_whole": naive_cpu / naive_wall,
        "stream_peak_rss_mb": stream_rss_mb,
    }
    worst_base = min(s_simple["p99"], s_naive["p99"])
    return [
        Figure(
            "onset error p99, stream",
            s_stream["p99"],
            "ms",
            "simpleaudio p99",
            s_simple["p99"],
            "≤ 2 ms",
            s_stream["p99"] <= 2,
        ),
        Figure(
            "onset error p99, stream",
            s_stream["p99"],
            "ms",
            "naive pyttsx3 p99",
            s_naive["p99"],
            "≥ 10× better than both",
            worst_base >= 10 * s_stream["p99"],
        ),
        Figure(
            "drift first→last cue, stream",
            abs(s_stream["drift"]),
            "ms",
            "naive pyttsx3 drift",
            abs(s_naive["drift"]),
            "≤ 2 ms",
            abs(s_stream["drift"]) <= 2,
        ),
        Figure(
            "CPU during a 60 s rest",
            100 * (stream["rest_cpu"] or 0),
            "% core",
            "simpleaudio output",
            100 * (simple["rest_cpu"] or 0),
            "≤ 1 %",
            (stream["rest_cpu"] or 0) <= 0.01,
        ),
        Figure(
            "CPU over the whole routine",
            100 * stream_cpu / stream["wall"],
            "% core",
            "naive pyttsx3 loop",
            100 * naive_cpu / naive_wall,
            "(reported)",
            None,
        ),
    ]


def time_to_first_word(pulse: PulseServer, work: Path, args: list[str], home: Path) -> float:
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
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    if not heard:
        return float("nan")
    return rec.origin + heard[0] - start


def bench_ttfw(pulse: PulseServer, work: Path, report: dict) -> list[Figure]:
    home = work / "home-ttfw"
    cold = time_to_first_word(pulse, work, vc("run", "pull-day", "--no-journal"), home)
    warm = time_to_first_word(pulse, work, vc("run", "pull-day", "--no-journal"), home)
    naive = time_to_first_word(
        pulse,
        work,
        [PY, "-c", ("import pyttsx3; e = pyttsx3.init(); e.say('Pull Day.'); e.runAndWait()")],
        home,
    )
    report["ttfw"] = {"cold": cold, "warm": warm, "naive_pyttsx3": naive}
    return [
        Figure(
            "time to first word, warm cache",
            warm,
            "s",
            "naive pyttsx3 say()",
            naive,
            "≤ 0.3 s",
            warm <= 0.3,
        ),
        Figure(
            "time to first word, cold cache",
            cold,
            "s",
            "naive pyttsx3 say()",
            naive,
            "≤ 1.5 s",
            cold <= 1.5,
        ),
    ]


def bench_rss(report: dict) -> list[Figure]:
    return [
        Figure(
            "peak RSS, stream run",
            report["cpu"]["stream_peak_rss_mb"],
            "MB",
            "(children's max incl. naive)",
            report["cpu"]["stream_peak_rss_mb"],
            "≤ 80 MB",
            report["cpu"]["stream_peak_rss_mb"] <= 80,
        )
    ]


def bench_dry_run(work: Path, report: dict) -> list[Figure]:
    from voicecoach.catalog import builtin_paths, load
    from voicecoach.planner import estimate_seconds

    longest = max(builtin_paths(), key=lambda n: estimate_seconds(load(n)))
    env = dict(os.environ, VOICECOACH_HOME=str(work / "home-dry"))
    subprocess.run(
        vc("run", longest, "--dry-run", "--no-journal"), env=env, capture_output=True, check=True
    )  # warm the speech cache

    def wall(args: list[str]) -> tuple[float, str]:
        times, out = [], ""
        for _ in range(5):
            t = time.monotonic()
            out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
            times.append(time.monotonic() - t)
        return statistics.median(times), out

    dry, out = wall(vc("run", longest, "--dry-run", "--no-journal"))
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


def bench_journal(work: Path, report: dict) -> list[Figure]:
    from voicecoach import history
    from voicecoach.journal import Journal, SetRecord
    from voicecoach.loads import Weight

    def build(n_sets: int) -> Journal:
        j = Journal(work / f"journal-{n_sets}.sqlite3")
        j.db.execute("BEGIN")
        per_session = 20
        for s in range(n_sets // per_session):
            day = (
                "2020-01-01T00:00:00+00:00"
                if s == 0
                else time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(1577836800 + s * 86400))
            )
            sid = j.begin("Pull Day", "", "", day)
            for k in range(per_session):
                ex = ("kroc-row", "pull-up", "face-pull", "deadlift")[k % 4]
                w = Weight(50 + (s % 50), "lb")
                j.record(
                    sid,
                    SetRecord(
                        k, ex, ex, k // 4 + 1, "", w, 8, 12, None, w, 10, 2, None, day, day, w
                    ),
                )
            j.finish(sid, day, "completed")
        j.db.execute("COMMIT")
        return j

    def best(fn) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(7):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    big_n = 5_000 if QUICK else 100_000
    small, big = build(1_000), build(big_n)
    size = f"{big_n // 1000}k sets"
    out = {}
    for label, j in (("1k", small), ("big", big)):
        out[label] = {
            "history": best(lambda j=j: history.sessions(j, 20)),
            "exercise": best(lambda j=j: history.exercise(j, "kroc-row")),
            "load_memory": best(lambda j=j: j.carried_load("kroc-row", include_dry_runs=False)),
        }
    report["journal"] = out
    return [
        Figure(
            f"history (20 sessions), {size}",
            out["big"]["history"] * 1000,
            "ms",
            "same, 1k sets",
            out["1k"]["history"] * 1000,
            "≤ 100 ms",
            out["big"]["history"] <= 0.1,
        ),
        Figure(
            f"load memory lookup, {size}",
            out["big"]["load_memory"] * 1000,
            "ms",
            "same, 1k sets",
            out["1k"]["load_memory"] * 1000,
            "(reported)",
            None,
        ),
        Figure(
            f"history --exercise, {size}",
            out["big"]["exercise"] * 1000,
            "ms",
            "same, 1k sets",
            out["1k"]["exercise"] * 1000,
            "(reported)",
            None,
        ),
    ]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}"
    )


def main() -> int:
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
