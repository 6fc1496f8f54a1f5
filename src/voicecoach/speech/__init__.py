"""Speech: engines in worker processes, a checked and cached clip per phrase, rendered ahead.

The package's names are loaded when first used: a command that only needs
:class:`SpeechUnavailable` (every command's error handling) does not import
the voice, its cache and the engine registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from voicecoach.speech.errors import SpeechUnavailable

if TYPE_CHECKING:
    from voicecoach.speech.base import Voice
    from voicecoach.speech.registry import make_voice

__all__ = ["SpeechUnavailable", "Voice", "make_voice"]

_LAZY = {"Voice": "voicecoach.speech.base", "make_voice": "voicecoach.speech.registry"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)
