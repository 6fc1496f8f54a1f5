"""Test helpers for media buttons: a private D-Bus session bus and plain dbus clients.

The bus is a real ``dbus-daemon --session`` with its own address, so a test
never touches the user's desktop session. The clients are the stock
``dbus-send`` (method calls, property reads) and ``dbus-monitor`` (signals):
the same wire protocol a desktop, ``mpris-proxy`` or ``playerctl`` uses; and
``playerctl`` itself, the MPRIS client users reach for.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

DEST = "org.mpris.MediaPlayer2.voicecoach"
PATH = "/org/mpris/MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"


class SessionBus:
    """A private session bus daemon; ``address`` is its DBUS_SESSION_BUS_ADDRESS."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--print-address", "--nofork"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # it complains it may not raise its fd limit
            text=True,
        )
        assert self.proc.stdout is not None
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("dbus-daemon printed no address")

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
        self.send(f"--dest={DEST}", PATH, f"{PLAYER}.{method}")

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
