"""Lower other programs' sound (a music app, a browser) while the coach speaks.

Through pulsectl on PulseAudio, or on PipeWire through its PulseAudio server:
every playback stream ("sink input") that is not ours is turned down by the
duck depth from just before each clip until just after it, and put back.

The volumes are restored on every way out: the runner closes this in a
``finally``, which normal ends, Ctrl-C, SIGTERM, SIGHUP and errors all pass
through. Only SIGKILL skips it, so the original volumes are written to a
small state file before anything is lowered; the next start puts back the
ones it still finds lowered. A volume the lifter changed meanwhile is left
as they set it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from voicecoach import paths
from voicecoach.audio.clips import Clip

LEAD = 0.15  # lowered this long before the first word (a volume change is not sample-exact)
RELEASE = 0.4  # back up this long after the last word
HOLD = 1.0  # words closer than this keep the others down: no pumping through a count
RESCAN = 0.5  # while lowered, look this often for streams that started meanwhile
SAME = 2.5 / 65536  # pulse volumes are integers over 65536: equal within rounding
# The loudest volume a stream is put back to: PulseAudio's own UI maximum (153 %, +11 dB).
MAX_VOLUME = 1.53
MAX_DEPTH_DB = 60.0  # the deepest duck the duck_db setting allows
MAX_CHANNELS = 32  # PA_CHANNELS_MAX


def _connect():
    import pulsectl

    pulse = pulsectl.Pulse("voicecoach-duck", connect=False)
    pulse.connect(timeout=1.0)
    return pulse


def _same(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= SAME for x, y in zip(a, b, strict=True))


def _save(path: Path, lowered: dict[int, dict]) -> None:
    """Write (or remove) the state file before the volumes change, atomically."""
    if not lowered:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(list(lowered.values()), f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _factor(depth_db: float) -> float:
    return float(10 ** (-depth_db / 60))  # pulse volumes are cubic: amplitude = v ** 3


def _volumes(value: object, what: str) -> list[float]:
    """A list of channel volumes, each a finite number in [0, MAX_VOLUME]; else ValueError."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_CHANNELS:
        raise ValueError(f"{what} is not a list of 1 to {MAX_CHANNELS} channel volumes")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= MAX_VOLUME:
            raise ValueError(f"{what} holds {v!r}; a volume is a number from 0 to {MAX_VOLUME}")
        out.append(float(v))
    return out


def checked_entry(entry: object) -> dict:
    """One entry of the state file, or ValueError saying what is wrong with it.

    The file is ours, but it lies on disk between runs, and what it says is
    applied to another program's volume. So ``original`` must be a sane volume
    and exactly what ``lowered`` was made from at the recorded depth: an
    edited ``original`` (the finding: +29 dB on the lifter's music) is refused,
    never applied. The most a restore can do is undo one duck.
    """
    if not isinstance(entry, dict):
        raise ValueError("an entry is not an object")
    index, name, depth = entry.get("index"), entry.get("name"), entry.get("depth_db")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError(f"index {index!r} is not a stream number")
    if not isinstance(name, str):
        raise ValueError(f"name {name!r} is not text")
    if isinstance(depth, bool) or not isinstance(depth, int | float):
        raise ValueError("depth_db is missing (written by an older voicecoach)")
    if not 0 <= depth <= MAX_DEPTH_DB:
        raise ValueError(f"depth_db {depth!r} is not from 0 to {MAX_DEPTH_DB:g}")
    original = _volumes(entry.get("original"), "original")
    lowered = _volumes(entry.get("lowered"), "lowered")
    if len(original) != len(lowered):
        raise ValueError("original and lowered have different channel counts")
    factor = _factor(depth)
    if any(abs(o * factor - low) > 2 * SAME for o, low in zip(original, lowered, strict=True)):
        raise ValueError(
            f"original {original} is not what lowered {lowered} was made from at "
            f"{depth:g} dB; the file was changed"
        )
    return {"index": index, "name": name, "original": original, "lowered": lowered}


