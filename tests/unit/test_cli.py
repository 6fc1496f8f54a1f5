"""The CLI through click's CliRunner: exit codes, output, errors on stderr."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from voicecoach.cli.main import cli

COMMANDS = [
    "list",
    "validate",
    "plan",
    "schema",
    "exercises",
    "run",
    "say",
    "voices",
    "doctor",
    "history",
    "export",
    "import",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(runner: CliRunner, command: str) -> None:
    """--help works on every command and shows examples."""
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.output


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["list"], 0, "pull-day"),
        (["validate", "pull-day", "posture"], 0, "ok"),
        (["validate", "no-such-routine"], 2, "built-ins are"),
        (["plan", "pull-day"], 0, "Estimated duration"),
        (["plan", "nope"], 2, "built-ins are"),
        (["run", "pull-day", "--answers", "x"], 2, "answer 1"),
        (["run", "pull-day", "--dry-run", "--answers", "2,6"], 2, "answer 2 ('6')"),
        (["run", "pull-day", "--dry-run", "--answers", "9:12"], 2, "0 to 5"),
        (["run", "pull-day", "--audio", "bogus"], 2, "Invalid value"),
        (["bogus-command"], 2, "No such command"),
    ],
)
def test_exit_codes(runner: CliRunner, args: list[str], code: int, needle: str) -> None:
    """0 ok, 2 usage or invalid routine, with the reason in the output."""
    result = runner.invoke(cli, args)
    assert result.exit_code == code
    assert needle in result.output


def test_list_json(runner: CliRunner) -> None:
    """list --json is data: names, descriptions, minutes."""
    rows = json.loads(runner.invoke(cli, ["list", "--json"]).output)
    assert {"pull-day", "posture"} <= {r["name"] for r in rows}
    assert all(isinstance(r["minutes"], int) for r in rows)


def test_plan_json_matches_text(runner: CliRunner) -> None:
    """plan --json carries the same exercises and total as the text outline."""
    data = json.loads(runner.invoke(cli, ["plan", "pull-day", "--json"]).output)
    text = runner.invoke(cli, ["plan", "pull-day"]).output
    assert next(i["name"] for i in data["items"]) == "Kroc row"
    assert data["estimated_seconds"] > 0
    for item in data["items"]:
        assert item["name"] in text


def test_invalid_routine_errors_go_to_stderr(tmp_path, runner: CliRunner) -> None:  # type: ignore[no-untyped-def]
    """validate prints FILE:LINE:COLUMN problems on stderr and exits 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nexercises:\n  - use: kroc-row\n    sets: 0\n")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:4:11:" in result.stderr
    assert result.stdout == ""


def test_schema_is_json(runner: CliRunner) -> None:
    """schema prints a JSON Schema document."""
    data = json.loads(runner.invoke(cli, ["schema"]).output)
    assert data["title"] == "voicecoach routine"


def test_dry_run_prints_transcript(runner: CliRunner) -> None:
    """run --dry-run prints a timestamped transcript and exits 0."""
    result = runner.invoke(
        cli, ["run", "trx-ytw", "--dry-run", "--engine", "estimate", "--answers", "2,2,2"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith('[00:00.0] SAY "TRX Y-T-W.')


def test_plan_json_has_the_same_keys_for_every_routine_and_exercise(runner: CliRunner) -> None:
    """A reader of plan --json finds every key on every routine and exercise (empty or null
    when it does not apply): a program's week, a scheme, warm-ups and drops alike."""
    from voicecoach.routines.catalog import builtin_paths

    tops, exercises = set(), set()
    for name in builtin_paths():
        result = runner.invoke(cli, ["plan", name, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        tops.add(tuple(data))
        for item in data["items"]:
            for ex in item.get("exercises", [item]):
                exercises.add(tuple(sorted(ex)))
    assert len(tops) == 1 and "week" in tops.pop()
    assert len(exercises) == 1
    assert {"scheme", "warmup", "drop"} <= set(exercises.pop())
