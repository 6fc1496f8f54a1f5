"""The virtual microphone's side of the listening tests: speech played into the ``mic``
sink (``helpers.add_mic``), a ``voicecoach run --listen`` in a pty, and a wait on the
sound server for the moment the listener really captures.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import PulseServer, Terminal, in_terminal, mini_routine, voicecoach_env


def play_into_mic(pulse: PulseServer, raw: Path, rate: int) -> None:
    """Play raw s16le mono ``raw`` into the mic sink, to its end."""
    subprocess.run(
        [
            "pacat",
            "--playback",
            "--raw",
            "--format=s16le",
            f"--rate={rate}",
            "--channels=1",
            "--device=mic",
            str(raw),
        ],
        env=dict(os.environ, **pulse.env()),
        check=True,
        timeout=30,
    )


def say_into_mic(pulse: PulseServer, text: str, folder: Path) -> None:
    """Render ``text`` with voicecoach's own espeak-ng voice and play it into the mic sink."""
    from voicecoach.settings import Settings
    from voicecoach.speech import make_voice

    voice = make_voice(Settings(engine="espeak"), None)
    try:
        clip = voice.clip(text)
    finally:
        voice.close()
    raw = folder / f"{text.replace(' ', '_')}.raw"
    # A quarter second of silence first: on a loaded machine paplay's stream can start
    # late and lose its first ~60 ms (seen: "done" arrived without its "d"), which
    # should cost silence, not the word. A second after lets the detector close it.
    raw.write_bytes(bytes(2 * (clip.rate // 4)) + clip.pcm + bytes(clip.rate))
    play_into_mic(pulse, raw, clip.rate)


_BLOCK = re.compile(r"^Source Output #", re.MULTILINE)


def capturing(pulse: PulseServer) -> bool:
    """True while voicecoach's capture stream is running (not corked) on the sound server.

    The listener captures only while a window is open (a set, the question, the
    seconds after a spoken answer): this is the listener, started and following the
    session, ready for a word. It is the sound server's own view, not a guess at time.
    """
    out = subprocess.run(
        ["pactl", "list", "source-outputs"],
        env=dict(os.environ, **pulse.env()),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return any(
        'application.name = "voicecoach"' in block and "Corked: no" in block
        for block in _BLOCK.split(out)
    )


def wait_capturing(pulse: PulseServer, timeout: float = 60.0) -> bool:
    """Poll the sound server until the listener captures (or ``timeout`` passes)."""
    deadline = time.monotonic() + timeout
    while not capturing(pulse):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # polling a condition, not waiting for a guessed interval
    return True


LISTEN = ("--audio", "none", "--engine", "espeak", "--listen")  # voice answers, no coach heard


@contextmanager
def listening_run(
    pulse: PulseServer, home: Path, folder: Path, reps: str, name: str, *options: str, **env: str
) -> Iterator[tuple[subprocess.Popen[bytes], Terminal]]:
    """``voicecoach run`` of a one-set mini routine with ``options`` (e.g. LISTEN) in a pty
    (see ``helpers.in_terminal``), the virtual mic its microphone."""
    routine = folder / "listen.yaml"
    routine.write_text(mini_routine(1, reps, name))
    args = ["run", str(routine), *options]
    with in_terminal(args, voicecoach_env(home, **{**pulse.env(), **env})) as run:
        yield run
