"""Music and other apps in a real run: the coach into a PulseAudio null sink.

What a listener hears is recorded from the sink's monitor; "another app" is
``paplay`` playing a generated tone into the same server, and its volume is
read back from the server.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))

from helpers import PYTHON, PulseServer, voicecoach_env
from music_helpers import OtherApp, speech_activity, tone_db, write_tone

ROUTINE = (
    "name: Music\ncount_in: 0\nexercises:\n"
    "  - {use: upright-row, sets: 1, reps: '{reps}', load: 100 lb, tempo: [pull 2, lower 2]}\n"
)
FULL_DB = 20 * np.log10(0.5) - 6  # the tone's -6 dBFS, played 6 dB down by default
HOP = 0.05


def _start(tmp: Path, home: Path, pulse: PulseServer, reps: int, *extra: str):  # type: ignore[no-untyped-def]
    routine = tmp / "music.yaml"
    routine.write_text(ROUTINE.replace("{reps}", str(reps)))
    args = ["run", str(routine), "--audio", "stream", "--answers", "2", *extra]
    return subprocess.Popen(
        [PYTHON, "-m", "voicecoach", *args],
        env=voicecoach_env(home, **pulse.env()),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _until(condition, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll a condition (not a guessed delay) until it holds or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def other_app(pulse: PulseServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = OtherApp(write_tone(tmp_path / "song.wav", 300, hz=440.0), pulse.env())
    assert _until(lambda: app.volume() is not None, 10)
    yield app
    app.stop()


def test_live_music_is_ducked_under_speech(
    pulse: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """Recorded from the monitor, the tone is ≥ 6 dB down in speech and full between."""
    tone = write_tone(tmp_path / "tone.ogg", 6)
    with pulse.record(tmp_path / "rec.raw") as rec:
        proc = _start(tmp_path, voicecoach_home, pulse, 2, "--music", str(tone))
        _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    x = np.array(rec.samples(), dtype=np.float64)
    rate = rec.rate
    active = speech_activity(x, rate, HOP)
    where = np.flatnonzero(active)
    first, last = where[0], where[-1]
    inside, between = [], []
    reach = int(0.7 / HOP)  # the release and the attack, with room to spare
    for k in range(first + 1, last - 1):
        a = k * HOP
        if active[k - 1] and active[k] and active[k + 1]:
            inside.append(tone_db(x, rate, a - HOP, a + 2 * HOP))
        elif not active[k - reach : k + reach + 1].any():
            between.append(tone_db(x, rate, a, a + HOP))
    assert len(inside) > 40 and len(between) >= 5  # gaps 0.7 s clear of speech are few
    assert max(inside) <= FULL_DB - 6, sorted(inside)[-5:]
    assert all(abs(level - FULL_DB) < 1.5 for level in between), between


def test_other_app_is_lowered_while_the_coach_speaks_and_restored_at_the_end(
    pulse: PulseServer, tmp_path: Path, voicecoach_home: Path, other_app: OtherApp
) -> None:
    """Another app's volume drops under speech and is its own again after a normal end."""
    before = other_app.volume()
    seen = set()
    proc = _start(tmp_path, voicecoach_home, pulse, 1)
    while proc.poll() is None:  # sample the volume through the whole run
        seen.add(tuple(other_app.volume() or ()))
        time.sleep(0.05)
    assert proc.wait() == 0, proc.stderr.read() if proc.stderr else ""
    lowered = [v for v in seen if v and v[0] < before[0] * 0.7]  # type: ignore[index]
    assert lowered, seen
    assert other_app.volume() == before
    assert not (voicecoach_home / "data" / "ducked-apps.json").exists()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_other_app_is_restored_after_sigterm_or_sighup(
    sig: int,
    code: int,
    pulse: PulseServer,
    tmp_path: Path,
    voicecoach_home: Path,
    other_app: OtherApp,
) -> None:
    """SIGTERM or SIGHUP while the other app is lowered puts its volume back before the exit."""
    before = other_app.volume()
    proc = _start(tmp_path, voicecoach_home, pulse, 1)
    assert _until(lambda: other_app.volume() != before)
    proc.send_signal(sig)
    assert proc.wait(30) == code
    assert other_app.volume() == before


