"""Onset accuracy as heard: cues recorded from the PulseAudio null sink, against
simpleaudio and a naive pyttsx3 loop; CPU during a rest; peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import BENCH_ROUTINE, CLIP_RATE, PY, ROOT, THRESHOLD, Figure, vc  # noqa: E402
from helpers import PulseServer, onsets  # noqa: E402
from voicecoach.audio.clips import samples  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.speech import make_voice  # noqa: E402


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
