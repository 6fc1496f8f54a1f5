"""The Voice: memory, disk cache and renderer, with silent renders retried, never cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecoach.audio.clips import Clip, silence
from voicecoach.speech.base import ClipCache, Voice
from voicecoach.speech.renderer import Renderer


class Flaky(Renderer):
    """A renderer that returns silence on its first call, then a tone."""

    identity = "flaky-1"
    name = "flaky"

    def __init__(self) -> None:
        self.calls = 0

    def render(self, text: str) -> Clip:
        self.calls += 1
        if self.calls == 1:
            return silence(0.5)
        return Clip(b"\x00\x20" * 2205)


def test_silent_render_is_retried(tmp_path: Path) -> None:
    """A silent render is retried, and the sound that follows is what gets cached."""
    r = Flaky()
    v = Voice(r, ClipCache(tmp_path))
    assert v.clip("go").seconds > 0 and r.calls == 2
    assert Voice(Flaky(), ClipCache(tmp_path)).clip("go").seconds > 0


def test_cached_empty_clip_is_a_miss(tmp_path: Path) -> None:
    """An empty clip found in the cache is rendered again."""
    cache = ClipCache(tmp_path)
    cache.put("flaky-1", "go", Clip(b""))
    assert cache.get("flaky-1", "go") is None


# --- a cached clip is checked like a fresh render ------------------------------------------
class Speaker(Renderer):
    """A renderer of a clear 440 Hz tone as long as the estimate for the text."""

    identity = "speaker-1"
    name = "speaker"

    def __init__(self) -> None:
        self.calls = 0

    def render(self, text: str) -> Clip:
        import array
        import math

        from voicecoach.audio.clips import RATE, from_samples
        from voicecoach.speech.estimate import estimate

        self.calls += 1
        n = round(estimate(text) * RATE)
        return from_samples(
            array.array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / RATE)) for i in range(n)))
        )


PHRASE = "Set one of three, seventy pounds, ten to twenty reps."


def _one_cached(tmp_path: Path) -> tuple[Path, Clip]:
    clip = Voice(Speaker(), ClipCache(tmp_path)).clip(PHRASE)
    (path,) = tmp_path.rglob("*.wav")
    return path, clip


def _replayed(tmp_path: Path) -> tuple[Clip, Speaker]:
    speaker = Speaker()
    return Voice(speaker, ClipCache(tmp_path)).clip(PHRASE), speaker


def test_a_good_cached_clip_is_a_hit(tmp_path: Path) -> None:
    """The file put() wrote passes the checks: read back, nothing rendered."""
    _, clip = _one_cached(tmp_path)
    again, speaker = _replayed(tmp_path)
    assert speaker.calls == 0 and again.pcm == clip.pcm


def test_a_truncated_cached_clip_is_rendered_again(tmp_path: Path) -> None:
    """A file cut to 60 % (its header says more frames) is re-rendered, not played cut off."""
    path, clip = _one_cached(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    again, speaker = _replayed(tmp_path)
    assert speaker.calls == 1 and again.seconds == pytest.approx(clip.seconds)


def test_a_cached_clip_at_another_rate_is_rendered_again(tmp_path: Path) -> None:
    """A header saying 8 kHz (it would play 2.8x slow) is re-rendered."""
    import struct

    path, clip = _one_cached(tmp_path)
    data = bytearray(path.read_bytes())
    data[24:32] = struct.pack("<II", 8000, 16000)  # sample rate, byte rate
    path.write_bytes(bytes(data))
    again, speaker = _replayed(tmp_path)
    assert speaker.calls == 1 and again.rate == clip.rate and again.seconds == clip.seconds


@pytest.mark.parametrize("seconds", [300, 3600], ids=["five-minutes", "an-hour"])
def test_a_far_too_long_cached_clip_is_rendered_again(tmp_path: Path, seconds: int) -> None:
    """A well-formed WAV of minutes where a phrase of seconds belongs is re-rendered.

    An hour is over the size limit of a cache file; five minutes is under it, and
    refused by its duration for the text.
    """
    from voicecoach.audio.clips import RATE, to_wav

    path, clip = _one_cached(tmp_path)
    hour = Clip(clip.pcm * (seconds * RATE * 2 // len(clip.pcm)), RATE)
    path.write_bytes(to_wav(hour))
    again, speaker = _replayed(tmp_path)
    assert speaker.calls == 1 and again.seconds == pytest.approx(clip.seconds)


def test_a_silent_cached_clip_is_rendered_again(tmp_path: Path) -> None:
    from voicecoach.audio.clips import to_wav

    path, clip = _one_cached(tmp_path)
    path.write_bytes(to_wav(silence(clip.seconds)))
    _, speaker = _replayed(tmp_path)
    assert speaker.calls == 1


def test_no_caching_when_the_disk_is_nearly_full_and_one_warning(tmp_path: Path) -> None:
    """Free space below the margin: nothing written, one warning for the whole run."""
    warnings: list[str] = []
    cache = ClipCache(tmp_path, min_free=1 << 62)  # more than any disk has free
    voice = Voice(Speaker(), cache, warnings.append)
    voice.clip(PHRASE)
    voice.clip("Rest two minutes.")
    assert not list(tmp_path.rglob("*.wav"))
    assert len(warnings) == 1 and "nearly full" in warnings[0], warnings


def test_an_unwritable_cache_warns_once(tmp_path: Path) -> None:
    """A cache folder that cannot be written: the warning reaches the user, once."""
    blocker = tmp_path / "clips"
    blocker.write_text("a file where the cache folder should be")
    warnings: list[str] = []
    voice = Voice(Speaker(), ClipCache(blocker), warnings.append)
    voice.clip(PHRASE)
    voice.clip("Rest two minutes.")
    assert len(warnings) == 1 and "speech cache" in warnings[0], warnings
