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
# One of the detector's 32 ms frames a period, so a word's end is seen as soon as the
# detector can see it. Longer periods (96 ms were used) cut wake-ups, which were most of
# what capture cost while it ran through rests; capture is paused outside a window now,
# so the wake-ups cost only in sets and answers, and the longer period cost up to
# 64 ms more from the end of a word to its key (bench/README.md).
CHUNK_MS = 32


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


def server_name(device: dict[str, Any]) -> str:
    """The sound server's own name for a miniaudio device: on PulseAudio (and PipeWire's
    PulseAudio server) the device id holds the source name, e.g. ``bluez_input.…``."""
    import miniaudio

    raw = bytes(miniaudio.ffi.buffer(device["id"]))
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def _captures() -> list[dict[str, Any]]:
    import miniaudio

    try:
        return list(miniaudio.Devices().get_captures())
    except Exception as exc:
        raise MicrophoneUnavailable(f"no audio system to capture from ({exc})") from None


def find(name: str | None) -> tuple[str, Any]:
    """The device to open: (its name, its miniaudio id); None picks the default source.

    A name matches a device's name exactly, or else as a part of it; among
    partial matches a Bluetooth headset's comes last (opening it costs the
    earbuds their music quality), so ``--mic USB`` never lands on one by chance.
    """
    if name is None:
        return "default", None
    found = _captures()
    for d in found:
        if d["name"] == name or server_name(d) == name:
            return d["name"], d["id"]
    partial = [d for d in found if name.lower() in d["name"].lower()]
    partial.sort(key=lambda d: "bluez" in server_name(d).lower())
    if partial:
        return partial[0]["name"], partial[0]["id"]
    names = ", ".join(repr(d["name"]) for d in found) or "none"
    raise MicrophoneUnavailable(f"no microphone named {name!r}; capture devices: {names}")


def find_source(source: str) -> tuple[str, Any]:
    """The device whose server name is ``source`` (a name the sound server gave)."""
    for d in _captures():
        if server_name(d) == source:
            return d["name"], d["id"]
    raise MicrophoneUnavailable(f"the sound server's source {source!r} is not a capture device")


class Microphone:
    """An open capture stream; ``chunks`` holds (pcm, time of its last sample)."""

    def __init__(self, name: str | None = None, source: str | None = None):
        """``name`` as the lifter gives it (``--mic``), or ``source``, the server's name."""
        self.name, self._id = find_source(source) if source is not None else find(name)
        self.source = server_name({"id": self._id}) if self._id is not None else None
        self.chunks: queue.Queue[tuple[bytes, float]] = queue.Queue(maxsize=400)
        self._device: Any = None

    def start(self) -> None:
        """Open the device and capture at once (mic-test, mic-train)."""
        self.open()
        self.resume()

    def open(self) -> None:
        """Open the device without capturing: the listener resumes it when a window opens,
        so nothing is captured before a word can count."""
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
