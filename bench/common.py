"""What every bench suite shares: paths, the Figure row, the machine line.

Every figure is reported beside a baseline measured in the same run.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))


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
