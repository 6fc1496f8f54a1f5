"""``history --exercise`` on a journal of a million sets, beside what it stands on.

The journal is written through the Journal's own connection (so the summary's
triggers run as they do for every set), 20 sets a session, four exercises, one
session a day. Two figures, each against a baseline from the same run:

- the command, ``voicecoach history --exercise "Kroc row"`` in a fresh process
  (median of 5), against ``voicecoach --version`` (process start-up alone);
- its queries in this process (median of 7), against the same answers read
  from every set with the sets' indexes alone (the queries before the summary).

    .venv/bin/python bench/run.py history      # or: python bench/history_scale.py [--quick]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import PY, QUICK, Figure  # noqa: E402

EXERCISES = (
    ("kroc-row", "Kroc row"),
    ("pull-up", "Pull up"),
    ("face-pull", "Face pull"),
    ("deadlift", "Deadlift"),
)
COLUMNS = (
    "session_id, position, exercise, exercise_name, set_no, side, prescribed_load, target_low,"
    " target_high, target_hold, load, weight, unit, level, reps, rir, hold_done, started_at,"
    " ended_at, next_load, next_rep_bonus, kind, original_name"
)
# What history read before the summary: every set of the exercise, by the sets' indexes.
OLD_PICK = (
    "SELECT t.session_id, MAX(t.ended_at) AS last FROM sets t JOIN sessions s"
    " ON s.id = t.session_id WHERE s.dry_run = 0"
    " AND (t.exercise = ? OR lower(t.exercise_name) = lower(?))"
    " GROUP BY t.session_id ORDER BY last DESC LIMIT 20"
)
OLD_PLOTS = (
    "SELECT substr(s.started_at, 1, 10) AS day, MAX(t.weight) AS w,"
    " MAX(CASE WHEN t.reps > 0 THEN t.weight * (1 + (t.reps + COALESCE(t.rir, 0)) / 30.0)"
    " END) AS e FROM sets t JOIN sessions s ON s.id = t.session_id"
    " WHERE s.dry_run = 0 AND t.kind IN ('working', 'amrap')"
    " AND (t.exercise = ? OR lower(t.exercise_name) = lower(?))"
    " AND t.weight BETWEEN ? AND ? AND (t.reps IS NULL OR t.reps BETWEEN 0 AND ?)"
    " AND (t.rir IS NULL OR t.rir BETWEEN 0 AND 10) GROUP BY day ORDER BY day DESC LIMIT 60"
)


def build(path: Path, n_sets: int) -> float:
    """A journal of ``n_sets`` sets; returns the seconds it took to write them."""
    from voicecoach.journal.store import Journal

    j = Journal(path)
    t = time.perf_counter()
    j.db.execute("BEGIN")
    rows = []
    for s in range(n_sets // 20):
        day = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(946684800 + s * 86400))
        sid = j.begin("Pull Day", "", "", day)
        w = 50 + s % 50
        load = json.dumps({"kind": "weight", "amount": w, "unit": "lb"})
        for k in range(20):
            ex, name = EXERCISES[k % 4]
            rows.append(
                (
                    sid,
                    k,
                    ex,
                    name,
                    k // 4 + 1,
                    "",
                    load,
                    8,
                    12,
                    None,
                    load,
                    float(w),
                    "lb",
                    None,
                    10,
                    2,
                    None,
                    day,
                    day,
                    load,
                    0,
                    "working",
                    name,
                )
            )
        if len(rows) >= 20_000:
            j.db.executemany(f"INSERT INTO sets ({COLUMNS}) VALUES ({', '.join('?' * 23)})", rows)
            rows = []
        j.finish(sid, day, "completed")
    if rows:
        j.db.executemany(f"INSERT INTO sets ({COLUMNS}) VALUES ({', '.join('?' * 23)})", rows)
    j.db.execute("COMMIT")
    j.close()
    return time.perf_counter() - t


def median_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def command(*args: str) -> Callable[[], object]:
    return lambda: subprocess.run(
        [PY, "-m", "voicecoach", *args], check=True, stdout=subprocess.DEVNULL
    )


def bench_history_scale(work: Path, report: dict) -> list[Figure]:
    from voicecoach.journal import history
    from voicecoach.journal.sane import MAX_REPS, MAX_WEIGHT
    from voicecoach.journal.store import Journal

    cap = max(MAX_WEIGHT.values())
    plots = ("Kroc row", "Kroc row", -cap, cap, MAX_REPS)
    n = 20_000 if QUICK else 1_000_000
    db = work / f"history-{n}.sqlite3"
    written = build(db, n)
    j = Journal(db)
    new = median_of(
        7, lambda: (history.exercise(j, "Kroc row"), history.per_session(j, "Kroc row"))
    )
    old = median_of(
        3 if QUICK else 5,
        lambda: (j.query(OLD_PICK, ("Kroc row",) * 2), j.query(OLD_PLOTS, plots)),
    )
    j.close()
    cmd = median_of(5, command("history", "--exercise", "Kroc row", "--db", str(db)))
    version = median_of(5, command("--version"))
    label = "1 M" if n == 1_000_000 else f"{n // 1000}k"
    report["history_scale"] = {
        "sets": n,
        "write_s": written,
        "queries_s": new,
        "old_queries_s": old,
        "command_s": cmd,
        "version_s": version,
    }
    return [
        Figure(
            f"history --exercise, {label} sets (the command)",
            cmd,
            "s",
            "voicecoach --version",
            version,
            "≤ 0.3 s",
            cmd <= 0.3,
        ),
        Figure(
            f"history --exercise queries, {label} sets",
            new * 1000,
            "ms",
            "every set, indexes alone",
            old * 1000,
            "(reported)",
            None,
        ),
    ]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="voicecoach-history-") as tmp:
        data: dict = {}
        for f in bench_history_scale(Path(tmp), data):
            met = "n/a" if f.met is None else ("met" if f.met else "NOT met")
            print(
                f"{f.name}: {f.value:.3g} {f.unit} (baseline {f.baseline_name}: "
                f"{f.baseline:.3g} {f.unit}; goal {f.goal}: {met})"
            )
        print(json.dumps(data["history_scale"]))
