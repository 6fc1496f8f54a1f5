"""One sanitiser for every string that comes from outside and reaches a terminal.

Routine names and cues, exercise names in the journal and in imported CSVs are
data, not terminal commands. Printed raw, ``ESC ] 52 ; c ; … BEL`` writes the
user's clipboard (OSC 52), ``ESC [ 2 J`` clears the screen and ``ESC ] 0 ; …``
sets the window title. Every such string goes through
:func:`clean` before it is printed; the only control characters that reach the
terminal are the newlines and the few cursor codes we write ourselves.

"Control" here means Unicode category Cc (C0, DEL and the C1 range, which
some terminals obey as 8-bit CSI/OSC), the bidirectional overrides that
reorder what is shown ("Trojan Source", CVE-2021-42574), the line and
paragraph separators, and lone surrogates (undecodable bytes). Every other
character, emoji and accents included, is printed as it is.
"""

from __future__ import annotations

import unicodedata

# Bidi embedding/override/isolate controls and marks: they reorder the text around them.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")


def is_control(ch: str) -> bool:
    """True for a character that must never reach a terminal as it is."""
    if ch in _BIDI or ch in _SEPARATORS:
        return True
    return unicodedata.category(ch) in ("Cc", "Cs")


def visible(ch: str) -> str:
    r"""The escape that shows ``ch`` as text: ``\x1b``, ``\u202e``."""
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def clean(text: str) -> str:
    r"""``text`` with every control character shown as an escape (``\x1b``, ``\n``).

    For one-line output: a newline inside a name is shown, not obeyed.
    """
    if text.isprintable():  # the common case, in C: nothing to do
        return text
    return "".join(visible(ch) if is_control(ch) else ch for ch in text)


def clean_lines(text: str) -> str:
    r"""Like :func:`clean`, but keeps ``\n``: for multi-line text we print whole (CSV, JSON)."""
    return "\n".join(clean(line) for line in text.split("\n"))


def json_safe(text: str) -> str:
    r"""JSON text with the controls ``json.dumps`` leaves raw escaped as ``\u00XX``: lossless.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 inside strings but not
    DEL, C1, the bidi controls or lone surrogates; outside strings JSON has
    only ASCII punctuation and whitespace, so an escape here is always inside
    a string and decodes back to the same character.
    """
    # Every control character is unprintable, so printable text (newlines aside: a JSON
    # document is mostly indented lines) needs no look at each character. Without the
    # newline case nearly every chunk json.dump writes took the slow path: an export to
    # stdout ran four times as long as one to a file.
    if text.isprintable() or text.replace("\n", "").isprintable():
        return text
    return "".join(f"\\u{ord(ch):04x}" if ch not in "\n" and is_control(ch) else ch for ch in text)


def first_control(text: str) -> int | None:
    """Index of the first control character in ``text`` (``\\t`` included), or None."""
    if text.isprintable():  # every control character is unprintable: the common case, in C
        return None
    for i, ch in enumerate(text):
        if is_control(ch):
            return i
    return None


__all__ = ["clean", "clean_lines", "first_control", "is_control", "json_safe", "visible"]
