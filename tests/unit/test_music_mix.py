"""Music under the coach, fast layer: the envelope, playlists, levels, keys."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import numpy as np
import pytest

from voicecoach.audio.bed import DEFAULT_DB, MusicBed, MusicControl, gain_of
from voicecoach.audio.clips import Clip
from voicecoach.audio.ducking import Ducker, DuckShape
from voicecoach.audio.encode import _Linear
from voicecoach.audio.mixer import Mixer
from voicecoach.audio.music import MusicError, MusicStream, Playlist, resolve
from voicecoach.events import Event
from voicecoach.routines.loader import parse_routine_text
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.settings import Settings, SettingsError, load_settings
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock, RecordingOutput

RATE = 1000  # a round rate keeps the frame arithmetic readable
SHAPE = DuckShape()


def gains(ducker: Ducker, start: int, stop: int) -> np.ndarray:
    return ducker.gains(start, stop - start)


def test_music_is_down_by_the_depth_for_the_whole_clip() -> None:
    """Inside a clip the gain is the depth (12 dB) from its first frame to its last."""
    d = Ducker(SHAPE, RATE)
    d.add(5000, 1000)
    g = gains(d, 5000, 6000)
    assert np.allclose(20 * np.log10(g), -12.0, atol=0.01)


def test_the_ramp_down_ends_before_the_first_word() -> None:
    """The attack is 80 ms long and the music is fully down 20 ms before the clip."""
    d = Ducker(SHAPE, RATE)
    d.add(5000, 1000)
    g = gains(d, 4800, 5000)
    floor = SHAPE.floor
    down = 4800 + int(np.argmax(g <= floor + 1e-6))
    start = 4800 + int(np.argmax(g < 0.9999))
    assert 5000 - down == 20
    assert down - start == pytest.approx(80, abs=1)


def test_the_music_comes_back_over_the_release() -> None:
    """After the clip the gain rises smoothly and is full again 400 ms later."""
    d = Ducker(SHAPE, RATE)
    d.add(5000, 1000)
    g = gains(d, 6000, 6500)
    assert np.all(np.diff(g) >= -1e-7)
    assert g[0] == pytest.approx(SHAPE.floor, abs=1e-4)
    assert g[400:].min() == pytest.approx(1.0)
    assert g[399] < 1.0


def test_back_to_back_clips_keep_the_music_down() -> None:
    """A count (clips 1 s apart, 0.3 s long) stays ducked between the words: no pumping."""
    d = Ducker(SHAPE, RATE)
    for k in range(4):
        d.add(5000 + 1000 * k, 300)
    g = gains(d, 5000, 8300)
    assert g.max() == pytest.approx(SHAPE.floor, abs=1e-4)


def test_a_cancelled_clip_does_not_duck() -> None:
    """Clips dropped by a pause or a skip leave the music up."""
    d = Ducker(SHAPE, RATE)
    d.add(5000, 500)
    d.add(9000, 500)
    d.cancel_after(7000)
    assert gains(d, 8500, 10000).min() == pytest.approx(1.0)


def test_the_mixer_ducks_music_and_keeps_the_speech() -> None:
    """Rendered through the mixer, speech is untouched and the music drops under it."""
    mixer = Mixer(RATE)
    mixer.music = MusicBed(_Constant(0.25), Ducker(SHAPE, RATE), RATE, 1.0)
    mixer.add(Clip(np.full(500, 1000, "<i2").tobytes(), RATE), 2000)
    out = np.frombuffer(mixer.render(3000), "<i2").astype(float)
    music = 0.25 * 32767
    assert out[1000] == pytest.approx(music, abs=1)
    assert out[2200] == pytest.approx(1000 + music * SHAPE.floor, abs=1)


def test_fade_out_reaches_silence_and_stops_decoding() -> None:
    """After the end the music fades to nothing over the fade length."""
    bed = MusicBed(_Constant(0.5), Ducker(SHAPE, RATE), RATE, 1.0)
    end = bed.fade_out(1000)
    assert end == 1000 + 3 * RATE
    out = np.frombuffer(bed.mix(bytes(2 * 5000), 0), "<i2")
    assert abs(out[999]) > 16000 and abs(out[2500]) < abs(out[999]) and out[4000] == 0


def test_music_keys_step_and_mute() -> None:
    """+ and - move the music 3 dB, m mutes and unmutes, and each bed follows."""
    bed = MusicBed(_Constant(1.0), Ducker(SHAPE, RATE), RATE, gain_of(DEFAULT_DB))
    control = MusicControl()
    control.beds.append((bed, lambda: 0))
    assert control.key("-") == f"music {DEFAULT_DB - 3:+.0f} dB"
    out = np.frombuffer(bed.mix(bytes(200), 0), "<i2")
    assert out[-1] == pytest.approx(32767 * gain_of(DEFAULT_DB - 3), abs=2)
    assert control.key("m") == "music muted"
    assert control.key("m") == f"music {DEFAULT_DB - 3:+.0f} dB"


def _session(text: str, keys, music):  # type: ignore[no-untyped-def]
    events: list[Event] = []
    env = Environment(
        clock=FakeClock(keys),
        voice=Voice(EstimateRenderer()),
        output=RecordingOutput(),
        sinks=[events.append],
        answers=deque(),
        music=music,
    )
    Session(parse_routine_text(text), env).run()
    return events


ROUTINE = """
name: Tiny
count_in: 0
exercises:
  - {use: barbell-row, sets: 2, reps: 3, load: 100 lb, rest: 60s, tempo: [pull 1, lower 1]}
