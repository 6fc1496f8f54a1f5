"""The recognition bench's clips: every word by every synthetic voice, in every condition.

Rendering runs in the main process with one espeak-ng instance (libespeak-ng is
a process-wide singleton); the decoding workers only get the rendered audio.
Each clip becomes a :class:`recognition_report.Trial` with the windows it is
decoded in, so what a word is tested against is decided here, once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from voicecoach.inputs.commands import NUMBERS, VOCABULARY  # noqa: E402
from voicecoach.inputs.recogniser import RATE  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from recognition_audio import music, pink_noise  # noqa: E402
from recognition_report import (  # noqa: E402
    CONDITIONS,
    HELD_OUT,
    OPEN_WINDOWS,
    REPLIES,
    REPLY_WINDOW,
    Trial,
)

CLIP_RATE = 22050  # every engine's output rate
ESPEAK_VOICES = ("en-us", "en-us+m3", "en+f3", "en+f4", "en-gb-scotland+m5", "en-us+klatt")
ESPEAK_RATES = (140, 220)  # words per minute; voicecoach's default is 175
ESPEAK_PITCHES = (35, 70)  # espeak's 0..100, default 50
PIPER_RATES = (140, 175, 220)
# The window each word is live in (inputs/commands.WINDOWS); "repeat" is also live
# after the question, "pause" also while paused: each is said in its main window.
WINDOW_OF = {
    **{w: "answer" for w in NUMBERS},
    "done": "set",
    "skip": "set",
    "repeat": "set",
    "pause": "set",
    "go on": "paused",
}
# Not answers: the coach's own phrases, gym chatter, and short words near the commands.
OTHER_SPEECH = (
    "Reps in reserve?",
    "Set two of three, seventy pounds.",
    "Rest two minutes.",
    "Three, two, one, go.",
    "Kroc row.",
    "Lower slowly.",
    "Last set.",
    "Ten seconds.",
    "Halfway.",
    "The load goes up.",
    "one more set",
    "rest two minutes",
    "that was heavy",
    "hold on a second",
    "I need water",
    "where is my towel",
    "nice",
    "okay",
    "yes",
    "no",
    "go",
    "stop",
    "next",
    "again",
    "wait",
    "six",
    "ten",
    "gone",
    "fine",
    "dumbbell",
)


@dataclass(frozen=True)
class Spoken:
    """One rendered phrase: what was said, by which voice, as 16 kHz int16 samples."""

    text: str
    family: str  # the espeak-ng voice or "piper joe"
    voice: str  # family plus rate and pitch
    pcm: bytes


def to_16k(pcm: bytes) -> bytes:
    """22,050 Hz int16 → 16 kHz int16, as the microphone captures."""
    import soxr

    a = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
    b = soxr.resample(a, CLIP_RATE, RATE)
    return (np.clip(b, -1, 1) * 32767).astype(np.int16).tobytes()


def render_all(texts: tuple[str, ...], quick: bool) -> list[Spoken]:
    """Every text by every voice variant.

    One EspeakEngine only, re-voiced through pyttsx3's ``_espeak`` binding:
    a second instance in the same process gives silent clips (libespeak-ng
    is a process-wide singleton).
    """
    from voicecoach.speech.espeak_engine import EspeakEngine
    from voicecoach.speech.piper_engine import PiperEngine, installed

    out: list[Spoken] = []
    espeak = EspeakEngine(None, 175, 1.0)
    lib = espeak._lib
    voices = ESPEAK_VOICES[:2] if quick else ESPEAK_VOICES
    for name in voices:
        if lib.SetVoiceByName(name.encode()) != 0:
            raise RuntimeError(f"espeak-ng has no voice {name!r}")
        for rate in ESPEAK_RATES:
            for pitch in ESPEAK_PITCHES[:1] if quick else ESPEAK_PITCHES:
                lib.SetParameter(lib.RATE, rate, 0)
                lib.SetParameter(lib.PITCH, pitch, 0)
                label = f"{name} {rate} wpm pitch {pitch}"
                for text in texts:
                    clip = espeak.render(text)
                    out.append(Spoken(text, name, label, to_16k(clip.pcm)))
    if installed():
        for rate in PIPER_RATES[1:2] if quick else PIPER_RATES:
            piper = PiperEngine(None, rate, 1.0)
            for text in texts:
                out.append(
                    Spoken(
                        text, "piper joe", f"piper joe {rate} wpm", to_16k(piper.render(text).pcm)
                    )
                )
    return out


def alone_clips(n: int) -> list[tuple[str, bytes]]:
    """Clips with no speech at all: pink noise and music at a speech-like level, 2 s each."""
    rng = np.random.default_rng(11)
    out = []
    for k in range(n):
        x = pink_noise(2 * RATE, rng) if k % 2 == 0 else music(2.0, 100 + k)
        out.append(
            ("noise alone" if k % 2 == 0 else "music alone", (x * 3000).astype(np.int16).tobytes())
        )
    return out


def build_trials(quick: bool, only: tuple[str, ...] = CONDITIONS) -> list[tuple[Trial, bytes]]:
    """Every clip in every condition of ``only`` with the windows it is decoded in.

    The replies (yes, no, undo) are said at the check after a far answer, where
    all three are live. Non-answers are decoded at the check too, except the
    "yes" and "no" among them, which are replies there. ``only`` narrows the
    conditions (a slow ear measured where it matters); noise or music alone stays.
    """
    words = ("two", "done", "go on") if quick else VOCABULARY
    replies = ("yes", "undo") if quick else REPLIES
    others = (OTHER_SPEECH[::6] + HELD_OUT[::10]) if quick else (OTHER_SPEECH + HELD_OUT)
    conditions = tuple(c for c in (("quiet", "pink 10 dB") if quick else CONDITIONS) if c in only)
    spoken = render_all(tuple(dict.fromkeys((*words, *replies, *others))), quick)
    jobs: list[tuple[Trial, bytes]] = []
    for s in spoken:
        if s.text in VOCABULARY:
            for c in conditions:
                jobs.append(
                    (Trial("command", s.text, s.family, s.voice, c, (WINDOW_OF[s.text],)), s.pcm)
                )
            continue
        if s.text in replies:
            for c in conditions:
                jobs.append((Trial("reply", s.text, s.family, s.voice, c, (REPLY_WINDOW,)), s.pcm))
        if s.text in others:
            windows = OPEN_WINDOWS + (() if s.text in REPLIES else (REPLY_WINDOW,))
            for c in (c for c in ("quiet", "pink 10 dB") if c in only):
                jobs.append((Trial("other", s.text, s.family, s.voice, c, windows), s.pcm))
    for label, pcm in alone_clips(4 if quick else 40):
        windows = (*OPEN_WINDOWS, REPLY_WINDOW)
        jobs.append((Trial("other", label, label, label, "quiet", windows), pcm))
    return jobs
