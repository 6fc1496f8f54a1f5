"""The engine version in the speech cache key: the same answer as importlib.metadata, lighter."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from voicecoach.speech.dist_version import _from_dist_info, installed_version


@pytest.mark.parametrize("name", ["click", "PyYAML", "pyyaml", "platformdirs", "pytest", "nope-x"])
def test_the_version_is_importlib_metadatas(name: str) -> None:
    try:
        expected = version(name)
    except PackageNotFoundError:
        expected = "missing"
    assert installed_version(name) == expected


def _dist(folder: Path, name: str, header: str) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / "METADATA").write_text(header)


def test_a_plain_dist_info_is_read_from_its_header_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dist(tmp_path, "fake_tts-2.0.dist-info", "Name: fake-tts\nVersion: 2.0.1\n\nVersion: 9\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _from_dist_info("fake-tts") == "2.0.1"
    assert installed_version("Fake.TTS") == "2.0.1" == version("fake-tts")


def test_anything_but_one_plain_dist_info_is_left_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dist(tmp_path, "fake_tts-2.0.dist-info", "Name: fake-tts\nVersion: 2.0\n")
    _dist(tmp_path, "fake_tts-1.0.egg-info", "Name: fake-tts\nVersion: 1.0\n")
    _dist(tmp_path, "headless-1.0.dist-info", "Name: headless\n\nVersion: 1.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _from_dist_info("fake-tts") is None
    assert _from_dist_info("headless") is None
    assert installed_version("fake-tts") == version("fake-tts")


def test_the_cache_key_does_not_import_importlib_metadata() -> None:
    probe = (
        "import sys; from voicecoach.speech.engines import EngineSpec; "
        "EngineSpec('espeak', None).identity(); "
        "print('importlib.metadata' in sys.modules, 'email.parser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
