#!/usr/bin/env python3
"""How many exercise names of real Strong and Hevy exports the library maps.

The names (with their set counts and the public repository each export came
from) are in bench/results/real-export-names.tsv. Each is looked up with the
importer's matcher; the report counts distinct names and sets, per app.

    .venv/bin/python bench/export_names.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voicecoach.routines.library import find_by_name  # noqa: E402

NAMES = ROOT / "bench" / "results" / "real-export-names.tsv"


def main() -> int:
    with NAMES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    mapped = {r["name"]: find_by_name(r["name"]) is not None for r in rows}
    print("| app | names mapped | sets mapped |")
    print("|---|---|---|")
    for app in ("strong", "hevy", None):
        these = [r for r in rows if app is None or r["app"] == app]
        names = {r["name"] for r in these}
        hits = {n for n in names if mapped[n]}
        sets = sum(int(r["sets"]) for r in these)
        set_hits = sum(int(r["sets"]) for r in these if mapped[r["name"]])
        print(
            f"| {app or 'all'} | {len(hits)}/{len(names)} ({100 * len(hits) / len(names):.0f} %) "
            f"| {set_hits}/{sets} ({100 * set_hits / sets:.0f} %) |"
        )
    unmapped: dict[str, int] = {}
    for r in rows:
        if not mapped[r["name"]]:
            unmapped[r["name"]] = unmapped.get(r["name"], 0) + int(r["sets"])
    top = sorted(unmapped.items(), key=lambda kv: -kv[1])[:15]
    print("\nMost sets still unmapped: " + ", ".join(f"{n} ({s})" for n, s in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
