"""Voice and run settings from the config file, ``VOICECOACH_*`` variables and flags.

Precedence, highest first: command-line flags, environment variables, the
config file (``config.toml`` in the platformdirs config dir, or
``$VOICECOACH_HOME/config/config.toml``), built-in defaults.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from voicecoach import paths, safetext


@dataclass(frozen=True)
class Settings:
    """Everything a user may set once and forget."""

    engine: str = "auto"  # auto | piper | espeak (pyttsx3) | estimate (silent, for previews)
    voice: str | None = None  # "engine:voice" (piper:joe, espeak:gmw/en-us) or an engine voice id
    rate: int = 175  # words per minute
    volume: float = 1.0  # 0.0 to 1.0
    audio: str = "auto"  # auto | stream | simpleaudio | wav | none
    rir_timeout: float | None = None  # seconds; None = the routine's (default 20)
    cache_mb: int = 200  # the phrase cache's bound on disk; oldest-used clips go first
    # Answer by voice: on | auto (on if a microphone exists) | off. Unset (None) is
    # off unless a mic is named: a neighbour's "fine" heard as "five" would move the
    # load on the bar, so the microphone is opened only when the lifter asks.
    listen: str | None = None
    mic: str | None = None  # capture device name (or part of it); None = the default source
    music: str | None = None  # a file, folder or .m3u played under the coach
    duck_db: float = 12.0  # how far the music drops under speech
    duck_others: bool = True  # lower other apps' sound while the coach speaks
    # Seconds a phrase may take to render before the worker counts as hung. A coach
    # phrase renders in 1-500 ms; slow machines (and tests that inject a hang) set it.
    render_timeout: float = 8.0
    # How much the coach says (full | reps | quiet) and where the rep number falls
    # (start | end); None leaves it to the routine, then full and start.
    talk: str | None = None
    count: str | None = None
    # The bar and the plates the lifter owns: with both, barbell loads are rounded to
    # what can be loaded and the plates are said per side. None: nothing is said.
    bar: str | None = None  # "45 lb", "20 kg"
    plates: tuple[float, ...] | None = None  # in the bar's unit: [45, 35, 25, 10, 5, 2.5]


def env_var(name: str) -> str:
    """The environment variable of a setting: its name, upper-cased, after VOICECOACH_."""
    return "VOICECOACH_" + name.upper()


class SettingsError(ValueError):
    """A bad value in the config file or an environment variable."""


@dataclass(frozen=True)
class Rule:
    """How one setting is read from text or TOML, and what the error says is valid."""

    parse: Callable[[Any], Any]
    valid: str


def _number(value: Any) -> float:
    """A finite number. NaN and infinity pass every ``<`` test wrongly, so they are refused
    here, once, before any bound is checked; so are booleans (TOML ``true`` is not 1)."""
    if isinstance(value, bool):
        raise ValueError
    number = float(str(value).strip()) if isinstance(value, str) else float(value)
    if not math.isfinite(number):
        raise ValueError
    return number


def _between(
    low: float, high: float, *, whole: bool = False, above: bool = False
) -> Callable[[Any], Any]:
    def parse(value: Any) -> float | int:
        number = _number(value)
        if whole and number != int(number):
            raise ValueError
        if number > high or number < low or (above and number == low):
            raise ValueError
        return int(number) if whole else number

    return parse


def _choice(*words: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        word = {True: "on", False: "off"}.get(value, str(value).strip().lower())
        if word not in words:
            raise ValueError
        return word

    return parse


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word not in _BOOLS:
        raise ValueError
    return _BOOLS[word]


_BAR = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(lb|lbs|pounds?|kg|kgs|kilos?)\s*$", re.IGNORECASE)


def _bar(value: Any) -> str:
    match = _BAR.match(str(value))
    if not match or not 1 <= float(match.group(1)) <= 200:
        raise ValueError
    unit = "kg" if match.group(2).lower().startswith("k") else "lb"
    return f"{float(match.group(1)):g} {unit}"


def _plates(value: Any) -> tuple[float, ...]:
    items = value if isinstance(value, list) else str(value).strip(" []").split(",")
    plates = tuple(_number(x) for x in items if not (isinstance(x, str) and not x.strip()))
    if not plates or len(plates) > 20 or not all(0.25 <= p <= 100 for p in plates):
        raise ValueError
    return plates


def _name(longest: int) -> Callable[[Any], str]:
    """A voice or device name: text, not empty, bounded, with no control character (it is
    matched against what the engine or the sound server lists, and printed back)."""

    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError
        text = value.strip()
        if not text or len(text) > longest or any(safetext.is_control(ch) for ch in text):
            raise ValueError
        return text

    return parse


def _path(value: Any) -> str:
    """A file or folder: text of at most PATH_MAX, kept as written (a name that is not
    UTF-8 arrives with surrogates and is still a real path)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 4096 or "\0" in value:
        raise ValueError
    return value


