"""Finding the D-Bus session bus, and saying plainly why there is none.

The media keys of a desktop, BlueZ's ``mpris-proxy`` (earbud buttons) and
``playerctl`` all talk to players on the *session* bus. Over SSH or on a
headless machine there is none, and voicecoach then runs exactly as without
buttons. The address comes from ``DBUS_SESSION_BUS_ADDRESS``, or, as libdbus
does under systemd, from the socket ``$XDG_RUNTIME_DIR/bus``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping

ENABLE = (
    "run from a desktop session, or start a bus for the run: "
    "dbus-run-session -- voicecoach run ROUTINE; for Bluetooth earbuds also run "
    "BlueZ's mpris-proxy in that session"
)


def session_bus_address(environ: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """``(address, how it was found)``, or ``(None, why there is none)``."""
    env = os.environ if environ is None else environ
    address = env.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if address:
        return address, "DBUS_SESSION_BUS_ADDRESS"
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if runtime:
        path = os.path.join(runtime, "bus")
        try:
            if stat.S_ISSOCK(os.stat(path).st_mode):
                return f"unix:path={path}", f"{path}"
        except OSError:
            pass
    return None, (
        "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no "
        "$XDG_RUNTIME_DIR/bus (an SSH or headless login)"
    )
