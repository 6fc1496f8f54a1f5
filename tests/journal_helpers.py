"""Journal test helpers: the CLI in this process, a querys rows from a real SQLite
file, and a dry run that journals four answered sets (for the tests of a journal
write that fails, a full disk, or waits, another program's lock)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result


def run(*args: str | Path) -> Result:
    """``voicecoach ARGS`` through click's runner, in this process."""
    from voicecoach.cli.main import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Every row ``sql`` selects from the journal file ``db``, on a connection of its own."""
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


FOUR_SETS = """\
name: {name}
exercises:
  - {{use: barbell-row, sets: 4, reps: 3-5, load: 100 lb, rest: 30s, tempo: [pull 1, lower 1]}}
"""
ALL_FOUR = [(1, 100.0), (2, 105.0), (3, 110.0), (4, 115.0)]  # (set_no, weight), each answered 2


def dry_run_four_sets(folder: Path, db: Path, name: str) -> tuple[int, str, str]:
    """``voicecoach run --dry-run`` of FOUR_SETS answered 2,2,2,2 into ``db``, through
    click's runner in this process (so a patched sqlite3 or SafeJournal is the one used).
    Returns the exit code, stdout and stderr."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    routine = folder / f"{name.lower()}.yaml"
    routine.write_text(FOUR_SETS.format(name=name))
    r = CliRunner().invoke(
        cli,
        [
            *("run", str(routine), "--dry-run", "--engine", "estimate"),
            *("--answers", "2,2,2,2", "--db", str(db)),
        ],
    )
    return r.exit_code, r.stdout, r.stderr


def saved_sets(db: Path, order: str = "id") -> list[tuple[int, float]]:
    """(set_no, weight) of every set in ``db``, in the order they were saved (``id``) or
    by ``set_no``."""
    if order not in ("id", "set_no"):
        raise ValueError(f"order by id or set_no, not {order!r}")
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT set_no, weight FROM sets ORDER BY {order}").fetchall()
    finally:
        con.close()