_BOOLS = {"true": True, "1": True, "yes": True, "on": True}
_BOOLS.update({"false": False, "0": False, "no": False, "off": False})

# One rule per setting. The ranges are what a workout can
# use: a volume of 0 or a rate of 1,000 words a minute would make every phrase
# fail its check and become a tone, and a NaN timeout once crashed a run.
RULES: dict[str, Rule] = {
    # The engines and outputs by name (the CLI's choices, and the aliases the engines
    # accept): a typo used to start a workout in text only.
    "engine": Rule(
        _choice("auto", "piper", "espeak", "estimate", "pyttsx3", "espeak-ng", "neural"),
        "auto, piper, espeak or estimate",
    ),
    "audio": Rule(
        _choice("auto", "stream", "simpleaudio", "none"), "auto, stream, simpleaudio or none"
    ),
    "voice": Rule(_name(200), "a voice name of up to 200 characters (see: voicecoach voices)"),
    "mic": Rule(_name(200), "part of a microphone's name, up to 200 characters"),
    "music": Rule(_path, "a file, folder or .m3u path of up to 4096 characters"),
    "rate": Rule(
        _between(80, 400, whole=True), "a whole number of words per minute from 80 to 400"
    ),
    "volume": Rule(_between(0.0, 1.0, above=True), "a number above 0 and at most 1.0"),
    "rir_timeout": Rule(_between(1.0, 600.0), "a number of seconds from 1 to 600"),
    "cache_mb": Rule(
        _between(1, 100_000, whole=True), "a whole number of megabytes from 1 to 100000"
    ),
    "listen": Rule(_choice("auto", "on", "off"), "auto, on or off"),
    "duck_db": Rule(_between(0.0, 60.0), "a number of dB from 0 to 60"),
    "duck_others": Rule(_flag, "true or false"),
    "render_timeout": Rule(_between(0.5, 120.0), "a number of seconds from 0.5 to 120"),
    "talk": Rule(_choice("full", "reps", "quiet"), "full, reps or quiet"),
    "count": Rule(_choice("start", "end"), "start or end"),
    "bar": Rule(_bar, "a weight with its unit from 1 to 200, like 45 lb or 20 kg"),
    "plates": Rule(
        _plates,
        "a list of up to 20 plate weights, each from 0.25 to 100, like [45, 25, 10, 5, 2.5]",
    ),
}


def _coerce(name: str, value: Any, origin: str) -> Any:
    rule = RULES[name]
    try:
        return rule.parse(value)
    except (TypeError, ValueError, OverflowError):
        shown = repr(value)
        if len(shown) > 80:  # one line, even for a megabyte of text
            shown = shown[:60] + f"… ({len(str(value))} characters)"
        raise SettingsError(f"{origin}: {name} = {shown} is not valid; use {rule.valid}") from None


def load_settings(
    config_file: Path, environ: dict[str, str] | None = None, **flags: Any
) -> Settings:
    """Merge the three sources in order of precedence."""
    env = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    if config_file.exists():
        # Imported only when there is a file to read: most runs have none, and the TOML
        # parser's patterns cost more to compile than the rest of the settings.
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - 3.10
            import tomli as tomllib
        try:
            data = tomllib.loads(paths.read_text(config_file, paths.CONFIG_LIMIT))
        except OSError as exc:
            why = paths.why_unreadable(exc)
            raise SettingsError(f"{config_file}: cannot read it: {why}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{config_file}: {exc}") from None
        for key, value in data.items():
            if key not in names:
                raise SettingsError(
                    f"{config_file}: unknown setting {key!r}; valid settings "
                    f"are {', '.join(sorted(names))}"
                )
            values[key] = _coerce(key, value, str(config_file))
    for key in names:
        var = env_var(key)
        if env.get(var):
            values[key] = _coerce(key, env[var], var)
    for key, value in flags.items():
        if value is not None:
            values[key] = _coerce(key, value, f"--{key.replace('_', '-')}")
    return replace(Settings(), **values)
