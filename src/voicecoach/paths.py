"""Where voicecoach keeps its files.

Everything user-specific goes through here so that tests (and users who want
a portable set-up) can point the whole program at one folder with
``VOICECOACH_HOME``. Without it, the XDG locations from platformdirs are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "voicecoach"


@dataclass(frozen=True)
class Paths:
    """The three folders voicecoach writes to."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def journal(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def duck_state(self) -> Path:
        """Other apps' volumes while lowered, so a killed run's are put back (issue 14)."""
        return self.data_dir / "ducked-apps.json"

    @property
    def clip_cache(self) -> Path:
        return self.cache_dir / "clips"


def user_paths(environ: os._Environ[str] | dict[str, str] | None = None) -> Paths:
    """Return the paths in force, honouring ``VOICECOACH_HOME``."""
    env = os.environ if environ is None else environ
    home = env.get("VOICECOACH_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(root / "config", root / "data", root / "cache")
    return Paths(
        Path(platformdirs.user_config_dir(APP)),
        Path(platformdirs.user_data_dir(APP)),
        Path(platformdirs.user_cache_dir(APP)),
    )
