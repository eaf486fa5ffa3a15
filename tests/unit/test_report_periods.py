"""Statistics count by the Iran day and roll up into the Jalali calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest

from panah.core.errors import InvalidInput
from panah.reports.periods import (
    MAX_DAILY_DAYS,
    Grain,
    iran_day,
    iran_midnight,
    jalali_month,
    parse_jalali_month,
    period_of,
    periods,
)

NOWRUZ_1405 = date(2026, 3, 21)  # 1 Farvardin 1405


def test_a_contact_at_half_past_midnight_on_nowruz_belongs_to_farvardin() -> None:
    moment = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)  # 00:30 on 1 Farvardin, Iran time
    day = iran_day(moment)
    assert day == NOWRUZ_1405
    assert period_of(day, Grain.month).key == "1405-01"
    assert period_of(day, Grain.year).key == "1405"


def test_a_minute_before_midnight_in_iran_is_still_esfand() -> None:
    moment = datetime(2026, 3, 20, 20, 29, tzinfo=UTC)  # 23:59 on 29 Esfand 1404
    assert period_of(iran_day(moment), Grain.month).key == "1404-12"


def test_naive_stored_times_are_read_as_utc() -> None:
    assert iran_day(datetime(2026, 3, 20, 20, 30)) == NOWRUZ_1405


def test_a_jalali_month_spans_its_whole_iran_days() -> None:
    farvardin = jalali_month(1405, 1)
    assert (farvardin.start, farvardin.end, farvardin.days) == (NOWRUZ_1405, date(2026, 4, 21), 31)
    start, end = farvardin.bounds()
    assert start == datetime(2026, 3, 20, 20, 30, tzinfo=UTC)
    assert end == iran_midnight(date(2026, 4, 21))
    assert farvardin.label_fa == "فروردین ۱۴۰۵"
    assert farvardin.label_en == "Farvardin 1405"


def test_esfand_of_a_leap_year_has_thirty_days() -> None:
    assert jalali_month(1403, 12).days == 30  # 1403 is a Jalali leap year
    assert jalali_month(1404, 12).days == 29


def test_the_iranian_week_starts_on_saturday() -> None:
    week = period_of(date(2026, 3, 24), Grain.week)  # a Tuesday
    assert week.start == date(2026, 3, 21)  # Saturday, 1 Farvardin 1405
    assert week.start.weekday() == 5
    assert week.days == 7
    assert week.key == "1405-W01-01"


def test_periods_cover_the_range_without_gaps() -> None:
    months = periods(date(2026, 3, 1), date(2026, 5, 1), Grain.month)
    assert [p.key for p in months] == ["1404-12", "1405-01", "1405-02"]
    assert all(a.end == b.start for a, b in pairwise(months))


def test_parse_jalali_month_takes_persian_digits_and_slashes() -> None:
    assert parse_jalali_month("۱۴۰۵/۰۱").key == "1405-01"
    assert parse_jalali_month("1405-1").key == "1405-01"


@pytest.mark.parametrize("text", ["1405-13", "1405-00", "1405-1x", "Farvardin", "0999-01"])
def test_a_month_that_does_not_exist_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_jalali_month(text)
    assert refused.value.details["field"] == "month"
    assert refused.value.message_fa


def test_a_backward_range_is_refused_naming_to() -> None:
    with pytest.raises(InvalidInput) as refused:
        periods(date(2026, 4, 1), date(2026, 3, 1), Grain.day)
    assert refused.value.details["field"] == "to"


def test_a_daily_range_over_the_limit_is_refused_but_monthly_is_not() -> None:
    first = date(2025, 1, 1)
    last = date.fromordinal(first.toordinal() + MAX_DAILY_DAYS)
    with pytest.raises(InvalidInput):
        periods(first, last, Grain.day)
    assert len(periods(first, last, Grain.month)) >= 13
