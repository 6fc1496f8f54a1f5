"""Whole sessions as a listener hears them: a dry run rendered at its own times, cut into
groups, decoded by each ear (pocketsphinx, Whisper), and scored word by word.

Used by ``bench/intelligibility.py --session`` / ``--lines`` / ``--pools``.
"""

from __future__ import annotations

import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from listening_lab import CHAINS, CONDITIONS, NUMBER_WORDS, VOICES, hear_all, words
from voicecoach.speech.processing import DEFAULT_CHAIN

# Words whose misses the strong ear reported; each is tallied on its own.
WATCHED = ("go", "hold", "slow", "down", "pull", "last", "rest")


# Names the coach says as letters. Whisper writes a name it heard letter by
# letter in any of several ways ("T.R.X.", "t-r-x", "TRXT" for "TRX T"); each
# is the same sounds as the name, so the heard letters are joined back into it.
INITIALISMS = ("trx",)


def spelled(heard: list[str], reference: list[str], split: bool = True) -> list[str]:
    """``heard`` in the reference's spelling, where only the spelling differs.

    Folds of spelling, none of which can turn a wrong sound into a right word:

    - a name said as letters: a run of single letters spelling an initialism
      ("t", "r", "x") is the name; so is a word that starts with the name and
      goes on with at most three letters ("trxt": TRX and the letter T, run
      together), which is the name and those letters;
    - a compound written in two ("up right" for "upright"): two heard words
      whose letters together are a word of the reference, and are not both
      words of the reference themselves, are that word;
    - two words written as one ("downslow" for "down slow"), if ``split``: a
      heard word that is no word of the reference but whose letters are two
      words the reference says one after the other is those two words. The
      sounds were heard in their order; only the space is missing, as the
      dots are in "T.R.X.".
    """
    out: list[str] = []
    for w in heard:
        name = next((n for n in INITIALISMS if w.startswith(n) and len(w) - len(n) <= 3), None)
        out += [name, *w[len(name) :]] if name else [w]
    joined: list[str] = []
    i = 0
    while i < len(out):
        name = next(
            (n for n in INITIALISMS if out[i : i + len(n)] == list(n)),
            None,
        )
        if name:
            joined.append(name)
            i += len(name)
            continue
        joined.append(out[i])
        i += 1
    vocabulary = set(reference)
    if split:
        pairs = {a + b: [a, b] for a, b in pairwise(reference)}
        joined = [
            part
            for w in joined
            for part in (pairs[w] if w in pairs and w not in vocabulary else [w])
        ]
    folded: list[str] = []
    i = 0
    while i < len(joined):
        pair = joined[i] + joined[i + 1] if i + 1 < len(joined) else ""
        parts_known = i + 1 < len(joined) and {joined[i], joined[i + 1]} <= vocabulary
        if pair in vocabulary and not parts_known:
            folded.append(pair)
            i += 2
            continue
        folded.append(joined[i])
        i += 1
    return folded


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


@dataclass
class Cell:
    numbers: Tally = field(default_factory=Tally)
    commands: Tally = field(default_factory=Tally)
    # All words again, scored without splitting "downslow" into "down slow":
    # kept beside the folded score so that the fold's effect is in plain view.
    unsplit: Tally = field(default_factory=Tally)
    # Heard words that match no word said: recall alone would not show a
    # decoder looping over a set's words, this does.
    extra: int = 0


def match(reference: list[str], heard: list[str], scored: frozenset[str] | None) -> Counter[str]:
    """Per reference word (of ``scored``, or all): how many of its uses were heard.

    Exact words are matched first, then a homophone Whisper may spell instead
    ("to" for "two"), each heard word used once.
    """
    from whisper_ear import HOMOPHONES

    want = [w for w in reference if scored is None or w in scored]
    got = Counter(heard)
    hit: Counter[str] = Counter()
    later = []
    for w in want:
        if got[w]:
            got[w] -= 1
            hit[w] += 1
        else:
            later.append(w)
    for w in later:
        for h in HOMOPHONES.get(w, ()):
            if got[h]:
                got[h] -= 1
                hit[w] += 1
                break
    return hit


