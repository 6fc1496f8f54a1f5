"""Every number a lifter can set is finite and in its range, or refused with one line.

Property-based: any value hypothesis can think of, through the config file,
an environment variable and a flag, either loads as a value inside the
setting's documented range or raises SettingsError naming the setting.
"""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecoach.settings import RULES, Settings, SettingsError, env_var, load_settings

RANGES = {
    "rate": (80, 400),
    "volume": (0.0, 1.0),
    "rir_timeout": (1.0, 600.0),
    "cache_mb": (1, 100_000),
    "duck_db": (0.0, 60.0),
    "render_timeout": (0.5, 120.0),
}

values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=12),
    st.booleans(),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-1", "0", "", " ", "abc", "NaN", "Infinity"]),
)


# Settings that are one of a few words.
CHOICES = {
    "listen": ("auto", "on", "off"),
    "talk": ("full", "reps", "quiet"),
    "count": ("start", "end"),
}


def _check(name: str, loaded: Settings) -> None:
    value = getattr(loaded, name)
    if value == getattr(Settings(), name):
        return  # an empty variable or a None flag leaves the default
    if name in RANGES:
        low, high = RANGES[name]
        assert isinstance(value, (int, float)) and not isinstance(value, bool)
        assert math.isfinite(value) and low <= value <= high
        if name == "volume":
            assert value > 0  # a silent voice fails every phrase's check
    if name in CHOICES:
        assert value in CHOICES[name]
    if name == "plates":
        assert value and all(math.isfinite(p) and 0.25 <= p <= 100 for p in value)
    if name == "bar":
        amount, unit = value.split()
        assert unit in ("lb", "kg") and 1 <= float(amount) <= 200


def test_every_rule_has_a_documented_range_or_choice() -> None:
    """A setting added with a rule is added here too, so the property covers it."""
    assert set(RANGES) | set(CHOICES) | {"duck_others", "bar", "plates"} == set(RULES)
    assert set(RULES) <= {f.name for f in fields(Settings)}


@pytest.mark.parametrize("name", sorted(RULES))
@settings(max_examples=60, deadline=None)
@given(value=values)
def test_environment_values_are_bounded_or_refused(name: str, value: object) -> None:
    text = str(value)
    try:
        loaded = load_settings(Path("/nonexistent/config.toml"), {env_var(name): text})
    except SettingsError as exc:
        assert env_var(name) in str(exc) and name in str(exc) and "\n" not in str(exc)
        return
    _check(name, loaded)


@pytest.mark.parametrize("name", sorted(RULES))
@settings(max_examples=60, deadline=None)
@given(value=values)
def test_flag_values_are_bounded_or_refused(name: str, value: object) -> None:
    try:
        loaded = load_settings(Path("/nonexistent/config.toml"), {}, **{name: value})
    except SettingsError as exc:
        assert f"--{name.replace('_', '-')}" in str(exc)
        return
    _check(name, loaded)


@pytest.mark.parametrize("name", sorted(RANGES))
@pytest.mark.parametrize(
    "toml", ["nan", "inf", "-inf", "-1", "1e308", '""', '"abc"', "true", "[1]"]
)
def test_config_file_values_are_refused(tmp_path: Path, name: str, toml: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"{name} = {toml}\n")
    with pytest.raises(SettingsError, match=name):
        load_settings(config, {})


def test_the_cli_refuses_a_nan_timeout_before_the_workout(tmp_path: Path) -> None:
    """--rir-timeout nan once crashed a real run at the first question; now exit 2, one line."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    result = CliRunner().invoke(
        cli, ["run", "pull-day", "--dry-run", "--audio", "none", "--rir-timeout", "nan"]
    )
    assert result.exit_code == 2
    assert "rir_timeout = nan is not valid; use a number of seconds from 1 to 600" in result.output
