"""The journal as it grows: history with 1,000 and 100,000 sets, and a history imported again."""

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
        *bench_reimport(work, report),
    ]


def bench_reimport(work: Path, report: dict) -> list[Figure]:
    """The same 100,000-row Strong export imported twice into one journal, each time by
    ``voicecoach import`` in a fresh process: the second time every row is a duplicate.

    CPU time, not wall time, is the figure: on a shared machine the wall clock measures
    the neighbours. The journal must hold the same sets after both.
    """
    import os
    import sqlite3

    from journal_scale import make_csv, measure

    n = 5_000 if QUICK else 100_000
    env = dict(os.environ, VOICECOACH_HOME=str(work / "reimport-home"))
    export, db = work / f"reimport-{n}.csv", work / f"reimport-{n}.sqlite3"
    make_csv(export, n)
    counts, runs = [], []
    for _ in ("first", "again"):
        runs.append(measure(["import", str(export), "--db", str(db)], env))
        con = sqlite3.connect(db)
        counts.append(con.execute("SELECT COUNT(*) FROM sets").fetchone()[0])
        con.close()
    if counts != [n, n]:
        raise RuntimeError(f"the journal held {counts} sets after the two imports, not {n}")
    first, again = runs
    report["journal_reimport"] = {"rows": n, "first": first, "again": again}
    size = f"{n // 1000}k rows"
    return [
        Figure(
            f"import the same {size} again (all duplicates), CPU",
            again["cpu_seconds"],
            "s",
            "first import, same file",
            first["cpu_seconds"],
            "≤ 2× the first",
            again["cpu_seconds"] <= 2 * first["cpu_seconds"],
        ),
        Figure(
            f"import the same {size} again, peak RSS",
            again["rss_mb"],
            "MB",
            "first import, same file",
            first["rss_mb"],
            "≤ the first + 10 %",
            again["rss_mb"] <= 1.1 * first["rss_mb"],
        ),
    ]
