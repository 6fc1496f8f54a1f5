"""Text cells a spreadsheet shows as text, and their exact inverse on import."""

from __future__ import annotations

# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
# A leading quote makes it text; import takes exactly that quote back off.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text: ``'=cmd|...`` instead of a live formula.

    A cell that already starts with a quote gets one more, so :func:`restore`
    gives back exactly what was exported.
    """
    if text.startswith(FORMULA_START) or text.startswith("'"):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Inverse of :func:`neutralise` for a cell read back in an import."""
    if text.startswith("'") and text[1:].startswith((*FORMULA_START, "'")):
        return text[1:]
    return text
