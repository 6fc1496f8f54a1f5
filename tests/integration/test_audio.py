"""Real audio into a PulseAudio null sink, recorded from its monitor.

These check *when* the sound happened, which is what a listener hears.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from helpers import PulseServer, onsets
from voicecoach.audio import open_output
from voicecoach.audio.sounds import sound
from voicecoach.audio.stream import StreamOutput
from voicecoach.inputs.clock import SystemClock


def test_stream_places_cues_exactly_one_second_apart(pulse: PulseServer, tmp_path: Path) -> None:
    """Cues scheduled 1.000 s apart start 1.000 s apart in the recording, within 2 ms."""
    clock = SystemClock()
    out = StreamOutput()
    with pulse.record(tmp_path / "rec.raw") as rec:
        out.start(clock.now())
        t0 = clock.now() + 0.5
        for k in range(6):
            out.play(sound("beep"), t0 + k)
        clock.wait(t0 + 6.3)
        out.close()
    found = onsets(rec.samples())
    assert len(found) == 6, found
    gaps = [b - a for a, b in itertools.pairwise(found)]
    assert all(abs(g - 1.0) <= 0.002 for g in gaps), gaps


def test_auto_picks_the_stream_when_a_device_exists(pulse: PulseServer) -> None:
    """auto chooses the persistent stream and says nothing when it works."""
    out, note = open_output("auto", time.monotonic())
    try:
        assert out.name == "stream" and note is None
    finally:
        out.close()


def test_simpleaudio_plays_audibly(pulse: PulseServer, tmp_path: Path) -> None:
    """The simpleaudio backend is heard in the recording (its timing is not promised)."""
    pytest.importorskip("simpleaudio")
    out, _ = open_output("simpleaudio", time.monotonic())
    with pulse.record(tmp_path / "sa.raw") as rec:
        out.play(sound("go"), time.monotonic())
        out.close()
        heard = rec.wait_for_onsets(1)
    assert len(heard) >= 1
