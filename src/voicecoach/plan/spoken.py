"""Numbers, loads and durations as a coach would say them.

espeak-ng reads "145 lb" as "one hundred and forty-five L B", so every phrase
is written out in words before it is rendered. Pure functions; the planner and
the engine build all their text through here.
"""

from __future__ import annotations

from voicecoach.routines.loads import Bodyweight, Level, Load, Unloaded, Weight

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_UNIT_WORDS = {"lb": ("pound", "pounds"), "kg": ("kilo", "kilos")}


def number(n: float) -> str:
    """``145`` → "one hundred forty-five"; ``22.5`` → "twenty-two point five"."""
    if n < 0:
        return "minus " + number(-n)
    whole = int(n)
    frac = round(n - whole, 3)
    words = _integer(whole)
    if frac:
        digits = f"{frac:.3f}".split(".")[1].rstrip("0")
        words += " point " + " ".join(_ONES[int(d)] for d in digits)
    return words


def _integer(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {_integer(rest)}" if rest else "")
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        return f"{_integer(thousands)} thousand" + (f" {_integer(rest)}" if rest else "")
    return str(n)


def ordinal_set(index: int, total: int) -> str:
    """ "Set two of three"."""
    return f"Set {number(index)} of {number(total)}"


def weight(amount: float, unit: str) -> str:
    singular, plural = _UNIT_WORDS[unit]
    return f"{number(amount)} {singular if amount == 1 else plural}"


def load(value: Load) -> str:
    """ "one hundred forty-five pounds", "bodyweight plus ten pounds", "medium".

    A level is said by its name alone ("steep, five reps"): "level: steep"
    read the notation aloud, colon and all.
    """
    if isinstance(value, Weight):
        return weight(value.amount, value.unit)
    if isinstance(value, Bodyweight):
        if not value.extra:
            return "bodyweight"
        how = "plus" if value.extra > 0 else "minus"
        return f"bodyweight {how} {weight(abs(value.extra), value.unit)}"
    if isinstance(value, Level):
        return value.name
    assert isinstance(value, Unloaded)
    return ""


def pair(amount: float) -> str | None:
    """A pair of fixed dumbbells as a gym says it: "the thirty-fives", "the twenties".

    None for a weight that is not a whole number (a 12.5 is said in full).
    """
    if amount != int(amount) or amount <= 0:
        return None
    word = number(int(amount))
    if word.endswith("y"):
        return f"the {word[:-1]}ies"
    return f"the {word}es" if word.endswith(("x", "s")) else f"the {word}s"


def duration(seconds: float) -> str:
    """ "ninety seconds", "two minutes", "one minute thirty"."""
    s = round(seconds)
    if s < 120 and s % 60:
        return f"{number(s)} second" + ("" if s == 1 else "s")
    m, rest = divmod(s, 60)
    head = f"{number(m)} minute" + ("" if m == 1 else "s")
    return head if not rest else f"{number(m)} minute{'' if m == 1 else 's'} {number(rest)}"


def reps(low: int, high: int) -> str:
    if low == high:
        return f"{number(low)} reps"
    return f"{number(low)} to {number(high)} reps"


def sentence(text: str) -> str:
    """Capitalise the first letter, as a sentence spoken alone starts."""
    return text[:1].upper() + text[1:]
