"""CPU time to a warm run's first clip: a start-up figure that a shared machine disturbs less.

Wall-clock time to the first word moves with the load of other processes
(0.4 s to 2.4 s on the same code, on the shared 2-core machine); the CPU the
process spends before it hands its first clip to the stream moves far less.
Each run is a real ``voicecoach run pull-day --no-journal --engine piper``
into a private PulseAudio server, warm cache, stopped at that first clip.
``--against SRC`` alternates with another source tree (a checkout's ``src``)
as the baseline of the same run.

    .venv/bin/python bench/first_clip_cpu.py [--against OTHER/src] [RUNS]
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import PulseServer  # noqa: E402

ARGS = ["run", "pull-day", "--no-journal", "--engine", "piper"]
# Run in the child: stop at the first clip handed to the stream and print the CPU used.
CHILD = """
import os, sys, time
import voicecoach.audio.stream as stream
def play(self, clip, at):
    print("FIRST", time.process_time(), flush=True)
    os._exit(0)
stream.StreamOutput.play = play
sys.argv = ["voicecoach", *{args!r}]
from voicecoach.__main__ import main
main()
"""


def first_clip_cpu(src: Path, env: dict[str, str]) -> float:
    run = subprocess.run(
        [sys.executable, "-c", CHILD.format(args=ARGS)],
        env=dict(env, PYTHONPATH=str(src)),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    line = next((x for x in run.stdout.splitlines() if x.startswith("FIRST")), None)
    if line is None:
        raise RuntimeError(f"no first clip from {src}: {run.stderr[-300:]}")
    return float(line.split()[1])


def main() -> int:
    args = sys.argv[1:]
    trees = {"this tree": ROOT / "src"}
    if "--against" in args:
        i = args.index("--against")
        trees["baseline"] = Path(args[i + 1]).resolve()
        del args[i : i + 2]
    runs = int(args[0]) if args else 7
    for src in trees.values():  # bytecode compiled, as an install has it
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
    with tempfile.TemporaryDirectory(prefix="voicecoach-cpu-") as tmp:
        pulse = PulseServer(Path(tmp) / "pulse")
        pulse.start()
        try:
            env = dict(os.environ, **pulse.env(), VOICECOACH_HOME=str(Path(tmp) / "home"))
            # Warm the cache: one run left to render its first words.
            warm = subprocess.Popen(
                [sys.executable, "-m", "voicecoach", *ARGS],
                env=dict(env, PYTHONPATH=str(ROOT / "src")),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            time.sleep(20)
            warm.send_signal(signal.SIGTERM)
            warm.wait(10)
            cpu: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(runs):
                for name, src in trees.items():
                    cpu[name].append(first_clip_cpu(src, env))
        finally:
            pulse.stop()
    for name, values in cpu.items():
        print(
            f"{name}: CPU to the first clip, median {statistics.median(values):.3f} s, "
            f"min {min(values):.3f} s ({runs} runs)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