"""


def test_with_music_plus_moves_the_music_not_the_rest() -> None:
    """While music plays, + is a music key: the rest keeps its length."""
    base = _session(ROUTINE, (), None)
    rest = next(e.due for e in base if e.kind == "say" and e.text == "Rest one minute.")
    events = _session(ROUTINE, [(rest + 5, "+")], MusicControl())
    assert [e.text for e in events if e.kind == "music"] == [f"music {DEFAULT_DB + 3:+.0f} dB"]
    assert not any(e.kind == "rest" and "adjusted" in e.text for e in events)


@pytest.mark.parametrize("music", [None, MusicControl()])
def test_brackets_adjust_the_rest_with_or_without_music(music: MusicControl | None) -> None:
    """] lengthens the rest by 15 s whether or not music plays."""
    base = _session(ROUTINE, (), None)
    rest = next(e.due for e in base if e.kind == "say" and e.text == "Rest one minute.")
    events = _session(ROUTINE, [(rest + 5, "]")], music)
    assert any(e.kind == "rest" and e.text == "adjusted to 75s" for e in events)


def test_folder_plays_in_name_order_including_subfolders(tmp_path: Path) -> None:
    """A folder is its audio files by path, sub-folders included, other files ignored."""
    for name in ("b.mp3", "A/z.flac", "a.ogg", "notes.txt", "C.wav"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    names = [p.relative_to(tmp_path).as_posix() for p in resolve(tmp_path)]
    assert names == ["A/z.flac", "a.ogg", "b.mp3", "C.wav"]


def test_shuffle_with_a_seed_is_a_permutation(tmp_path: Path) -> None:
    """--shuffle plays every track once per pass, in another order."""
    for k in range(20):
        (tmp_path / f"{k:02}.mp3").write_bytes(b"x")
    ordered = resolve(tmp_path)
    shuffled = resolve(tmp_path, shuffle=True, seed=1)
    assert sorted(shuffled) == ordered and shuffled != ordered


def test_m3u_entries_are_relative_to_the_playlist(tmp_path: Path) -> None:
    """Comments and blank lines are skipped; relative entries and file:// URLs resolve."""
    (tmp_path / "songs").mkdir()
    (tmp_path / "songs" / "one.mp3").write_bytes(b"x")
    (tmp_path / "two b.flac").write_bytes(b"x")
    url = f"file://{tmp_path.as_posix()}/two%20b.flac"
    (tmp_path / "list.m3u8").write_text(
        f"#EXTM3U\n#EXTINF:1,One\nsongs/one.mp3\n\n{url}\n", "utf-8"
    )
    assert resolve(tmp_path / "list.m3u8") == [
        tmp_path / "songs" / "one.mp3",
        tmp_path / "two b.flac",
    ]


