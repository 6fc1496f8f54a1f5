"""The shapes of Strong and Hevy files: headers by name, every date form, durations, numbers."""

from __future__ import annotations

from datetime import datetime

import pytest

from voicecoach.journal import formats
from voicecoach.journal.rows import rir_from_rpe


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2023-01-05 18:02:11", datetime(2023, 1, 5, 18, 2, 11)),
        ("2023-01-05 18:02", datetime(2023, 1, 5, 18, 2)),
        ("2023-01-05T18:02:11", datetime(2023, 1, 5, 18, 2, 11)),
        ("2023-01-05 6:02:11 PM", datetime(2023, 1, 5, 18, 2, 11)),
        ("2023-01-05 6:02:11\u202fpm", datetime(2023, 1, 5, 18, 2, 11)),
        ("2023-01-05 12:10:00 AM", datetime(2023, 1, 5, 0, 10)),
        ("7 May 2026, 06:13", datetime(2026, 5, 7, 6, 13)),
        ("7 May 2026, 06:13:09", datetime(2026, 5, 7, 6, 13, 9)),
        ("17 September 2025, 18:40", datetime(2025, 9, 17, 18, 40)),
        ("May 7, 2026, 6:13 AM", datetime(2026, 5, 7, 6, 13)),
        ("Dec 31, 2025, 12:05 PM", datetime(2025, 12, 31, 12, 5)),
        ("May 7, 2026, 18:13", datetime(2026, 5, 7, 18, 13)),
        ("2026-05-07T06:13:00+02:00", datetime.fromisoformat("2026-05-07T06:13:00+02:00")),
    ],
)
def test_every_date_form_real_files_use(text: str, want: datetime) -> None:
    assert formats.when(text) == want


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("7 mayo 2026, 06:13", "'mayo' is not an English month name"),
        ("ene 7, 2026, 6:13 AM", "'ene' is not an English month name"),
        ("2026-02-30 10:00:00", "day is out of range"),
        ("2026-01-05 13:00 PM", "hour 13 with AM/PM"),
        ("yesterday", "is not like 2026-05-07 06:13:00"),
    ],
)
def test_dates_that_cannot_be_read_say_why(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        formats.when(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600), ("1h 38m", 5880), ("29m", 1740), ("45h 56m", 165360), ("45s", 45), ("", None)],
)
def test_durations(text: str, seconds: float | None) -> None:
    assert formats.duration(text) == seconds


def test_decimal_comma_and_bad_numbers() -> None:
    assert formats.number("62,5", "Weight") == 62.5
    assert formats.number(" 100 ", "Weight") == 100
    assert formats.number("", "Weight") is None
    with pytest.raises(ValueError, match="not a finite number"):
        formats.number("nan", "Weight")
    with pytest.raises(ValueError, match="is not a number"):
        formats.number("1,234.5", "Weight")


def test_header_found_by_names_with_either_delimiter() -> None:
    comma = formats.detect(
        "\ufeffDate,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,RPE\r\n"
    )
    assert (comma.fmt, comma.delimiter, comma.unit) == ("strong", ",", None)
    assert comma.columns["rpe"] == 7
    semi = formats.detect(
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
        "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration"
    )
    assert (semi.fmt, semi.delimiter, semi.columns["duration"]) == ("strong", ";", 13)
    hevy = formats.detect("title,start_time,end_time,exercise_title,set_type,weight_lbs,reps")
    assert (hevy.fmt, hevy.unit) == ("hevy", "lb")
    with pytest.raises(ValueError, match="expected a Strong export"):
        formats.detect("a,b,c")


def test_hevy_time_has_no_zero_before_the_day() -> None:
    assert formats.hevy_time(datetime(2026, 5, 7, 6, 13)) == "7 May 2026, 06:13"
    assert formats.hevy_time(datetime(2026, 5, 7, 6, 13, 9)) == "7 May 2026, 06:13:09"


@pytest.mark.parametrize(("rpe", "rir"), [(10, 0), (9.5, 0.5), (8, 2), (7.5, 2.5), (8.3, 1.5)])
def test_rir_to_the_half(rpe: float, rir: float) -> None:
    assert rir_from_rpe(rpe) == rir
