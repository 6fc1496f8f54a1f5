"""The short cue sounds shipped in sounds/, loaded once."""

from __future__ import annotations

from functools import cache

from voicecoach.audio.clips import Clip, from_wav
from voicecoach.routines.resources import data_dir

NAMES = ("beep", "go", "tick", "rest-over", "set-done", "workout-done")


@cache
def sound(name: str) -> Clip:
    """The clip for a sound name; a missing file is a packaging bug, so it raises."""
    return from_wav((data_dir("sounds") / f"{name}.wav").read_bytes())
