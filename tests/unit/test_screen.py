"""The sanitiser, the terminal's capabilities, the fitted status line and the display."""

from __future__ import annotations

import io
import json

import pytest

from voicecoach.events import Event
from voicecoach.safetext import clean, clean_lines, json_safe
from voicecoach.session.display import Display
from voicecoach.session.statusline import Status, cells, fit
from voicecoach.session.terminal import Caps, GuardedStream, caps_for, width_of

HOSTILE = [
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write the clipboard
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;owned\x07",  # set the window title
    "\x07",  # bell
    "\x9b31m",  # 8-bit CSI
    "\u202eevil",  # right-to-left override
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_clean_leaves_no_control_character(payload: str) -> None:
    """Every control character comes out as a visible escape, no ESC, BEL or C1 left."""
    out = clean(f"Row {payload} day")
    assert out.isprintable()
    assert out.startswith("Row ") and out.endswith(" day")


def test_clean_shows_escapes_visibly() -> None:
    r"""ESC and BEL are shown as \x1b and \x07, so a person sees what was there."""
    assert clean("a\x1b]0;t\x07b") == "a\\x1b]0;t\\x07b"


def test_clean_keeps_printable_unicode() -> None:
    """Accents, CJK and emoji (with their joiners) pass through untouched."""
    text = "Développé couché · 深蹲 · 🏋️‍♀️"
    assert clean(text) == text


def test_clean_shows_a_newline_in_a_name() -> None:
    """A newline inside a one-line name is shown, not obeyed."""
    assert clean("a\nb") == "a\\x0ab"


def test_clean_lines_keeps_our_newlines_only() -> None:
    """Multi-line output keeps its line breaks and escapes everything else."""
    assert clean_lines("x\x1b[2J\ny\r") == "x\\x1b[2J\ny\\x0d"


def test_json_safe_is_lossless() -> None:
    """C1 and bidi controls, which json.dumps leaves raw, are escaped and decode back."""
    data = {"name": "a\x9b\u202eb\x1b"}
    text = json_safe(json.dumps(data, ensure_ascii=False))
    assert text.isascii() or all(ch.isprintable() or ch == "\n" for ch in text)
    assert json.loads(text) == data


def test_dumb_terminal_gets_no_cursor_codes() -> None:
    """TERM=dumb on a TTY: no live status line, no colour."""
    assert caps_for(_Tty(), {"TERM": "dumb"}) == Caps(live=False, color=False)


def test_no_color_keeps_cursor_codes_but_drops_colour() -> None:
    """NO_COLOR set (non-empty): the status line stays, without attributes."""
    assert caps_for(_Tty(), {"TERM": "xterm", "NO_COLOR": "1"}) == Caps(live=True, color=False)


def test_empty_no_color_is_ignored() -> None:
    """An empty NO_COLOR does not count (no-color.org)."""
    assert caps_for(_Tty(), {"TERM": "xterm", "NO_COLOR": ""}).color


def test_a_pipe_gets_nothing() -> None:
    """Not a TTY: plain lines only."""
    assert caps_for(io.StringIO(), {"TERM": "xterm"}) == Caps(live=False, color=False)


def test_width_asks_the_terminal_before_columns() -> None:
    """A pty's own size wins over a stale COLUMNS (the window may have been resized)."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 57, 0, 0))
        with os.fdopen(os.dup(slave), "w") as stream:
            assert width_of(stream, {"COLUMNS": "100"}) == 57
    finally:
        os.close(master)
        os.close(slave)


def test_width_without_a_terminal() -> None:
    """No terminal: COLUMNS if set, else 80."""
    assert width_of(io.StringIO(), {"COLUMNS": "40"}) == 40
    assert width_of(io.StringIO(), {}) == 80


SET = Status("Unilateral dead-stop row", "set 2/3 right", "35 lb", "rep 7 · lower")


def test_status_at_80_columns_shows_everything() -> None:
    """At 80 columns the line has exercise, set, load, rep and phase."""
    assert fit(SET, 80) == "Unilateral dead-stop row · set 2/3 right · 35 lb · rep 7 · lower"


def test_status_at_40_columns_keeps_set_load_and_rep() -> None:
    """At 40 columns the phase word and most of the name give way; set, load and rep stay."""
    line = fit(SET, 40)
    assert cells(line) <= 39
    assert "2/3 right" in line and "35 lb" in line and "rep 7" in line
    assert line.startswith("Unil")


def test_status_never_fills_the_last_column() -> None:
    """However narrow, the line takes at most width - 1 cells (no wrap, no broken redraw)."""
    for width in range(2, 90):
        assert cells(fit(SET, width)) <= width - 1


def test_status_counts_wide_characters_twice() -> None:
    """CJK names take two cells per character when fitting."""
    line = fit(Status("深蹲深蹲深蹲深蹲深蹲深蹲", "set 1/3", "60 kg", "rest 1:00"), 30)
    assert cells(line) <= 29 and "rest 1:00" in line


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _event(text: str, kind: str = "say") -> Event:
    return Event(1.0, 1.0, kind, text)


@pytest.mark.parametrize("live", [True, False])
def test_display_shows_hostile_text_visibly(live: bool) -> None:
    """A cue or name full of escape sequences reaches the screen with no ESC or BEL."""
    out = _Tty()
    d = Display(out, Caps(live=live, color=live))
    for payload in HOSTILE:
        d.event(_event(f"Brace {payload} now"))
        d.status(Status(f"Row {payload}", "set 1/2", "10 lb", "rep 1"))
    shown = out.getvalue().replace("\r\x1b[K", "").replace("\x1b[7m", "").replace("\x1b[0m", "")
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown


def test_display_without_cursor_codes_writes_no_escape() -> None:
    """Caps.live False (TERM=dumb, a pipe): not one ESC byte, and no status line."""
    out = _Tty()
    d = Display(out, Caps(live=False, color=False))
    d.event(_event("Rest ninety seconds."))
    d.status(Status("Row", "set 1/2", "10 lb", "rep 1"))
    d.finish()
    assert out.getvalue() == "[00:01.0] Rest ninety seconds.\n"


def test_display_status_reverse_video_only_with_colour() -> None:
    """The status line is in reverse video, unless NO_COLOR turned colour off."""
    coloured, plain = _Tty(), _Tty()
    Display(coloured, Caps(True, True)).status(Status("Row"))
    Display(plain, Caps(True, False)).status(Status("Row"))
    assert "\x1b[7m" in coloured.getvalue()
    assert "\x1b[7m" not in plain.getvalue() and plain.getvalue().endswith("Row")


def test_display_status_fits_the_width() -> None:
    """The status line drawn is cut to the width the terminal reports now."""
    out = _Tty()
    Display(out, Caps(True, False), width=lambda: 20).status(SET)
    assert cells(out.getvalue().removeprefix("\r\x1b[K")) <= 19


def test_display_finish_erases_the_status_line() -> None:
    """After finish, what is printed next starts on a clean line."""
    out = _Tty()
    d = Display(out, Caps(True, False))
    d.status(Status("Row", "set 1/2"))
    d.finish()
    assert out.getvalue().endswith("\r\x1b[K")


def test_guarded_stream_drops_output_after_a_broken_pipe() -> None:
    """A write that fails calls on_lost once, then output is dropped without raising."""
    lost: list[int] = []

    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    g = GuardedStream(Broken(), on_lost=lambda: lost.append(1))
    g.write("a")
    g.write("b")
    g.flush()
    assert lost == [1] and g.lost and not g.isatty()


def test_json_safe_lets_indented_lines_through_whole_and_still_escapes_controls() -> None:
    """The newline fast path (an export to stdout once ran 4x slower than to a file) keeps
    every escape: a control on any line of a chunk is still written as \\u00XX."""
    plain = '{\n  "name": "Bench Press (Barbell)",\n  "reps": 5\n}\n'
    assert json_safe(plain) is plain
    assert json_safe('"a"\n  "b\x1bc"\n') == '"a"\n  "b\\u001bc"\n'
    assert json_safe("x\n\u202e\n\x85") == "x\n\\u202e\n\\u0085"
