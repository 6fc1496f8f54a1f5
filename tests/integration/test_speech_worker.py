"""The speech worker processes, for real: espeak-ng and Piper, and every way they can fail.

Faults are injected from outside (tests/faults/sitecustomize.py, loaded through
PYTHONPATH into the worker), into the real engines in their real processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from voicecoach.audio.clips import samples
from voicecoach.settings import Settings
from voicecoach.speech import make_voice, worker_client
from voicecoach.speech.base import tone
from voicecoach.speech.check import clip_problem

FAULTS = str(Path(__file__).parent.parent / "faults")


def inject(monkeypatch: pytest.MonkeyPatch, fault: str, match: str = "") -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([FAULTS, os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("VOICECOACH_TEST_FAULT", fault)
    monkeypatch.setenv("VOICECOACH_TEST_FAULT_MATCH", match)


@pytest.mark.parametrize("engine", ["espeak", "piper"])
def test_each_engine_renders_real_speech(engine: str, tmp_path: Path) -> None:
    """Both engines give checked speech of plausible length, trimmed to its first sound."""
    v = make_voice(Settings(engine=engine), tmp_path)
    try:
        for text in ("go", "Rest ninety seconds.", "Set two of three, seventy-five pounds."):
            clip = v.clip(text)
            assert clip_problem(clip, text) is None, (text, clip.seconds)
            assert abs(samples(clip)[0]) > 0  # trimmed
        assert not v.fallbacks and not v.failed
    finally:
        v.close()


def test_piper_session_plans_no_memory_per_shape() -> None:
    """The loaded voice's ONNX session has memory patterns off (the worker's peak RSS),
    the CPU arena on, shrunk after each render, and its threads not spinning (CPU
    wasted between operators), and still speaks."""
    from voicecoach.speech.piper_engine import PiperEngine

    engine = PiperEngine(None, 175, 1.0)
    options = engine._voice.session.get_session_options()
    assert options.enable_mem_pattern is False and options.enable_cpu_mem_arena is True
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    run = engine._voice.session.run_options
    assert run.get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    clip = engine.render("Total volume twelve thousand seven hundred fifty-five pounds.")
    assert 2.0 < clip.seconds < 8.0


def test_the_arena_is_shrunk_only_after_a_long_inference() -> None:
    """A short clause reuses the arena as it is (no pages faulted in again); a long one,
    which is what grows it, gives its memory back."""
    import numpy as np

    from voicecoach.speech.piper_engine import SHRINK_AFTER, _Shrinking

    passed: list[object] = []

    class Session:
        def run(self, outputs: object, feed: object, options: object = None) -> list[str]:
            passed.append(options)
            return ["audio"]

    session = _Shrinking(Session(), "shrink")
    for ids in (SHRINK_AFTER - 1, SHRINK_AFTER, 3):
        assert session.run(None, {"input": np.zeros((1, ids), dtype=np.int64)}) == ["audio"]
    assert passed == [None, "shrink", None]


def test_the_piper_worker_maps_big_blocks_apart_and_a_users_setting_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shrunk arena's blocks leave the process only if glibc maps them apart; the
    worker's environment says so, unless the user set the variable."""
    from voicecoach.speech.engines import EngineSpec

    def worker_env() -> str:
        renderer = worker_client.WorkerRenderer(EngineSpec("piper", "joe"))
        try:
            renderer.start()
            pid = renderer._proc.pid  # type: ignore[union-attr]
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        finally:
            renderer.close()
        found = [e for e in environ if e.startswith(b"MALLOC_MMAP_THRESHOLD_=")]
        return found[0].decode().partition("=")[2] if found else ""

    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert worker_env() == str(1 << 20)
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "262144")
    assert worker_env() == "262144"


def test_piper_phrase_is_cached_under_its_own_key(tmp_path: Path) -> None:
    """Piper and espeak-ng clips of one phrase are cached apart; a second voice hits."""
    for engine in ("piper", "espeak", "piper"):
        v = make_voice(Settings(engine=engine), tmp_path)
        v.clip("Rest two minutes.")
        v.close()
    assert len(list(tmp_path.rglob("*.wav"))) == 2
    assert v.cache.hits == 1


@pytest.mark.parametrize("fault", ["empty", "raise", "hang", "crash"])
def test_failing_primary_falls_back_to_espeak(
    fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever Piper does wrong with a phrase, espeak-ng says it; other phrases stay Piper's."""
    inject(monkeypatch, fault, match="reserve")
    monkeypatch.setattr(worker_client, "RENDER_TIMEOUT", 2.0)
    warnings: list[str] = []
    v = make_voice(Settings(engine="piper"), tmp_path, warnings.append)
    try:
        v.renderers[0].start()  # type: ignore[attr-defined]
        monkeypatch.setenv("VOICECOACH_TEST_FAULT", "")  # the espeak worker starts clean
        assert clip_problem(v.clip("How many in reserve?"), "How many in reserve?") is None
        assert v.fallbacks == ["How many in reserve?"]
        assert clip_problem(v.clip("Rest two minutes."), "Rest two minutes.") is None
        assert v.fallbacks == ["How many in reserve?"]  # Piper (restarted if it died) said this
        assert len(warnings) == 1 and "piper:joe" in warnings[0]
    finally:
        v.close()


def test_only_engine_failing_gives_a_tone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With espeak-ng as the only engine and it returning nothing, the phrase is a tone."""
    inject(monkeypatch, "empty", match="reserve")
    v = make_voice(Settings(engine="espeak"), tmp_path)
    try:
        assert v.clip("How many in reserve?") == tone()
        assert v.clip("go") != tone()
    finally:
        v.close()


def test_engine_output_never_reaches_our_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python prints, raw fd-1 writes and C puts() from an engine stay out of our stdout."""
    inject(monkeypatch, "chatter")
    for engine in ("espeak", "piper"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "voicecoach",
                "say",
                "--audio",
                "none",
                "--engine",
                engine,
                "Rest ninety seconds.",
            ],
            capture_output=True,
            env=dict(os.environ, VOICECOACH_HOME=str(tmp_path / engine)),
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"Rest ninety seconds.\n"
        assert b"saved" not in result.stderr and b"puts" not in result.stderr


def test_a_dead_worker_does_not_outlive_us(tmp_path: Path) -> None:
    """Closing the voice ends its worker processes."""
    v = make_voice(Settings(engine="espeak"), tmp_path)
    v.clip("go")
    proc = v.renderers[0]._proc  # type: ignore[attr-defined]
    assert proc is not None and proc.poll() is None
    v.close()
    assert proc.poll() is not None
