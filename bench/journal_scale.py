"""Journal at scale: import, ``history --exercise`` and export at 1 M sets beside 100 k.

Each figure is measured in a fresh ``voicecoach`` process (so peak RSS is that
command's own, from ``getrusage(RUSAGE_CHILDREN)`` of a one-child wrapper), on
a CSV generated here in a second or two, and reported as a ratio against the
same figure at a tenth of the size in the same run. The targets at 1 M
sets: peak RSS ≤ 150 MB, ``history --exercise`` ≤ 0.3 s (it was 1 s).

    .venv/bin/python bench/run.py journal_scale     # or: python bench/journal_scale.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable
EXERCISES = ("Kroc row", "Pull up", "Face pull", "Deadlift")
STRONG = (
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
    '"Weight (lbs)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n'
)
# Runs one command as the only child and reports its wall time, CPU time and peak RSS
# (KiB on Linux).
_MEASURE = (
    "import resource, subprocess, sys, time, json\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'code': code, 'seconds': time.perf_counter() - t,"
    " 'cpu_seconds': use.ru_utime + use.ru_stime, 'rss_mb': use.ru_maxrss / 1024}))\n"
)


# Sets per CSV file: an import refuses a file over 64 MB (paths.IMPORT_LIMIT), and a
# million sets of this layout are 85 MB, so the big journal is imported in parts.
PART = 500_000


def make_csv(path: Path, n_sets: int, first_workout: int = 0) -> None:
    """A Strong export with ``n_sets`` sets, 20 per workout, one workout a day."""
    per = 20
    with path.open("w", encoding="utf-8") as f:
        f.write(STRONG)
        for w in range(first_workout, first_workout + n_sets // per):
            day = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(946684800 + w * 86400))
            lines = []
            for k in range(per):
                name = EXERCISES[k % 4]
                lines.append(
                    f'"{w + 1}";"{day}";"Pull";"3600";"{name}";"{k // 4 + 1}";'
                    f'"{50 + w % 50}";"10";"8";"";"";"";""\n'
                )
            f.write("".join(lines))


def measure(args: list[str], env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [PY, "-c", _MEASURE, PY, "-m", "voicecoach", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    if result["code"] != 0:
        raise RuntimeError(f"voicecoach {' '.join(args)} exited {result['code']}")
    return result


def scale(work: Path, n_sets: int, env: dict[str, str]) -> dict[str, dict[str, float]]:
    db = work / f"journal-{n_sets}.sqlite3"
    parts = []
    for first in range(0, n_sets, PART):
        csv_file = work / f"strong-{n_sets}-{first}.csv"
        make_csv(csv_file, min(PART, n_sets - first), first // 20)
        parts.append(measure(["import", str(csv_file), "--db", str(db)], env))
    imported = {
        "seconds": sum(p["seconds"] for p in parts),
        "rss_mb": max(p["rss_mb"] for p in parts),
    }
    return {
        "import": imported,
        "history --exercise": measure(["history", "--exercise", "Kroc row", "--db", str(db)], env),
        "export": measure(
            ["export", "--format", "strong", "--db", str(db), "-o", str(work / "out.csv")], env
        ),
    }


def bench_journal_scale(work: Path, report: dict, figure, quick: bool) -> list:  # type: ignore[no-untyped-def]
    """The figures for bench/run.py; ``figure`` is its Figure class."""
    import os

    env = dict(os.environ, VOICECOACH_HOME=str(work / "scale-home"))
    big_n = 20_000 if quick else 1_000_000
    small_n = big_n // 10
    small, big = scale(work, small_n, env), scale(work, big_n, env)
    report["journal_scale"] = {str(small_n): small, str(big_n): big}
    label = f"{big_n // 1000}k" if big_n < 1_000_000 else "1 M"
    base = f"{small_n // 1000}k"
    out = []
    for step in ("import", "history --exercise", "export"):
        goal = "≤ 0.3 s" if step == "history --exercise" else "(reported)"
        out.append(
            figure(
                f"{step}, {label} sets",
                big[step]["seconds"],
                "s",
                f"same, {base} sets",
                small[step]["seconds"],
                goal,
                big[step]["seconds"] <= 0.3 if step == "history --exercise" else None,
            )
        )
        out.append(
            figure(
                f"{step} peak RSS, {label} sets",
                big[step]["rss_mb"],
                "MB",
                f"same, {base} sets",
                small[step]["rss_mb"],
                "≤ 150 MB",
                big[step]["rss_mb"] <= 150,
            )
        )
    return out


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import Figure  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory(prefix="voicecoach-scale-") as tmp:
        data: dict = {}
        for f in bench_journal_scale(Path(tmp), data, Figure, "--quick" in sys.argv):
            print(f"{f.name}: {f.value:.3g} {f.unit} (baseline {f.baseline:.3g}; goal {f.goal})")
