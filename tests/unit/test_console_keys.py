"""Windows one-key answers: msvcrt's key codes decoded, with a fake console (no Windows here)."""

from __future__ import annotations

import time
from collections import deque

import pytest

from voicecoach.inputs.clock import SystemClock
from voicecoach.inputs.keys import ENTER, ConsoleKeys, decode_console, open_keys


class FakeConsole:
    """``msvcrt``'s kbhit/getwch over a scripted list of wide characters."""

    def __init__(self, typed: str = ""):
        self.chars: deque[str] = deque(typed)

    def kbhit(self) -> bool:
        return bool(self.chars)

    def getwch(self) -> str:
        return self.chars.popleft()


@pytest.mark.parametrize(
    ("typed", "key"),
    [("2", "2"), (" ", " "), ("q", "q"), ("\r", ENTER), ("\x03", "q"), ("+", "+")],
)
def test_decode_console_key(typed: str, key: str) -> None:
    """Digits, space and letters pass; Enter's \\r is Enter; Ctrl-C asks to quit."""
    assert decode_console(typed) == key


@pytest.mark.parametrize("typed", ["\x1b", "\x08", "\x00", "\xe0"])
def test_decode_console_ignores_controls_and_prefixes(typed: str) -> None:
    """Escape, backspace and the special-key prefixes are no key of ours."""
    assert decode_console(typed) is None


def test_special_keys_are_consumed_whole() -> None:
    """An arrow (prefix + code) is dropped entirely; its code byte is not read as a key."""
    keys = ConsoleKeys(FakeConsole("\xe0H2\x00;\r"))  # up arrow, '2', F1, Enter
    keys.read_ready()
    assert [keys.pending(), keys.pending(), keys.pending()] == ["2", ENTER, None]


def test_clock_polls_the_console_for_a_key() -> None:
    """SystemClock returns a console key at once, with no fd to select on."""
    clock = SystemClock(ConsoleKeys(FakeConsole("3")))
    assert clock.wait(time.monotonic() + 5) == "3"


def test_clock_reaches_the_deadline_without_keys() -> None:
    """No key on the console: wait returns None at the deadline, not before."""
    clock = SystemClock(ConsoleKeys(FakeConsole()))
    deadline = time.monotonic() + 0.15
    assert clock.wait(deadline) is None
    assert time.monotonic() >= deadline


def test_open_keys_uses_the_console_without_termios(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where termios is missing (Windows), a console stdin is read through msvcrt."""
    import os
    import pty

    import voicecoach.inputs.keys as keys_module

    master, slave = pty.openpty()
    try:
        monkeypatch.setattr(keys_module, "termios", None)

        class Stdin:
            def fileno(self) -> int:
                return slave

        source = open_keys(Stdin(), console=FakeConsole("1"))
        assert isinstance(source, ConsoleKeys)
    finally:
        os.close(master)
        os.close(slave)