def _claim(part: list[str], left: Counter[str]) -> bool:
    """Whether every word of ``part`` is among the words ``left`` (then used up)."""
    from whisper_ear import HOMOPHONES

    taken: list[str] = []
    for w in part:
        h = next((x for x in (w, *sorted(HOMOPHONES.get(w, ()))) if left[x]), None)
        if h is None:
            for x in taken:
                left[x] += 1
            return False
        left[h] -= 1
        taken.append(h)
    return True


def _pocketsphinx_all(audio: list[np.ndarray]) -> list[str]:
    return hear_all([(np.clip(a, -1, 1) * 32767).astype("<i2").tobytes() for a in audio])


def _whisper_all(audio: list[np.ndarray]) -> list[str]:
    from whisper_ear import WhisperEar, normalise

    ear = WhisperEar()
    out = []
    for i, a in enumerate(audio):
        out.append(normalise(ear.hear(a)))
        print(f"\rwhisper {i + 1}/{len(audio)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return out


# The sessions whose talk-level lines --pools scores: a gym routine with
# sides, a circuit of levels, and the beginner's full body.
TALK_ROUTINES = ("pull-day", "trx-ytw", "full-body-beginner")


def pool_lines() -> list[str]:
    """Every wording of every pool, as said, and every line the ``reps`` and ``quiet``
    levels say more than once in a session of :data:`TALK_ROUTINES` (rep numbers,
    "last one", the question, rests, "go"): the lines a lifter hears all session."""
    import session_ear
    from voicecoach.plan.talk import TALK_LEVELS
    from voicecoach.plan.wording import POOLS

    out = []
    for name, options in POOLS.items():
        for option in options:
            if name == "next-up":
                out.append(option + "set two, fifty pounds.")
            else:
                out.append(
                    option.format(d="ninety seconds", D="Ninety seconds")
                    if "{" in option
                    else option
                )
    out += [f"Talk: {level}." for level in TALK_LEVELS]
    for level in ("reps", "quiet"):
        said: Counter[str] = Counter()
        for routine in TALK_ROUTINES:
            said.update(
                line.text for line in session_ear.transcript(routine, level) if line.kind == "say"
            )
        out += [text for text, n in said.most_common() if n >= 2]
    return list(dict.fromkeys(out))


def run_session(
    routine: str,
    voices: list[str],
    chains: list[str],
    ears: list[str],
    first: int | None = None,
    talk: str = "full",
    lines: list[str] | None = None,
    repeat: int = 1,
    conditions: tuple[str, ...] = tuple(CONDITIONS),
) -> dict[str, object]:
    """Decode a whole dry-run session (or its ``first`` groups) by each ear.

    ``lines``, if given, replaces the session: each line is spoken alone,
    a few seconds apart (the wording pools, the talk levels' lines); a line
    written "three / two / one / go" is its parts on one-second beats, as a
    count-in or a rep says them. ``conditions`` narrows the noises (a quick
    look at the misses in quiet decodes a third as much).
    """
    import session_ear

    if lines is None:
        timeline = session_ear.transcript(routine, talk)
    else:
        # Far enough apart that every line (every repeat) is a group of its own.
        timeline = []
        at = 0.0
        for text in [t for t in lines for _ in range(repeat)]:
            parts = text.split(" / ")
            timeline += [session_ear.Line(at + b, "say", p.strip()) for b, p in enumerate(parts)]
            at += len(parts) + session_ear.LONG_SILENCE + 2.0
    jobs: list[tuple[str, str, str, int]] = []  # voice, chain, condition, group
    audio: list[np.ndarray] = []
    said: dict[tuple[str, str], list[list[str]]] = {}
    for voice in voices:
        render = VOICES[voice]()
        for chain in chains:
            cut = session_ear.groups(timeline, render, CHAINS[chain], first, lines is not None)
            said[voice, chain] = [g.said for g in cut]
            for g_index, group in enumerate(cut):
                for condition in conditions:
                    snr = CONDITIONS[condition]
                    seed = zlib.crc32(f"{routine}|{g_index}|{condition}".encode())
                    jobs.append((voice, chain, condition, g_index))
                    audio.append(session_ear.noisy(group, snr, seed))
    seconds: dict[str, float] = {}
    heard: dict[str, list[str]] = {}
    for ear in ears:
        start = time.perf_counter()
        heard[ear] = (_whisper_all if ear == "whisper" else _pocketsphinx_all)(audio)
        seconds[ear] = round(time.perf_counter() - start, 1)
    rows = []
    per_word: dict[str, dict[str, str]] = {}
    misses: list[dict[str, str]] = []
    per_line: dict[str, Counter[str]] = {}
    for ear in ears:
        cells: dict[tuple[str, str, str], Cell] = {}
        words_heard: dict[tuple[str, str, str], Counter[str]] = {}
        words_said: dict[tuple[str, str, str], Counter[str]] = {}
        for (voice, chain, condition, g), hyp in zip(jobs, heard[ear], strict=True):
            reference = [w for text in said[voice, chain][g] for w in words(text)]
            got = spelled(words(hyp), reference)
            key = (voice, chain, condition)
            cell = cells.setdefault(key, Cell())
            every = match(reference, got, None)
            cell.commands.add(sum(every.values()), len(reference))
            numbers = match(reference, got, NUMBER_WORDS)
            cell.numbers.add(sum(numbers.values()), sum(w in NUMBER_WORDS for w in reference))
            unsplit = match(reference, spelled(words(hyp), reference, split=False), None)
            cell.unsplit.add(sum(unsplit.values()), len(reference))
            cell.extra += len(got) - sum(every.values())
            words_heard.setdefault(key, Counter()).update(every)
            words_said.setdefault(key, Counter()).update(reference)
            if lines is not None:
                left = Counter(got)
                for part in said[voice, chain][g]:
                    tally = per_line.setdefault(f"{ear} | {part}", Counter())
                    tally[f"{condition}/heard"] += int(_claim(words(part), left))
                    tally[f"{condition}/said"] += 1
            if ear == "whisper" and sum(every.values()) < len(reference):
                misses.append(
                    {
                        "condition": condition,
                        "voice": voice,
                        "chain": chain,
                        "said": " / ".join(said[voice, chain][g]),
                        "heard": hyp,
                        "missed": " ".join(
                            w for w, n in (Counter(reference) - every).items() for _ in range(n)
                        ),
                    }
                )
        for voice in voices:
            for chain in chains:
                row: dict[str, object] = {"ear": ear, "voice": voice, "chain": chain}
                for condition in conditions:
                    cell = cells[voice, chain, condition]
                    row[f"words {condition}"] = cell.commands.recall
                    row[f"numbers {condition}"] = cell.numbers.recall
                    row[f"words {condition} unsplit"] = cell.unsplit.recall
                    row[f"extra {condition}"] = cell.extra
                    row["words"] = cell.commands.total
                    row["number_words"] = cell.numbers.total
                rows.append(row)
                for condition in conditions:
                    key = (voice, chain, condition)
                    n, h = words_said[key], words_heard[key]
                    shown = [w for w in n if w in WATCHED or (n[w] >= 3 and h[w] < n[w])]
                    per_word[f"{ear} | {voice} | {chain} | {condition}"] = {
                        w: f"{h[w]}/{n[w]}" for w in sorted(shown, key=lambda w: h[w] / n[w])
                    }
    first_cut = said[voices[0], chains[0]]
    return {
        "routine": routine if lines is None else "lines",
        "talk": talk,
        "groups": len(first_cut),
        "lines": sum(len(g) for g in first_cut),
        "decode_seconds": seconds,
        "rows": rows,
        "per_word": per_word,
        "conditions": list(conditions),
        "decoded": [
            {"ear": ear, "voice": v, "chain": c, "condition": k, "said": said[v, c][g], "heard": h}
            for ear in ears
            for (v, c, k, g), h in zip(jobs, heard[ear], strict=True)
        ],
        "misheard": misses,
        "per_line": {
            key: {
                **{c: t[f"{c}/heard"] / t[f"{c}/said"] for c in conditions},
                "n": t[f"{conditions[0]}/said"],
            }
            for key, t in per_line.items()
        }
        if lines is not None
        else {},
    }


# ---------------------------------------------------------------- output


def pct(value: object) -> str:
    return "—" if value is None else f"{100 * float(value):.0f} %"  # type: ignore[arg-type]


def session_markdown(result: dict[str, object], misses: bool = False) -> str:
    conditions: list[str] = result["conditions"]  # type: ignore[assignment]
    cols = [f"{kind} {c}" for kind in ("words", "numbers") for c in conditions]
    lines = [
        "| ear | voice | chain | " + " | ".join(cols) + " |",
        "|---|---|---|" + "---|" * len(cols),
    ]
    for r in result["rows"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {r['ear']} | {r['voice']} | {r['chain']}"
            + (" (default)" if CHAINS[str(r["chain"])] == DEFAULT_CHAIN else "")
            + " | "
            + " | ".join(f"{100 * float(r[col]):.1f} %" for col in cols)
            + " |"
        )
    lines.append(
        '\nAll words without splitting a run-together pair ("downslow"): '
        + "; ".join(
            f"{r['ear']} | {r['voice']} | {r['chain']}: "
            + " / ".join(f"{100 * float(r[f'words {c} unsplit']):.1f} %" for c in conditions)
            for r in result["rows"]  # type: ignore[attr-defined]
        )
    )
    lines.append(
        "Words heard that match no word said (a looping decoder would show here): "
        + "; ".join(
            f"{r['ear']} | {r['voice']} | {r['chain']}: "
            + " / ".join(str(r[f"extra {c}"]) for c in conditions)
            for r in result["rows"]  # type: ignore[attr-defined]
        )
    )
    first = result["rows"][0]  # type: ignore[index]
    lines.append(
        f"\n{result['routine']} (talk {result['talk']}): {result['lines']} lines in "
        f"{result['groups']} groups ({first['words']} words, {first['number_words']} number "
        f"words per cell); decoding took {result['decode_seconds']} s."
    )
    if result["per_line"]:
        lines.append(
            "\n| ear | line | "
            + " | ".join(f"words {c}" for c in conditions)
            + " |\n|---|---|"
            + "---|" * len(conditions)
        )
        for key, by in result["per_line"].items():  # type: ignore[attr-defined]
            ear, line = key.split(" | ", 1)
            lines.append(
                f"| {ear} | {line} | "
                + " | ".join(f"{100 * by[c]:.0f} %" for c in conditions)
                + " |"
            )
    lines.append("\nWords missed most (heard/said), quiet and 10 dB:")
    for key, tally in result["per_word"].items():  # type: ignore[attr-defined]
        if key.endswith("0 dB") and not key.endswith("10 dB"):
            continue
        lines.append(f"- {key}: " + ", ".join(f"{w} {v}" for w, v in list(tally.items())[:12]))
    if misses:
        lines.append("\nEvery group Whisper missed a word of (condition, voice, chain):")
        for m in result["misheard"]:  # type: ignore[attr-defined]
            lines.append(
                f"- {m['condition']} | {m['voice']} | {m['chain']} | missed: {m['missed']}\n"
                f"  said: {m['said']}\n  heard: {m['heard']}"
            )
    return "\n".join(lines)
