"""Other MPRIS players on the bus (a music app) may take the earbud button: a run says so
once at the start, and doctor shows them. A private dbus-daemon and a second player name."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dbus_helpers import OtherPlayer, SessionBus
from helpers import PYTHON, mini_routine, start_in_terminal, voicecoach_env
from voicecoach.cli.main import cli

LINE = b"your music app may take the earbud button; play your music with --music, or pause it"


@pytest.fixture
def bus_with_music() -> Iterator[SessionBus]:
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is needed for the media button tests")
    bus = SessionBus()
    player = OtherPlayer(bus, "spotify", PYTHON)
    try:
        yield bus
    finally:
        player.stop()
        bus.stop()


def test_doctor_shows_the_other_player(
    bus_with_music: SessionBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus_with_music.address)
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    check = {c["name"]: c for c in json.loads(result.output)}["media buttons"]
    assert check["ok"], check
    assert "other media players on the session bus (spotify)" in check["detail"]
    assert LINE.decode() in check["detail"]


def test_a_run_says_once_that_the_music_app_may_take_the_button(
    bus_with_music: SessionBus, tmp_path: Path, voicecoach_home: Path
) -> None:
    routine = tmp_path / "routine.yaml"
    routine.write_text(mini_routine(1, "2", "Others"))
    proc, term, slave, _ = start_in_terminal(
        ["run", str(routine), "--audio", "none", "--engine", "estimate"],
        voicecoach_env(voicecoach_home, **bus_with_music.env()),
    )
    try:
        assert term.expect(LINE, 60), term.text
        # Said while joining the bus, at the start: the rest of the run is not needed.
        proc.terminate()
        assert proc.wait(30) == 143, term.text
        term.drain(1)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(term.master)
        os.close(slave)
    assert term.text.count("your music app may take the earbud button") == 1, term.text
    assert "(spotify)" in term.text
