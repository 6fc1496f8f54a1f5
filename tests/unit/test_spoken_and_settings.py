"""Spoken numbers and loads, durations, and the settings precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecoach.plan import spoken
from voicecoach.routines.durations import format_duration, parse_duration
from voicecoach.routines.loads import Bodyweight, Level, Weight
from voicecoach.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Weight(145, "lb"), "one hundred forty-five pounds"),
        (Weight(22.5, "kg"), "twenty-two point five kilos"),
        (Weight(1, "kg"), "one kilo"),
        (Bodyweight(10, "lb"), "bodyweight plus ten pounds"),
        (Bodyweight(-30, "lb"), "bodyweight minus thirty pounds"),
        (Bodyweight(0, "lb"), "bodyweight"),
        (Level(("light", "medium"), 1), "medium"),
        (Weight(1005, "lb"), "one thousand five pounds"),
    ],
)
def test_loads_are_spoken_naturally(value, text: str) -> None:  # type: ignore[no-untyped-def]
    """Loads come out as a coach would say them, never as digits."""
    assert spoken.load(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (90, "ninety seconds"),
        (60, "one minute"),
        (120, "two minutes"),
        (150, "two minutes thirty"),
        (30, "thirty seconds"),
        (1, "one second"),
    ],
)
def test_durations_are_spoken(seconds: int, text: str) -> None:
    """Rest lengths read naturally."""
    assert spoken.duration(seconds) == text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("1m30s", 90),
        ("2m", 120),
        ("1.5m", 90),
        (45, 45),
        ("1h", 3600),
    ],
)
def test_human_durations_parse(text, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """90s, 1m30s and 2m all mean what they say."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["ninety", "1m30", "-5s", True, "", "5 parsecs"])
def test_bad_durations_are_refused(bad) -> None:  # type: ignore[no-untyped-def]
    """Anything else is a ValueError that says how to write one."""
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_format_duration_round_trips() -> None:
    """The compact form used on screen parses back to the same seconds."""
    for s in (5, 45, 60, 90, 125, 3600, 3900):
        assert parse_duration(format_duration(s)) == s or s >= 3600


def test_settings_precedence(tmp_path: Path) -> None:
    """Flags beat environment variables, which beat the config file, which beats defaults."""
    config = tmp_path / "config.toml"
    config.write_text('rate = 150\nvoice = "gmw/en-US"\nvolume = 0.5\n')
    env = {"VOICECOACH_RATE": "190", "VOICECOACH_VOLUME": "0.8"}
    s = load_settings(config, env, volume=0.9)
    assert (s.voice, s.rate, s.volume, s.audio) == ("gmw/en-US", 190, 0.9, "auto")


@pytest.mark.parametrize(
    ("text", "env"),
    [
        ("rate = 5\n", {}),
        ("colour = 'red'\n", {}),
        ("", {"VOICECOACH_VOLUME": "loud"}),
        ("rate = [\n", {}),
    ],
)
def test_bad_settings_name_their_origin(tmp_path: Path, text: str, env: dict) -> None:  # type: ignore[type-arg]
    """A bad value names the file or variable it came from."""
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(SettingsError) as info:
        load_settings(config, env)
    assert "config.toml" in str(info.value) or "VOICECOACH_VOLUME" in str(info.value)


def test_listening_is_off_unless_asked() -> None:
    """Unset is off; on, or a named microphone, asks; off wins over a named microphone."""
    from voicecoach.inputs.session import wants_listening
    from voicecoach.settings import Settings

    assert Settings().listen is None and not wants_listening(Settings())
    assert wants_listening(Settings(listen="on"))
    assert wants_listening(Settings(mic="USB"))
    assert not wants_listening(Settings(listen="off", mic="USB"))
    assert not wants_listening(Settings(listen="off"))


def test_doctor_says_how_to_turn_listening_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a microphone, doctor says how to turn listening on; without one, only that it
    is off (the sound server's answer is replaced: none is reachable from a unit test)."""
    from voicecoach.inputs import checks
    from voicecoach.inputs.sources import classify
    from voicecoach.settings import Settings

    room = classify("alsa_input.internal", "Internal Mic", {}, default=True)
    monkeypatch.setattr(checks, "server_view", lambda: ([room], []))
    ok, found, _ = checks.microphone_status(Settings())
    assert ok and "--listen" in found and 'listen = "on"' in found
    monkeypatch.setattr(checks, "server_view", lambda: ([], []))
    ok, found, _ = checks.microphone_status(Settings())
    assert ok and "no microphone found" in found and "--listen" not in found
