"""A whole session as a lifter hears it, cut into groups a recogniser can take.

A phrase decoded alone is not what the lifter hears: "go" comes after
"three, two, one", "hold" between "Y" and "slow down", a tick before each.
So the bench takes a real dry-run transcript (``voicecoach run --dry-run
--transcript``), renders every line with a voice and a processing chain,
lays each clip (and each sound from sounds/) at its time in the
transcript, and cuts the timeline into groups of at most ``GROUP_SECONDS``:
a new group starts where the next line would not fit, or after a long
silence (a rest), so long rests neither derail a decoder nor shift its
windows. Each group keeps the text of its lines, which is what it is
scored against.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from listening_lab import DECODE_RATE, PAD, pink, to_float  # noqa: E402
from voicecoach.audio.clips import Clip  # noqa: E402
from voicecoach.speech.processing import Chain, process  # noqa: E402

GROUP_SECONDS = 24.0
LONG_SILENCE = 4.0  # a gap this long (a rest) ends a group
ANSWERS = ",".join(["2"] * 80)  # every set answered "two in reserve": the common case


@dataclass(frozen=True)
class Line:
    at: float
    kind: str  # "say" or "sound"
    text: str  # the words, or the sound's name


@dataclass
class Group:
    lines: list[Line]
    audio: np.ndarray  # 16 kHz float, the clean mix
    speech_rms: float

    @property
    def said(self) -> list[str]:
        return [line.text for line in self.lines if line.kind == "say"]


def transcript(routine: str, talk: str = "full") -> list[Line]:
    """The dry run's spoken lines and sounds, in order, on the session clock."""
    with tempfile.TemporaryDirectory(prefix="voicecoach-ear-") as tmp:
        out = Path(tmp) / "run.jsonl"
        args = ["run", routine, "--dry-run", "--engine", "estimate", "--audio", "none"]
        args += ["--no-journal", "--answers", ANSWERS, "--talk", talk, "--transcript", str(out)]
        subprocess.run(
            [sys.executable, "-m", "voicecoach", *args],
            env={"VOICECOACH_HOME": tmp, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")},
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        events = [json.loads(line) for line in out.read_text().splitlines()]
    return [
        Line(float(e["actual"]), e["kind"], e["text"])
        for e in events
        if e["kind"] in ("say", "sound")
    ]


def _resample(clip: Clip) -> np.ndarray:
    import soxr

    return soxr.resample(to_float(clip), clip.rate, DECODE_RATE) if clip.pcm else np.zeros(0)


def _sound(name: str) -> np.ndarray:
    import soundfile

    data, rate = soundfile.read(ROOT / "sounds" / f"{name}.wav", dtype="float64")
    if data.ndim > 1:
        data = data.mean(axis=1)
    import soxr

    return soxr.resample(data, rate, DECODE_RATE)


def groups(
    lines: list[Line],
    render: Callable[[str], Clip],
    chain: Chain,
    first: int | None = None,
    fresh: bool = False,
) -> list[Group]:
    """Render, process and lay out ``lines``; ``first`` groups only, if given (a slice).

    A session renders each distinct line once, as the app's phrase cache
    does. ``fresh`` renders every line anew: Piper samples its output, so
    one render of a candidate is one draw, and a wording is chosen on many.
    """
    clips: dict[str, np.ndarray] = {}
    sounds: dict[str, np.ndarray] = {}

    def audio(line: Line) -> np.ndarray:
        if line.kind == "sound":
            if line.text not in sounds:
                sounds[line.text] = _sound(line.text)
            return sounds[line.text]
        if fresh:
            return _resample(process(render(line.text), chain))
        if line.text not in clips:
            clips[line.text] = _resample(process(render(line.text), chain))
        return clips[line.text]

    # Place every line at its time; a real clip longer than the estimate pushes
    # the next line on (as the app's scheduler does), never over it.
    placed: list[tuple[float, Line, np.ndarray]] = []
    free_at = 0.0
    for line in lines:
        x = audio(line)
        start = max(line.at, free_at)
        placed.append((start, line, x))
        free_at = start + x.size / DECODE_RATE + 0.05
    out: list[Group] = []
    current: list[tuple[float, Line, np.ndarray]] = []

    def close() -> None:
        if not any(line.kind == "say" for _, line, _ in current):
            current.clear()
            return
        t0 = current[0][0] - PAD
        end = max(s + x.size / DECODE_RATE for s, _, x in current) + PAD
        mix = np.zeros(int((end - t0) * DECODE_RATE) + 1)
        speech = []
        for s, line, x in current:
            i = int((s - t0) * DECODE_RATE)
            mix[i : i + x.size] += x[: mix.size - i]
            if line.kind == "say":
                speech.append(x)
        voiced = np.concatenate(speech)
        rms = float(np.sqrt(np.mean(voiced**2))) if voiced.size else 0.0
        out.append(Group([line for _, line, _ in current], mix, rms))
        current.clear()

    for start, line, x in placed:
        if current:
            t0 = current[0][0]
            last_end = max(s + a.size / DECODE_RATE for s, _, a in current)
            ends = start + x.size / DECODE_RATE
            if ends - t0 > GROUP_SECONDS - 2 * PAD or start - last_end > LONG_SILENCE:
                close()
                if first is not None and len(out) >= first:
                    return out
        current.append((start, line, x))
    close()
    return out[:first] if first is not None else out


def noisy(group: Group, snr: float | None, seed: int) -> np.ndarray:
    """The group's mix, with pink noise ``snr`` dB below its speech (None: quiet)."""
    y = group.audio
    if snr is not None and group.speech_rms > 0:
        y = y + pink(y.size, seed) * group.speech_rms / 10 ** (snr / 20)
    return np.clip(y, -1.0, 1.0)
