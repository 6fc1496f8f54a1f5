"""Test helpers for media buttons: a private D-Bus session bus and plain dbus clients.

The bus is a real ``dbus-daemon --session`` with its own address, so a test
never touches the user's desktop session. The clients are the stock
``dbus-send`` (method calls, property reads) and ``dbus-monitor`` (signals):
the same wire protocol a desktop, ``mpris-proxy`` or ``playerctl`` uses; and
``playerctl`` itself, the MPRIS client users reach for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Terminal, close_terminal, start_in_terminal, voicecoach_env

DEST = "org.mpris.MediaPlayer2.voicecoach"
PATH = "/org/mpris/MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"


class SessionBus:
    """A private session bus daemon; ``address`` is its DBUS_SESSION_BUS_ADDRESS."""

    def __init__(self, listen: str | None = None) -> None:
        """``listen``: a fixed address (``unix:path=...``), so a test can start the bus
        again where a running player will look for it."""
        where = [f"--address={listen}"] if listen else []
        self.proc = subprocess.Popen(
            ["dbus-daemon", "--session", *where, "--print-address", "--nofork"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # it complains it may not raise its fd limit
            text=True,
        )
        assert self.proc.stdout is not None
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("dbus-daemon printed no address")
        self._last_press = 0.0

    def env(self) -> dict[str, str]:
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def send(self, *args: str, timeout: float = 5.0) -> str:
        """``dbus-send --print-reply`` to the player; returns the reply text."""
        done = subprocess.run(
            ["dbus-send", f"--bus={self.address}", "--print-reply", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(done.stderr.strip())
        return done.stdout

    def press(self, method: str) -> None:
        """Call a Player method (PlayPause, Next, Previous, ...), as a headset button does."""
        self._like_a_thumb()
        self.send(f"--dest={DEST}", PATH, f"{PLAYER}.{method}")

    def flood(self, method: str, count: int) -> tuple[int, int, float]:
        """:func:`flood` this bus's player; the next press comes a thumb's gap after it."""
        try:
            return flood(self.address, method, count)
        finally:
            self._last_press = time.monotonic()

    def _like_a_thumb(self) -> None:
        """Presses come no faster than a person can press: the player collapses faster
        ones as a flood (``HUMAN_GAP``). The spacing is the press's own timing, not a wait
        for the player."""
        from voicecoach.inputs.press_gate import HUMAN_GAP

        due = self._last_press + 2 * HUMAN_GAP
        while (now := time.monotonic()) < due:
            time.sleep(due - now)
        self._last_press = time.monotonic()

    def get(self, prop: str, interface: str = PLAYER) -> str:
        return self.send(
            f"--dest={DEST}",
            PATH,
            "org.freedesktop.DBus.Properties.Get",
            f"string:{interface}",
            f"string:{prop}",
        )

    def has_player(self) -> bool:
        reply = self.send(
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            f"string:{DEST}",
        )
        return "boolean true" in reply

    def wait_for_player(self, timeout: float = 60.0) -> bool:
        """Poll until the player's name is on the bus (a condition, not a guessed delay)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.has_player():
                return True
            time.sleep(0.05)
        return False

    def playerctl(self, *args: str, timeout: float = 5.0) -> str:
        """``playerctl --player=voicecoach ARGS`` on this bus: a real MPRIS client, as a
        user or a desktop widget drives players. Returns its output, stripped."""
        if args and args[0] in ("play-pause", "play", "pause", "next", "previous"):
            self._like_a_thumb()
        done = subprocess.run(
            ["playerctl", "--player=voicecoach", *args],
            env=dict(os.environ, **self.env()),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"playerctl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def playerctl_until(
        self, want: Callable[[str], bool], *args: str, timeout: float = 10.0
    ) -> str:
        """Ask ``playerctl ARGS`` again until its answer satisfies ``want`` (the engine's
        event reaches the screen and the player from one thread, in either order), and
        return the last answer, so a failing assert shows it."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.playerctl(*args)
            if want(answer) or time.monotonic() > deadline:
                return answer
            time.sleep(0.05)

    def monitor(self, path: Path) -> subprocess.Popen[bytes]:
        """``dbus-monitor`` of the player's PropertiesChanged signals, into ``path``."""
        rule = (
            "type='signal',interface='org.freedesktop.DBus.Properties',"
            f"member='PropertiesChanged',path='{PATH}'"
        )
        out = path.open("wb")
        proc = subprocess.Popen(
            ["dbus-monitor", "--address", self.address, rule],
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        # It prints NameLost once it has become a monitor: from then on it sees every signal.
        while b"NameLost" not in path.read_bytes():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("dbus-monitor did not start")
            time.sleep(0.02)
        return proc

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# A second program owning an MPRIS name, as Spotify or a browser does: it holds the name
# until its stdin closes.
_OWNER = """
import asyncio, sys
from dbus_fast.aio import MessageBus
from dbus_fast import BusType

async def main():
    bus = await MessageBus(bus_address=sys.argv[1], bus_type=BusType.SESSION).connect()
    await bus.request_name(sys.argv[2])
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main())
"""


class OtherPlayer:
    """Another media player's name on the bus (``org.mpris.MediaPlayer2.NAME``)."""

    def __init__(self, bus: SessionBus, name: str, python: str):
        self.proc = subprocess.Popen(
            [python, "-c", _OWNER, bus.address, f"org.mpris.MediaPlayer2.{name}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the other player did not take its name")

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def flood(address: str, method: str, count: int, dest: str = DEST) -> tuple[int, int, float]:
    """Call a Player method ``count`` times as one burst, as a hostile or broken client
    does, and read every reply. Returns (method returns, errors, seconds until the last
    reply). A raw blocking socket, not dbus-fast: its writer gives up on a full send
    buffer, which a burst of 20,000 calls always meets."""
    import socket
    import struct
    import threading

    from dbus_fast import Message

    if not address.startswith("unix:"):
        raise ValueError(f"not a unix socket address: {address}")
    parts = dict(p.split("=", 1) for p in address[len("unix:") :].split(","))
    path = parts["path"] if "path" in parts else "\0" + parts["abstract"]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(60)
    sock.connect(path)

    def call(serial: int, **fields: str) -> bytes:
        return bytes(Message(serial=serial, **fields)._marshall(False))

    hello = call(
        1,
        destination="org.freedesktop.DBus",
        path="/org/freedesktop/DBus",
        interface="org.freedesktop.DBus",
        member="Hello",
    )
    burst = b"".join(
        call(n, destination=dest, path=PATH, interface=PLAYER, member=method)
        for n in range(2, count + 2)
    )
    counts = {2: 0, 3: 0}  # METHOD_RETURN, ERROR

    def read_replies() -> None:
        buf = b""
        while counts[2] + counts[3] < count + 1:  # and Hello's
            chunk = sock.recv(1 << 16)
            if not chunk:
                return
            buf += chunk
            while len(buf) >= 16:
                order = "<" if buf[:1] == b"l" else ">"
                body, fields = struct.unpack(order + "I4xI", buf[4:16])
                size = 16 + fields + (-fields % 8) + body
                if len(buf) < size:
                    break
                if buf[1] in counts:
                    counts[buf[1]] += 1
                buf = buf[size:]

    try:
        sock.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
        if not sock.recv(4096).startswith(b"OK"):
            raise RuntimeError("the bus refused the flood client")
        sock.sendall(b"BEGIN\r\n")
        reader = threading.Thread(target=read_replies, daemon=True)
        started = time.monotonic()
        reader.start()
        sock.sendall(hello + burst)
        reader.join(60)
        took = time.monotonic() - started
    finally:
        sock.close()
    return counts[2] - 1, counts[3], took


# --- a run on a private bus -----------------------------------------------------------------
FAST = ["--audio", "none", "--engine", "estimate"]  # text only, estimated durations


def need_tools(*tools: str) -> None:
    """Skip without the stock D-Bus tools; under CI (``CI`` set) their absence fails."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{'/'.join(missing)} missing under CI: run scripts/install.sh --test")
        pytest.skip(f"{' and '.join(missing)} needed for the media button tests")


def start_on_bus(
    folder: Path, home: Path, bus_env: dict[str, str], routine: str, *extra: str
) -> tuple[subprocess.Popen[bytes], Terminal, int, Path]:
    """``voicecoach run`` of ``routine`` (FAST, a JSONL transcript) in a pty on a bus.
    Returns the process, its terminal, the pty's slave fd and the transcript's path."""
    path = folder / "routine.yaml"
    path.write_text(routine)
    transcript = folder / "run.jsonl"
    proc, term, slave, _ = start_in_terminal(
        ["run", str(path), *FAST, "--transcript", str(transcript), *extra],
        voicecoach_env(home, **bus_env),
    )
    return proc, term, slave, transcript


def finish_run(proc: subprocess.Popen[bytes], term: Terminal, slave: int) -> None:
    """The run exits 0 by itself (else it is killed); what it printed last is read; the
    pty is closed."""
    try:
        assert proc.wait(60) == 0, term.text
    finally:
        close_terminal(proc, term, slave, drain=1)
