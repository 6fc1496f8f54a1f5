"""One key table: the help texts are written from it, and the docs agree with it."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from voicecoach.cli.main import cli
from voicecoach.inputs import keymap

ROOT = Path(__file__).resolve().parents[2]


def _keys(binding: keymap.Binding) -> list[str]:
    """ "0-5" → 0; "] / [" → ], [; "Enter" → Enter."""
    return [k.split("-")[0] if k[0].isdigit() else k for k in binding.keys.split(" / ")]


def test_run_help_lists_every_binding() -> None:
    text = CliRunner().invoke(cli, ["run", "--help"]).output
    for b in keymap.BINDINGS:
        assert re.search(rf"^\s+{re.escape(b.keys)}\s+{re.escape(b.action)}", text, re.M), b


def test_the_start_line_names_every_key_that_works_then() -> None:
    plain, music = keymap.help_line(), keymap.help_line(music=True)
    for b in keymap.BINDINGS:
        assert b.short in music
        assert (b.short in plain) != b.music, b  # music keys only when music plays
    assert "+/- rest" in plain and "+/- music" in music


def test_the_manual_and_the_readme_agree_with_the_table() -> None:
    manual = (ROOT / "docs" / "manual.md").read_text()
    assert keymap.help_line() in manual  # the sample session shows the real line
    table = "\n".join(line for line in manual.splitlines() if line.startswith("| "))
    readme = (ROOT / "README.md").read_text()
    for b in keymap.BINDINGS:
        for key in _keys(b):
            shown = key if key in ("Enter", "space") else f"`{key}`"
            assert shown in table, (b, key)
            if not b.music:
                assert key in readme, (b, key)


def test_the_session_compares_keys_by_name() -> None:
    """No session module spells a key as a bare one-letter string."""
    bare = re.compile(r"key (?:==|in) \(?\"[ a-z\]\[+-]\"")
    for path in (ROOT / "src" / "voicecoach" / "session").glob("*.py"):
        assert not bare.search(path.read_text()), path.name


def test_a_digit_key_is_its_answer_and_six_to_nine_are_five_or_more() -> None:
    """0-5 are themselves; 6-9 (and another script's digits) are read, never an error."""
    assert [keymap.rir_key(str(n)) for n in range(10)] == [0, 1, 2, 3, 4, 5, 5, 5, 5, 5]
    assert keymap.rir_key("٢") == 2 and keymap.rir_key("８") == 5
    for key in ("²", "½", "x", " ", "12", ""):
        assert keymap.rir_key(key) is None, key
    assert keymap.over_top_note("5") is None and keymap.over_top_note("x") is None
    assert keymap.over_top_note("9") == (
        "9 pressed: reps in reserve goes up to 5; taken as five or more"
    )
