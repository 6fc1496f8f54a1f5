"""Generated music for the music tests: tones written with soundfile, and the
tone's level measured at its own frequency. No recorded music is shipped or needed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np

TONE_HZ = 55.0  # below espeak-ng's voice, so speech hardly touches the measurement
TONE_AMP = 0.5  # -6 dBFS in the file; the bed plays it 6 dB lower (DEFAULT_DB)


def write_tone(path: Path, seconds: float, hz: float = TONE_HZ, rate: int = 22050) -> Path:
    """A steady sine, as WAV/FLAC/OGG/MP3 by the extension."""
    import soundfile

    t = np.arange(int(seconds * rate)) / rate
    soundfile.write(str(path), (TONE_AMP * np.sin(2 * np.pi * hz * t)).astype("float32"), rate)
    return path


def tone_db(x: np.ndarray, rate: int, a: float, b: float, hz: float = TONE_HZ) -> float:
    """The tone's amplitude in dBFS over seconds [a, b): one DFT bin at its frequency."""
    seg = np.asarray(x[int(a * rate) : int(b * rate)], dtype=np.float64)
    if np.abs(seg).max(initial=0) > 2:  # int16 samples
        seg = seg / 32768
    n = np.arange(len(seg))
    amp = abs(np.dot(seg, np.exp(-2j * np.pi * hz * n / rate))) * 2 / max(1, len(seg))
    return float(20 * np.log10(amp + 1e-9))


def speech_activity(x: np.ndarray, rate: int, hop: float = 0.05) -> np.ndarray:
    """Per hop, whether speech is there: the first difference all but removes a low tone."""
    d = np.diff(np.asarray(x, dtype=np.float64))
    size = int(hop * rate)
    hops = len(d) // size
    rms = np.sqrt((d[: hops * size].reshape(hops, size) ** 2).mean(axis=1))
    return rms > 600


class OtherApp:
    """Another program playing a tone into the same server: ``paplay`` with its own name."""

    def __init__(self, tone: Path, env: dict[str, str], name: str = "otherapp"):
        self.name = name
        self.server = env["PULSE_SERVER"]
        self.proc = subprocess.Popen(
            ["paplay", f"--client-name={name}", f"--stream-name={name}-song", str(tone)],
            env=dict(os.environ, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def volume(self) -> list[float] | None:
        """Its sink input's channel volumes now, or None before it has connected."""
        import pulsectl

        with pulsectl.Pulse("voicecoach-test", server=self.server) as pulse:
            for si in pulse.sink_input_list():
                if si.proplist.get("application.name") == self.name:
                    return [round(v, 4) for v in si.volume.values]
        return None

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
