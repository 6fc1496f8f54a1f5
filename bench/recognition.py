#!/usr/bin/env python3
"""Recognition bench (issue 13, part 3): recall, false accepts and latency of spoken answers.

Every command word ("zero" … "five", "done", "skip", "repeat", "pause", "go on")
is rendered by several synthetic voices (espeak-ng variants at two speeds and
two pitches, and the neural voice Piper at three speeds), resampled to the
microphone's 16 kHz with soxr, padded with silence and mixed into four
conditions: quiet, pink noise at 10 dB and 0 dB SNR, and a synthetic band
(chords and drums, numpy, seeded) 10 dB below the speech. Each clip goes
through the listener's own path: the endpointer (``inputs.segments``) cuts
it from a 30 ms chunk stream, and ``inputs.listener.Listener`` decodes each
utterance with the grammar of the window the word is said in (numbers after
"Reps in reserve?", "done"/"skip"/"repeat"/"pause" during a set, "go on"
while paused).

False accepts: ordinary coach phrases, chatter and other single words, by the
same voices, decoded in every window (one clip counts once if any window takes
it), plus clips of noise and of music alone.

Latency: from the end of the spoken word to the key, i.e. the end of the
30 ms chunk in which the endpointer closes the utterance, plus the decode time.

    .venv/bin/python bench/recognition.py             # the full table, ~3 minutes on 2 cores
    .venv/bin/python bench/recognition.py --quick     # a small subset: the smoke test
    .venv/bin/python bench/recognition.py --json      # the figures as JSON
    .venv/bin/python bench/run.py recognition         # as a suite of the whole bench

No figure passes or fails anything; goals are reported as met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from voicecoach.inputs.commands import NUMBERS, VOCABULARY, WINDOWS  # noqa: E402
from voicecoach.inputs.recogniser import RATE, Heard  # noqa: E402

CLIP_RATE = 22050  # every engine's output rate
CHUNK = RATE * 30 // 1000  # the microphone's 30 ms period (inputs/microphone.CHUNK_MS)
PAD_BEFORE, PAD_AFTER = 0.5, 1.5  # seconds of silence (or noise) around each word
ESPEAK_VOICES = ("en-us", "en-us+m3", "en+f3", "en+f4", "en-gb-scotland+m5", "en-us+klatt")
ESPEAK_RATES = (140, 220)  # words per minute; voicecoach's default is 175
ESPEAK_PITCHES = (35, 70)  # espeak's 0..100, default 50
PIPER_RATES = (140, 175, 220)
CONDITIONS = ("quiet", "pink 10 dB", "pink 0 dB", "music 10 dB")
GOAL_RECALL, GOAL_FALSE = 0.95, 0.01
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
OPEN_WINDOWS = ("set", "answer", "paused")
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


@dataclass
class Trial:
    """One clip in one condition, decoded in one or more windows."""

    kind: str  # "command" or "other"
    text: str
    family: str
    voice: str
    condition: str
    windows: tuple[str, ...]
    heard: dict[str, list[str]] = field(default_factory=dict)  # window -> words taken
    utterances: list[dict[str, Any]] = field(default_factory=list)
    latency: float | None = None  # end of speech -> key, seconds (commands taken only)
    decode_s: list[float] = field(default_factory=list)


# --- rendering (main process: one espeak-ng instance, see the module docstring) ------------
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


# --- the acoustic conditions (seeded numpy) --------------------------------------------------
def active_rms(a: np.ndarray) -> float:
    """RMS over the 10 ms frames within 30 dB of the loudest: the speech level, not its gaps."""
    n = len(a) // 160
    frames = a[: n * 160].reshape(n, 160)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    keep = rms >= rms.max() / 31.6
    return float(np.sqrt(np.mean(frames[keep] ** 2)))


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS pink (1/f power) noise from 50 Hz up, shaped in the frequency domain.

    Below 50 Hz a microphone's own high-pass removes it; left in, it would
    carry a third of the power and make the stated SNR easier than it sounds.
    """
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    low = f < 50
    spec[~low] /= np.sqrt(f[~low])
    spec[low] = 0
    x = np.fft.irfft(spec, n)
    return x / np.sqrt(np.mean(x**2))


