"""What the Strong and Hevy exports look like: their headers, dates, durations and numbers.

The apps have changed their CSV more than once (Strong: an old quoted
semicolon file with the unit in the weight header, a comma file with no unit
at all, a semicolon file with a unit column; Hevy: a day-first date, then in
2026 a month-first 12-hour one). Columns are therefore found by NAME, never
by position, and every date form seen in real files is read. Each parser
raises ValueError with a message short enough for one ``FILE:LINE:`` line.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

# Logical field -> the header names (lower case) the apps have used for it.
STRONG_NAMES: dict[str, tuple[str, ...]] = {
    "start": ("date",),
    "title": ("workout name",),
    "duration": ("duration", "duration (sec)", "workout duration"),
    "exercise": ("exercise name",),
    "order": ("set order",),
    "weight": ("weight", "weight (kg)", "weight (lbs)"),
    "weight_unit": ("weight unit",),
    "reps": ("reps",),
    "rpe": ("rpe",),
    "distance": ("distance", "distance (meters)"),
    "distance_unit": ("distance unit",),
    "seconds": ("seconds",),
    "notes": ("notes",),
    "workout_notes": ("workout notes",),
}
HEVY_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "start": ("start_time",),
    "end": ("end_time",),
    "workout_notes": ("description",),
    "exercise": ("exercise_title",),
    "superset": ("superset_id",),
    "notes": ("exercise_notes",),
    "order": ("set_index",),
    "set_type": ("set_type",),
    "weight": ("weight_kg", "weight_lbs"),
    "reps": ("reps",),
    "distance": ("distance_km", "distance_miles"),
    "seconds": ("duration_seconds",),
    "rpe": ("rpe",),
}
STRONG_NEEDS = ("start", "title", "exercise", "order", "weight", "reps")
HEVY_NEEDS = ("title", "start", "exercise", "set_type", "weight", "reps")
EXPECTED = (
    "expected a Strong export (Date, Workout Name, Exercise Name, Set Order, Weight, Reps, ...)"
    " or a Hevy export (title, start_time, exercise_title, set_type, weight_kg or weight_lbs,"
    " reps, ...)"
)


class ImportError_(ValueError):
    """A file that cannot be imported at all: the message names the file (and line)."""


METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "miles": 1609.344, "ft": 0.3048, "yd": 0.9144}


@dataclass
class Layout:
    """Where each field is in one file, and the units its header (or the user) gave."""

    fmt: str  # "strong" or "hevy"
    delimiter: str
    header: list[str]
    columns: dict[str, int] = field(default_factory=dict)
    unit: str | None = None  # None: the file names no unit (Strong's comma export)
    distance_unit: str | None = None

    def get(self, row: list[str], name: str) -> str:
        i = self.columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""


def detect(first_line: str) -> Layout:
    """The layout of a file from its header line; ValueError lists what was expected."""
    line = first_line.lstrip("\ufeff").rstrip("\r\n")
    for delimiter in (",", ";", "\t"):
        header = next(csv.reader([line], delimiter=delimiter), [])
        layout = _match(header, delimiter)
        if layout is not None:
            return layout
    shown = line[:80] + ("…" if len(line) > 80 else "")
    raise ValueError(f"not a Strong or Hevy export (header {shown!r}); {EXPECTED}")


def _match(header: list[str], delimiter: str) -> Layout | None:
    names = [h.strip().strip('"').lower() for h in header]
    for fmt, table, needs in (
        ("strong", STRONG_NAMES, STRONG_NEEDS),
        ("hevy", HEVY_NAMES, HEVY_NEEDS),
    ):
        columns = {}
        for logical, aliases in table.items():
            found = next((i for i, n in enumerate(names) if n in aliases), None)
            if found is not None:
                columns[logical] = found
        if all(n in columns for n in needs):
            layout = Layout(fmt, delimiter, header, columns)
            weight = names[columns["weight"]]
            if weight in ("weight (kg)", "weight_kg"):
                layout.unit = "kg"
            elif weight in ("weight (lbs)", "weight_lbs"):
                layout.unit = "lb"
            if "distance" in columns:
                layout.distance_unit = {
                    "distance (meters)": "m",
                    "distance_km": "km",
                    "distance_miles": "mi",
                }.get(names[columns["distance"]])
            return layout
    return None


def number(text: str, column: str) -> float | None:
    """A number cell; empty is None. ``62,5`` (a decimal comma) is 62.5."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column}: {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{column}: {text[:40]!r} is not a finite number")
    return value


