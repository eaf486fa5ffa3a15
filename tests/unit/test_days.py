"""Days as people type them: one reader for the pages and the spreadsheets."""

from __future__ import annotations

from datetime import date

import pytest

from panah.core.days import read_day


@pytest.mark.parametrize(("text", "day"), [
    ("1405/01/01", date(2026, 3, 21)),  # Nowruz 1405
    ("۱۴۰۵/۰۱/۱۵", date(2026, 4, 4)),
    ("1405-1-15", date(2026, 4, 4)),
    ("1404.12.29", date(2026, 3, 20)),
    ("2026-04-04", date(2026, 4, 4)),
    (" 2026/03/21 ", date(2026, 3, 21)),
])
def test_jalali_and_gregorian_days_with_any_digits(text: str, day: date) -> None:
    assert read_day(text) == day


@pytest.mark.parametrize("text", ["", "1405/13/01", "1405/12/31", "2026-02-30", "15/01/1405",
                                  "tomorrow", "1405/01"])
def test_what_names_no_day_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        read_day(text)