def restore_stale(state: Path, warn: Callable[[str], None]) -> int:
    """Put back volumes a killed run left lowered; returns how many were restored."""
    if not state.exists():
        return 0
    try:
        raw = json.loads(paths.read_text(state, paths.STATE_LIMIT))
    except OSError as exc:
        warn(f"could not restore other apps' volumes from {state}: {paths.why_unreadable(exc)}")
        return 0
    except ValueError as exc:  # not JSON, or not UTF-8: nothing in it can be trusted
        warn(f"ignored {state}: it is not the JSON voicecoach writes ({exc})")
        state.unlink(missing_ok=True)
        return 0
    entries, bad = [], []
    for entry in raw if isinstance(raw, list) else [raw]:
        try:
            entries.append(checked_entry(entry))
        except ValueError as exc:
            bad.append(str(exc))
    if bad:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        warn(f"{state}: not restoring {len(bad)} stream(s): {bad[0]}{more}")
    try:
        pulse = _connect()
    except Exception as exc:  # no server now: try again next start
        warn(f"could not restore other apps' volumes from {state}: {exc}")
        return 0
    restored = 0
    try:
        current = {si.index: si for si in pulse.sink_input_list()}
        for entry in entries:
            si = current.get(entry["index"])
            if si is None or si.name != entry["name"]:
                continue
            if _same(si.volume.values, entry["lowered"]):
                _set(pulse, si, entry["original"])
                restored += 1
    except Exception as exc:  # pulsectl.PulseError: the server went away mid-way
        warn(f"could not restore other apps' volumes: {exc}")
        return restored
    finally:
        pulse.close()
    state.unlink(missing_ok=True)
    return restored


def _set(pulse, si, values: list[float]) -> None:
    import pulsectl

    pulse.sink_input_volume_set(si.index, pulsectl.PulseVolumeInfo(list(values)))


class OtherApps:
    """A worker that lowers and restores the other streams on the coach's timeline."""

    def __init__(self, pulse, state: Path, depth_db: float, warn: Callable[[str], None]):
        self._pulse = pulse
        self.state = state
        self.depth_db = depth_db
        self.factor = _factor(depth_db)
        self.warn = warn
        self._spans: list[tuple[float, float]] = []  # (start, end) on time.monotonic()
        self._lowered: dict[int, dict] = {}
        self._cond = threading.Condition()
        self._stop = False
        self._pulse_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="duck-others", daemon=True)
        self._thread.start()

    @classmethod
    def open(cls, state: Path, depth_db: float, warn: Callable[[str], None]) -> OtherApps | None:
        """Connect, or say once that this is not available and return None."""
        try:
            pulse = _connect()
        except Exception as exc:  # ImportError/OSError (no libpulse), PulseError (no server)
            warn(
                "lowering other apps while the coach speaks needs a PulseAudio or PipeWire "
                f"sound server ({exc}); going on without it (--no-duck-others hides this)"
            )
            return None
        return cls(pulse, state, depth_db, warn)

    def speak(self, start: float, end: float) -> None:
        """The coach speaks from ``start`` to ``end`` (time.monotonic seconds)."""
        with self._cond:
            self._spans.append((start, end))
            self._spans.sort()
            self._cond.notify()

    def cancel_after(self, t: float) -> None:
        with self._cond:
            self._spans = [s for s in self._spans if s[0] <= t]
            self._cond.notify()

    def close(self) -> None:
        """Stop, and put every stream back; safe to call twice."""
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(2.0)
        with self._pulse_lock:
            if self._pulse is None:
                return
            self._restore()
            self._pulse.close()
            self._pulse = None

    def _speaking(self, now: float) -> tuple[bool, float | None]:
        """Whether the others should be down now, and when that next changes."""
        merged: list[list[float]] = []
        for s, e in self._spans:
            if merged and s - merged[-1][1] < HOLD:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._spans = [(s, e) for s, e in self._spans if e + RELEASE + HOLD > now]
        down, change = False, None
        for s, e in merged:
            a, b = s - LEAD, e + RELEASE
            if a <= now < b:
                down, change = True, b
                break
            if a > now:
                change = a
                break
        return down, change

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                now = time.monotonic()
                down, change = self._speaking(now)
            with self._pulse_lock:
                if self._pulse is None:
                    return
                try:
                    self._lower() if down else self._restore()
                except Exception as exc:  # the server went away: stop trying, say once
                    self.warn(f"stopped lowering other apps: {exc}")
                    return
            wait = None if change is None else max(0.0, change - time.monotonic())
            if down:
                wait = RESCAN if wait is None else min(wait, RESCAN)
            with self._cond:
                if not self._stop:
                    self._cond.wait(wait)

    def _lower(self) -> None:
        """Turn down every stream that is not ours and not down already."""
        me = str(os.getpid())
        todo = []
        for si in self._pulse.sink_input_list():
            if si.index in self._lowered or si.proplist.get("application.process.id") == me:
                continue
            original = list(si.volume.values)
            todo.append((si, original, [v * self.factor for v in original]))
        if not todo:
            return
        for si, original, lowered in todo:
            self._lowered[si.index] = {
                "index": si.index,
                "name": si.name,
                "original": original,
                "lowered": lowered,
                "depth_db": self.depth_db,  # so the next start can check original against lowered
            }
        _save(self.state, self._lowered)  # before the change: a SIGKILL now loses nothing
        for si, _, lowered in todo:
            _set(self._pulse, si, lowered)
            # pulse rounds the value; keep what it stored, so "still lowered" compares equal
            self._lowered[si.index]["lowered"] = [round(v * 65536) / 65536 for v in lowered]
        _save(self.state, self._lowered)

    def _restore(self) -> None:
        """Put back what we lowered, unless the lifter has changed it since."""
        if not self._lowered:
            return
        current = {si.index: si for si in self._pulse.sink_input_list()}
        for index, entry in list(self._lowered.items()):
            si = current.get(index)
            if si is not None and _same(si.volume.values, entry["lowered"]):
                _set(self._pulse, si, entry["original"])
            del self._lowered[index]
        _save(self.state, self._lowered)


