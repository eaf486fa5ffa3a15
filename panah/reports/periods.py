"""Periods of the statistics (pure): Iran days, Jalali weeks, months and years.

Every figure is counted by the day it happened *in Iran* (Asia/Tehran, whatever offset the
law gave that day), and days roll up into the Jalali calendar: a week starts on Saturday, a
month is a Jalali month, and a year starts on 1 Farvardin (Nowruz). A contact at 00:30 on
1 Farvardin, Iran time, is 21:00 of the day before in UTC, and belongs to Farvardin.

A period is a span of whole Iran days ``[start, end)`` with a stable key (``1405-01-02``,
``1405-W01-01`` for the week starting that Saturday, ``1405-01``, ``1405``) and labels in
both languages, with Persian digits in the Persian one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import jdatetime

from panah.core.errors import InvalidInput

IRAN = ZoneInfo("Asia/Tehran")
MAX_DAYS = 3700  # ten years and a little: the longest range one request may ask for
MAX_DAILY_DAYS = 400  # a day-by-day table (or chart) stops at about a year
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر",
             "دی", "بهمن", "اسفند")
MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr",
             "Aban", "Azar", "Dey", "Bahman", "Esfand")
SATURDAY = 5  # date.weekday() of a Saturday, the first day of the Iranian week


class Grain(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


def persian_digits(text: str) -> str:
    return text.translate(_FA_DIGITS)


@dataclass(frozen=True, slots=True)
class Period:
    grain: Grain
    key: str
    start: date  # the first Iran day (Gregorian date of that day)
    end: date  # the day after the last

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label_en(self) -> str:
        return _label(self, english=True)

    @property
    def label_fa(self) -> str:
        return persian_digits(_label(self, english=False))

    def bounds(self) -> tuple[datetime, datetime]:
        """The UTC instants where the period starts and where it stops."""
        return iran_midnight(self.start), iran_midnight(self.end)


def _label(period: Period, *, english: bool) -> str:
    first = jdatetime.date.fromgregorian(date=period.start)
    months = MONTHS_EN if english else MONTHS_FA
    if period.grain is Grain.year:
        return str(first.year)
    if period.grain is Grain.month:
        return f"{months[first.month - 1]} {first.year}"
    if period.grain is Grain.week:
        return (f"week of {first.year}/{first.month:02d}/{first.day:02d}" if english
                else f"هفتهٔ {first.year}/{first.month:02d}/{first.day:02d}")
    return f"{first.year}/{first.month:02d}/{first.day:02d}"


def iran_midnight(day: date) -> datetime:
    """The UTC instant when ``day`` begins in Iran."""
    return datetime.combine(day, time(0), tzinfo=IRAN).astimezone(UTC)


def iran_day(moment: datetime) -> date:
    """The Iran day of ``moment`` (a naive moment is UTC, as SQLite returns stored times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(IRAN).date()


def period_of(day: date, grain: Grain) -> Period:
    """The period of ``grain`` holding the Iran day ``day``."""
    jday = jdatetime.date.fromgregorian(date=day)
    if grain is Grain.day:
        return Period(grain, f"{jday.year:04d}-{jday.month:02d}-{jday.day:02d}", day,
                      day + timedelta(days=1))
    if grain is Grain.week:
        start = day - timedelta(days=(day.weekday() - SATURDAY) % 7)
        js = jdatetime.date.fromgregorian(date=start)
        return Period(grain, f"{js.year:04d}-W{js.month:02d}-{js.day:02d}", start,
                      start + timedelta(days=7))
    if grain is Grain.month:
        return jalali_month(jday.year, jday.month)
    return jalali_year(jday.year)


def jalali_month(year: int, month: int) -> Period:
    """Jalali month ``month`` of ``year``; InvalidInput naming the field if there is none."""
    if not 1 <= month <= 12:
        raise InvalidInput(f"month: {year}-{month:02d} is not a Jalali month (1–12).",
                           f"ماه: {persian_digits(f'{year}-{month:02d}')} ماه شمسی نیست "
                           "(۱ تا ۱۲).", field="month")
    if not 1300 <= year <= 1500:
        raise InvalidInput(f"month: the Jalali year {year} is out of range (1300–1500).",
                           f"ماه: سال {persian_digits(str(year))} بیرون از بازه است "
                           "(۱۳۰۰ تا ۱۵۰۰).", field="month")
    start = jdatetime.date(year, month, 1).togregorian()
    after = (jdatetime.date(year + 1, 1, 1) if month == 12
             else jdatetime.date(year, month + 1, 1)).togregorian()
    return Period(Grain.month, f"{year:04d}-{month:02d}", start, after)


def jalali_year(year: int) -> Period:
    start = jdatetime.date(year, 1, 1).togregorian()
    return Period(Grain.year, f"{year:04d}", start, jdatetime.date(year + 1, 1, 1).togregorian())


def parse_jalali_month(text: str) -> Period:
    """``1405-01``, ``1405/1`` or ``۱۴۰۵-۰۱`` → that Jalali month's period."""
    found = _MONTH.match(text.strip().translate(_DIGITS))
    if found is None:
        raise InvalidInput(f"month: {text!r} is not a Jalali month; write it as 1405-01.",
                           f"ماه: «{text}» ماه شمسی نیست؛ به شکل ۱۴۰۵-۰۱ بنویسید.",
                           field="month")
    return jalali_month(int(found.group(1)), int(found.group(2)))


def check_range(first: date, last: date, grain: Grain) -> None:
    """Refuse a range that runs backwards or asks for more than one request may."""
    if last < first:
        raise InvalidInput("to: the range ends before it starts; put the later day in 'to'.",
                           "تا: بازه پیش از آغازش تمام می‌شود؛ روز دیرتر را در «تا» بنویسید.",
                           field="to")
    days = (last - first).days + 1
    limit = MAX_DAILY_DAYS if grain is Grain.day else MAX_DAYS
    if days > limit:
        raise InvalidInput(
            f"to: {days} days asked for; at most {limit} by {grain.value}. Choose a shorter "
            "range or a longer period (week, month, year).",
            f"تا: {persian_digits(str(days))} روز خواسته شد؛ در هر درخواست دست‌بالا "
            f"{persian_digits(str(limit))} روز. بازهٔ کوتاه‌تر یا دورهٔ بلندتری (هفته، ماه، سال) "
            "برگزینید.", field="to", limit=limit)


def periods(first: date, last: date, grain: Grain) -> list[Period]:
    """The periods of ``grain`` covering the Iran days ``first`` … ``last`` (both in)."""
    check_range(first, last, grain)
    out: list[Period] = []
    day = first
    while day <= last:
        period = period_of(day, grain)
        out.append(period)
        day = period.end
    return out
