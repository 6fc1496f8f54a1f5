"""Real speech: pyttsx3 driving espeak-ng renders audible clips, cached on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecoach.audio.clips import samples
from voicecoach.settings import Settings
from voicecoach.speech import SpeechUnavailable, make_voice


@pytest.fixture(scope="module")
def voice(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return make_voice(Settings(), tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("go", 0.1, 0.6),
        ("Rest ninety seconds.", 0.7, 2.0),
        ("one hundred forty-five pounds", 1.0, 2.6),
    ],
)
def test_renders_audible_speech_of_plausible_length(
    voice, text: str, low: float, high: float
) -> None:  # type: ignore[no-untyped-def]
    """espeak-ng output has real signal and a duration that fits the words."""
    clip = voice.clip(text)
    assert low < clip.seconds < high
    s = samples(clip)
    assert max(abs(v) for v in s) > 3000
    assert abs(s[0]) > 300  # trimmed: the clip starts with sound, not padding


def test_second_render_is_a_cache_hit(tmp_path: Path) -> None:
    """A new Voice with the same settings reads the clip from the disk cache."""
    first = make_voice(Settings(), tmp_path)
    clip = first.clip("Set two of three.")
    second = make_voice(Settings(), tmp_path)
    again = second.clip("Set two of three.")
    assert second.cache.hits == 1 and second.cache.misses == 0
    assert again.pcm == clip.pcm
    assert len(list(tmp_path.rglob("*.wav"))) == 1


def test_cache_key_includes_rate(tmp_path: Path) -> None:
    """A different rate renders anew (and the clip is shorter when faster)."""
    slow = make_voice(Settings(rate=120), tmp_path).clip("Rest ninety seconds.")
    fast_voice = make_voice(Settings(rate=260), tmp_path)
    fast = fast_voice.clip("Rest ninety seconds.")
    assert fast_voice.cache.hits == 0
    assert fast.seconds < slow.seconds


def test_unknown_voice_lists_close_matches() -> None:
    """An unknown voice id is an error naming close matches (pyttsx3 would ignore it)."""
    with pytest.raises(SpeechUnavailable) as info:
        make_voice(Settings(voice="espeak:gmw/en-USS"), None).start()
    assert "gmw/en-us" in str(info.value)


def test_every_espeak_voice_the_help_names_is_one_espeak_ng_has() -> None:
    """The examples a lifter copies (--voice espeak:..., say --voice ...) name real voices."""
    import re

    from click.testing import CliRunner

    from voicecoach.cli.main import cli
    from voicecoach.speech.espeak_engine import espeak_voices

    ids = {v["id"] for v in espeak_voices()}
    named = set()
    for command in ("run", "say", "voices"):
        text = CliRunner().invoke(cli, [command, "--help"], terminal_width=200).output
        named |= set(re.findall(r"espeak:([\w/-]+)", text))
    assert named and named <= ids, named - ids


def test_unwritable_cache_dir_keeps_clips_in_memory(tmp_path: Path) -> None:
    """A cache dir that can't be created gives one warning, and speech still works."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    v = make_voice(Settings(), blocker / "clips")
    assert v.clip("go").seconds > 0.1
    assert v.cache.warning and "in memory" in v.cache.warning


def test_voices_lists_every_engine_with_licence_and_rate() -> None:
    """Voices of both engines are listed with licence and sample rate; one is the default."""
    from voicecoach.speech.listing import all_voices

    rows = all_voices()
    assert {r["engine"] for r in rows} == {"piper", "espeak"}
    assert all(r["licence"] and r["sample_rate"] == 22050 for r in rows)
    assert sum(r["default"] for r in rows) == 1


def test_an_unwritable_cache_is_one_warning_from_the_cli(voicecoach_home: Path) -> None:
    """``voicecoach say`` with a file where the clip cache belongs: it speaks, one warning."""
    from helpers import run_voicecoach, voicecoach_env

    cache = voicecoach_home / "cache"
    cache.mkdir(parents=True)
    (cache / "clips").write_text("not a folder")
    done = run_voicecoach(
        ["say", "--audio", "none", "Rest", "ninety", "seconds."],
        voicecoach_env(voicecoach_home),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "speech cache" in line]
    assert len(lines) == 1 and "kept in memory" in lines[0], done.stderr


def test_a_cached_clip_cut_short_is_rendered_again_by_the_cli(voicecoach_home: Path) -> None:
    """A cached clip truncated to 60 % is replaced by a whole one on the next ``say``."""
    from helpers import run_voicecoach, voicecoach_env

    env = voicecoach_env(voicecoach_home)
    args = ["say", "--audio", "none", "Rest", "ninety", "seconds."]
    assert run_voicecoach(args, env, timeout=120).returncode == 0
    (clip,) = (voicecoach_home / "cache" / "clips").rglob("*.wav")
    whole = clip.read_bytes()
    clip.write_bytes(whole[: int(len(whole) * 0.6)])
    assert run_voicecoach(args, env, timeout=120).returncode == 0
    from voicecoach.speech.base import _cached_clip

    again = clip.read_bytes()  # a fresh render: whole again (not byte-equal, engines vary)
    assert len(again) > 0.9 * len(whole) and _cached_clip(again).seconds > 0.7
