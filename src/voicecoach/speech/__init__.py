"""Speech: engines in worker processes, a checked and cached clip per phrase, rendered ahead."""

from voicecoach.speech.base import SpeechUnavailable, Voice
from voicecoach.speech.registry import make_voice

__all__ = ["SpeechUnavailable", "Voice", "make_voice"]
