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


def test_each_built_in_exercise_read_alone_is_the_one_the_whole_file_gives() -> None:
    from voicecoach.routines.builtin_entries import BuiltinEntries
    from voicecoach.routines.library import _read_builtin_entry, builtin_library
    from voicecoach.routines.resources import library_file

    whole = builtin_library()
    alone = BuiltinEntries(library_file(), _read_builtin_entry, lambda: whole)
    assert alone._entries is not None and set(alone._entries) == set(whole)
    for key in whole:
        assert alone[key] == whole[key], key


def test_every_built_in_routine_loads_the_same_from_the_entries_it_names() -> None:
    from voicecoach.routines.builtin_entries import BuiltinEntries
    from voicecoach.routines.catalog import builtin_paths, load
    from voicecoach.routines.library import _read_builtin_entry, builtin_library
    from voicecoach.routines.resources import library_file

    whole = builtin_library()
    wholes: list[int] = []

    def count_whole():
        wholes.append(1)
        return whole

    for name in builtin_paths():
        entries = BuiltinEntries(library_file(), _read_builtin_entry, count_whole)
        assert load(name, entries) == load(name, whole), name
    assert wholes == []  # no built-in routine needed the whole library


def test_an_unknown_id_gets_the_whole_librarys_suggestion() -> None:
    import pytest

    from voicecoach.routines.builtin_entries import BuiltinEntries
    from voicecoach.routines.library import _read_builtin_entry, builtin_library
    from voicecoach.routines.loader import parse_routine_text
    from voicecoach.routines.problems import RoutineError
    from voicecoach.routines.resources import library_file

    text = "name: t\nexercises:\n  - use: deadlfit\n    sets: 1\n    reps: 5\n"
    entries = BuiltinEntries(library_file(), _read_builtin_entry, builtin_library)
    with pytest.raises(RoutineError) as lazy:
        parse_routine_text(text, "t.yaml", entries)
    with pytest.raises(RoutineError) as whole:
        parse_routine_text(text, "t.yaml", builtin_library())
    assert "deadlift" in str(lazy.value)
    assert str(lazy.value) == str(whole.value)


def test_a_file_that_is_not_plain_entries_is_left_to_the_whole_reading() -> None:
    from voicecoach.routines.builtin_entries import split_entries

    assert split_entries("a:\n  name: A\n# note\n\nb:  # two\n  name: B\n") == {
        "a": (0, "a:\n  name: A\n# note\n\n"),
        "b": (4, "b:  # two\n  name: B\n"),
    }
    assert split_entries("a:\n  name: A\na:\n  name: B\n") is None
    assert split_entries("a: {name: A}\n") is None


def test_a_run_reads_only_its_routines_exercises_unless_a_personal_library_exists(
    tmp_path,
) -> None:
    probe = (
        "from voicecoach.cli.base import pick_library; "
        "from voicecoach.routines.catalog import load; "
        "from voicecoach.routines.library import builtin_library; "
        "load('pull-day', pick_library(None, one_routine=True)); "
        "print(builtin_library.cache_info().currsize)"
    )
    import os

    env = dict(os.environ, VOICECOACH_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert run.stdout.split() == ["0"], run.stderr
    from voicecoach.routines.library import personal_library_file

    mine = personal_library_file(env)
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("my-row:\n  name: My row\n  equipment: [dumbbell]\n")
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert run.stdout.split() == ["1"], run.stderr


def test_pyminiaudio_loads_without_its_internet_radio_modules_which_load_on_first_use() -> None:
    probe = (
        "import sys; from voicecoach.audio.stream import import_miniaudio; "
        "m = import_miniaudio(); "
        "print(' '.join(x for x in ('http.client', 'ssl', 'email.parser') if x in sys.modules)); "
        "import urllib.request; print(urllib.request.urlopen.__module__); "
        "print(type(sys.modules['urllib.request']).__name__, m.urllib.request is urllib.request, "
        "'http.client' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["", "urllib.request", "module True True"]


def test_a_deferred_module_that_is_already_imported_is_left_alone() -> None:
    import json

    from voicecoach.audio.deferred import defer_module

    defer_module("json")
    assert sys.modules["json"] is json
    defer_module("voicecoach.no_such_module")
    assert "voicecoach.no_such_module" not in sys.modules


def test_by_the_first_clip_a_run_has_loaded_no_whole_library_radio_client_or_metadata(
    tmp_path,
) -> None:
    """The real command, up to the moment its first clip is handed to the output."""
    import os

    probe = (
        "import os, sys\n"
        "from voicecoach.audio import base\n"
        "def play(self, clip, at):\n"
        "    from voicecoach.routines.library import builtin_library\n"
        "    heavy = ['numpy', 'http.client', 'ssl', 'importlib.metadata', 'email.parser']\n"
        "    print(' '.join(m for m in heavy if m in sys.modules) or '-',"
        " builtin_library.cache_info().currsize, flush=True)\n"
        "    os._exit(0)\n"
        "base.SilentOutput.play = play\n"
        "sys.argv = ['voicecoach', 'run', 'pull-day', '--no-journal', '--audio', 'none',"
        " '--engine', 'espeak', '--no-buttons']\n"
        "from voicecoach.__main__ import main\n"
        "main()\n"
    )
    env = dict(os.environ, VOICECOACH_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    run = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert run.stdout.split() == ["-", "0"], run.stderr


def test_a_run_without_a_config_file_or_a_rack_loads_no_toml_parser_or_fractions() -> None:
    probe = (
        "import sys; from pathlib import Path; "
        "from voicecoach.settings import load_settings; "
        "from voicecoach.routines.catalog import load; "
        "import voicecoach.session.runner; "
        "load_settings(Path('/nonexistent/config.toml'), {}); load('pull-day'); "
        "print(' '.join(m for m in ['tomllib', 'tomli', 'fractions'] if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_a_built_in_name_is_found_without_listing_the_folder(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from voicecoach.routines import catalog
    from voicecoach.routines.problems import RoutineError

    listed = catalog.builtin_paths()
    calls: list[int] = []

    def listing() -> dict:  # type: ignore[type-arg]
        calls.append(1)
        return listed

    monkeypatch.setattr(catalog, "builtin_paths", listing)
    assert catalog.resolve("pull-day") == listed["pull-day"]
    assert catalog.resolve("pull-day.yaml") == listed["pull-day"]
    assert calls == []
    # Anything else is looked up in the listing, and an unknown name lists the built-ins.
    for name in ("../routines/pull-day", "no-such-routine"):
        try:
            catalog.resolve(name)
        except RoutineError as exc:
            assert "pull-day" in str(exc)
        else:
            raise AssertionError(name)
    assert len(calls) == 2
