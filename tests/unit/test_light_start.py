"""Start-up stays light: what ``voicecoach`` loads before the first word, and the mixer it uses."""

from __future__ import annotations

import array
import subprocess
import sys

from click.testing import CliRunner

from voicecoach.audio.clips import Clip
from voicecoach.audio.mixer import Mixer
from voicecoach.cli.main import cli


def _pcm(*values: int) -> bytes:
    return array.array("h", values).tobytes()


def test_overlapping_clips_are_summed_and_clipped_with_silence_around() -> None:
    mixer = Mixer(16000)
    mixer.add(Clip(_pcm(30000, 30000, -30000)), 2)
    mixer.add(Clip(_pcm(10000, -5000, -10000, 7)), 3)
    out = array.array("h", mixer.render(8))
    # frame 2: the first clip alone; 3 and 4 overlap, clipped both ways; 5 and 6: the second.
    assert list(out) == [0, 0, 30000, 32767, -32768, -10000, 7, 0]


def test_a_late_overlap_keeps_its_place_across_chunks() -> None:
    mixer = Mixer(16000)
    mixer.add(Clip(_pcm(1, 2, 3, 4)), 0)
    mixer.add(Clip(_pcm(10, 20)), 3)
    first, second = array.array("h", mixer.render(3)), array.array("h", mixer.render(3))
    assert list(first) == [1, 2, 3]
    assert list(second) == [14, 20, 0]


def test_the_quick_version_line_is_clicks_own() -> None:
    quick = subprocess.run(
        [sys.executable, "-m", "voicecoach", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert quick.stdout == CliRunner().invoke(cli, ["--version"]).output


def test_the_command_line_loads_no_command_journal_or_numpy_until_one_runs() -> None:
    probe = (
        "import sys; from voicecoach.cli.main import cli; "
        "heavy = ['numpy', 'sqlite3', 'voicecoach.journal.store', 'voicecoach.cli.journal', "
        "'voicecoach.cli.run', 'voicecoach.speech.base']; "
        "print(' '.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_every_command_is_listed_and_runs_after_a_lazy_load() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for name in ("run", "say", "history", "journal", "voices", "doctor", "list", "validate"):
        assert f"  {name} " in result.output
    assert CliRunner().invoke(cli, ["list"]).exit_code == 0


def test_the_table_of_command_modules_names_each_command_where_it_is_defined() -> None:
    """A command added to a module but not to the table would be missing from the CLI."""
    import importlib

    from voicecoach.cli.base import COMMAND_MODULES

    for module in set(COMMAND_MODULES.values()):
        importlib.import_module(module)
    assert set(cli.commands) == set(COMMAND_MODULES)
    for name, command in cli.commands.items():
        assert command.callback is not None
        assert command.callback.__module__ == COMMAND_MODULES[name], name
