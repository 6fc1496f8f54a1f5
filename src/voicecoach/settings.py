"""Voice and run settings from the config file, ``VOICECOACH_*`` variables and flags.

Precedence, highest first: command-line flags, environment variables, the
config file (``config.toml`` in the platformdirs config dir, or
``$VOICECOACH_HOME/config/config.toml``), built-in defaults.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Settings:
    """Everything a user may set once and forget."""

    engine: str = "auto"  # auto | piper | espeak (pyttsx3) | estimate (silent, for previews)
    voice: str | None = None  # "engine:voice" (piper:joe, espeak:en-us) or an engine voice id
    rate: int = 175  # words per minute
    volume: float = 1.0  # 0.0 to 1.0
    audio: str = "auto"  # auto | stream | simpleaudio | wav | none
    rir_timeout: float | None = None  # seconds; None = the routine's (default 20)
    cache_mb: int = 200  # the phrase cache's bound on disk; oldest-used clips go first
    listen: str = "auto"  # auto | on | off: answer by voice (issue 13); auto = if a mic exists
    mic: str | None = None  # capture device name (or part of it); None = the default source
    music: str | None = None  # a file, folder or .m3u played under the coach (issue 14)
    duck_db: float = 12.0  # how far the music drops under speech
    duck_others: bool = True  # lower other apps' sound while the coach speaks


_ENV = {
    "engine": "VOICECOACH_ENGINE",
    "voice": "VOICECOACH_VOICE",
    "rate": "VOICECOACH_RATE",
    "volume": "VOICECOACH_VOLUME",
    "audio": "VOICECOACH_AUDIO",
    "rir_timeout": "VOICECOACH_RIR_TIMEOUT",
    "cache_mb": "VOICECOACH_CACHE_MB",
    "listen": "VOICECOACH_LISTEN",
    "mic": "VOICECOACH_MIC",
    "music": "VOICECOACH_MUSIC",
    "duck_db": "VOICECOACH_DUCK_DB",
    "duck_others": "VOICECOACH_DUCK_OTHERS",
}


_BOOLS = {"true": True, "1": True, "yes": True, "on": True}
_BOOLS.update({"false": False, "0": False, "no": False, "off": False})


class SettingsError(ValueError):
    """A bad value in the config file or an environment variable."""


def _coerce(name: str, value: Any, origin: str) -> Any:
    try:
        if name == "rate":
            rate = int(value)
            if not 80 <= rate <= 400:
                raise ValueError
            return rate
        if name == "volume":
            volume = float(value)
            if not 0.0 <= volume <= 1.0:
                raise ValueError
            return volume
        if name == "rir_timeout":
            return float(value)
        if name == "cache_mb":
            size = int(value)
            if size < 1:
                raise ValueError
            return size
        if name == "listen":
            choice = {True: "on", False: "off"}.get(value, str(value).lower())
            if choice not in ("auto", "on", "off"):
                raise ValueError
            return choice
        if name == "duck_db":
            depth = float(value)
            if not 0.0 <= depth <= 60.0:
                raise ValueError
            return depth
        if name == "duck_others":
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word not in _BOOLS:
                raise ValueError
            return _BOOLS[word]
        return str(value)
    except (TypeError, ValueError):
        valid = {
            "rate": "a whole number of words per minute from 80 to 400",
            "volume": "a number from 0.0 to 1.0",
            "rir_timeout": "seconds",
            "cache_mb": "a whole number of megabytes, 1 or more",
            "listen": "auto, on or off",
            "duck_db": "a number of dB from 0 to 60",
            "duck_others": "true or false",
        }.get(name, "text")
        raise SettingsError(f"{origin}: {name} = {value!r} is not valid; use {valid}") from None


def load_settings(
    config_file: Path, environ: dict[str, str] | None = None, **flags: Any
) -> Settings:
    """Merge the three sources in order of precedence."""
    env = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    if config_file.is_file():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{config_file}: {exc}") from None
        for key, value in data.items():
            if key not in names:
                raise SettingsError(
                    f"{config_file}: unknown setting {key!r}; valid settings "
                    f"are {', '.join(sorted(names))}"
                )
            values[key] = _coerce(key, value, str(config_file))
    for key, var in _ENV.items():
        if env.get(var):
            values[key] = _coerce(key, env[var], var)
    for key, value in flags.items():
        if value is not None:
            values[key] = _coerce(key, value, f"--{key.replace('_', '-')}")
    return replace(Settings(), **values)
