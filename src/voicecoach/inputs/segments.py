"""Cut the microphone's stream into utterances with pocketsphinx's voice-activity endpointer.

Each utterance keeps the times it started and ended on the listener's clock,
so the listener can drop one that overlaps the coach's own speech.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from voicecoach.inputs.recogniser import RATE

MAX_UTTERANCE = 4.0  # seconds; a longer stretch of speech is cut (and will be rejected)


@dataclass(frozen=True)
class Utterance:
    start: float
    end: float
    pcm: bytes


class Segmenter:
    """Feed chunks of 16 kHz mono s16le with the time their last sample was captured."""

    def __init__(self) -> None:
        from pocketsphinx import Endpointer

        self._ep = Endpointer(window=0.3, ratio=0.9, sample_rate=RATE)
        self._frame = self._ep.frame_bytes
        self._pending = b""
        self._speech = bytearray()
        self._start = 0.0

    def feed(self, chunk: bytes, end_time: float) -> Iterator[Utterance]:
        """The utterances that end within this chunk."""
        data = self._pending + chunk
        whole = len(data) - len(data) % self._frame
        self._pending = data[whole:]
        t = end_time - (len(data) // 2) / RATE  # time of the first sample of ``data``
        step = self._frame / 2 / RATE
        for i in range(0, whole, self._frame):
            t += step
            was = self._ep.in_speech
            speech = self._ep.process(data[i : i + self._frame])
            if speech is not None:
                if not was:
                    self._speech.clear()
                    self._start = t - len(speech) / 2 / RATE
                self._speech += speech
            cut = len(self._speech) / 2 / RATE > MAX_UTTERANCE
            if self._speech and ((was and not self._ep.in_speech) or cut):
                yield Utterance(self._start, t, bytes(self._speech))
                self._speech.clear()
                self._start = t


def level_dbfs(chunk: bytes) -> float:
    """The chunk's RMS level in dBFS (-96 for silence): for ``mic-test``'s meter."""
    import numpy as np

    a = np.frombuffer(chunk, dtype=np.int16).astype(np.float32)
    if len(a) == 0:
        return -96.0
    rms = float(np.sqrt(np.mean(a * a)))
    return max(-96.0, 20 * float(np.log10(max(rms, 1e-9) / 32768.0)))
