"""Locate data shipped with the package: built-in routines, the exercise library, sounds.

In a wheel, ``routines/`` and ``sounds/`` are copied to ``voicecoach/_data/``
(see ``pyproject.toml``). In a source checkout or an editable install they are
read from the repository's top level, so there is one copy of each file.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # voicecoach/


def data_dir(name: str) -> Path:
    """Return the folder for ``routines`` or ``sounds``, wherever it was installed."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parents[1] / name


def library_file() -> Path:
    """The exercise library: every exercise defined once, referred to with ``use:``."""
    return _PACKAGE / "data" / "exercises.yaml"