def music(seconds: float, seed: int) -> np.ndarray:
    """A band without copyright: a I–V–vi–IV chord loop at 120 bpm with kick, snare and hi-hat."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n)
    beat = 0.5
    chords = ((48, 52, 55, 60), (43, 50, 55, 59), (45, 52, 57, 60), (41, 48, 53, 57))  # MIDI
    for b in range(int(seconds / beat)):
        start = int(b * beat * RATE)
        seg = np.arange(min(int(beat * RATE), n - start)) / RATE
        env = np.exp(-seg * 3.0)
        for note in chords[(b // 4) % 4]:
            hz = 440 * 2 ** ((note - 69) / 12)
            tone = sum(np.sin(2 * np.pi * hz * k * seg + rng.uniform(0, 6)) / k for k in (1, 2, 3))
            out[start : start + len(seg)] += 0.25 * env * tone
        if b % 2 == 0:  # kick: a falling sine
            sweep = 2 * np.pi * (40 * seg + 40 * (1 - np.exp(-seg * 30)) / 30)
            out[start : start + len(seg)] += 1.2 * np.sin(sweep) * np.exp(-seg * 18)
        else:  # snare: a noise burst
            out[start : start + len(seg)] += 0.6 * rng.standard_normal(len(seg)) * np.exp(-seg * 25)
        for h in (0, len(seg) // 2):  # hi-hat on the eighths: differenced noise
            hat = np.diff(rng.standard_normal(len(seg) - h + 1)) * np.exp(-seg[: len(seg) - h] * 80)
            out[start + h : start + len(seg)] += 0.15 * hat
    out += 0.02 * np.sin(2 * np.pi * 0.1 * t)  # keep it from being exactly periodic
    return out / np.sqrt(np.mean(out**2))


_MUSIC: np.ndarray | None = None


def mix(pcm: bytes, condition: str, seed: int) -> tuple[np.ndarray, float]:
    """The padded clip in a condition, as int16, and the time the speech ends in it."""
    global _MUSIC
    speech = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    loud = np.nonzero(np.abs(speech) > max(np.abs(speech).max() / 100, 30))[0]
    end = (loud[-1] + 1) / RATE if len(loud) else len(speech) / RATE
    before = int(PAD_BEFORE * RATE)
    a = np.concatenate([np.zeros(before), speech, np.zeros(int(PAD_AFTER * RATE))])
    level = active_rms(speech) if len(loud) else 0.0
    rng = np.random.default_rng(seed)
    if condition.startswith("pink"):
        snr = float(condition.split()[1])
        a += pink_noise(len(a), rng) * level / 10 ** (snr / 20)
    elif condition.startswith("music"):
        if _MUSIC is None:
            _MUSIC = music(64.0, 7)
        at = int(rng.integers(0, len(_MUSIC) - len(a)))
        a += _MUSIC[at : at + len(a)] * level / 10 ** (10 / 20)
    peak = np.abs(a).max()
    if peak > 32000:  # scale the mixture, not clip it: the SNR stays as set
        a *= 32000 / peak
    return a.astype(np.int16), PAD_BEFORE + end


# --- decoding (pool workers) -------------------------------------------------------------
class _Recording:
    """The real recogniser, timing and keeping every decision for the report."""

    def __init__(self) -> None:
        from voicecoach.inputs.recogniser import Recogniser

        self.inner = Recogniser()
        self.log: list[tuple[Heard, float]] = []

    def decode(self, pcm: bytes, allowed: frozenset[str] | None = None) -> Heard:
        t = time.perf_counter()
        heard = self.inner.decode(pcm, allowed)
        self.log.append((heard, time.perf_counter() - t))
        return heard


_REC: _Recording | None = None


def _init_worker() -> None:
    global _REC
    os.nice(10)
    _REC = _Recording()


def listen(
    samples: np.ndarray, window: str
) -> tuple[list[str], list[dict[str, Any]], float | None]:
    """Feed the clip to the listener in 30 ms chunks, in ``window``; what it took, and when."""
    from voicecoach.inputs.listener import Listener
    from voicecoach.inputs.segments import Segmenter

    assert _REC is not None
    taken: list[str] = []
    listener = Listener(lambda key: None, _REC, heard=taken.append, mute=False)  # type: ignore[arg-type]
    listener.windows.phase = window
    segmenter = Segmenter()
    raw = samples.tobytes()
    utterances: list[dict[str, Any]] = []
    first_key_at: float | None = None
    step = CHUNK * 2
    for i in range(0, len(raw), step):
        chunk = raw[i : i + step]
        chunk_end = (i + len(chunk)) / 2 / RATE
        for utt in segmenter.feed(chunk, chunk_end):
            before = len(_REC.log)
            n_taken = len(taken)
            listener.utterance(utt)
            info: dict[str, Any] = {"start": utt.start, "end": utt.end, "at": chunk_end}
            if len(_REC.log) > before:
                heard, seconds = _REC.log[-1]
                info.update(
                    text=heard.text, coverage=heard.coverage, voiced=heard.voiced, decode_s=seconds
                )
            utterances.append(info)
            if len(taken) > n_taken and first_key_at is None:
                first_key_at = chunk_end + info.get("decode_s", 0.0)
    return taken, utterances, first_key_at


def run_trial(job: tuple[int, Trial, bytes]) -> tuple[int, Trial]:
    seed, trial, pcm = job
    samples, speech_end = mix(pcm, trial.condition, seed)
    for window in trial.windows:
        taken, utterances, key_at = listen(samples, window)
        trial.heard[window] = taken
        for u in utterances:
            u["window"] = window
        trial.utterances += utterances
        trial.decode_s += [u["decode_s"] for u in utterances if "decode_s" in u]
        if trial.kind == "command" and key_at is not None and trial.text in taken:
            trial.latency = key_at - speech_end
    return seed, trial


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


def build_trials(quick: bool) -> list[tuple[Trial, bytes]]:
    words = ("two", "done", "go on") if quick else VOCABULARY
    others = OTHER_SPEECH[::6] if quick else OTHER_SPEECH
    conditions = ("quiet", "pink 10 dB") if quick else CONDITIONS
    spoken = render_all(tuple(words) + tuple(others), quick)
    jobs: list[tuple[Trial, bytes]] = []
    for s in spoken:
        if s.text in VOCABULARY:
            for c in conditions:
                jobs.append(
                    (Trial("command", s.text, s.family, s.voice, c, (WINDOW_OF[s.text],)), s.pcm)
                )
        else:
            for c in ("quiet", "pink 10 dB"):
                jobs.append((Trial("other", s.text, s.family, s.voice, c, OPEN_WINDOWS), s.pcm))
    for label, pcm in alone_clips(4 if quick else 40):
        jobs.append((Trial("other", label, label, label, "quiet", OPEN_WINDOWS), pcm))
    return jobs


def decode_all(jobs: list[tuple[Trial, bytes]], processes: int) -> list[Trial]:
    ctx = get_context("fork")
    with ctx.Pool(processes, initializer=_init_worker) as pool:
        done = pool.map(run_trial, [(k, t, pcm) for k, (t, pcm) in enumerate(jobs)], chunksize=8)
    return [t for _, t in sorted(done, key=lambda x: x[0])]


# --- the report ----------------------------------------------------------------------------
def rate(n: int, d: int) -> float:
    return n / d if d else float("nan")


def taken_any(t: Trial) -> bool:
    return any(t.heard.values())


def summarise(trials: list[Trial]) -> dict[str, Any]:
    cmd = [t for t in trials if t.kind == "command"]
    other = [t for t in trials if t.kind == "other"]
    conditions = [c for c in CONDITIONS if any(t.condition == c for t in cmd)]
    families = sorted({t.family for t in cmd}, key=lambda f: (f == "piper joe", f))
    recall: dict[str, dict[str, Any]] = {}
    for c in conditions:
        ts = [t for t in cmd if t.condition == c]
        hits = sum(t.text in t.heard[t.windows[0]] for t in ts)
        wrong = sum(any(w != t.text for w in t.heard[t.windows[0]]) for t in ts)
        recall[c] = {"n": len(ts), "hits": hits, "recall": rate(hits, len(ts)), "wrong_word": wrong}
    by_family = {
        f: {
            c: rate(
                sum(
                    t.text in t.heard[t.windows[0]]
                    for t in cmd
                    if t.family == f and t.condition == c
                ),
                sum(1 for t in cmd if t.family == f and t.condition == c),
            )
            for c in conditions
        }
        for f in families
    }
    by_word = {
        w: {
            c: rate(
                sum(
                    t.text in t.heard[t.windows[0]] for t in cmd if t.text == w and t.condition == c
                ),
                sum(1 for t in cmd if t.text == w and t.condition == c),
            )
            for c in conditions
        }
        for w in VOCABULARY
        if any(t.text == w for t in cmd)
    }
    false: dict[str, dict[str, Any]] = {}
    for c in ("quiet", "pink 10 dB"):
        ts = [
            t for t in other if t.condition == c and t.family not in ("noise alone", "music alone")
        ]
        n = sum(taken_any(t) for t in ts)
        false[f"speech, {c}"] = {"n": len(ts), "accepted": n, "rate": rate(n, len(ts))}
    alone = [t for t in other if t.family in ("noise alone", "music alone")]
    false["noise or music alone"] = {
        "n": len(alone),
        "accepted": sum(taken_any(t) for t in alone),
        "rate": rate(sum(taken_any(t) for t in alone), len(alone)),
    }
    all_other = sum(v["accepted"] for v in false.values())
    # A clip above is counted once if any window took it; a real utterance meets one window.
    per_window = {
        w: rate(sum(bool(t.heard.get(w)) for t in other), len(other)) for w in OPEN_WINDOWS
    }
    all_n = sum(v["n"] for v in false.values())
    examples: dict[str, dict[str, Any]] = {}
    for t in other:
        if taken_any(t):
            e = examples.setdefault(t.text, {"clips": 0, "of": 0, "as": Counter()})
            e["clips"] += 1
            e["as"].update({w for ws in t.heard.values() for w in ws})
    for t in other:
        if t.text in examples:
            examples[t.text]["of"] += 1
    for e in examples.values():
        e["as"] = dict(e["as"].most_common())
    lat = [t.latency for t in cmd if t.latency is not None]
    dec = [s for t in trials for s in t.decode_s]
    return {
        "answers": len({(t.text, t.voice) for t in cmd}),
        "voices": len({t.voice for t in cmd}),
        "recall": recall,
        "recall_by_family": by_family,
        "recall_by_word": by_word,
        "false_accepts": false,
        "false_accept_rate": rate(all_other, all_n),
        "false_accept_rate_by_window": per_window,
        "false_accept_clips": all_n,
        "false_accept_examples": examples,
        "latency_mean_s": statistics.fmean(lat) if lat else float("nan"),
        "latency_p95_s": float(np.percentile(lat, 95)) if lat else float("nan"),
        "decode_mean_s": statistics.fmean(dec) if dec else float("nan"),
        "decodes": len(dec),
        "sweep": sweep(trials),
    }


def sweep(trials: list[Trial]) -> list[dict[str, float]]:
    """Recall at 10 dB and the false-accept rate had the coverage threshold been each value.

    Replayed from the recorded decisions (hypothesis, coverage, length check),
    so it needs no second decode: a word is taken if its utterance passed the
    length check and its coverage reaches the threshold.
    """
    from voicecoach.inputs.recogniser import MAX_SECONDS, MIN_SECONDS

    def takes(u: dict[str, Any], threshold: float) -> bool:
        return (
            "text" in u
            and MIN_SECONDS <= u["voiced"] <= MAX_SECONDS
            and u["text"] in VOCABULARY
            and u["text"] in WINDOWS[u["window"]]
            and u["coverage"] >= threshold
        )

    out = []
    for threshold in (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        cmd = [t for t in trials if t.kind == "command" and t.condition == "pink 10 dB"]
        quiet = [t for t in trials if t.kind == "command" and t.condition == "quiet"]
        other = [t for t in trials if t.kind == "other"]

        def hit(t: Trial, th: float = threshold) -> bool:
            first = next((u for u in t.utterances if takes(u, th)), None)
            return first is not None and first["text"] == t.text

        fa = sum(any(takes(u, threshold) for u in t.utterances) for t in other)
        out.append(
            {
                "min_coverage": threshold,
                "recall_quiet": rate(sum(map(hit, quiet)), len(quiet)),
                "recall_10db": rate(sum(map(hit, cmd)), len(cmd)),
                "false_accept_rate": rate(fa, len(other)),
            }
        )
    return out


def table(s: dict[str, Any]) -> str:
    pct = lambda x: f"{100 * x:.1f} %"  # noqa: E731
    conds = list(s["recall"])
    lines = [
        f"{s['answers']} spoken answers ({s['voices']} voices × the 11 commands), "
        f"{s['decodes']} decodes",
        "",
        "| condition | answers | recall | wrong word |",
        "|---|---|---|---|",
    ]
    for c, r in s["recall"].items():
        lines.append(f"| {c} | {r['n']} | {pct(r['recall'])} | {r['wrong_word']} |")
    lines += ["", "| voice family | " + " | ".join(conds) + " |", "|---|" + "---|" * len(conds)]
    for f, row in s["recall_by_family"].items():
        lines.append(f"| {f} | " + " | ".join(pct(row[c]) for c in conds) + " |")
    lines += ["", "| word | " + " | ".join(conds) + " |", "|---|" + "---|" * len(conds)]
    for w, row in s["recall_by_word"].items():
        lines.append(f"| {w} | " + " | ".join(pct(row[c]) for c in conds) + " |")
    lines += ["", "| not an answer | clips | taken as a command | rate |", "|---|---|---|---|"]
    for c, r in s["false_accepts"].items():
        lines.append(f"| {c} | {r['n']} | {r['accepted']} | {pct(r['rate'])} |")
    lines.append(
        "per window (all those clips): "
        + ", ".join(f"{w} {pct(x)}" for w, x in s["false_accept_rate_by_window"].items())
    )
    ten = s["recall"].get("pink 10 dB")
    lines += [""]
    if ten:
        gap = GOAL_RECALL - ten["recall"]
        lines.append(
            f"recall at 10 dB SNR: {pct(ten['recall'])} (goal ≥ 95 %: "
            + ("met" if gap <= 0 else f"**not met**, {100 * gap:.1f} points short")
            + ")"
        )
    fa = s["false_accept_rate"]
    lines.append(
        f"false accepts: {pct(fa)} of {s['false_accept_clips']} clips (goal ≤ 1 %: "
        + ("met" if fa <= GOAL_FALSE else "**not met**")
        + ")"
    )
    lines.append(
        f"latency, end of word → key: mean {1000 * s['latency_mean_s']:.0f} ms, "
        f"95th percentile {1000 * s['latency_p95_s']:.0f} ms; "
        f"decode alone: mean {1000 * s['decode_mean_s']:.1f} ms per utterance"
    )
    lines += [
        "",
        "| min coverage | recall quiet | recall 10 dB | false accepts |",
        "|---|---|---|---|",
    ]
    for row in s["sweep"]:
        lines.append(
            f"| {row['min_coverage']:.1f} | {pct(row['recall_quiet'])} | "
            f"{pct(row['recall_10db'])} | {pct(row['false_accept_rate'])} |"
        )
    if s["false_accept_examples"]:
        lines += ["", "| not an answer, taken | clips taken (of) | as |", "|---|---|---|"]
        worst = sorted(s["false_accept_examples"].items(), key=lambda kv: -kv[1]["clips"])
        for text, e in worst:
            heard = ", ".join(f"{w} ×{n}" for w, n in e["as"].items())
            lines.append(f"| {text} | {e['clips']} ({e['of']}) | {heard} |")
    return "\n".join(lines)


def measure(quick: bool, processes: int = 2) -> dict[str, Any]:
    """Render, mix, decode and summarise; the summary as plain data."""
    t = time.perf_counter()
    jobs = build_trials(quick)
    rendered = time.perf_counter() - t
    trials = decode_all(jobs, processes)
    summary = summarise(trials)
    summary["seconds"] = {"render": rendered, "total": time.perf_counter() - t}
    return summary


def bench_recognition(report: dict, figure: type, quick: bool) -> list:  # type: ignore[type-arg]
    """Figures for bench/run.py: recall at 10 dB against quiet, and the false-accept rate."""
    s = measure(quick)
    report["recognition"] = s
    quiet, ten = s["recall"]["quiet"]["recall"], s["recall"]["pink 10 dB"]["recall"]
    no_rule = next(r for r in s["sweep"] if r["min_coverage"] == 0.0)["false_accept_rate"]
    return [
        figure(
            "spoken answers recognised, pink noise 10 dB SNR",
            100 * ten,
            "%",
            "in quiet",
            100 * quiet,
            "≥ 95 %",
            ten >= GOAL_RECALL,
        ),
        figure(
            f"non-answers taken as a command ({s['false_accept_clips']} clips)",
            100 * s["false_accept_rate"],
            "%",
            "without the coverage rule",
            100 * no_rule,
            "≤ 1 %",
            s["false_accept_rate"] <= GOAL_FALSE,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="examples:\n  python bench/recognition.py\n"
        "  python bench/recognition.py --quick --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small subset (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--processes", type=int, default=2, choices=(1, 2), help="decoders (default 2)"
    )
    args = parser.parse_args(argv)
    try:
        import pocketsphinx  # noqa: F401
        import soxr  # noqa: F401
    except ImportError as exc:
        print(
            f"recognition bench needs pocketsphinx and soxr ({exc}); pip install '.[listen]' soxr",
            file=sys.stderr,
        )
        return 1
    os.nice(10)
    s = measure(args.quick, args.processes)
    print(json.dumps(s, indent=2) if args.json else table(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
