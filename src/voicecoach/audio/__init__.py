"""Audio outputs: one interface, a small registry (stream, simpleaudio, wav, none, auto)."""

from voicecoach.audio.base import AudioUnavailable, Output
from voicecoach.audio.registry import OUTPUTS, open_output

__all__ = ["OUTPUTS", "AudioUnavailable", "Output", "open_output"]
