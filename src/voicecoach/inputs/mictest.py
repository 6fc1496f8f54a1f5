"""``voicecoach mic-test``: the live level and every command heard, for a few seconds."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable

from voicecoach.inputs.microphone import Microphone, MicrophoneUnavailable
from voicecoach.inputs.recogniser import DECOYS, Recogniser, RecogniserUnavailable
from voicecoach.inputs.segments import Segmenter, level_dbfs

METER_WIDTH = 30


def meter(dbfs: float) -> str:
    """``[#########.........] -32 dBFS``: 0 to 60 dB above -60 dBFS."""
    filled = round(max(0.0, min(1.0, (dbfs + 60.0) / 60.0)) * METER_WIDTH)
    return f"[{'#' * filled}{'.' * (METER_WIDTH - filled)}] {dbfs:4.0f} dBFS"


def mic_test(
    name: str | None, seconds: float, show: Callable[[str, bool], None], strict: bool = False
) -> tuple[int, list[str]]:
    """Listen for ``seconds``; ``show(text, final)`` draws the meter (final=False) or a line.

    ``strict`` decodes the decoys beside the commands, as a strict run would.
    Returns (exit status, the words heard). Ctrl-C ends it early, like the timeout.
    """
    try:
        recogniser = Recogniser(decoys=DECOYS if strict else ())
        segmenter = Segmenter()
        mic = Microphone(name)
        mic.start()
    except (RecogniserUnavailable, MicrophoneUnavailable) as exc:
        show(f"voicecoach: {exc}", True)
        return 1, []
    show(f"listening on {mic.name} for {seconds:g} s: say a command ('two', 'done', 'go on')", True)
    words: list[str] = []
    end = time.monotonic() + seconds
    shown = 0.0
    try:
        while time.monotonic() < end:
            try:
                chunk, at = mic.chunks.get(timeout=0.2)
            except queue.Empty:
                continue
            if at - shown >= 0.1:
                show(meter(level_dbfs(chunk)), False)
                shown = at
            for utt in segmenter.feed(chunk, at):
                heard = recogniser.decode(utt.pcm, voiced=utt.voiced)
                if heard.word is not None:
                    words.append(heard.word)
                    show(f"heard: {heard.word} (coverage {heard.coverage:.2f})", True)
                elif heard.text:
                    show(f"not taken: {heard.text!r} (coverage {heard.coverage:.2f})", True)
    except KeyboardInterrupt:
        pass
    finally:
        mic.close()
    show(f"heard {len(words)} command{'s' if len(words) != 1 else ''}", True)
    return 0, words
