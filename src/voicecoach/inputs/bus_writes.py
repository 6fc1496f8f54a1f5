"""Keep a dbus-fast connection alive through a burst of outgoing messages.

dbus-fast writes to its non-blocking socket and treats a full send buffer
(``EAGAIN``, ``BlockingIOError``) as a broken connection: it closes the
socket and the player's bus name is gone for good. A hostile or buggy
client calling PlayPause 20,000 times in a second is enough, since every
call is answered. A full buffer is only a reason to wait: here the writer's
socket reports it as nothing sent yet, and the writer then waits until the
socket is writable again, exactly as after a partial write.

dbus-fast also logs what goes wrong on its thread through ``logging``; with
no handler configured, Python prints those tracebacks to stderr, over the
coach's screen. They are kept off it (the player keeps its own last problem).
"""

from __future__ import annotations

import logging
import socket
from typing import Any


class PatientSocket:
    """A socket whose ``send`` returns 0 instead of raising when the buffer is full."""

    def __init__(self, sock: socket.socket):
        self._sock = sock

    def send(self, data: Any, flags: int = 0) -> int:
        try:
            return self._sock.send(data, flags)
        except (BlockingIOError, InterruptedError):
            return 0  # nothing written yet: the writer waits for the socket to drain

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def steady(bus: object) -> bool:
    """Give the connected ``bus``'s writer a patient socket; False if this dbus-fast keeps
    its writer elsewhere (then a burst may still drop the connection, which the player
    notices and takes its name again)."""
    quiet_library_logs()
    writer = getattr(bus, "_writer", None)
    sock = getattr(writer, "sock", None)
    if isinstance(sock, PatientSocket):
        return True
    if not isinstance(sock, socket.socket):
        return False
    try:
        writer.sock = PatientSocket(sock)  # type: ignore[union-attr]
    except AttributeError:  # a compiled writer with fixed slots
        return False
    return True


def quiet_library_logs() -> None:
    """No dbus-fast log line reaches the terminal."""
    log = logging.getLogger("dbus_fast")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    log.propagate = False
