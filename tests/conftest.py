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

# Variables that steer the tests, not voicecoach: kept when the shell sets them.
_TEST_CONTROLS = {"VOICECOACH_FUZZ_EXAMPLES", "VOICECOACH_UPDATE_GOLDEN"}


@pytest.fixture(autouse=True)
def voicecoach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every user path at a temporary folder, and drop the developer's own settings.

    Every ``VOICECOACH_*`` variable of the shell is removed (not a list of known
    ones, which would fall behind as settings are added), except the few that
    steer the test suite itself.
    """
    home = tmp_path / "vchome"
    for var in list(os.environ):
        if var.startswith("VOICECOACH_") and var not in _TEST_CONTROLS:
            monkeypatch.delenv(var)
    monkeypatch.setenv("VOICECOACH_HOME", str(home))
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