def test_other_app_is_restored_at_the_next_start_after_sigkill(
    pulse: PulseServer, tmp_path: Path, voicecoach_home: Path, other_app: OtherApp
) -> None:
    """SIGKILL leaves the other app lowered; the next start of voicecoach puts it back."""
    before = other_app.volume()
    proc = _start(tmp_path, voicecoach_home, pulse, 1)
    assert _until(lambda: other_app.volume() != before)
    proc.kill()
    proc.wait(10)
    assert other_app.volume() != before  # nothing could run after SIGKILL
    assert (voicecoach_home / "data" / "ducked-apps.json").is_file()
    routine = tmp_path / "music.yaml"
    again = subprocess.run(
        [PYTHON, "-m", "voicecoach", "run", str(routine), "--dry-run", "--no-journal"],
        env=voicecoach_env(voicecoach_home, **pulse.env()),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert other_app.volume() == before


def _lowered_by_hand(app: OtherApp, pulse: PulseServer, volume: float) -> dict:
    """Set the other app's volume as a duck would have, and return its state-file entry."""
    import pulsectl

    with pulsectl.Pulse("voicecoach-test", server=pulse.env()["PULSE_SERVER"]) as p:
        si = next(s for s in p.sink_input_list() if s.proplist.get("application.name") == app.name)
        channels = len(si.volume.values)
        p.sink_input_volume_set(si.index, pulsectl.PulseVolumeInfo([volume] * channels))
        si = next(s for s in p.sink_input_list() if s.index == si.index)
        return {"index": si.index, "name": si.name, "lowered": list(si.volume.values)}


@pytest.mark.parametrize(
    "edit",
    [
        {"original_db": 29.0, "depth_db": 12.0},  # the finding: +29 dB over a 12 dB duck
        {"original": [10.0, 10.0], "depth_db": 12.0},  # far above any volume
        {"original": [float("nan"), 1.0], "depth_db": 12.0},
        {"original_db": 29.0},  # a file without the depth it was lowered by
    ],
    ids=["29-dB", "huge", "nan", "no-depth"],
)
def test_an_edited_state_file_never_raises_another_app(
    pulse: PulseServer, tmp_path: Path, voicecoach_home: Path, other_app: OtherApp, edit: dict
) -> None:
    """ducked-apps.json whose original is not what its lowered came from: refused, one line."""
    import json

    entry = _lowered_by_hand(other_app, pulse, 0.5)
    before = other_app.volume()
    if "original_db" in edit:
        up = 10 ** (edit.pop("original_db") / 60)
        entry["original"] = [v * up for v in entry["lowered"]]
    entry.update(edit)
    state = voicecoach_home / "data" / "ducked-apps.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps([entry]))  # json writes NaN as NaN, as a hand edit could
    routine = tmp_path / "music.yaml"
    routine.write_text(ROUTINE.replace("{reps}", "1"))
    again = subprocess.run(
        [PYTHON, "-m", "voicecoach", "run", str(routine), "--dry-run", "--no-journal"],
        env=voicecoach_env(voicecoach_home, **pulse.env()),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert other_app.volume() == before  # left where it is, not raised
    said = [line for line in again.stderr.splitlines() if "ducked-apps.json" in line]
    assert len(said) == 1 and "not restoring 1 stream" in said[0], again.stderr


def test_a_state_file_entry_written_by_a_duck_is_accepted() -> None:
    """What _lower writes passes the check: original at 12 dB over lowered (pulse-rounded)."""
    from voicecoach.audio.others import _factor, checked_entry

    original = [0.8, 0.7]
    lowered = [round(v * _factor(12.0) * 65536) / 65536 for v in original]
    entry = {"index": 3, "name": "song", "original": original, "lowered": lowered, "depth_db": 12.0}
    assert checked_entry(entry)["original"] == original


# An internal error mid-session, patched in from outside: the first RIR question of the
# real session raises (the silent rehearsal before it, which has no journal, goes on).
BUG = """
import sys
import voicecoach.session.engine as engine
real = engine.Session._ask_rir
def boom(self, *args, **kwargs):
    if self.env.journal is None:
        return real(self, *args, **kwargs)
    raise RuntimeError("injected bug")
engine.Session._ask_rir = boom
from voicecoach.__main__ import main
sys.argv = ["voicecoach", *sys.argv[1:]]
sys.exit(main())
"""


def test_other_app_is_restored_after_an_internal_error(
    pulse: PulseServer, tmp_path: Path, voicecoach_home: Path, other_app: OtherApp
) -> None:
    """A bug that ends the run with exit 1 still puts the other app's volume back."""
    before = other_app.volume()
    routine = tmp_path / "music.yaml"
    routine.write_text(ROUTINE.replace("{reps}", "1"))
    seen = set()
    proc = subprocess.Popen(
        [PYTHON, "-c", BUG, "run", str(routine), "--audio", "stream"],
        env=voicecoach_env(voicecoach_home, **pulse.env()),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while proc.poll() is None:  # sample the volume through the whole run
        seen.add(tuple(other_app.volume() or ()))
        time.sleep(0.05)
    _, err = proc.communicate()
    assert proc.returncode == 1 and "internal error" in err, err
    assert any(v and v[0] < before[0] * 0.7 for v in seen), seen  # type: ignore[index]
    assert other_app.volume() == before