_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s(?:ec)?)?$")


@lru_cache(maxsize=256)
def duration(text: str) -> float | None:
    """Seconds from ``3600``, ``1h 38m``, ``29m`` or ``45s``; empty is None."""
    text = text.strip().lower()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    m = _DURATION.match(text)
    if not m or not any(m.groups()):
        raise ValueError(f"duration {text[:40]!r} is not like 3600, 1h 38m or 29m")
    h, mins, s = (int(g) if g else 0 for g in m.groups())
    return float(h * 3600 + mins * 60 + s)


MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([ap])\.?\s*m\.?)?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+" + _TIME + r")?$", re.IGNORECASE)
_DAY_FIRST = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4}),?\s+" + _TIME + "$", re.I)
_MONTH_FIRST = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+" + _TIME + "$", re.I)


@lru_cache(maxsize=256)  # every row of a workout repeats its dates
def when(text: str) -> datetime:
    """A date and time in any form Strong or Hevy has written, in English.

    ``2023-01-05 18:02:11``, ``2023-01-05 6:02:11 PM``, ``2023-01-05T18:02``,
    ``7 May 2026, 06:13``, ``May 7, 2026, 6:13 AM``. Month names are English
    on purpose: a Spanish ``7 may. 2026`` would be read as May by luck and
    ``ene`` not at all, so a non-English name is refused and said.
    """
    clean = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()
    m = _ISO.match(clean)
    if m:
        y, mo, d = (int(g) for g in m.groups()[:3])
        return _build(clean, (y, mo, d), m.groups()[3:])
    for pattern, day_first in ((_DAY_FIRST, True), (_MONTH_FIRST, False)):
        m = pattern.match(clean)
        if m:
            first, second, year = m.groups()[:3]
            word, day = (second, first) if day_first else (first, second)
            month = MONTHS.get(word.lower())
            if month is None:
                raise ValueError(
                    f"date {clean[:40]!r}: {word!r} is not an English month name"
                    " (set the app's language to English and export again)"
                )
            return _build(clean, (int(year), month, int(day)), m.groups()[3:])
    try:  # ISO with a zone or fractions: what voicecoach itself writes in JSON
        return datetime.fromisoformat(clean.replace("Z", "+00:00"))
    except ValueError:
        pass
    raise ValueError(
        f"date {clean[:40]!r} is not like 2026-05-07 06:13:00, 7 May 2026, 06:13"
        " or May 7, 2026, 6:13 AM"
    )


def _build(text: str, date: tuple[int, int, int], clock: tuple[str | None, ...]) -> datetime:
    """A datetime from a date and the clock's matched parts (hour, minute, second, AM/PM)."""
    year, month, day = date
    hour, minute, second, half = clock
    h = int(hour or 0)
    if half:
        if not 1 <= h <= 12:
            raise ValueError(f"date {text[:40]!r}: hour {h} with AM/PM")
        h = h % 12 + (12 if half.lower() == "p" else 0)
    try:
        return datetime(year, month, day, h, int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise ValueError(f"date {text[:40]!r}: {exc}") from None


def hevy_time(moment: datetime) -> str:
    """Hevy's own form, ``7 May 2026, 06:13``: no zero before the day, English month.

    Seconds are added (``06:13:11``) only when there are any, so a Strong
    workout taken through a Hevy file keeps its time to the second while a
    Hevy workout comes back byte for byte.
    """
    clock = moment.strftime("%H:%M") + (f":{moment.second:02d}" if moment.second else "")
    return f"{moment.day} {MONTH_ABBR[moment.month - 1]} {moment.year}, {clock}"


def metres(amount: float | None, unit: str | None) -> float | None:
    if amount is None:
        return None
    factor = METRES.get((unit or "m").lower())
    if factor is None:
        raise ValueError(f"distance unit {unit!r} is not m, km, mi, ft or yd")
    return round(amount * factor, 3)
