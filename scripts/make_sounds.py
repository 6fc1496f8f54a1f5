#!/usr/bin/env python3
"""Generate the short cue sounds in sounds/ (run from the repository root).

Each sound is a few sine partials with a fast attack and an exponential
decay, 22050 Hz mono 16-bit. Peak levels are set so that their loudness
sits just under espeak-ng speech (speech peaks near -3 dBFS with an RMS
around -17 dBFS; short tones at -9 dBFS peak sound about as loud).
"""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

RATE = 22050
PEAK = 0.35  # about -9 dBFS

# name: list of (start s, length s, frequency Hz)
SOUNDS = {
    "beep": [(0.0, 0.09, 880.0)],
    "go": [(0.0, 0.07, 880.0), (0.07, 0.08, 1320.0)],
    "tick": [(0.0, 0.03, 1800.0)],
    "rest-over": [(0.0, 0.06, 660.0), (0.07, 0.07, 990.0)],
    "set-done": [(0.0, 0.06, 990.0), (0.07, 0.07, 660.0)],
    "workout-done": [(0.0, 0.05, 660.0), (0.05, 0.05, 880.0), (0.10, 0.05, 1320.0)],
}


def tone(parts: list[tuple[float, float, float]]) -> array.array:
    length = max(s + n for s, n, _ in parts)
    out = [0.0] * int(length * RATE)
    for start, dur, freq in parts:
        first = int(start * RATE)
        n = int(dur * RATE)
        for i in range(n):
            t = i / RATE
            attack = min(1.0, i / (0.004 * RATE))
            decay = math.exp(-4.0 * t / dur)
            out[first + i] += attack * decay * math.sin(2 * math.pi * freq * t)
    return array.array("h", (int(max(-1.0, min(1.0, v)) * PEAK * 32767) for v in out))


def main() -> None:
    folder = Path(__file__).resolve().parent.parent / "sounds"
    folder.mkdir(exist_ok=True)
    for name, parts in SOUNDS.items():
        with wave.open(str(folder / f"{name}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(tone(parts).tobytes())
        print(f"sounds/{name}.wav")


if __name__ == "__main__":
    main()
