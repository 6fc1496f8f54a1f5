"""Speech: engines that render text to PCM, a disk cache, and the Voice that ties them."""

from voicecoach.voice.base import SpeechUnavailable, Voice
from voicecoach.voice.registry import ENGINES, make_voice

__all__ = ["ENGINES", "SpeechUnavailable", "Voice", "make_voice"]
