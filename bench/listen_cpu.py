"""What listening costs: CPU and memory of ``voicecoach run --listen`` against
``--no-listen``, the same routine in the same bench run, while a virtual microphone hears
a room.

    .venv/bin/python bench/run.py listencpu          # as a suite of the bench (~8 min)
    .venv/bin/python bench/listen_cpu.py --quick --json   # the smoke test's short run (~1.5 min)

Only the command line is used (``--listen`` / ``--no-listen``), never the listener's
modules, so the figures are those of whatever listener the branch ships. Method:
bench/README.md, item 7.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import BENCH_ROUTINE, QUICK, Figure, vc  # noqa: E402
from helpers import PulseServer  # noqa: E402
from virtual_mic import MicFeed, add_mic, pink_pcm, remove_mic  # noqa: E402
from voicecoach.plan.wording import GO  # noqa: E402

NOISE_DBFS = -20.0  # RMS of the room: about the coach's own clips (levelled to -18 LUFS)
NOISE_SECONDS = 20  # one period of the loop; pink noise made by FFT is circular, so it tiles
SEED = 13
POLL = 0.05  # seconds between samples of /proc; a set is ~17 s, so 0.3 % of a window
TICKS = os.sysconf("SC_CLK_TCK")

# The short routine of --quick: the same shape (count-in, tempo, a rest) in ~40 s.
QUICK_ROUTINE = """\
name: Listen CPU quick
count_in: 3
exercises:
  - use: barbell-row
    sets: 2
    reps: 1
    load: 100 lb
    rest: 12s
    tempo: [pull 1, lower 1]
"""


def proc_cpu(pid: int) -> float | None:
    """utime + stime of the whole process (every thread, live or ended), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def vm_hwm_mb(pid: int) -> float | None:
    """Peak RSS (VmHWM) of the process itself: ``ru_maxrss`` would carry the bench's own."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def threads(pid: int) -> dict[int, tuple[str, float]]:
    """Every live thread: tid -> (its name, its utime + stime in seconds)."""
    out: dict[int, tuple[str, float]] = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            text = (task / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        out[int(task.name)] = (name, (int(fields[11]) + int(fields[12])) / TICKS)
    return out


@dataclass
class Trace:
    """What one run left: CPU samples, the transcript's events as they were seen, memory."""

    pid: int = 0
    samples: list[tuple[float, float]] = field(default_factory=list)  # (monotonic, cpu s)
    seen: list[tuple[float, dict]] = field(default_factory=list)  # (monotonic, event)
    hwm_mb: float = 0.0
    max_threads: int = 0
    thread_snaps: list[tuple[float, dict[int, tuple[str, float]]]] = field(default_factory=list)

    def offset(self) -> float:
        """Monotonic time of session time 0, from events the session emits as they happen."""
        live = [t - e["actual"] for t, e in self.seen if e["kind"] not in ("say", "sound")]
        return min(live) if live else min(t - e["actual"] for t, e in self.seen)

    def cpu_at(self, t: float) -> float:
        """CPU seconds at monotonic ``t``, linear between the samples either side."""
        s = self.samples
        if t <= s[0][0]:
            return s[0][1]
        for (t0, c0), (t1, c1) in itertools.pairwise(s):
            if t0 <= t <= t1:
                return c0 + (c1 - c0) * (t - t0) / (t1 - t0 or 1)
        return s[-1][1]

    def share(self, windows: list[tuple[float, float]]) -> float:
        """Fraction of a core over session-time windows (their CPU over their total length)."""
        off = self.offset()
        cpu = sum(self.cpu_at(b + off) - self.cpu_at(a + off) for a, b in windows)
        length = sum(b - a for a, b in windows)
        return cpu / length if length > 0 else float("nan")


