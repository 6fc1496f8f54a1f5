"""Where a cold Piper first word goes: onnxruntime's import, the model's session, the first render.

Each run is a fresh interpreter, as the speech worker is; the parts are timed
in order inside it. The intro's sentence and a short phrase are rendered, to
show how much of the first render is its length.

    .venv/bin/python bench/piper_cold.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

CHILD = r"""
import time; t0 = time.perf_counter()
import onnxruntime; t1 = time.perf_counter()
import piper; t2 = time.perf_counter()
from voicecoach.speech.piper_engine import PiperEngine; t3 = time.perf_counter()
e = PiperEngine(None, 175, 1.0); t4 = time.perf_counter()
e.render("Pull Day. Five exercises, about thirty-seven minutes."); t5 = time.perf_counter()
e.render("Lat pulldown."); t6 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)
"""
PARTS = (
    "import onnxruntime",
    "import piper",
    "import the engine module",
    "model load (ONNX session)",
    "first render (the intro)",
    "a short phrase",
    "the whole process",
)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rows = []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
        ).stdout
        rows.append([float(x) for x in out.split()] + [time.perf_counter() - t])
    for i, name in enumerate(PARTS):
        values = [r[i] for r in rows]
        print(f"{name:28s} median {statistics.median(values):.3f} s, min {min(values):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
