"""Keys from media buttons merged with the keyboard, through real pipes and threads, and
finding the session bus."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

from voicecoach.inputs.bus import session_bus_address
from voicecoach.inputs.button_keys import ButtonKeys
from voicecoach.inputs.clock import SystemClock
from voicecoach.inputs.keys import LineKeys


def test_a_key_injected_from_another_thread_ends_the_wait() -> None:
    """A press on the bus thread wakes the engine's wait long before its deadline."""
    keys = ButtonKeys(None)
    clock = SystemClock(keys)
    start = clock.now()
    presser = threading.Thread(target=keys.inject, args=("\n",))
    presser.start()
    try:
        assert clock.wait(start + 60) == "\n"
        assert clock.now() < start + 60
    finally:
        presser.join()
        keys.close()


def test_keyboard_keys_still_arrive() -> None:
    """Lines from a piped keyboard come through the merged source, in order, then EOF."""
    read, write = os.pipe()
    keys = ButtonKeys(LineKeys(read))
    clock = SystemClock(keys)
    os.write(write, b"2\n\n")
    os.close(write)
    try:
        got = [clock.wait(clock.now() + 10), clock.wait(clock.now() + 10)]
        assert got == ["2", "\n"]
        keys.inject("s")  # the keyboard is at EOF; buttons still work
        assert clock.wait(clock.now() + 10) == "s"
    finally:
        keys.close()
        os.close(read)


def test_stdin_from_dev_null_is_read_at_once() -> None:
    """/dev/null cannot be watched by epoll; it is read to EOF and buttons still work."""
    fd = os.open(os.devnull, os.O_RDONLY)
    keyboard = LineKeys(fd)
    keys = ButtonKeys(keyboard)
    try:
        assert keyboard.fileno() is None
        keys.inject(" ")
        assert SystemClock(keys).wait(1e12) == " "
    finally:
        keys.close()
        os.close(fd)


def test_bus_address_from_the_environment() -> None:
    """DBUS_SESSION_BUS_ADDRESS wins."""
    address, how = session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"})
    assert (address, how) == ("unix:path=/x", "DBUS_SESSION_BUS_ADDRESS")


def test_bus_address_from_the_runtime_dir_socket(tmp_path: Path) -> None:
    """Without the variable, a socket at $XDG_RUNTIME_DIR/bus is the bus, as libdbus finds it."""
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "bus"))
    try:
        address, _ = session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)})
        assert address == f"unix:path={tmp_path / 'bus'}"
    finally:
        sock.close()


def test_no_bus_says_why(tmp_path: Path) -> None:
    """No variable and no socket: no address, and a reason a person can act on."""
    address, why = session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)})
    assert address is None
    assert "DBUS_SESSION_BUS_ADDRESS is not set" in why
