"""Speech's error, in a module of its own.

The command line catches it for every command; importing it from here does not
bring the voice, its cache and the engines along to every ``voicecoach`` start.
"""

from __future__ import annotations

__all__ = ["SpeechUnavailable"]


class SpeechUnavailable(RuntimeError):
    """No speech engine can run; the message says how to fix it."""