def windows(events: list[dict]) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(rests, sets) in session seconds.

    A rest is the ``rest`` event to the next ``set``, less 3 s at the start (its
    announcement) and 7 s at the end (the 3-2-1 countdown): 50 s of a 60 s rest,
    as bench/onsets.py measures it. A set is its "go" to the RIR question: the
    reps, when the "done" window is open.
    """
    rests, sets = [], []
    for i, e in enumerate(events):
        later = events[i + 1 :]
        if e["kind"] == "rest":
            end = next((x["actual"] for x in later if x["kind"] == "set"), None)
            if end is not None and end - e["actual"] > 10:
                rests.append((e["actual"] + 3, end - 7))
        if e["kind"] == "say" and e["text"] == GO:
            end = next((x["actual"] for x in later if x["kind"] == "ask"), None)
            if end is not None:
                sets.append((e["due"], end))
    return rests, sets


def run_once(
    label: str, listen: bool, feed: bytes, pulse: PulseServer, work: Path, routine: Path
) -> dict:
    """One live ``voicecoach run`` with the mic fed ``feed``; CPU and memory sampled from /proc."""
    log = work / f"{label.replace(', ', '-').replace(' ', '_')}.jsonl"
    env = dict(os.environ, **pulse.env(), VOICECOACH_HOME=str(work / "home-listen"))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no media buttons: only listening differs
    args = ["run", str(routine), "--audio", "stream", "--answers", "2,2", "--transcript", str(log)]
    args += ["--no-journal", "--no-buttons", "--listen" if listen else "--no-listen"]
    args += ["--engine", "espeak"] if QUICK else []
    trace = Trace()
    with MicFeed(pulse, feed):
        start = time.monotonic()
        proc = subprocess.Popen(
            vc(*args), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        trace.pid = proc.pid
        pos, partial = 0, b""
        while proc.poll() is None:
            now, cpu, hwm = time.monotonic(), proc_cpu(proc.pid), vm_hwm_mb(proc.pid)
            if cpu is not None:
                trace.samples.append((now, cpu))
            trace.hwm_mb = max(trace.hwm_mb, hwm or 0.0)
            if log.exists():
                with log.open("rb") as f:
                    f.seek(pos)
                    data = partial + f.read()
                    pos = f.tell()
                *lines, partial = data.split(b"\n")
                trace.seen += [(now, json.loads(line)) for line in lines if line.strip()]
            snap = threads(proc.pid)
            trace.max_threads = max(trace.max_threads, len(snap))
            trace.thread_snaps.append((now, snap))
            time.sleep(POLL)  # the sampling period, not a wait for anything
        wall = time.monotonic() - start
    events = [e for _, e in trace.seen]
    rests, sets = windows(events)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    return {
        "listen": listen,
        "exit": proc.returncode,
        "rest_cpu": trace.share(rests),
        "set_cpu": trace.share(sets),
        "whole_cpu": (trace.samples[-1][1] / wall) if trace.samples else float("nan"),
        "wall_s": wall,
        "peak_rss_mb": trace.hwm_mb,
        "max_threads": trace.max_threads,
        "rest_windows": rests,
        "set_windows": sets,
        "rest_threads": thread_shares(trace, rests),
        # A set shorter than in the other runs means a "done" was heard in the noise.
        "set_lengths_s": [round(b - a, 2) for a, b in sets],
        "kinds": sorted({e["kind"] for e in events}),
        "not_listening": "not listening" in stderr,
        "stderr": stderr[-400:],
    }


def thread_shares(trace: Trace, rests: list[tuple[float, float]]) -> list[dict]:
    """Per-thread share of a core over the first rest's window, busiest first.

    Thread names are all "python" (3.11 does not name OS threads), so the rows
    tell how many threads are busy and how busy, and the tid order (the main
    thread's tid is the pid; later threads have higher tids) hints at which.
    """
    if not rests or not trace.thread_snaps:
        return []
    off = trace.offset()
    start, end = rests[0][0] + off, rests[0][1] + off
    inside = [(t, s) for t, s in trace.thread_snaps if start <= t <= end]
    if len(inside) < 2:
        return []
    (t0, a), (t1, b) = inside[0], inside[-1]
    rows = [
        {
            "tid": tid,
            "name": "main" if tid == trace.pid else name,
            "cpu": (cpu - a.get(tid, (name, 0.0))[1]) / (t1 - t0),
        }
        for tid, (name, cpu) in b.items()
    ]
    return sorted(rows, key=lambda r: -r["cpu"])


def warm_cache(work: Path, routine: Path) -> None:
    """A dry run renders every phrase first, so no run pays for the speech cache."""
    env = dict(os.environ, VOICECOACH_HOME=str(work / "home-listen"))
    args = ["run", str(routine), "--dry-run", "--answers", "2,2", "--no-journal"]
    args += ["--engine", "espeak"] if QUICK else []
    subprocess.run(vc(*args), env=env, capture_output=True, check=True, timeout=900)


def measure(pulse: PulseServer, work: Path, silence: bool = True) -> dict:
    """The runs: --no-listen, --listen (pink noise in the mic both times), then --listen in
    silence. The no-listen run hears the same noise, so the feed's own cost is the same."""
    routine = BENCH_ROUTINE
    if QUICK:
        routine = work / "listen-quick.yaml"
        routine.write_text(QUICK_ROUTINE)
    warm_cache(work, routine)
    noise = pink_pcm(NOISE_SECONDS if not QUICK else 2, NOISE_DBFS, SEED)
    module = add_mic(pulse)
    plan = [
        ("no-listen, pink noise", False, noise),
        ("listen, pink noise", True, noise),
        *([("listen, silence", True, bytes(len(noise)))] if silence else []),
    ]
    try:
        if QUICK:  # the smoke test checks the harness, not the figures: all runs at once
            with ThreadPoolExecutor(len(plan)) as pool:
                done = [pool.submit(run_once, *p, pulse, work, routine) for p in plan]
            runs = {p[0]: f.result() for p, f in zip(plan, done, strict=True)}
        else:  # one at a time, so no run's CPU competes with another's
            runs = {p[0]: run_once(*p, pulse, work, routine) for p in plan}
    finally:
        remove_mic(pulse, module)
    return {"routine": str(routine), "noise_dbfs": NOISE_DBFS, "seed": SEED, "runs": runs}


def figures(result: dict) -> list[Figure]:
    """The table's rows: each listening figure beside the --no-listen run of the same bench."""
    runs = result["runs"]
    base, noisy = runs["no-listen, pink noise"], runs["listen, pink noise"]
    rows = [
        Figure(
            "CPU during a 60 s rest, listening (pink noise)",
            100 * noisy["rest_cpu"],
            "% core",
            "--no-listen, same noise",
            100 * base["rest_cpu"],
            "≤ 1 % of a core",
            noisy["rest_cpu"] <= 0.01,
        ),
        Figure(
            "CPU during the sets, listening (pink noise)",
            100 * noisy["set_cpu"],
            "% core",
            "--no-listen, same noise",
            100 * base["set_cpu"],
            "(reported)",
            None,
        ),
        Figure(
            "CPU over the whole routine, listening (pink noise)",
            100 * noisy["whole_cpu"],
            "% core",
            "--no-listen, same noise",
            100 * base["whole_cpu"],
            "(reported)",
            None,
        ),
        Figure(
            "peak RSS (VmHWM), listening",
            noisy["peak_rss_mb"],
            "MB",
            "--no-listen",
            base["peak_rss_mb"],
            "(reported)",
            None,
        ),
    ]
    quiet = runs.get("listen, silence")
    if quiet is not None:
        rows.insert(
            1,
            Figure(
                "CPU during a 60 s rest, listening (silence)",
                100 * quiet["rest_cpu"],
                "% core",
                "--no-listen, pink noise",
                100 * base["rest_cpu"],
                "≤ 1 % of a core",
                quiet["rest_cpu"] <= 0.01,
            ),
        )
    return rows


def bench_listen_cpu(pulse: PulseServer, work: Path, report: dict) -> list[Figure]:
    """The suite as bench/run.py calls it: the runs' details go into the report's JSON."""
    result = measure(pulse, work, silence=not QUICK)
    report["listen_cpu"] = result
    return figures(result)


def main() -> int:
    """``--quick --json``: the smoke test's short run, in its own PulseAudio server."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="voicecoach-listencpu-") as tmp:
        work = Path(tmp)
        pulse = PulseServer(work / "pulse")
        pulse.start()
        try:
            result = measure(pulse, work, silence=not QUICK)
        finally:
            pulse.stop()
    rows = [dict(f.__dict__, ratio=f.ratio) for f in figures(result)]
    if "--json" in sys.argv:
        print(json.dumps({"figures": rows, **result}, default=str))
    else:
        for r in rows:
            print(f"{r['name']}: {r['value']:.3g} {r['unit']} ({r['baseline_name']}: "
                  f"{r['baseline']:.3g}; goal {r['goal']}, met {r['met']})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
