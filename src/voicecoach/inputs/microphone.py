"""Capture from a microphone through miniaudio: 16 kHz mono s16le, on miniaudio's own thread.

The capture callback only stamps each chunk with the time it arrived and
queues it; decoding happens on the listener's thread, so a slow decode never
makes the device drop samples.
"""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Generator
from typing import Any

RATE = 16000
# Three of the detector's 32 ms frames a period: ten wake-ups a second instead of 33,
# which is most of what capture costs (bench/listen_cpu.py), for ~70 ms more latency.
CHUNK_MS = 96


class MicrophoneUnavailable(RuntimeError):
    """No capture device, or the one asked for does not exist or did not open."""


def _is_monitor(name: str) -> bool:
    # PulseAudio lists every sink's monitor as a capture device; none is a microphone.
    return name.lower().startswith("monitor of") or name.endswith(".monitor")


def microphones() -> list[dict[str, Any]]:
    """Capture devices that are microphones (not sink monitors), as miniaudio lists them."""
    try:
        import miniaudio

        found = miniaudio.Devices().get_captures()
    except Exception:  # miniaudio raises its own errors when no backend answers
        return []
    return [d for d in found if not _is_monitor(d.get("name", ""))]


def find(name: str | None) -> tuple[str, Any]:
    """The device to open: (its name, its miniaudio id); None picks the default source."""
    if name is None:
        return "default", None
    import miniaudio

    try:
        found = miniaudio.Devices().get_captures()
    except Exception as exc:
        raise MicrophoneUnavailable(f"no audio system to capture from ({exc})") from None
    for d in found:
        if d["name"] == name:
            return d["name"], d["id"]
    for d in found:
        if name.lower() in d["name"].lower():
            return d["name"], d["id"]
    names = ", ".join(repr(d["name"]) for d in found) or "none"
    raise MicrophoneUnavailable(f"no microphone named {name!r}; capture devices: {names}")


class Microphone:
    """An open capture stream; ``chunks`` holds (pcm, time of its last sample)."""

    def __init__(self, name: str | None = None):
        self.name, self._id = find(name)
        self.chunks: queue.Queue[tuple[bytes, float]] = queue.Queue(maxsize=400)
        self._device: Any = None

    def start(self) -> None:
        import miniaudio

        try:
            self._device = miniaudio.CaptureDevice(
                input_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=RATE,
                buffersize_msec=CHUNK_MS,
                device_id=self._id,
                app_name="voicecoach",
            )
        except Exception as exc:  # miniaudio.MiniaudioError and cffi errors
            raise MicrophoneUnavailable(
                f"the microphone {self.name!r} did not open ({exc})"
            ) from None
        self.resume()

    @property
    def capturing(self) -> bool:
        return self._device is not None and self._device.running

    def pause(self) -> None:
        """Stop capturing (the device stays open): nothing is listened for in a rest, so
        the capture thread need not wake ten times a second through it."""
        if self.capturing:
            try:
                self._device.stop()
            except Exception as exc:  # miniaudio.MiniaudioError and cffi errors
                raise MicrophoneUnavailable(
                    f"the microphone {self.name!r} did not pause ({exc})"
                ) from None

    def resume(self) -> None:
        """Capture again after :meth:`pause` (or for the first time)."""
        if self._device is None or self.capturing:
            return
        try:
            gen = self._collect()
            next(gen)
            self._device.start(gen)
        except Exception as exc:  # miniaudio.MiniaudioError and cffi errors
            raise MicrophoneUnavailable(
                f"the microphone {self.name!r} stopped capturing ({exc})"
            ) from None

    def _collect(self) -> Generator[None, bytes | bytearray | memoryview, None]:
        while True:
            data = yield
            # The listener is stuck: drop audio rather than block the capture thread.
            with contextlib.suppress(queue.Full):
                self.chunks.put_nowait((bytes(data), time.monotonic()))

    def close(self) -> None:
        if self._device is not None:
            self._device.close()
            self._device = None
