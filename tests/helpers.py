"""Test helpers: a private PulseAudio server, a monitor recorder, onset detection, a pty."""

from __future__ import annotations

import array
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RATE = 16000


class PulseServer:
    """``pulseaudio`` with a null sink ``earbuds``, in its own runtime dir."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.runtime = folder / "runtime"
        self.home = folder / "home"
        self.proc: subprocess.Popen[bytes] | None = None
        self.keepalive: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        return {
            "PULSE_SERVER": f"unix:{self.runtime / 'native'}",
            "PULSE_RUNTIME_PATH": str(self.runtime),
            "PULSE_COOKIE": str(self.home / "cookie"),
            "PULSE_SINK": "earbuds",
        }

    def start(self) -> None:
        self.runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.home.mkdir(parents=True, exist_ok=True)
        env = dict(
            os.environ,
            HOME=str(self.home),
            XDG_RUNTIME_DIR=str(self.folder),
            XDG_CONFIG_HOME=str(self.home),
            PULSE_RUNTIME_PATH=str(self.runtime),
        )
        env.pop("PULSE_SERVER", None)
        socket = self.runtime / "native"
        self.proc = subprocess.Popen(
            [
                "pulseaudio",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "-n",
                "--use-pid-file=no",
                "--disallow-exit",
                "--log-target=stderr",
                "--log-level=error",
                "--load=module-null-sink sink_name=earbuds rate=48000",
                f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
                "--load=module-always-sink",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not socket.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"pulseaudio did not start: {err}")
            time.sleep(0.05)
        wait_env = dict(os.environ, **self.env())
        while subprocess.run(["pactl", "info"], env=wait_env, capture_output=True).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError("pulseaudio does not answer")
            time.sleep(0.05)
        # A silent stream keeps the sink running, so recordings start at once.
        self.keepalive = subprocess.Popen(
            [
                "pacat",
                "--playback",
                "--raw",
                "--format=s16le",
                "--rate=16000",
                "--channels=1",
                "--device=earbuds",
                "/dev/zero",
            ],
            env=wait_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        for p in (self.keepalive, self.proc):
            if p is not None and p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()

    def record(self, path: Path, rate: int = RATE) -> MonitorRecording:
        return MonitorRecording(path, dict(os.environ, **self.env()), rate)


MIC_RATE = 16000  # what the listener captures; the mic sink runs at it, so nothing resamples


def add_mic(pulse: PulseServer) -> list[str]:
    """A ``mic`` null sink heard by the default source, ``virtual_mic``: a virtual microphone.

    The source is a remap of the sink's monitor, so the sound server lists it as a
    microphone (not a monitor), as it does a real one. Returns the modules loaded,
    for ``remove_mic``. The coach keeps playing into ``earbuds`` (PULSE_SINK), so
    the microphone hears only what is played into ``mic``.
    """
    env = dict(os.environ, **pulse.env())
    loaded = [
        _load(env, "module-null-sink", "sink_name=mic", f"rate={MIC_RATE}"),
        _load(
            env,
            "module-remap-source",
            "master=mic.monitor",
            "source_name=virtual_mic",
            "source_properties='device.description=\"Virtual Microphone\"'",
        ),
    ]
    subprocess.run(["pactl", "set-default-source", "virtual_mic"], env=env, check=True)
    return loaded


def _load(env: dict[str, str], module: str, *args: str) -> str:
    """``pactl load-module``; returns the module's index."""
    return subprocess.run(
        ["pactl", "load-module", module, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def add_bluetooth_headset(pulse: PulseServer, profile: str = "headset_head_unit") -> list[str]:
    """A fake Bluetooth headset: a null sink ``bt_out`` and a source named and described as
    BlueZ's (``bluez_input.…``, device.bus=bluetooth, the profile as bluetooth.protocol),
    hearing what is played into ``bt_out``. Returns the modules, for ``remove_mic``."""
    env = dict(os.environ, **pulse.env())
    props = (
        'device.description="Fake Buds" device.bus=bluetooth device.api=bluez5 '
        f"device.form_factor=headset bluetooth.protocol={profile}"
    )
    return [
        _load(env, "module-null-sink", "sink_name=bt_out", f"rate={MIC_RATE}"),
        _load(
            env,
            "module-remap-source",
            "master=bt_out.monitor",
            "source_name=bluez_input.00_11_22_33_44_55.0",
            f"source_properties='{props}'",
        ),
    ]


def remove_mic(pulse: PulseServer, modules: list[str]) -> None:
    """Unload the modules, so later users of the same server see the usual set-up."""
    env = dict(os.environ, **pulse.env())
    for module in reversed(modules):
        subprocess.run(["pactl", "unload-module", module], env=env, check=False)


class MonitorRecording:
    """``parec`` of the null sink's monitor: what a listener would hear, 16 kHz mono."""

    def __init__(self, path: Path, env: dict[str, str], rate: int = RATE):
        self.path = path
        self.env = env
        self.rate = rate
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MonitorRecording:
        self.file = self.path.open("wb")
        self.proc = subprocess.Popen(
            [
                "parec",
                "--device=earbuds.monitor",
                "--raw",
                "--format=s16le",
                f"--rate={self.rate}",
                "--channels=1",
                "--latency-msec=20",
            ],
            env=self.env,
            stdout=self.file,
            stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.file.close()

    def wait_for_onsets(self, count: int, timeout: float = 10.0) -> list[float]:
        """Poll the growing recording until ``count`` onsets are in it (or time runs out)."""
        deadline = time.monotonic() + timeout
        found: list[float] = []
        while time.monotonic() < deadline:
            self.file.flush()
            found = onsets(self.samples(), self.rate)
            if len(found) >= count:
                break
            time.sleep(0.02)  # polling a condition, not waiting for a guessed interval
        return found

    def samples(self) -> array.array[int]:
        a = array.array("h")
        a.frombytes(self.path.read_bytes()[: (self.path.stat().st_size // 2) * 2])
        return a


def onsets(
    samples: array.array[int], rate: int = RATE, threshold: int = 1500, min_gap: float = 0.25
) -> list[float]:
    """Seconds at which sound starts after at least ``min_gap`` of quiet."""
    out: list[float] = []
    last_loud = -(10**9)
    gap = int(min_gap * rate)
    for i, v in enumerate(samples):
        if v > threshold or v < -threshold:
            if i - last_loud > gap:
                out.append(i / rate)
            last_loud = i
    return out


PYTHON = sys.executable


class Terminal:
    """The parent side of a pty: ``expect`` reads until text appears after the last match."""

    def __init__(self, master: int):
        self.master = master
        self.seen = bytearray()
        self.pos = 0

    def expect(self, needle: bytes, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            at = self.seen.find(needle, self.pos)
            if at >= 0:
                self.pos = at + len(needle)
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            ready, _, _ = select.select([self.master], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            self.seen.extend(chunk)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def drain(self, timeout: float = 2.0) -> None:
        """Read what is left after the process has exited."""
        self.expect(b"\x00never\x00", timeout)

    @property
    def text(self) -> str:
        return self.seen.decode(errors="replace")


def mini_routine(sets: int = 2, reps: str = "3", name: str = "Mini") -> str:
    """A routine that runs in seconds of real time: one short set-up cue, no count-in,
    one-second phases and a short rest. For the end-to-end tests."""
    return (
        f"name: {name}\ncount_in: 0\nexercises:\n"
        f"  - {{use: upright-row, sets: {sets}, reps: '{reps}', load: 100 lb, rest: 3s,\n"
        f"     tempo: [pull 1, lower 1]}}\n"
    )


def voicecoach_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a voicecoach subprocess: its own home, unbuffered output."""
    return dict(os.environ, VOICECOACH_HOME=str(home), PYTHONUNBUFFERED="1", **extra)


def start_in_terminal(
    args: list[str], env: dict[str, str], columns: int | None = None
) -> tuple[subprocess.Popen[bytes], Terminal, int, list]:  # type: ignore[type-arg]
    """Start ``voicecoach ARGS`` on a new pty; returns the process, its terminal, the pty's
    slave fd (kept open so its modes can be checked after exit) and those modes now.
    ``columns`` sets the pty's width before the process starts."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    if columns is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(
        [PYTHON, "-m", "voicecoach", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    return proc, Terminal(master), slave, before


@contextmanager
def in_terminal(
    args: list[str], env: dict[str, str], columns: int | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], Terminal]]:
    """``start_in_terminal`` for a ``with``: the process is killed if the block leaves it
    running, and both ends of the pty are closed."""
    proc, term, slave, _ = start_in_terminal(args, env, columns)
    try:
        yield proc, term
    finally:
        close_terminal(proc, term, slave)


def close_terminal(
    proc: subprocess.Popen[bytes], term: Terminal, slave: int, drain: float = 0.0
) -> None:
    """Kill the process if it still runs, read for ``drain`` seconds what it printed last,
    and close both ends of its pty."""
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    if drain:
        term.drain(drain)
    os.close(term.master)
    os.close(slave)


def run_voicecoach(
    args: list[str], env: dict[str, str], timeout: float = 180, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """``voicecoach ARGS`` to completion with no stdin (unless given), output captured."""
    if "input" not in kwargs:
        kwargs.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(
        [PYTHON, "-m", "voicecoach", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )  # type: ignore[call-overload]


def screen_lines(data: bytes) -> list[str]:
    """What a terminal would show for ``data``: carriage return, line feed and erase-line
    (``ESC [ K``) are obeyed, other CSI sequences (colours) dropped. For checking that
    a line a person reads is whole, not the bytes that drew it."""
    import re

    lines = [""]
    col = 0
    text = data.decode("utf-8", "replace")
    i = 0
    csi = re.compile(r"\x1b\[[0-9;?]*([A-Za-z])")
    while i < len(text):
        ch = text[i]
        m = csi.match(text, i)
        if m:
            if m.group(1) == "K":
                lines[-1] = lines[-1][:col]
            i = m.end()
            continue
        if ch == "\r":
            col = 0
        elif ch == "\n":
            lines.append("")
            col = 0
        else:
            line = lines[-1]
            lines[-1] = line[:col] + ch + line[col + 1 :]
            col += 1
        i += 1
    return lines


def journal_of_one_session(db: Path, routine: str, answers: str) -> Path:
    """A journal holding one completed (not dry-run) session of a built-in ``routine``,
    run on virtual time with scripted ``answers``: a real SQLite file to export or read."""
    from collections import deque

    from voicecoach.journal.store import Journal
    from voicecoach.routines.catalog import load
    from voicecoach.session.answers import parse_answers
    from voicecoach.session.engine import Session
    from voicecoach.session.environment import Environment
    from voicecoach.speech.base import Voice
    from voicecoach.speech.estimate import EstimateRenderer
    from voicecoach.testing import FakeClock

    j = Journal(db)
    env = Environment(
        clock=FakeClock(),
        voice=Voice(EstimateRenderer()),
        journal=j,
        answers=deque(parse_answers(answers)),
    )
    assert Session(load(routine), env).run().status == "completed"
    j.close()
    return db
