"""The Voice: memory, disk cache and renderer, with silent renders retried, never cached."""

from __future__ import annotations

from pathlib import Path

from voicecoach.audio.clips import Clip, silence
from voicecoach.speech.base import ClipCache, Voice


class Flaky:
    """A renderer that returns silence on its first call, then a tone."""

    identity = "flaky-1"

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
