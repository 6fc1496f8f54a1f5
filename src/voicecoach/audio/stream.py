"""``stream``: one persistent pyminiaudio playback stream fed by the mixer.

Measured on this project's machines: clips placed by a mixer in one persistent stream
started exactly 1000 ms apart, where one stream per clip (simpleaudio) was
off by 20–477 ms. A stream that never closes also keeps Bluetooth earbuds
awake, so the first syllable after a rest is not clipped.

Engine time maps to stream frames through an anchor taken when the device
first asks for audio: ``frame = (t - anchor_time) * rate + anchor_frame``.
Device latency is constant, so spacing between cues is exact.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Generator
from types import ModuleType
from typing import Any

from voicecoach.audio.base import AudioUnavailable
from voicecoach.audio.clips import RATE, Clip
from voicecoach.audio.deferred import defer_module
from voicecoach.audio.mixer import Mixer

BUFFER_MS = 60
CUT_WAIT = 0.35  # closing on a signal waits this long at most, for the music's quick fade


class StreamOutput:
    name = "stream"
    lookahead = 0.3  # clips are handed to the mixer this early

    # A new segment starts this far ahead: the device may already have asked for up to
    # one buffer of audio, so a clip due sooner than that could not be placed exactly.
    lead = 1.5 * BUFFER_MS / 1000 + 0.01

    def __init__(self, device_id: object = None, rate: int = RATE):
        self.rate = rate
        self.mixer = Mixer(rate)
        self._device: Any = None  # a miniaudio.PlaybackDevice once started
        self._device_id = device_id
        self._anchor: tuple[float, int] | None = None
        self._anchored = threading.Event()
        self._failed = False
        self._clock_offset = 0.0  # engine clock minus time.monotonic()
        self._cut = False  # closing on a signal: what is queued is dropped, not played out

    def start(self, now: float) -> None:
        try:
            miniaudio = import_miniaudio()
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise AudioUnavailable(
                f"pyminiaudio is missing ({exc}); pip install miniaudio"
            ) from None
        self._clock_offset = now - time.monotonic()
        try:
            playbacks = miniaudio.Devices().get_playbacks()
        except Exception as exc:
            raise AudioUnavailable(f"no audio system found ({exc}); {_hint()}") from None
        if not playbacks:
            raise AudioUnavailable(f"no playback device found; {_hint()}")
        try:
            self._device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=self.rate,
                buffersize_msec=BUFFER_MS,
                app_name="voicecoach",
                device_id=self._device_id,
            )
            gen = self._generate()
            next(gen)
            self._device.start(gen)
        except Exception as exc:
            raise AudioUnavailable(f"cannot open the audio device ({exc}); {_hint()}") from None
        if not self._anchored.wait(2.0):
            self.close()
            raise AudioUnavailable(f"the audio device opened but never asked for sound; {_hint()}")

    def _generate(self) -> Generator[bytes, int, None]:
        frames = yield b""
        while True:
            if self._anchor is None:
                self._anchor = (time.monotonic() + self._clock_offset, self.mixer.position)
                self._anchored.set()
            frames = yield self.mixer.render(frames)

    def frame_at(self, at: float) -> int:
        assert self._anchor is not None
        t0, f0 = self._anchor
        return f0 + round((at - t0) * self.rate)

    def play(self, clip: Clip, at: float) -> None:
        if self._anchor is None or self._failed:
            return
        self.mixer.add(clip, self.frame_at(at))

    def cancel_after(self, at: float) -> None:
        if self._anchor is not None:
            self.mixer.cancel_after(self.frame_at(at))

    def healthy(self) -> bool:
        if self._device is None or self._failed:
            return False
        running = getattr(self._device, "running", True)
        return bool(running)

    def cut(self) -> None:
        """Close at once when closed: the last clip may be cut (see ``cut_short``)."""
        self._cut = True

    def close(self) -> None:
        device, self._device = self._device, None
        if device is None:
            return
        if self._cut:  # the words stop now; music, if any, takes its quick fade
            self.mixer.drop_speech()
            faded = self.mixer.fade_music()
            deadline = time.monotonic() + CUT_WAIT
            while self.mixer.position < faded and time.monotonic() < deadline:
                time.sleep(0.02)
            device.close()
            return
        # Let the last clip (the summary) finish before the device goes away.
        deadline = time.monotonic() + 15
        while self.mixer.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        # Then the music fades out; without music this returns at once.
        faded = self.mixer.fade_music()
        while self.mixer.position < faded and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(BUFFER_MS / 1000 * 3)
        device.close()


def import_miniaudio() -> ModuleType:
    """pyminiaudio, imported without numpy when nothing has loaded numpy yet.

    pyminiaudio imports numpy, when it is installed, only to accept numpy arrays
    from a playback generator; this module's generator yields bytes. Measured,
    numpy was 85 ms of the 150 ms of CPU that importing pyminiaudio cost the
    first word. A ``None`` in ``sys.modules`` makes its ``import numpy`` fail as if
    numpy were absent; the entry goes at once, so a later ``import numpy`` (the
    music bed's) loads it as usual. Called before the run starts other threads
    (:class:`voicecoach.audio.early.EarlyOutput`), since one importing numpy in
    that moment would fail.
    """
    if "miniaudio" in sys.modules or "numpy" in sys.modules:
        import miniaudio

        return miniaudio
    defer_module("urllib.request")
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import miniaudio
    finally:
        if sys.modules.get("numpy", 0) is None:
            del sys.modules["numpy"]
    return miniaudio


def _hint() -> str:
    return (
        "check that PulseAudio/PipeWire or ALSA has an output "
        "('voicecoach doctor' shows what is missing), or run with --audio none"
    )
