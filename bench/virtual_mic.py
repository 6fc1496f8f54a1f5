"""A virtual microphone for the bench: a ``mic`` null sink heard by the default source,
a remap of its monitor (``helpers.add_mic``, shared with tests/e2e/test_listen.py), fed
a seamless loop of seeded room sound by ``pacat``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from helpers import MIC_RATE, PulseServer, add_mic, remove_mic  # noqa: F401  (re-exported)


def pink_pcm(seconds: float, dbfs: float, seed: int) -> bytes:
    """Seeded pink (1/f power, 50 Hz up) noise at ``dbfs`` RMS, s16le mono at MIC_RATE.

    Shaped in the frequency domain over the whole buffer, so the buffer is one
    period of a circular signal and plays in a loop without a click at the seam.
    """
    import numpy as np

    n = int(seconds * MIC_RATE)
    rng = np.random.default_rng(seed)
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / MIC_RATE)
    spec[f < 50] = 0
    spec[f >= 50] /= np.sqrt(f[f >= 50])
    x = np.fft.irfft(spec, n)
    x *= 10 ** (dbfs / 20) / np.sqrt(np.mean(x**2))
    return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()


class MicFeed:
    """``pacat`` playing ``pcm`` into the mic sink in a loop until the ``with`` ends.

    A thread keeps pacat's stdin full; pacat reads only as fast as the sink
    plays, so the pipe paces the writes at real time with no sleeps.
    """

    def __init__(self, pulse: PulseServer, pcm: bytes):
        self.env = dict(os.environ, **pulse.env())
        self.pcm = pcm
        self.stop = threading.Event()
        self.proc: subprocess.Popen[bytes] | None = None
        self.thread: threading.Thread | None = None

    def __enter__(self) -> MicFeed:
        self.proc = subprocess.Popen(
            [
                "pacat",
                "--playback",
                "--raw",
                "--format=s16le",
                f"--rate={MIC_RATE}",
                "--channels=1",
                "--device=mic",
                "--latency-msec=100",
            ],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()
        return self

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        view, step = memoryview(self.pcm), 6400  # 0.2 s a write
        try:
            while not self.stop.is_set():
                for i in range(0, len(view), step):
                    if self.stop.is_set():
                        break
                    self.proc.stdin.write(view[i : i + step])
        except (BrokenPipeError, ValueError, OSError):
            pass  # pacat was stopped

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        if self.thread is not None:
            self.thread.join(5)
