"""The Voice never lets a render end a session: retries, the next engine, then a tone.

Fast layer: scripted renderers stand in for engines here; the real worker
processes are tested in tests/integration/test_speech_worker.py.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from voicecoach.audio.clips import Clip, from_samples
from voicecoach.speech.base import ClipCache, Voice, tone
from voicecoach.speech.check import clip_problem
from voicecoach.speech.renderer import Renderer
from voicecoach.speech.worker_client import RenderError


def speech(seconds: float = 1.0) -> Clip:
    """A clip that passes as speech: a loud 200 Hz square wave."""
    import array

    n = int(seconds * 22050)
    return from_samples(array.array("h", [8000 if (i // 55) % 2 else -8000 for i in range(n)]))


class Scripted(Renderer):
    """Returns (or raises) what it is told for each call, then good speech."""

    def __init__(self, name: str, *results: object):
        self.name = self.identity = name
        self.results = list(results)
        self.calls: list[str] = []

    def render(self, text: str) -> Clip:
        self.calls.append(text)
        result = self.results.pop(0) if self.results else speech()
        if isinstance(result, BaseException):
            raise result
        assert isinstance(result, Clip)
        return result


def test_empty_render_is_retried_then_cached(tmp_path: Path) -> None:
    """Zero bytes from the engine is retried; the good clip is the one cached."""
    r = Scripted("a", Clip(b""))
    v = Voice(r, ClipCache(tmp_path))
    assert v.clip("Rest ninety seconds.").seconds > 0.5
    assert len(r.calls) == 2
    assert Voice(Scripted("a", Clip(b"")), ClipCache(tmp_path)).cached("Rest ninety seconds.")


def test_second_failure_moves_to_next_engine_and_warns_once(tmp_path: Path) -> None:
    """Two bad renders hand the phrase to the next engine; one warning for the session."""
    warnings: list[str] = []
    primary = Scripted("piper:joe", Clip(b""), RuntimeError("boom"), Clip(b""), Clip(b""))
    backup = Scripted("espeak:default")
    v = Voice([primary, backup], ClipCache(tmp_path), warnings.append)
    assert v.clip("Set one of three.").seconds > 0.5
    assert v.clip("Rest two minutes.").seconds > 0.5
    assert backup.calls == ["Set one of three.", "Rest two minutes."]
    assert v.fallbacks == ["Set one of three.", "Rest two minutes."]
    assert len(warnings) == 1 and "piper:joe" in warnings[0]


def test_fatal_engine_is_not_asked_again() -> None:
    """An engine that cannot start is skipped for the rest of the session."""
    primary = Scripted("piper:joe", RenderError("not installed", fatal=True))
    v = Voice([primary, Scripted("espeak:default")])
    v.clip("one")
    v.clip("two")
    assert primary.calls == ["one"] and "piper:joe" in v.failed


def test_hang_goes_to_next_engine_without_a_second_wait() -> None:
    """A hung render is not retried on the same engine."""
    primary = Scripted("piper:joe", RenderError("hung", retry=False))
    v = Voice([primary, Scripted("espeak:default")])
    assert v.clip("Rest two minutes.").seconds > 0.5
    assert primary.calls == ["Rest two minutes."]


def test_every_engine_failing_gives_a_tone_not_an_exception() -> None:
    """With no engine left, the phrase becomes a short tone (its text is on screen)."""
    warnings: list[str] = []
    v = Voice([Scripted("a", *[Clip(b"")] * 4)], warn=warnings.append)
    clip = v.clip("How many in reserve?")
    assert clip == tone()
    assert "showing it as text" in warnings[0]


def test_bad_clip_is_not_cached(tmp_path: Path) -> None:
    """A fallback tone never reaches the disk cache."""
    v = Voice([Scripted("a", *[Clip(b"")] * 2)], ClipCache(tmp_path))
    v.clip("go")
    assert not list(tmp_path.rglob("*.wav"))


def test_clip_checks() -> None:
    """Empty, silent, too short and too long clips are each named; speech passes."""
    text = "Rest ninety seconds."
    assert clip_problem(Clip(b""), text) == "no audio"
    assert clip_problem(Clip(b"\x00\x00" * 22050), text) == "silence"
    assert "too short" in (clip_problem(speech(0.1), text) or "")
    assert "too long" in (clip_problem(speech(30), text) or "")
    assert clip_problem(speech(1.2), text) is None


def test_a_hum_just_under_or_over_the_bounds_gets_the_verdict_of_every_sample() -> None:
    """The check looks at a quarter of the samples; near its bounds it says what looking
    at all of them says."""
    import array

    text = "Rest ninety seconds."
    n = 22050
    quiet = array.array("h", [90 if (i // 55) % 2 else -90 for i in range(n)])
    assert clip_problem(from_samples(quiet), text) == "silence"  # RMS 90 < 100
    soft = array.array("h", [1100 if (i // 55) % 2 else -1100 for i in range(n)])
    assert clip_problem(from_samples(soft), text) is None


def test_render_ahead_runs_in_order_in_the_background() -> None:
    """want() renders on another thread, first phrase first; clip() then finds them ready."""
    r = Scripted("a")
    v = Voice(r)
    v.want(["first", "second", "third"])
    assert v.wait_idle(10)
    assert r.calls == ["first", "second", "third"]
    assert v.clip("third").seconds > 0 and len(r.calls) == 3  # ready: no second render
    v.close()


def test_sooner_due_phrases_jump_the_queue() -> None:
    """Phrases due sooner are rendered before those queued earlier but due later."""
    gate = threading.Event()

    class Gated(Scripted):
        def render(self, text: str) -> Clip:
            gate.wait(5)
            return super().render(text)

    r = Gated("a")
    v = Voice(r)
    v.want(["a1", "a2", "a3"], due=100.0)
    v.want(["now"], due=10.0)
    gate.set()
    assert v.wait_idle(10)
    assert r.calls.index("now") <= 1  # at most the one already being rendered went first
    v.close()


def test_same_phrase_is_rendered_once_under_contention() -> None:
    """The engine loop and the render-ahead thread asking together render it once."""
    r = Scripted("a")
    v = Voice(r)
    threads = [threading.Thread(target=v.clip, args=("Rest two minutes.",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert r.calls == ["Rest two minutes."]


def test_corrupt_cache_entry_is_rendered_again(tmp_path: Path) -> None:
    """A damaged file in the cache is deleted and rendered anew, never fatal."""
    cache = ClipCache(tmp_path)
    cache.put("a", "go", speech(0.5))
    (path,) = tmp_path.rglob("*.wav")
    path.write_bytes(b"RIFF\x00garbage")
    r = Scripted("a")
    assert Voice(r, ClipCache(tmp_path)).clip("go").seconds > 0
    assert r.calls == ["go"]


def test_cache_is_bounded_least_recently_used_first(tmp_path: Path) -> None:
    """Over its size bound, the cache drops the clips used longest ago."""
    cache = ClipCache(tmp_path, max_bytes=2 * 23_000)  # a 0.5 s clip is 22,094 bytes
    for n, text in enumerate(["old", "used", "new", "newest"]):
        cache.put("a", text, speech(0.5))
        os.utime(cache._path("a", text), (1000 + n, 1000 + n))  # type: ignore[arg-type]
    os.utime(cache._path("a", "used"), (5000, 5000))  # type: ignore[arg-type]
    assert cache.shrink() == 2
    left = {t for t in ["old", "used", "new", "newest"] if cache._path("a", t).exists()}  # type: ignore[union-attr]
    assert left == {"used", "newest"}


def test_cache_clear_empties_it(tmp_path: Path) -> None:
    """clear() removes every clip and says how many."""
    cache = ClipCache(tmp_path)
    for text in ("a", "b"):
        cache.put("x", text, speech(0.3))
    assert cache.clear()[0] == 2
    assert not list(tmp_path.rglob("*.wav"))
