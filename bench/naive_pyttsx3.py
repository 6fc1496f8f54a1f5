"""The baseline a typical pyttsx3 script is: sleep until the next cue, then say() it.

Reads cues (due time, text) as JSON lines on stdin and speaks each with
``engine.say(text); engine.runAndWait()``, which blocks for the whole clip
and plays through aplay. Prints the monotonic start time first, so the
bench can line the recording up.
"""

from __future__ import annotations

import json
import sys
import time

import pyttsx3


def main() -> None:
    cues = [json.loads(line) for line in sys.stdin]
    engine = pyttsx3.init()
    engine.setProperty("rate", 175)
    t0 = time.monotonic()
    print(t0, flush=True)
    for cue in cues:
        delay = cue["due"] - (time.monotonic() - t0)
        if delay > 0:
            time.sleep(delay)  # the relative sleep a typical script uses
        engine.say(cue["text"])
        engine.runAndWait()


if __name__ == "__main__":
    main()
