"""Before the first word a run asks for nothing but what that word needs.

The runner gets every part through ``Parts``; these fakes record, in order,
when each is asked for. The sound server (ducking and the stale-volume
restore), the session bus, the microphone and the journal backup must all
come after the first clip is handed to the output, and a connection that
takes its time must delay no cue. All on the fake clock.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from helpers import mini_routine
from voicecoach.audio.clips import Clip
from voicecoach.events import Event, LateSink
from voicecoach.journal.store import Journal
from voicecoach.routines.loader import parse_routine_text
from voicecoach.session.runner import Parts, RunOptions, run_session
from voicecoach.settings import Settings
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

WAIT = 10.0  # a bound on the test's own waits: a broken runner fails, never hangs

NEEDED = {"journal", "keys", "voice", "output", "buttons planned"}
LATER = {"restore stale", "duck connect", "buttons connect", "listening", "backup"}


class _Audible(EstimateRenderer):
    audible = True  # heard, so the run takes the output and ducks around it


class _Output(RecordingOutput):
    """The stream: records each hand-over; ``on_play[n]`` runs when clip n is handed over."""

    name = "stream"

    def __init__(self, calls: list[str]) -> None:
        super().__init__()
        self.calls = calls
        self.on_play: dict[int, threading.Event | tuple[threading.Event, str]] = {}
        self.times: list[float] = []
        self.spans: list[tuple[float, float]] = []  # every clip handed over, kept on cancel

    def play(self, clip: Clip, at: float) -> None:
        self.calls.append("play")
        self.times.append(at)
        self.spans.append((at, at + clip.seconds))
        super().play(clip, at)
        hook = self.on_play.get(len(self.times))
        if isinstance(hook, threading.Event):
            hook.set()
        elif hook is not None:
            event, _ = hook
            assert event.wait(WAIT), "the background never got there"


class _Audio:
    """The early-opened device: ``take`` hands the stream over."""

    def __init__(self, output: _Output):
        self.output = output

    def take(self) -> tuple[_Output, None]:
        self.output.calls.append("output")
        return self.output, None

    def discard(self) -> None:
        """Taken: nothing to close."""


class _Buttons:
    """Media buttons, planned at once and connected by the background."""

    def __init__(self, calls: list[str]):
        self.calls = calls
        self.keys = None
        self.sink = LateSink()

    def event(self, event: Event) -> None:
        self.sink(event)

    def connect(self) -> None:
        self.calls.append("buttons connect")

    def close(self) -> None:
        """Nothing opened."""


class _Apps:
    """The other apps' worker: records the spans it is asked to lower them for."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self.closed = False

    def speak(self, start: float, end: float) -> None:
        self.spans.append((start, end))

    def cancel_after(self, t: float) -> None:
        self.spans = [s for s in self.spans if s[0] <= t]

    def close(self) -> None:
        self.closed = True


def _run(tmp_path: Path, calls: list[str], output: _Output, **swap: object) -> int:
    parts = Parts(
        open_journal=lambda path, backup: calls.append("journal") or Journal(path),
        back_up=lambda journal: calls.append("backup"),
        open_keys=lambda: calls.append("keys"),
        build_voice=lambda settings, cache, warn, phrases: (
            calls.append("voice") or Voice(_Audible())
        ),
        clock=lambda keys: FakeClock(),
        restore_stale=lambda state, warn: calls.append("restore stale"),
        connect_others=lambda ducked, db, state, warn: calls.append("duck connect"),
        open_buttons=lambda wanted, keys, routine, warn: (
            calls.append("buttons planned") or _Buttons(calls)
        ),
        start_listening=lambda settings, inject, warn, audible: calls.append("listening"),
    )
    for name, value in swap.items():
        setattr(parts, name, value)
    return run_session(
        parse_routine_text(mini_routine(sets=2)),
        RunOptions(
            settings=Settings(listen="on"),
            journal=tmp_path / "j.sqlite3",
            cache_dir=tmp_path / "cache",
            duck_state=tmp_path / "duck.json",
            buttons=True,
        ),
        out=io.StringIO(),
        audio=_Audio(output),  # type: ignore[arg-type]
        parts=parts,
    )


def test_nothing_but_the_first_words_needs_comes_before_them(tmp_path: Path) -> None:
    calls: list[str] = []
    output = _Output(calls)
    backed_up = threading.Event()
    # The second clip waits until the background's last part ran, so every part is seen.
    output.on_play[2] = (backed_up, "backup")

    def back_up(journal: Journal) -> None:
        calls.append("backup")
        backed_up.set()

    assert _run(tmp_path, calls, output, back_up=back_up) == 0
    first = calls.index("play")
    before, after = calls[:first], calls[first:]
    assert set(before) <= NEEDED, before
    assert {"voice", "output"} <= set(before)
    assert set(after) >= LATER, after
    # Other apps' volumes a killed run left lowered come back before any are lowered.
    assert after.index("restore stale") < after.index("duck connect")


def test_a_slow_sound_server_delays_no_cue_and_ducks_only_once_it_answers(
    tmp_path: Path,
) -> None:
    # The cue times of a run whose ducking connection answers at once...
    calls: list[str] = []
    quick = _Output(calls)
    assert _run(tmp_path / "quick", calls, quick) == 0

    # ...and of one whose connection is held by the test until the third clip is out.
    release, attached = threading.Event(), threading.Event()
    apps = _Apps()

    def connect(ducked, db, state, warn) -> None:  # type: ignore[no-untyped-def]
        assert release.wait(WAIT)
        ducked.attach(apps)
        attached.set()

    slow = _Output([])
    slow.on_play[3] = release
    slow.on_play[4] = (attached, "attached")  # the fourth clip waits until the apps are there
    assert _run(tmp_path / "slow", [], slow, connect_others=connect) == 0

    assert slow.times == quick.times  # no cue moved: the loop never waited on the server
    # The first three clips went out before the server answered: not ducked. The fourth
    # races the connection; from the fifth on, each is (a pause or skip may cancel some).
    assert not set(apps.spans) & set(slow.spans[:3])
    assert slow.spans[4] in apps.spans
    assert set(apps.spans) <= set(slow.spans[3:])
    assert apps.closed  # and the volumes were put back at the end


class _SlowAhead(Voice):
    """A voice whose first phrase is cached, and whose render ahead never finishes in time.

    On the background thread nothing is cached, and each phrase asked for there waits
    for ``release``: the render ahead is still busy when the (short) session ends.
    """

    def __init__(self, release: threading.Event) -> None:
        super().__init__(_Audible())
        self.release = release

    def cached(self, text: str) -> bool:
        return threading.current_thread().name != "voicecoach-background"

    def want(self, texts, due=float("inf")) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "voicecoach-background":
            self.release.wait(WAIT)
            return
        super().want(texts, due)


def test_volumes_a_killed_run_left_lowered_come_back_even_if_the_render_ahead_is_slow(
    tmp_path: Path,
) -> None:
    """What is queued behind an unfinished task is skipped at the end, so the restore
    goes first: a short run must still put the lifter's music back up."""
    calls: list[str] = []
    release = threading.Event()
    try:
        code = _run(
            tmp_path,
            calls,
            _Output(calls),
            build_voice=lambda settings, cache, warn, phrases: (
                calls.append("voice") or _SlowAhead(release)
            ),
        )
    finally:
        release.set()
    assert code == 0
    assert "restore stale" in calls, calls
