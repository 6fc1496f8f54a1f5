"""Is a rendered clip real speech? Checked before a clip is played or cached.

Engines fail quietly: pyttsx3's espeak driver returned zero bytes, and once a
whole phrase of silence. A clip is accepted only if it has sound, is not
near-silent, and lasts a plausible time for its words.
"""

from __future__ import annotations

import math

from voicecoach.audio.clips import Clip, samples
from voicecoach.speech.estimate import estimate

MIN_PEAK = 1000  # of 32767 (-30 dBFS): real speech peaks far above this
MIN_RMS = 100  # about -50 dBFS over the clip
SHORTEST = 0.25  # times the estimate: a clip this short has lost words
LONGEST = 5.0  # times the estimate, plus 1 s: a clip this long has garbage in it
_STRIDE = 4  # every fourth sample is looked at
_SLICE = 1 << 16  # samples summed at a time


def clip_problem(clip: Clip, text: str) -> str | None:
    """What is wrong with ``clip`` as speech for ``text``, or None if it is fine."""
    if not any(ch.isalnum() for ch in text):
        return None  # punctuation only: any length is fine
    if not clip.pcm:
        return "no audio"
    # Every fourth sample, in C loops: a cached first word is checked before it is
    # played, and one sample at a time in Python that took 10 ms for a 3 s clip (1.5 ms
    # like this). The bounds only tell silence from speech, which peaks near 20,000
    # with an RMS in the thousands: a quarter of the samples gives the same verdict.
    # In slices, so that a runaway clip of minutes never becomes one tuple of millions.
    s = samples(clip)[::_STRIDE]
    peak = max(max(s), -min(s))
    energy = sum(math.hypot(*s[i : i + _SLICE]) ** 2 for i in range(0, len(s), _SLICE))
    rms = math.sqrt(energy / len(s))
    if peak < MIN_PEAK or rms < MIN_RMS:
        return "silence"
    expected = estimate(text)
    if clip.seconds < SHORTEST * expected:
        return f"too short ({clip.seconds:.2f} s for about {expected:.1f} s of words)"
    if clip.seconds > LONGEST * expected + 1.0:
        return f"too long ({clip.seconds:.1f} s for about {expected:.1f} s of words)"
    return None
