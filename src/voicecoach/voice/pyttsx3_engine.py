"""pyttsx3 (espeak-ng on Linux, nsss on macOS, sapi5 on Windows) as a renderer only.

Facts from DESIGN.md that shape this: ``say()`` blocks and plays through
``aplay``, so we never use it; ``save_to_file`` to a BytesIO gives 22050 Hz WAV
in ~10 ms on Linux; one phrase per ``runAndWait()`` (a queue keeps only the
last); properties are set once; it prints "Audio saved to ..."; it can hang
forever, hence the watchdog thread.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from voicecoach.clips import Clip, from_wav
from voicecoach.voice.base import SpeechUnavailable

RENDER_TIMEOUT = 15.0
_DRIVERS = {"darwin": "nsss", "win32": "sapi5"}  # pyttsx3's default driver per platform
INSTALL_HINT = {
    "linux": "install espeak-ng: sudo apt-get install libespeak-ng1 espeak-ng-data",
    "darwin": "check that macOS speech works: say hello",
    "win32": "check that Windows speech (SAPI5) has a voice installed",
}


def install_hint() -> str:
    return INSTALL_HINT.get(sys.platform, INSTALL_HINT["linux"])


class Pyttsx3Renderer:
    """Renders one phrase at a time on a single worker thread, with a timeout."""

    audible = True

    def __init__(self, voice: str | None, rate: int, volume: float):
        self.voice_id = voice
        self.rate = rate
        self.volume = volume
        # pyttsx3 engines are not thread-safe: one thread owns it for its whole life.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicecoach-tts")
        self._engine: Any = None
        self._lock = threading.Lock()
        # The engine starts on first use: with every phrase already in the cache, a run
        # never needs it (saves ~70 ms of start-up). The cache key is known without it.
        self._driver = _DRIVERS.get(sys.platform, "espeak")
        self.identity = f"pyttsx3-{_version()}-{self._driver}|{self.voice_id}|{rate}|{volume}"

    def start(self) -> None:
        """Start the engine now; raises SpeechUnavailable with a fix if it can't."""
        with self._lock:
            if self._engine is None:
                self._pool.submit(self._init).result(timeout=RENDER_TIMEOUT)

    def _init(self) -> None:
        try:
            import pyttsx3
        except ImportError as exc:
            raise SpeechUnavailable(
                f"pyttsx3 is not installed ({exc}); pip install pyttsx3"
            ) from None
        try:
            with _quiet():
                engine = pyttsx3.init()
        except Exception as exc:  # pyttsx3 raises OSError, RuntimeError, KeyError by driver
            raise SpeechUnavailable(
                f"the speech engine did not start ({exc}); {install_hint()}"
            ) from None
        self._driver = type(engine.proxy._driver).__module__.rsplit(".", 1)[-1]
        voices = {v.id: v for v in engine.getProperty("voices") or []}
        if self.voice_id is not None:
            if self.voice_id not in voices:
                import difflib

                close = difflib.get_close_matches(self.voice_id, list(voices), n=5, cutoff=0.5)
                hint = (
                    f"; close matches: {', '.join(close)}"
                    if close
                    else "; run 'voicecoach voices' to list them"
                )
                raise SpeechUnavailable(f"unknown voice {self.voice_id!r}{hint}")
            engine.setProperty("voice", self.voice_id)
        engine.setProperty("rate", self.rate)
        engine.setProperty("volume", self.volume)
        self._engine = engine

    def voices(self) -> list[dict[str, Any]]:
        self.start()

        def get() -> list[dict[str, Any]]:
            return [
                {"id": v.id, "name": v.name, "languages": [_lang(x) for x in (v.languages or [])]}
                for v in self._engine.getProperty("voices") or []
            ]

        return self._pool.submit(get).result(timeout=RENDER_TIMEOUT)

    def render(self, text: str) -> Clip:
        self.start()
        future = self._pool.submit(self._render, text)
        try:
            return future.result(timeout=RENDER_TIMEOUT)
        except FutureTimeout:
            raise SpeechUnavailable(
                f"the speech engine hung for {RENDER_TIMEOUT:.0f} s while "
                f"rendering {text!r}; {install_hint()}"
            ) from None

    def _render(self, text: str) -> Clip:
        if self._driver == "espeak":
            target: Any = io.BytesIO()
            with _quiet():
                self._engine.save_to_file(text, target)
                self._engine.runAndWait()
            return from_wav(target.getvalue())
        # sapi5 and nsss need a real path; nsss writes AIFF whatever the extension.
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("clip.aiff" if self._driver == "nsss" else "clip.wav")
            with _quiet():
                self._engine.save_to_file(text, str(path))
                self._engine.runAndWait()
            data = path.read_bytes()
        if data[:4] == b"FORM":
            return _from_aiff(data)
        return from_wav(data)


def _lang(value: Any) -> str:
    return (
        value.decode("utf-8", "replace").strip("\x05\x00")
        if isinstance(value, bytes)
        else str(value)
    )


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("pyttsx3")
    except Exception:  # pragma: no cover
        return "unknown"


@contextlib.contextmanager
def _quiet():  # type: ignore[no-untyped-def]
    """Swallow pyttsx3's "Audio saved to ..." print on stdout."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        yield


def _from_aiff(data: bytes) -> Clip:  # pragma: no cover - macOS only
    import aifc  # deprecated in 3.11, still present until 3.13; macOS path only

    with aifc.open(io.BytesIO(data)) as a:
        raw = a.readframes(a.getnframes())
        swapped = bytearray(raw)
        swapped[0::2], swapped[1::2] = raw[1::2], raw[0::2]  # AIFF is big-endian
        return Clip(bytes(swapped), a.getframerate())
