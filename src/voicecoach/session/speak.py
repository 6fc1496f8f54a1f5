"""``voicecoach say``: one phrase through the configured voice and output."""

from __future__ import annotations

import sys
from pathlib import Path

from voicecoach.audio import AudioUnavailable, open_output
from voicecoach.audio.clips import to_wav
from voicecoach.exitcodes import ExitStatus
from voicecoach.inputs.clock import SystemClock
from voicecoach.settings import Settings
from voicecoach.speech import make_voice
from voicecoach.speech.voice_names import check_voice


def speak(text: str, settings: Settings, cache_dir: Path, record: Path | None) -> int:
    voice = make_voice(settings, cache_dir, lambda m: print(f"voicecoach: {m}", file=sys.stderr))
    try:
        if not voice.cached(text):  # a cached clip proves the voice: no engine to ask
            check_voice(settings)
        clip = voice.clip(text)
    finally:
        voice.close()
    if record is not None:
        record.write_bytes(to_wav(clip))
    clock = SystemClock()
    try:
        out, note = open_output(settings.audio, clock.now())
    except AudioUnavailable as exc:
        print(f"voicecoach: {exc}", file=sys.stderr)
        print(text)
        return ExitStatus.ERROR
    if note:
        print(f"voicecoach: {note}", file=sys.stderr)
    if out.name == "none":
        print(text)
    at = clock.now() + out.lookahead
    out.play(clip, at)
    clock.wait(at + clip.seconds)
    out.close()
    return ExitStatus.OK
