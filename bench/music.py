"""Music under the coach: duck depth, ducked-before-the-word lead, mixing CPU, RSS.

    .venv/bin/python bench/run.py music

All music is generated here (tones and noise written as MP3, FLAC and Ogg
Vorbis with soundfile); no recorded music is used or shipped.

- duck depth: a dry-run render with a steady 55 Hz tone as the music; the
  tone's level inside each spoken clip against its level in the gaps.
- lead: the live stream into the null sink, with clips handed over as the
  engine does (``lookahead`` early, and at once with ``lead`` for replies to
  keys); the gains actually rendered give the time from fully ducked to the
  first frame of each clip. It must never be negative.
- CPU: the mixer rendering a session's timeline in device-sized chunks, with
  a decoded MP3/FLAC/Ogg playlist under it, against speech alone.
- RSS: decoding a two-hour playlist to the end against a one-minute one.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CHUNK = 1323  # frames the device asks for at a time (60 ms at 22,050 Hz)
SMALL_ROUTINE = (
    "name: Music bench\ncount_in: 0\nexercises:\n"
    "  - {use: upright-row, sets: 2, reps: '2', load: 100 lb, rest: 4s,\n"
    "     tempo: [pull 2, lower 2]}\n"
)


def _write(path: Path, seconds: float, hz: float, seed: int) -> Path:
    """A tone with noise over it, in the format the extension names."""
    import soundfile

    rate = 22050
    t = np.arange(int(seconds * rate)) / rate
    noise = np.random.default_rng(seed).standard_normal(len(t)) * 0.05
    data = (0.3 * np.sin(2 * np.pi * hz * t) + noise).astype("float32")
    with soundfile.SoundFile(str(path), "w", rate, 1) as f:
        for at in range(0, len(data), 16384):  # one big Vorbis write crashes libsndfile 1.2
            f.write(data[at : at + 16384])
    return path


def _playlist(work: Path, track_seconds: float, total_seconds: float, name: str) -> Path:
    """An .m3u naming three generated tracks (MP3, FLAC, Ogg) over and over."""
    tracks = [
        _write(work / f"{track_seconds:g}-a.mp3", track_seconds, 110, 1),
        _write(work / f"{track_seconds:g}-b.flac", track_seconds, 220, 2),
        _write(work / f"{track_seconds:g}-c.ogg", track_seconds, 330, 3),
    ]
    count = max(1, round(total_seconds / track_seconds))
    lines = [tracks[k % 3].name for k in range(count)]
    path = work / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _render(work: Path, routine: Path, music: Path) -> tuple[np.ndarray, int, list[tuple]]:  # type: ignore[type-arg]
    import soundfile

    wav, log = work / "music-bench.wav", work / "music-bench.jsonl"
    args = ["run", str(routine), "--dry-run", "--no-journal", "--record", str(wav)]
    args += ["--transcript", str(log), "--music", str(music)]
    env = dict(os.environ, VOICECOACH_HOME=str(work / "home-music"))
    subprocess.run([PY, "-m", "voicecoach", *args], env=env, capture_output=True, check=True)
    x, rate = soundfile.read(str(wav), dtype="int16")
    events = [json.loads(line) for line in log.read_text().splitlines()]
    spans = [(e["due"], e["due"] + e["duration"]) for e in events if e["kind"] in ("say", "sound")]
    return x, rate, spans


def bench_depth(work: Path, routine: Path, report: dict, Figure) -> list:  # type: ignore[no-untyped-def,type-arg]
    from music_helpers import tone_db, write_tone
    from voicecoach.audio.ducking import DuckShape

    x, rate, spans = _render(work, routine, write_tone(work / "tone.wav", 7))
    shape = DuckShape()
    inside = [tone_db(x, rate, a, b) for a, b in spans if b - a > 0.05]
    between = []
    for (_, end), (start, _) in itertools.pairwise(spans):
        a, b = end + shape.release + 0.01, start - shape.pre - shape.attack - 0.01
        if start - end >= shape.hold and b - a > 0.1:
            between.append(tone_db(x, rate, a, b))
    full = statistics.median(between)
    worst = full - max(inside)
    report["music_depth"] = {
        "clips": len(inside),
        "gaps": len(between),
        "level_between_dbfs": full,
        "level_inside_median_dbfs": statistics.median(inside),
        "level_inside_worst_dbfs": max(inside),
    }
    return [
        Figure(
            "music ducked under speech (worst clip)",
            worst,
            "dB",
            "music level between clips (0 dB)",
            0.0,
            "≥ 6 dB below the gaps in every clip",
            worst >= 6,
        )
    ]


class _Constant:
    def __init__(self, value: float):
        self.value = value

    def read(self, n: int) -> np.ndarray:
        return np.full(n, self.value, dtype=np.float32)

    def close(self) -> None:
        pass


def bench_lead(report: dict, Figure, quick: bool) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Time from fully ducked to each clip's first frame, in the live stream's rendered gains."""
    from voicecoach.audio.bed import MusicBed
    from voicecoach.audio.clips import RATE, Clip
    from voicecoach.audio.ducking import Ducker, DuckShape
    from voicecoach.audio.stream import StreamOutput
    from voicecoach.inputs.clock import SystemClock

    clock, out = SystemClock(), StreamOutput()
    out.start(clock.now())
    shape = DuckShape()
    out.mixer.music = MusicBed(_Constant(0.25), Ducker(shape, RATE), RATE, 1.0)
    rendered: list[tuple[int, bytes]] = []
    render = out.mixer.render

    def capture(n: int) -> bytes:
        start = out.mixer.position
        data = render(n)
        rendered.append((start, data))
        return data

    out.mixer.render = capture  # type: ignore[method-assign]
    starts: dict[str, list[int]] = {"lookahead": [], "at once": []}
    clip = Clip(bytes(2 * int(0.4 * RATE)))  # silent: the rendered frames are the music alone
    for k in range(6 if quick else 30):
        kind = "lookahead" if k % 2 == 0 else "at once"
        at = clock.now() + (out.lookahead if kind == "lookahead" else out.lead)
        starts[kind].append(out.frame_at(at))
        out.play(clip, at)
        clock.wait(clock.now() + 1.6)
    out.close()
    first = rendered[0][0]
    gains = np.concatenate([np.frombuffer(b, "<i2") for _, b in rendered]) / (0.25 * 32767)
    floor = shape.floor * 1.01
    leads: dict[str, list[float]] = {}
    for kind, frames in starts.items():
        for s in frames:
            i = s - first
            if gains[i] > floor:  # not down at the first frame: negative lead
                j = i + int(np.argmax(gains[i:] <= floor))
                leads.setdefault(kind, []).append(-(j - i) / RATE * 1000)
                continue
            above = np.flatnonzero(gains[:i] > floor)
            leads.setdefault(kind, []).append((i - (above[-1] + 1)) / RATE * 1000)
    report["music_lead_ms"] = {
        k: {"min": min(v), "median": statistics.median(v)} for k, v in leads.items()
    }
    report["music_late_clips"] = len(out.mixer.late_frames)
    worst = min(min(v) for v in leads.values())
    return [
        Figure(
            "music fully ducked before the first word (min, live)",
            worst,
            "ms",
            "planned lead (DuckShape.pre)",
            shape.pre * 1000,
            "never negative",
            worst >= 0,
        )
    ]