class DuckOthersOutput:
    """Wraps the live output: each clip it plays also lowers the other apps around it.

    The connection to the sound server is made off the path to the first word
    (it may take a second), so ``apps`` may come later, through :meth:`attach`;
    a clip handed over before then is simply not ducked.
    """

    def __init__(self, inner, apps: OtherApps | None = None):
        self.inner = inner
        self.apps = apps
        self.name = inner.name
        self.lookahead = inner.lookahead
        self.lead = inner.lead
        self._lock = threading.Lock()
        self._closed = False

    def attach(self, apps: OtherApps) -> bool:
        """From the connecting thread; after :meth:`close_apps` the late ``apps`` is closed."""
        with self._lock:
            if not self._closed:
                self.apps = apps
                return True
        apps.close()
        return False

    def start(self, now: float) -> None:
        self.inner.start(now)

    def play(self, clip: Clip, at: float) -> None:
        apps = self.apps
        if apps is not None:
            apps.speak(at, at + clip.seconds)
        self.inner.play(clip, at)

    def cancel_after(self, at: float) -> None:
        apps = self.apps
        if apps is not None:
            apps.cancel_after(at)
        self.inner.cancel_after(at)

    def healthy(self) -> bool:
        return bool(self.inner.healthy())

    def close_apps(self) -> None:
        """Put the other apps back up now; safe to call twice, and before a late attach."""
        with self._lock:
            self._closed = True
            apps, self.apps = self.apps, None
        if apps is not None:
            apps.close()

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.close_apps()


def duck_others(output, depth_db: float, state: Path, warn: Callable[[str], None]):
    """``output`` wrapped so that the other apps go down under its clips, if a server answers."""
    if output.name == "none":
        return output  # the coach is not heard: nothing to make room for
    apps = OtherApps.open(state, depth_db, warn)
    return output if apps is None else DuckOthersOutput(output, apps)


def connect_later(
    ducked: DuckOthersOutput, depth_db: float, state: Path, warn: Callable[[str], None]
) -> Callable[[], None]:
    """The background task that connects and hands the worker to ``ducked``."""

    def connect() -> None:
        apps = OtherApps.open(state, depth_db, warn)
        if apps is not None:
            ducked.attach(apps)

    return connect
