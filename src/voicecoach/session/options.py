"""What one ``voicecoach run`` was asked for, resolved once: flags over environment over
config, with every path decided.

The command line builds a :class:`RunOptions` and hands it down whole; no layer
below reads a flag, a variable or the config file again, and none changes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecoach.paths import user_paths
from voicecoach.session.answers import Answer, parse_answers
from voicecoach.settings import Settings, load_settings

# The flags that are settings (a config key and a VOICECOACH_* variable each), by name.
SETTING_FLAGS = (
    "audio",
    "rir_timeout",
    "voice",
    "rate",
    "volume",
    "engine",
    "mic",
    "duck_db",
    "talk",
    "count",
)


class OptionError(ValueError):
    """A flag's value is unusable; ``option`` names it as the user typed it."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class RunOptions:
    """One run's options. ``journal`` None: nothing is journaled (``--no-journal``)."""

    settings: Settings = field(default_factory=Settings)
    journal: Path | None = None
    cache_dir: Path | None = None
    duck_state: Path | None = None  # other apps' lowered volumes; None: never lowered
    dry_run: bool = False
    week: int | None = None  # a program's week, instead of the one the journal says
    answers: tuple[Answer, ...] = ()
    record: Path | None = None
    transcript: Path | None = None
    fresh: bool = False
    resume: bool | None = None  # None: ask if there is an unfinished session
    buttons: bool | None = None  # media buttons; None: on if a session bus exists
    shuffle: bool = False  # play a --music folder in random order

    @classmethod
    def from_cli(cls, flags: Mapping[str, Any]) -> RunOptions:
        """From ``run``'s flags (click's names); SettingsError or OptionError if bad."""
        try:
            answers = tuple(parse_answers(flags["answers"])) if flags.get("answers") else ()
        except ValueError as exc:
            raise OptionError("--answers", str(exc)) from None
        paths = user_paths()
        music = flags.get("music")
        settings = load_settings(
            paths.config_file,
            **{name: flags.get(name) for name in SETTING_FLAGS},
            listen={True: "on", False: "off"}.get(flags.get("listen")),  # type: ignore[arg-type]
            music=str(music) if music else None,
            duck_others=False if flags.get("no_duck_others") else None,
        )
        return cls(
            settings=settings,
            journal=None if flags.get("no_journal") else flags.get("db") or paths.journal,
            cache_dir=paths.clip_cache,
            duck_state=paths.duck_state,
            dry_run=bool(flags.get("dry_run")),
            week=flags.get("week"),
            answers=answers,
            record=flags.get("record"),
            transcript=flags.get("transcript"),
            fresh=bool(flags.get("fresh")),
            resume=flags.get("resume"),
            buttons=flags.get("buttons"),
            shuffle=bool(flags.get("shuffle")),
        )
