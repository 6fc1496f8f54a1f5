"""The journal's read paths as it grows: history with 1,000 and 100,000 sets."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import QUICK, ROOT, Figure  # noqa: E402


def bench_journal(work: Path, report: dict) -> list[Figure]:
    from voicecoach.journal import history
    from voicecoach.journal.store import Journal, SetRecord
    from voicecoach.routines.loads import Weight

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
