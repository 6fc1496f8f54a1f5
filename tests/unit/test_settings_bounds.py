"""Every number a lifter can set is finite and in its range, or refused with one line.

Property-based: any value hypothesis can think of, through the config file,
an environment variable and a flag, either loads as a value inside the
setting's documented range or raises SettingsError naming the setting.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecoach.safetext import is_control
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
    st.sampled_from(["x" * 5000, "a\x1bb", "\u202eevil", "a\x00b", "espeak-ng", "PIPER"]),
    st.lists(st.integers(), max_size=3),
    st.none(),
)


# Settings that are one of a few words.
CHOICES = {
    "listen": ("auto", "on", "off"),
    "talk": ("full", "reps", "quiet"),
    "count": ("start", "end"),
    "engine": ("auto", "piper", "espeak", "estimate", "pyttsx3", "espeak-ng", "neural"),
    "audio": ("auto", "stream", "simpleaudio", "none"),
}

# Free text: a name matched against a list (no control character), or a path.
NAMES = {"voice": 200, "mic": 200}
PATHS = {"music": 4096}


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
    if name in NAMES:
        assert isinstance(value, str) and 0 < len(value) <= NAMES[name]
        assert not any(is_control(ch) for ch in value)
    if name in PATHS:
        assert isinstance(value, str) and value.strip() and len(value) <= PATHS[name]
        assert "\0" not in value
    if name == "bar":
        amount, unit = value.split()
        assert unit in ("lb", "kg") and 1 <= float(amount) <= 200


def test_every_setting_has_a_rule_with_a_documented_range_or_choice() -> None:
    """A setting added is added here too, so the properties below cover it."""
    checked = (
        set(RANGES) | set(CHOICES) | set(NAMES) | set(PATHS) | {"duck_others", "bar", "plates"}
    )
    assert checked == set(RULES) == {f.name for f in fields(Settings)}


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


def _toml(value: object) -> str:
    """``value`` as TOML's own literal where it has one, else as a TOML string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    if isinstance(value, int) and abs(value) < 2**63:
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a TOML basic string


@pytest.mark.parametrize("name", sorted(RULES))
@settings(max_examples=40, deadline=None)
@given(value=values.filter(lambda v: v is not None))
def test_config_file_values_are_bounded_or_refused(name: str, value: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text(f"{name} = {_toml(value)}\n", encoding="utf-8", errors="surrogatepass")
        try:
            loaded = load_settings(config, {})
        except SettingsError as exc:
            assert str(config) in str(exc) and "\n" not in str(exc)
            return
    _check(name, loaded)


def test_a_huge_value_is_one_short_line() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(Path("/nonexistent/config.toml"), {"VOICECOACH_VOICE": "v" * 1_000_000})
    assert len(str(caught.value)) < 300 and "1000000 characters" in str(caught.value)


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


@pytest.mark.parametrize(
    ("var", "value", "says"),
    [
        ("VOICECOACH_ENGINE", "espek", "engine = 'espek' is not valid; use auto, piper, espeak"),
        ("VOICECOACH_AUDIO", "pulse", "audio = 'pulse' is not valid; use auto, stream"),
        ("VOICECOACH_VOICE", "en\x1b]52;c;", "voice = 'en\\x1b]52;c;' is not valid"),
    ],
)
def test_the_cli_refuses_a_misspelt_engine_output_or_voice(var: str, value: str, says: str) -> None:
    """Each once started the workout with the voice off (a typo) or printed raw; now exit 2."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    result = CliRunner().invoke(
        cli,
        ["run", "pull-day", "--dry-run", "--audio", "none"]
        if var != "VOICECOACH_AUDIO"
        else ["run", "pull-day", "--dry-run"],
        env={var: value},
    )
    assert result.exit_code == 2, result.output
    assert says in result.output and "\x1b" not in result.output
    assert "Workout done" not in result.output


DRY = ["run", "pull-day", "--dry-run", "--audio", "none"]


@pytest.mark.parametrize(
    ("args", "env", "config", "needle"),
    [
        # Each as the hostile user ran it: the flag, the variable, the config file.
        ([*DRY, "--rir-timeout", "inf"], {}, "", "rir_timeout = inf"),
        ([*DRY, "--rir-timeout", "1e308"], {}, "", "rir_timeout = 1e+308"),
        ([*DRY, "--rir-timeout", "-1"], {}, "", "rir_timeout = -1.0"),
        ([*DRY, "--rir-timeout", "0"], {}, "", "rir_timeout = 0.0"),
        (DRY, {"VOICECOACH_RIR_TIMEOUT": "nan"}, "", "VOICECOACH_RIR_TIMEOUT: rir_timeout"),
        (DRY, {}, "rir_timeout = nan", "config.toml: rir_timeout = nan"),
        (DRY, {"VOICECOACH_RENDER_TIMEOUT": "abc"}, "", "render_timeout = 'abc'"),
        (["say", "--audio", "none", "hi"], {"VOICECOACH_RENDER_TIMEOUT": "abc"}, "", "0.5 to 120"),
        (["doctor"], {"VOICECOACH_RENDER_TIMEOUT": "abc"}, "", "0.5 to 120"),
        (DRY, {"VOICECOACH_RENDER_TIMEOUT": "0"}, "", "render_timeout = '0'"),
        (DRY, {"VOICECOACH_RENDER_TIMEOUT": "-1"}, "", "render_timeout = '-1'"),
        (DRY, {"VOICECOACH_RENDER_TIMEOUT": "inf"}, "", "render_timeout = 'inf'"),
        (DRY, {}, "rate = inf", "rate = inf is not valid"),
        (DRY, {}, "cache_mb = inf", "cache_mb = inf is not valid"),
        ([*DRY, "--volume", "0"], {}, "", "volume = 0.0 is not valid"),
    ],
)
def test_each_number_of_the_finding_is_refused_by_the_cli(
    tmp_path: Path, args: list[str], env: dict[str, str], config: str, needle: str
) -> None:
    """Once a crash at the first question, a spinning dry run, an internal error at import
    or every phrase a tone; now exit 2 and one line naming the setting, before anything."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    (tmp_path / "config").mkdir()
    if config:
        (tmp_path / "config" / "config.toml").write_text(config + "\n")
    result = CliRunner().invoke(cli, args, env={"VOICECOACH_HOME": str(tmp_path), **env})
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], lines
    assert "internal error" not in result.output


@pytest.mark.parametrize("command", ["run", "say"])
def test_an_empty_variable_is_the_default_not_an_error(tmp_path: Path, command: str) -> None:
    """VOICECOACH_RENDER_TIMEOUT= (empty) once was an internal error in run, say and doctor."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    routine = tmp_path / "tiny.yaml"
    routine.write_text("name: Tiny\nexercises:\n  - {name: Push-up, sets: 1, reps: 2}\n")
    args = {
        "run": ["run", str(routine), "--dry-run", "--engine", "estimate", "--answers", "2"],
        "say": ["say", "--audio", "none", "--engine", "estimate", "hi"],
    }[command]
    env = {"VOICECOACH_HOME": str(tmp_path), "VOICECOACH_RENDER_TIMEOUT": ""}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
