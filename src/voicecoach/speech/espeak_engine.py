"""espeak-ng through pyttsx3, rendered synchronously inside the speech worker.

On Linux, pyttsx3's espeak driver starts espeak-ng in *retrieval* mode: it
synthesises on espeak's own thread while ``runAndWait`` polls every 10 ms.
That driver can hand back zero bytes for a phrase (we saw the first new
phrase after a lazy start come back empty 6 times out of 6), and it
prints "Audio saved to ..." on stdout. We therefore drive the same ctypes
binding that pyttsx3 ships (``pyttsx3.drivers._espeak``) in *synchronous*
mode: ``Synth`` returns only when every sample has reached our callback, so a
render is complete when the call returns, with no polling and no race.

On macOS and Windows, pyttsx3's own nsss/sapi5 drivers are used through
``save_to_file`` with a real file path: those drivers write a file and
hand back nothing in memory.

This module runs only in the worker process (``voicecoach.speech.worker``),
which owns the engine for its whole life.
"""

from __future__ import annotations

import ctypes
import io
import sys
import tempfile
from pathlib import Path
from typing import Any

from voicecoach.audio.clips import Clip, from_wav

ESPEAK_RATE = 22050  # libespeak-ng's output rate
INSTALL_HINT = {
    "linux": "install espeak-ng: sudo apt-get install libespeak-ng1 espeak-ng-data",
    "darwin": "check that macOS speech works: say hello",
    "win32": "check that Windows speech (SAPI5) has a voice installed",
}


class EngineFailed(RuntimeError):
    """The engine cannot start; the message says how to fix it."""


def install_hint() -> str:
    return INSTALL_HINT.get(sys.platform, INSTALL_HINT["linux"])


def _binding() -> Any:
    """pyttsx3's ctypes binding to libespeak-ng, or EngineFailed with the fix."""
    try:
        from pyttsx3.drivers import _espeak
    except ImportError as exc:
        raise EngineFailed(f"pyttsx3 is not installed ({exc}); pip install pyttsx3") from None
    except Exception as exc:  # the binding raises OSError or RuntimeError without the library
        raise EngineFailed(f"espeak-ng did not load ({exc}); {install_hint()}") from None
    return _espeak


def espeak_voices() -> list[dict[str, Any]]:
    """Every espeak-ng voice: id, name and languages (no synthesis needed)."""
    lib = _binding()
    if lib.Initialize(lib.AUDIO_OUTPUT_SYNCHRONOUS, 200) == -1:
        raise EngineFailed(f"espeak-ng did not start; {install_hint()}")
    out = []
    for v in lib.ListVoices(None):
        lang = v.languages[1:].decode("utf-8", "replace") if v.languages else ""
        out.append(
            {
                "id": v.identifier.decode("utf-8").lower(),
                "name": v.name.decode("utf-8"),
                "languages": [lang] if lang else [],
            }
        )
    return out


class EspeakEngine:
    """espeak-ng in synchronous mode: one phrase in, all of its samples out."""

    def __init__(self, voice: str | None, rate: int, volume: float):
        if sys.platform in ("darwin", "win32"):  # pragma: no cover - not on CI
            self._impl: Any = _Pyttsx3Files(voice, rate, volume)
            return
        self._impl = None
        lib = self._lib = _binding()
        if lib.Initialize(lib.AUDIO_OUTPUT_SYNCHRONOUS, 200) == -1:
            raise EngineFailed(f"espeak-ng did not start; {install_hint()}")
        self._chunks: list[bytes] = []

        def collect(wav: Any, numsamples: int, events: Any) -> int:
            if numsamples > 0:
                self._chunks.append(ctypes.string_at(wav, numsamples * 2))
            return 0  # 0: go on synthesising

        lib.SetSynthCallback(collect)
        if voice:
            known = {v["id"] for v in espeak_voices()}
            if voice.lower() not in known:
                import difflib

                close = difflib.get_close_matches(voice.lower(), sorted(known), n=5, cutoff=0.5)
                hint = f"; close matches: {', '.join(close)}" if close else ""
                raise EngineFailed(
                    f"unknown espeak voice {voice!r}{hint}; run 'voicecoach voices' to list them"
                )
            if lib.SetVoiceByName(voice.encode()) != 0:
                raise EngineFailed(f"espeak-ng could not select voice {voice!r}")
        lib.SetParameter(lib.RATE, int(rate), 0)
        lib.SetParameter(lib.VOLUME, round(volume * 100), 0)

    def render(self, text: str) -> Clip:
        if self._impl is not None:  # pragma: no cover
            return self._impl.render(text)
        self._chunks = []
        lib = self._lib
        status = lib.Synth(text, flags=lib.CHARS_UTF8 | lib.ENDPAUSE)
        if status not in (0, None):
            raise RuntimeError(f"espeak_Synth returned {status}")
        lib.Synchronize()
        return Clip(b"".join(self._chunks), ESPEAK_RATE)


class _Pyttsx3Files:  # pragma: no cover - macOS and Windows only
    """pyttsx3's nsss/sapi5 drivers, which can only save to a real file path."""

    def __init__(self, voice: str | None, rate: int, volume: float):
        import pyttsx3

        try:
            self.engine = pyttsx3.init()
        except Exception as exc:
            raise EngineFailed(
                f"the speech engine did not start ({exc}); {install_hint()}"
            ) from None
        self.driver = type(self.engine.proxy._driver).__module__.rsplit(".", 1)[-1]
        if voice:
            self.engine.setProperty("voice", voice)
        self.engine.setProperty("rate", rate)
        self.engine.setProperty("volume", volume)

    def render(self, text: str) -> Clip:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("clip.aiff" if self.driver == "nsss" else "clip.wav")
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
            data = path.read_bytes()
        if data[:4] == b"FORM":
            return _from_aiff(data)
        return from_wav(data)


def _from_aiff(data: bytes) -> Clip:  # pragma: no cover - macOS only
    import aifc  # deprecated in 3.11, still present until 3.13; macOS path only

    with aifc.open(io.BytesIO(data)) as a:
        raw = a.readframes(a.getnframes())
        swapped = bytearray(raw)
        swapped[0::2], swapped[1::2] = raw[1::2], raw[0::2]  # AIFF is big-endian
        return Clip(bytes(swapped), a.getframerate())
