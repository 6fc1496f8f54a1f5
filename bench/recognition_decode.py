"""The recognition bench's decoding loop: each clip through the listener's own path.

Pool workers each hold every candidate ear (the grammar as a run listens, with
decoys, and a Whisper second opinion per ear asked for). A clip is cut once by
the listener's voice-activity detector from microphone-sized chunks, then
decoded in each of its windows by every ear, so all candidates are measured on
the same utterances in the same run.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from voicecoach.inputs.microphone import CHUNK_MS  # noqa: E402
from voicecoach.inputs.recogniser import RATE, Heard  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from decoys import DECOYS  # noqa: E402
from recognition_audio import mix  # noqa: E402
from recognition_report import Trial  # noqa: E402

CHUNK = RATE * CHUNK_MS // 1000  # the microphone's period, in samples


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


# Per worker process, filled by _init_worker: each candidate's recogniser by mode name,
# and each Whisper ear's transcripts of the clip being decoded.
_REC: dict[str, _Recording] = {}
_WHISPER_CACHE: dict[str, dict[bytes, tuple[str, float]]] = {}


def whisper_mode(ear: str) -> str:
    """The mode name a Whisper ear's second opinion is reported under."""
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


def modes(ears: tuple[str, ...]) -> list[str]:
    """Every candidate measured in a run, in the order the report lists them."""
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