def bench_cpu(work: Path, spans: list[tuple], music: Path, report: dict, Figure) -> list:  # type: ignore[no-untyped-def,type-arg]
    """The mixer over a whole session's timeline, with and without a decoded playlist."""
    from voicecoach.audio.bed import MusicBed, gain_of
    from voicecoach.audio.clips import RATE, Clip
    from voicecoach.audio.ducking import Ducker, DuckShape
    from voicecoach.audio.mixer import Mixer
    from voicecoach.audio.music import MusicStream, Playlist, resolve

    rng = np.random.default_rng(0)
    end = int(max(b for _, b in spans) * RATE) + RATE

    def run(with_music: bool) -> float:
        mixer = Mixer(RATE)
        if with_music:
            stream = MusicStream(Playlist(resolve(music), lambda m: None), RATE)
            mixer.music = MusicBed(stream, Ducker(DuckShape(), RATE), RATE, gain_of(-6))
        for a, b in spans:
            noise = (rng.standard_normal(int((b - a) * RATE)) * 3000).astype("<i2")
            mixer.add(Clip(noise.tobytes()), int(a * RATE))
        t = time.process_time()
        while mixer.position < end:
            mixer.render(CHUNK)
        return time.process_time() - t

    plain = min(run(False) for _ in range(3))
    mixed = min(run(True) for _ in range(3))
    seconds = end / RATE
    report["music_cpu"] = {"session_s": seconds, "speech_only_s": plain, "with_music_s": mixed}
    return [
        Figure(
            "mixing CPU with music (per session)",
            mixed,
            "s",
            "speech only",
            plain,
            f"≤ 1 % of a core ({seconds:.0f} s of audio)",
            mixed <= seconds / 100,
        )
    ]


_RSS = """
import resource, sys
from pathlib import Path
from voicecoach.audio.music import MusicStream, Playlist, resolve
stream = MusicStream(Playlist(resolve(Path(sys.argv[1])), print), 22050)
frames = int(float(sys.argv[2]) * 22050)
while frames > 0:
    stream.read(min(frames, 1323))
    frames -= 1323
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (the bench,
# which holds a whole session's render), while VmHWM belongs to this program's memory.
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def bench_rss(work: Path, report: dict, Figure, quick: bool) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Peak RSS decoding a two-hour playlist to the end, against a one-minute one."""
    track = 20 if quick else 300
    long_s, short_s = (120, 20) if quick else (7200, 60)
    long_list = _playlist(work, track, long_s, "long.m3u")

    def peak(seconds: float) -> float:
        t = time.monotonic()
        done = subprocess.run(
            [PY, "-c", _RSS, str(long_list), str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        report.setdefault("music_decode_wall_s", {})[f"{seconds:g}"] = time.monotonic() - t
        return int(done.stdout.split()[-1]) / 1024

    short, long = peak(short_s), peak(long_s)
    report["music_rss_mb"] = {"playlist_s": long_s, "long": long, "short": short}
    return [
        Figure(
            f"peak RSS decoding a {long_s / 3600:g} h playlist",
            long,
            "MB",
            f"{short_s} s of the same playlist",
            short,
            "within 5 MB of the short one",
            long - short <= 5,
        )
    ]


def bench_music(work: Path, report: dict, Figure, quick: bool, pulse_env: dict) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Every music figure; the live lead plays into the bench's own PulseAudio."""
    os.environ.update(pulse_env)
    routine = work / "music-bench.yaml"
    if quick:
        routine.write_text(SMALL_ROUTINE)
    else:
        routine = Path(os.environ.get("BENCH_ROUTINE", ROOT / "bench" / "routines" / "bench.yaml"))
    figures = bench_depth(work, routine, report, Figure)
    figures += bench_lead(report, Figure, quick)
    music = _playlist(work, 20 if quick else 120, 60 if quick else 600, "cpu.m3u")
    _, _, spans = _render(work, routine, music)
    figures += bench_cpu(work, spans, music, report, Figure)
    figures += bench_rss(work, report, Figure, quick)
    report["music_self_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures
