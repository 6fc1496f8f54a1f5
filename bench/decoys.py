#!/usr/bin/env python3
"""Decoys: words decoded beside the commands as a garbage model, and how they were chosen.

A decoy gives speech that is not a command somewhere else to go than the
nearest command ("skill" instead of "skip"); an utterance decoded as one is
dropped. bench/recognition.py decodes every utterance with and without
:data:`DECOYS` in the same run. They cut false accepts by about four times
and cost too many real answers (espeak-ng's "done" mostly becomes "none"), so
a run does not use them; see docs/listening.md. The candidates are every
CMUdict word (the dictionary pocketsphinx ships) that is

- one phone from a command's pronunciation (substitution, insertion or
  deletion; "go on" as its two words' phones together), but not a homophone
  of one ("to", "for" and "won" *are* "two", "four" and "one" to a decoder);
- common: a unigram log-probability of at least ``MIN_LOGPROB`` in
  pocketsphinx's own English language model, so rare names and spellings
  that nobody says in a gym stay out.

That gave 77 words on 2026-12-01. All 77 in the grammar stole too many real
answers (recall in quiet fell from 88 % to 42 %), so each was scored on a
third of the recognition bench (every third clip): how often it won over a
command that a non-answer had been taken as, against how often it won over a
real answer. Kept: those that absorbed non-answers at least three times as
often as answers, and at least three times ("an", "dumb", "dunno", "fair",
"fine", "force", "gone", "live", "none", "pays", "skill", "than", "throw",
"tool", "what", "when", "your"). On another third, "fine" and "gone" took as
many answers as non-answers, so they were dropped. The held-out words of the
bench (``recognition_report.HELD_OUT``) were never part of this.

    .venv/bin/python bench/decoys.py           # the candidates, one line
    .venv/bin/python bench/decoys.py --json    # with each one's nearest command
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from voicecoach.inputs.commands import VOCABULARY

MIN_LOGPROB = -110000  # pocketsphinx log units: "ton" and "hero" are just above, "fife" below
DECOYS: tuple[str, ...] = (
    "an", "dumb", "dunno", "fair", "force", "live", "none", "pays",
    "skill", "than", "throw", "tool", "what", "when", "your",
)  # fmt: skip


def phone_distance(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Levenshtein distance between two phone sequences."""
    row = list(range(len(b) + 1))
    for i, pa in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, pb in enumerate(b, 1):
            cur = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (pa != pb))
            prev = cur
    return row[-1]


def pronunciations(path: str) -> dict[str, list[tuple[str, ...]]]:
    """CMUdict as pocketsphinx ships it: ``word(2) PH PH ...`` lines."""
    out: dict[str, list[tuple[str, ...]]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, *phones = line.split()
            out.setdefault(word.split("(")[0], []).append(tuple(phones))
    return out


def candidates() -> dict[str, tuple[str, int]]:
    """Each candidate decoy with its nearest command and the distance (always 1)."""
    from pocketsphinx import Config, LogMath, NGramModel, get_model_path

    model = os.path.join(get_model_path(), "en-us")
    prons = pronunciations(os.path.join(model, "cmudict-en-us.dict"))
    lm = NGramModel(Config(), LogMath(), os.path.join(model, "en-us.lm.bin"))
    commands: list[tuple[str, tuple[str, ...]]] = []
    for command in VOCABULARY:
        alternatives: list[tuple[str, ...]] = [()]
        for word in command.split():
            alternatives = [a + p for a in alternatives for p in prons[word]]
        commands += [(command, a) for a in alternatives]
    out: dict[str, tuple[str, int]] = {}
    for word, variants in prons.items():
        if word in VOCABULARY or not word.isalpha() or lm.prob([word]) < MIN_LOGPROB:
            continue
        dist, nearest = min((phone_distance(v, p), c) for v in variants for c, p in commands)
        if dist == 1:
            out[word] = (nearest, dist)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="each candidate's nearest command")
    args = parser.parse_args(argv)
    found = candidates()
    if args.json:
        print(json.dumps({w: c for w, (c, _) in sorted(found.items())}, indent=2))
    else:
        print(f"{len(found)} candidates: " + " ".join(sorted(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
