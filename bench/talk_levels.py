"""How much the coach says at each talk level: spoken lines per set and per session.

Every built-in routine is run dry (the silent estimate voice, fixed answers)
at ``full``, ``reps`` and ``quiet``; each level's counts are reported beside
``full`` from the same run. Run alone: ``.venv/bin/python bench/talk_levels.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import PY, ROOT

LEVELS = ("full", "reps", "quiet")
ANSWERS = ",".join(["2"] * 60)


def counts(routine: str, level: str, home: Path) -> tuple[int, int, int]:
    """(spoken lines, sounds, sets) of one dry run."""
    transcript = home / f"{routine}-{level}.jsonl"
    args = ["run", routine, "--dry-run", "--engine", "estimate", "--audio", "none"]
    args += ["--no-journal", "--answers", ANSWERS, "--talk", level]
    subprocess.run(
        [PY, "-m", "voicecoach", *args, "--transcript", str(transcript)],
        env={"VOICECOACH_HOME": str(home), "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    kinds = [json.loads(line)["kind"] for line in transcript.read_text().splitlines()]
    return kinds.count("say"), kinds.count("sound"), max(1, kinds.count("set"))


def bench_talk(report: dict[str, Any], figure: Any) -> list[Any]:
    """Lines per set at each level, for every built-in, with full as the baseline."""
    from voicecoach.routines.catalog import builtin_paths

    rows: dict[str, dict[str, tuple[int, int, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="voicecoach-talk-") as tmp:
        for name in builtin_paths():
            rows[name] = {level: counts(name, level, Path(tmp)) for level in LEVELS}
    report["talk_levels"] = rows
    figures = []
    for level in LEVELS[1:]:
        said = sum(r[level][0] for r in rows.values())
        sets = sum(r[level][2] for r in rows.values())
        full = sum(r["full"][0] for r in rows.values())
        full_sets = sum(r["full"][2] for r in rows.values())
        figures.append(
            figure(
                f"spoken lines per set, talk {level} (every built-in)",
                said / sets,
                "lines",
                "talk full",
                full / full_sets,
                "fewer than full",
                said / sets < full / full_sets,
            )
        )
    return figures


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from common import Figure

    report: dict[str, Any] = {}
    for f in bench_talk(report, Figure):
        print(f"{f.name}: {f.value:.1f} {f.unit} (full: {f.baseline:.1f}, ratio {f.ratio:.2f}×)")
    print()
    print("| routine | " + " | ".join(f"{lv}: lines/session, per set" for lv in LEVELS) + " |")
    print("|---|" + "---|" * len(LEVELS))
    for name, row in report["talk_levels"].items():
        cells = [f"{row[lv][0]}, {row[lv][0] / row[lv][2]:.1f}" for lv in LEVELS]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
