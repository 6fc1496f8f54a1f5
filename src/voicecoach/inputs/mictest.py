"""``voicecoach mic-test``: the live level and every command heard, for a few seconds."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable

from voicecoach.inputs.checks import bluetooth_status
from voicecoach.inputs.commands import WINDOWS
from voicecoach.inputs.enrolment import status
from voicecoach.inputs.recogniser import Recogniser
from voicecoach.inputs.segments import Segmenter, Utterance, level_dbfs
from voicecoach.inputs.session import open_microphone
from voicecoach.paths import user_paths

METER_WIDTH = 30


def meter(dbfs: float) -> str:
    """``[#########.........] -32 dBFS``: 0 to 60 dB above -60 dBFS."""
    filled = round(max(0.0, min(1.0, (dbfs + 60.0) / 60.0)) * METER_WIDTH)
    return f"[{'#' * filled}{'.' * (METER_WIDTH - filled)}] {dbfs:4.0f} dBFS"


# Where each window's words are live, in the words a lifter knows.
WHEN = {
    "set": "during a set",
    "answer": "after the question",
    "paused": "while paused",
    "check": "after a spoken answer",
}


def describe(recogniser: Recogniser, utt: Utterance) -> tuple[str, str | None]:
    """What a run would make of one utterance: decoded with each window's grammar, as
    the run decodes it (one grammar of all eleven words confuses "done" with "one")."""
    rejected = ""
    for window, when in WHEN.items():
        heard = recogniser.decode(utt.pcm, WINDOWS[window], utt.voiced)
        if heard.word is not None:
            return f"heard: {heard.word} ({when}; coverage {heard.coverage:.2f})", heard.word
        if heard.text and not rejected:
            rejected = f"not taken: {heard.text!r} (coverage {heard.coverage:.2f})"
    return rejected, None


def mic_test(
    name: str | None, seconds: float, show: Callable[[str, bool], None]
) -> tuple[int, list[str]]:
    """Listen for ``seconds``; ``show(text, final)`` draws the meter (final=False) or a line.

    Returns (exit status, the words heard). Ctrl-C ends it early, like the timeout.
    Raises RecogniserUnavailable or MicrophoneUnavailable, for the caller to report.
    """
    recogniser = Recogniser()
    segmenter = Segmenter()
    said: list[str] = []

    def warn(line: str) -> None:
        said.append(line)
        show(line, True)

    # The microphone a run would open: never a Bluetooth headset's unless named.
    mic = open_microphone(name, warn)
    if mic is None:
        return 1, []
    headsets = bluetooth_status()
    if headsets is not None and not said:
        show(f"Bluetooth: {headsets[1]}", True)
    show(status(user_paths().enrolment)[1], True)
    mic.start()
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
                line, word = describe(recogniser, utt)
                if word is not None:
                    words.append(word)
                if line:
                    show(line, True)
    except KeyboardInterrupt:
        pass
    finally:
        mic.close()
    show(f"heard {len(words)} command{'s' if len(words) != 1 else ''}", True)
    return 0, words
