"""The bench runs (a smoke test only: no figure passes or fails anything)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_run_writes_results() -> None:
    """bench/run.py --quick finishes, prints a table and writes its JSON."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "journal", "dry"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| figure | value |" in done.stdout
    data = json.loads((ROOT / "bench" / "results" / "smoke.json").read_text())
    assert any(f["name"].startswith("history (20 sessions)") for f in data["figures"])


def test_render_lead_bench_quick_run() -> None:
    """bench/render_lead.py --quick replays a session against real Piper render times."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "render_lead.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| trx-ytw | 2 |" in done.stdout
    assert "smallest render lead:" in done.stdout
