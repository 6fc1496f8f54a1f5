"""Shared fixtures: a private VOICECOACH_HOME for every test, and a private PulseAudio.

The PulseAudio server runs with its own runtime dir and a null sink named
``earbuds``; it never touches a real user's sound set-up. Tests that need it
take the ``pulse`` fixture. Without the ``pulseaudio`` binary they skip,
except under CI (``CI`` set), where a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import PulseServer


@pytest.fixture(autouse=True)
def voicecoach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every user path at a temporary folder ."""
    home = tmp_path / "vchome"
    monkeypatch.setenv("VOICECOACH_HOME", str(home))
    for var in (
        "VOICECOACH_ENGINE",
        "VOICECOACH_VOICE",
        "VOICECOACH_RATE",
        "VOICECOACH_VOLUME",
        "VOICECOACH_AUDIO",
        "VOICECOACH_RIR_TIMEOUT",
    ):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        if os.environ.get("CI"):
            pytest.fail("pulseaudio/parec missing under CI: run scripts/install.sh --test")
        pytest.skip("pulseaudio and parec are needed for real-audio tests")
    server = PulseServer(tmp_path_factory.mktemp("pulse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pulse(pulse_server: PulseServer, monkeypatch: pytest.MonkeyPatch) -> PulseServer:
    """The private server, with this process (and its children) pointed at it."""
    for key, value in pulse_server.env().items():
        monkeypatch.setenv(key, value)
    return pulse_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.fspath)
        if f"{os.sep}integration{os.sep}" in path:
            item.add_marker(pytest.mark.integration)
        elif f"{os.sep}e2e{os.sep}" in path:
            item.add_marker(pytest.mark.e2e)
