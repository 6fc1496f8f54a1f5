"""Where ``--record`` writes: WAV, or compressed by the file's extension.

A whole session with music is ~160 MB as WAV for an hour; as Ogg Vorbis,
Opus or MP3 it fits on a phone. soundfile's bundled libsndfile (1.1 or
later) encodes all three, so there is no encoder to install. Any other
extension keeps writing WAV, as ``--record`` always has.

Opus only takes 8, 12, 16, 24 or 48 kHz; the coach's 22,050 Hz is
resampled to 24 kHz on the way in.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Protocol

import numpy as np

from voicecoach.audio.base import AudioUnavailable

# extension: (libsndfile format, subtype, sample rate it is written at or None to keep)
COMPRESSED = {
    ".ogg": ("OGG", "VORBIS", None),
    ".oga": ("OGG", "VORBIS", None),
    ".opus": ("OGG", "OPUS", 24000),
    ".mp3": ("MP3", "MPEG_LAYER_III", None),
    ".flac": ("FLAC", "PCM_16", None),
}


SLICE = 16384  # frames per libsndfile write (see _SoundfileSink.write)


class PcmSink(Protocol):
    def write(self, pcm: bytes) -> None:
        """Append mono 16-bit little-endian PCM."""

    def close(self) -> None:
        """Finish the file."""


def open_sink(path: Path, rate: int) -> PcmSink:
    """Open ``path`` for writing now, so an unwritable path fails before the workout."""
    spec = COMPRESSED.get(path.suffix.lower())
    if spec is None:
        return _WavSink(path, rate)
    return _SoundfileSink(path, rate, *spec)


class _WavSink:
    def __init__(self, path: Path, rate: int):
        try:
            self._file = path.open("wb")
        except OSError as exc:
            raise AudioUnavailable(f"cannot write {path}: {exc.strerror}") from None
        self._wav = wave.open(self._file, "wb")  # noqa: SIM115 - open until close()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)

    def write(self, pcm: bytes) -> None:
        self._wav.writeframes(pcm)

    def close(self) -> None:
        self._wav.close()
        self._file.close()


class _SoundfileSink:
    def __init__(self, path: Path, rate: int, fmt: str, subtype: str, file_rate: int | None):
        try:
            import soundfile
        except (ImportError, OSError) as exc:  # OSError: libsndfile itself failed to load
            raise AudioUnavailable(
                f"cannot write {path.suffix} files ({exc}); pip install soundfile, "
                "or record to a .wav file"
            ) from None
        self._resampler = _Linear(rate, file_rate) if file_rate and file_rate != rate else None
        try:
            self._file = soundfile.SoundFile(
                str(path), "w", file_rate or rate, 1, format=fmt, subtype=subtype
            )
        except (soundfile.LibsndfileError, OSError, TypeError, ValueError) as exc:
            raise AudioUnavailable(f"cannot write {path}: {exc}") from None

    def write(self, pcm: bytes) -> None:
        data = np.frombuffer(pcm, dtype="<i2")
        if self._resampler is not None:
            data = self._resampler.feed(data)
        # libsndfile 1.2's Vorbis encoder needs stack in proportion to one write: a
        # single write of ~2 minutes of audio crashed the process (SIGSEGV) here.
        for at in range(0, len(data), SLICE):
            self._file.write(data[at : at + SLICE])

    def close(self) -> None:
        if self._resampler is not None:
            self._file.write(self._resampler.flush())
        self._file.close()


class _Linear:
    """Streaming linear-interpolation resampling: chunk joins are seamless."""

    def __init__(self, rate_in: int, rate_out: int):
        self.step = rate_in / rate_out  # input frames per output frame
        self._buf = np.zeros(0, dtype=np.float64)
        self._offset = 0  # global index of _buf[0]
        self._made = 0  # output frames made so far
        self._taken = 0  # input frames fed so far

    def feed(self, data: np.ndarray) -> np.ndarray:
        self._buf = np.concatenate([self._buf, data.astype(np.float64)])
        self._taken += len(data)
        last = self._offset + len(self._buf) - 1  # newest input position we can interpolate to
        count = max(0, int(last / self.step) + 1 - self._made)
        return self._make(count)

    def flush(self) -> np.ndarray:
        """Whatever output the input's length calls for (the last frame held)."""
        total = round(self._taken / self.step)
        self._buf = np.concatenate([self._buf, self._buf[-1:]])
        return self._make(max(0, total - self._made))

    def _make(self, count: int) -> np.ndarray:
        if count <= 0 or not len(self._buf):
            return np.zeros(0, dtype="<i2")
        pos = (np.arange(self._made, self._made + count) * self.step) - self._offset
        out = np.interp(pos, np.arange(len(self._buf)), self._buf)
        self._made += count
        keep = max(0, int(self._made * self.step) - self._offset - 1)
        self._buf = self._buf[keep:]
        self._offset += keep
        return np.clip(np.round(out), -32768, 32767).astype("<i2")
