"""Key reading through a real pseudo-terminal, and pipes."""

from __future__ import annotations

import os
import pty
import resource
import termios
import time

from voicecoach.inputs.clock import SystemClock
from voicecoach.inputs.keys import ENTER, LineKeys, TerminalKeys


def test_single_keys_without_enter_and_terminal_restored() -> None:
    """In cbreak mode each key arrives alone; closing restores ICANON and ECHO."""
    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        keys = TerminalKeys(slave)
        with keys:
            mode = termios.tcgetattr(slave)
            assert not mode[3] & termios.ICANON and not mode[3] & termios.ECHO
            assert mode[3] & termios.ISIG  # Ctrl-C still raises SIGINT
            os.write(master, b"2 q\r")
            clock = SystemClock(keys)
            got = [clock.wait(time.monotonic() + 2) for _ in range(4)]
            assert got == ["2", " ", "q", ENTER]
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_wait_returns_none_at_deadline_without_keys() -> None:
    """No key: wait returns None at the deadline, not before."""
    master, slave = pty.openpty()
    try:
        with TerminalKeys(slave) as keys:
            clock = SystemClock(keys)
            deadline = time.monotonic() + 0.2
            assert clock.wait(deadline) is None
            assert time.monotonic() >= deadline
    finally:
        os.close(master)
        os.close(slave)


def test_pipe_lines_are_answers_and_eof_stops_polling() -> None:
    """From a pipe, each line is a key; at EOF the reader stops polling."""
    r, w = os.pipe()
    os.write(w, b"3\n\nq\n")
    os.close(w)
    keys = LineKeys(r)
    clock = SystemClock(keys)
    got = [clock.wait(time.monotonic() + 1) for _ in range(3)]
    assert got == ["3", ENTER, "q"]
    assert clock.wait(time.monotonic() + 0.1) is None
    assert keys.fileno() is None
    os.close(r)


def test_waiting_on_dev_null_does_not_spin() -> None:
    """Stdin at EOF (/dev/null): a 1 s wait uses almost no CPU."""
    fd = os.open(os.devnull, os.O_RDONLY)
    try:
        clock = SystemClock(LineKeys(fd))
        before = resource.getrusage(resource.RUSAGE_SELF)
        clock.wait(time.monotonic() + 1.0)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        assert cpu < 0.05
    finally:
        os.close(fd)
