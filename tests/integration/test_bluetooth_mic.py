"""A fake Bluetooth headset on a real PulseAudio server: its microphone stays closed unless
named. The fake is a null sink's monitor remapped as ``bluez_input.…`` with BlueZ's
properties (device.bus=bluetooth, device.api=bluez5, bluetooth.protocol)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from helpers import PulseServer, add_bluetooth_headset, add_mic, remove_mic
from voicecoach.cli.main import cli
from voicecoach.inputs.microphone import Microphone
from voicecoach.inputs.session import listen_hint, open_microphone
from voicecoach.settings import Settings

pytest.importorskip("pulsectl")
BUDS = "bluez_input.00_11_22_33_44_55.0"


def _pactl(pulse: PulseServer, *args: str) -> str:
    env = dict(os.environ, **pulse.env())
    return subprocess.run(["pactl", *args], env=env, capture_output=True, text=True).stdout


def _recorded_sources(pulse: PulseServer) -> set[str]:
    """The names of the sources some client records from right now (the remap modules'
    own streams on the monitors they remap are left out)."""
    index = {
        line.split("\t")[0]: line.split("\t")[1]
        for line in _pactl(pulse, "list", "short", "sources").splitlines()
    }
    outputs = [
        line.split("\t") for line in _pactl(pulse, "list", "short", "source-outputs").splitlines()
    ]
    return {index[o[1]] for o in outputs if o[2] != "-"}


@pytest.fixture
def buds(pulse: PulseServer) -> Iterator[PulseServer]:
    """The fake Bluetooth headset, as the default source."""
    loaded = add_bluetooth_headset(pulse)
    _pactl(pulse, "set-default-source", BUDS)
    yield pulse
    remove_mic(pulse, loaded)


def _opened(mic: Microphone | None, pulse: PulseServer) -> set[str]:
    assert mic is not None
    mic.start()
    try:
        return _recorded_sources(pulse)
    finally:
        mic.close()


def test_the_bluetooth_default_is_passed_over_for_another_microphone(buds: PulseServer) -> None:
    """With a room microphone there, that one records; the headset's is never opened."""
    room = add_mic(buds)
    _pactl(buds, "set-default-source", BUDS)  # add_mic made its own the default
    try:
        said: list[str] = []
        opened = _opened(open_microphone(None, said.append), buds)
        assert opened == {"virtual_mic"}
        assert len(said) == 1 and "call quality" in said[0] and "Fake Buds" in said[0]
    finally:
        remove_mic(buds, room)


def test_only_a_bluetooth_microphone_is_not_opened(buds: PulseServer) -> None:
    said: list[str] = []
    assert open_microphone(None, said.append) is None
    assert said and said[0].startswith("not listening on 'Fake Buds'")
    assert _recorded_sources(buds) == set()


def test_named_by_mic_it_is_opened_with_one_line_on_the_cost(buds: PulseServer) -> None:
    said: list[str] = []
    assert _opened(open_microphone("Fake Buds", said.append), buds) == {BUDS}
    assert said == [
        "listening on 'Fake Buds' (Bluetooth, profile headset_head_unit: call quality, its "
        "microphone is live): your earbuds play at call quality while voicecoach listens"
    ]


def test_doctor_shows_the_headset_and_its_profile(buds: PulseServer) -> None:
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(result.output)}
    detail = checks["bluetooth headset"]["detail"]
    assert "'Fake Buds' (profile headset_head_unit: call quality" in detail
    assert "not used unless --mic names it" in detail


def test_a_bluetooth_microphone_alone_gives_no_hint_to_listen(buds: PulseServer) -> None:
    """The start-of-run hint needs a microphone listening could open without a name."""
    assert listen_hint(Settings()) is None
    room = add_mic(buds)
    try:
        hint = listen_hint(Settings())
        assert hint is not None and "--listen" in hint
    finally:
        remove_mic(buds, room)
