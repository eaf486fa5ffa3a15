"""Days as people type them (pure): ``1405/01/15`` in the Jalali calendar or ``2026-04-04``
in the Gregorian, with Persian or Arabic-Indic digits, separated by ``/``, ``-`` or ``.``.
A year below 1700 is a Jalali year. One reader for the pages and the spreadsheets."""

from __future__ import annotations

import re
from datetime import date

import jdatetime

JALALI_BEFORE = 1700  # a year below this is a Jalali year (1405), above it a Gregorian one
_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)


def read_day(text: str) -> date:
    """The day ``text`` names; ValueError when it names none (a malformed text, or a day
    the calendar does not have, such as 1405/12/31 or 2026-02-30)."""
    cleaned = text.strip().translate(_DIGITS)
    found = _DAY.match(cleaned)
    if found is None:
        raise ValueError(f"not a day: {text!r}")
    year, month, day = (int(part) for part in found.groups())
    try:
        if year < JALALI_BEFORE:
            gregorian: date = jdatetime.date(year, month, day).togregorian()
            return gregorian
        return date(year, month, day)
    except OverflowError as error:
        raise ValueError(f"not a day: {text!r}") from error