def test_a_missing_music_path_is_a_clear_error(tmp_path: Path) -> None:
    """A path that is not there says so; the runner turns it into one line."""
    with pytest.raises(MusicError, match="no such file or folder"):
        resolve(tmp_path / "nope.mp3")


def test_a_playlist_of_bad_tracks_goes_quiet_with_one_line_each(tmp_path: Path) -> None:
    """Missing and corrupt tracks are reported once each, then the music is silent."""
    (tmp_path / "bad.flac").write_bytes(b"not audio at all" * 100)
    said: list[str] = []
    stream = MusicStream(
        Playlist([tmp_path / "gone.mp3", tmp_path / "bad.flac"], said.append), RATE
    )
    for _ in range(3):
        assert not stream.read(500).any()
    assert len(said) == 3
    assert "gone.mp3: no such file" in said[0] and "bad.flac" in said[1]
    assert "going on without music" in said[2]


def test_music_settings_from_the_config_file(tmp_path: Path) -> None:
    """music, duck_db and duck_others are config keys, checked like the others."""
    cfg = tmp_path / "config.toml"
    cfg.write_text('music = "~/Music"\nduck_db = 9\nduck_others = false\n')
    s = load_settings(cfg, environ={})
    assert (s.music, s.duck_db, s.duck_others) == ("~/Music", 9.0, False)
    assert load_settings(cfg, environ={}, duck_db=15.0).duck_db == 15.0
    cfg.write_text("duck_db = 100\n")
    with pytest.raises(SettingsError, match="duck_db = 100 is not valid; use a number of dB"):
        load_settings(cfg, environ={})
    assert Settings().duck_others is True


def test_resampling_for_opus_keeps_the_duration_across_chunks() -> None:
    """22,050 → 24,000 Hz in uneven chunks gives the same frames as in one piece."""
    x = (np.sin(np.arange(22050) * 0.05) * 10000).astype("<i2")
    one = _Linear(22050, 24000)
    whole = np.concatenate([one.feed(x), one.flush()])
    parts = _Linear(22050, 24000)
    pieces = [parts.feed(x[a : a + 777]) for a in range(0, len(x), 777)] + [parts.flush()]
    assert len(whole) == 24000
    assert np.array_equal(np.concatenate(pieces), whole)


class _Constant:
    """A music stream of one constant value: the envelope is then the output."""

    def __init__(self, value: float):
        self.value = value

    def read(self, n: int) -> np.ndarray:
        return np.full(n, self.value, dtype=np.float32)

    def close(self) -> None:
        pass


def test_duck_db_out_of_range_is_a_usage_error() -> None:
    """--duck-db 99 exits 2 with one line that says what is valid."""
    from click.testing import CliRunner

    from voicecoach.cli.main import cli

    result = CliRunner().invoke(cli, ["run", "pull-day", "--dry-run", "--duck-db", "99"])
    assert result.exit_code == 2
    assert "--duck-db: duck_db = 99.0 is not valid; use a number of dB from 0 to 60" in (
        result.output
    )


def test_an_error_in_the_music_silences_it_and_keeps_the_speech() -> None:
    """A failing decoder in the device thread stops the music, never the coach's voice."""

    class Broken(_Constant):
        def read(self, n: int) -> np.ndarray:
            raise MemoryError("decoder blew up")

    said: list[str] = []
    bed = MusicBed(Broken(0.0), Ducker(SHAPE, RATE), RATE, 1.0)
    bed.warn = said.append
    speech = np.full(100, 1234, "<i2").tobytes()
    assert bed.mix(speech, 0) == speech and bed.mix(speech, 100) == speech
    assert len(said) == 1 and "the coaching goes on" in said[0]
