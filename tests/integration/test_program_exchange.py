"""A program's sets leave for Strong and Hevy with their set types, and come back as such.

A real session of push-day (warm-ups, a top set and back-offs, a drop set) is
run on virtual time into a real journal, exported through the CLI, and
imported into an empty journal.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import journal_of_one_session
from voicecoach.cli.main import cli

KINDS = "SELECT kind, COUNT(*) FROM sets GROUP BY kind ORDER BY kind"


def _kinds(db: Path) -> list[tuple[str, int]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(KINDS).fetchall()
    finally:
        con.close()


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return journal_of_one_session(tmp_path / "src.sqlite3", "push-day", ",".join(["2"] * 20))


@pytest.mark.parametrize(
    ("fmt", "column", "marks"),
    [("strong", "Set Order", {"W", "D"}), ("hevy", "set_type", {"warmup", "dropset"})],
)
def test_warmups_and_drops_keep_their_set_types(
    journal: Path, tmp_path: Path, fmt: str, column: str, marks: set[str]
) -> None:
    assert _kinds(journal) == [("drop", 1), ("warmup", 4), ("working", 16)]
    out = tmp_path / f"{fmt}.csv"
    runner = CliRunner()
    done = runner.invoke(cli, ["export", "--format", fmt, "--db", str(journal), "-o", str(out)])
    assert done.exit_code == 0, done.output
    with out.open(newline="") as f:
        seen = {row[column] for row in csv.DictReader(f, delimiter=";" if fmt == "strong" else ",")}
    assert marks <= seen
    back = tmp_path / "back.sqlite3"
    done = runner.invoke(cli, ["import", str(out), "--db", str(back)])
    assert done.exit_code == 0, done.output
    assert _kinds(back) == _kinds(journal)
