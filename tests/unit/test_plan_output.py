"""plan's outline: what it shows for each kind of exercise."""

from __future__ import annotations

import json

from click.testing import CliRunner

from voicecoach.cli.main import cli


def test_plan_shows_no_tempo_or_rir_for_a_hold() -> None:
    """plan: the dead hang (a hold) has no tempo and no RIR, in text and in JSON."""
    text = CliRunner().invoke(cli, ["plan", "pull-day"]).output
    hang = next(ln for ln in text.splitlines() if ln.startswith("Dead hang"))
    assert "hold" in hang and "tempo" not in hang and "RIR" not in hang
    data = json.loads(CliRunner().invoke(cli, ["plan", "pull-day", "--json"]).output)
    item = next(i for i in data["items"] if i.get("name") == "Dead hang")
    assert item["tempo"] is None and item["rir"] is None
