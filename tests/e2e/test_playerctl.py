"""End to end: ``playerctl``, the MPRIS client a user or a desktop widget drives players
with, drives a real ``voicecoach run`` in a pty on a private session bus.

test_buttons.py presses the same buttons with ``dbus-send``; this checks that a stock
client finds the player by name, reads its Metadata and PlaybackStatus the way it shows
them, and that its commands mean what the manual (docs/manual.md) says they do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbus_helpers import SessionBus, finish_run, need_tools, start_on_bus
from helpers import mini_routine

# A rest long enough that the presses in it land inside it on a busy machine.
LONG_REST = mini_routine(2, "3", "Playerctl").replace("rest: 3s", "rest: 30s")
META = "{{title}}|{{artist}}"


@pytest.fixture(scope="module")
def bus() -> Iterator[SessionBus]:
    need_tools("dbus-daemon", "playerctl")
    daemon = SessionBus()
    try:
        yield daemon
    finally:
        daemon.stop()


def test_playerctl_drives_a_run(bus: SessionBus, tmp_path: Path, voicecoach_home: Path) -> None:
    """metadata and status show the set; play-pause ends it; next and play-pause answer
    reps in reserve; in the rest play-pause pauses and resumes, previous repeats and next
    skips; next skips the last set."""
    proc, term, slave, transcript = start_on_bus(tmp_path, voicecoach_home, bus.env(), LONG_REST)
    try:
        assert term.expect(b"[set] Upright row set 1/2", 60), term.text
        assert bus.wait_for_player()
        first = "Upright row|Set 1 of 2 · 100 lb"
        assert bus.playerctl_until(lambda m: m == first, "metadata", "--format", META) == first
        assert bus.playerctl("status") == "Playing"
        assert term.expect("rep 2 · pull".encode(), 60), term.text
        bus.playerctl("play-pause")  # set done, at the start of rep two
        assert term.expect(b"How many in reserve?", 30), term.text
        asking = bus.playerctl_until(
            lambda m: "How many in reserve" in m, "metadata", "--format", META
        )
        assert asking == "Upright row|How many in reserve?"
        assert term.expect(b"Two?", 30), term.text
        bus.playerctl("next")  # stepping: three
        assert term.expect(b"Three?", 10), term.text
        bus.playerctl("play-pause")
        assert term.expect(b"Three in reserve.", 10), term.text
        assert term.expect(b"[rest] 30s", 30), term.text
        rest = bus.playerctl_until(lambda m: m.startswith("Rest|"), "metadata", "--format", META)
        assert rest == "Rest|30 s"
        bus.playerctl("play-pause")
        assert term.expect(b"[pause] paused", 10), term.text
        assert bus.playerctl_until(lambda s: s == "Paused", "status") == "Paused"
        bus.playerctl("play-pause")
        assert term.expect(b"[resume] resumed", 10), term.text
        assert bus.playerctl_until(lambda s: s == "Playing", "status") == "Playing"
        bus.playerctl("previous")
        assert term.expect(b"[repeat]", 10), term.text
        bus.playerctl("next")
        assert term.expect(b"[skip] rest", 10), term.text
        assert term.expect(b"[set] Upright row set 2/2", 10), term.text
        second = bus.playerctl_until(lambda m: "Set 2 of 2" in m, "metadata", "--format", META)
        assert second.startswith("Upright row|Set 2 of 2 · ")
        bus.playerctl("next")
        assert term.expect(b"[skip] Upright row", 30), term.text
    finally:
        finish_run(proc, term, slave)
    events = [(e["kind"], e["text"]) for e in map(json.loads, transcript.read_text().splitlines())]
    kinds = [k for k, _ in events]
    assert ("answer", "3") in events  # the RIR chosen with playerctl
    assert kinds.count("skip") == 2 and "repeat" in kinds and "pause" in kinds
    assert not bus.has_player()  # the name is released when the run ends
