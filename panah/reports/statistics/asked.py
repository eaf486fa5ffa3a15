"""A statistics request as typed (a form, a query string, the command line) read into a
``StatsQuery`` (pure): days in Jalali or Gregorian, Persian digits too; every mistake an
``InvalidInput`` naming its field, in both languages, before anything is counted."""

from __future__ import annotations

import re
from datetime import date
from typing import TypeVar

from panah.core.days import read_day
from panah.core.errors import InvalidInput
from panah.reports.periods import Grain, period_of, persian_digits
from panah.reports.statistics.model import Dimension, StatsQuery

_PROVINCE = re.compile(r"^IR-\d\d$")
_FIELD_FA = {"from": "از", "to": "تا"}
E = TypeVar("E", Grain, Dimension)


def read_query(*, province: str | None, county: str | None, first: str | None,
               last: str | None, grain: str | None, by: str | None, figures: str | None,
               today: date) -> StatsQuery:
    """The request; ``to`` is today and ``from`` the first day of its Jalali month when
    left out."""
    code = (province or "").strip().upper() or None
    if code is not None and not _PROVINCE.match(code):
        raise InvalidInput(f"province: {province!r} is not a province code; write one such as "
                           "IR-02.", f"استان: «{province}» کد استان نیست؛ کدی مانند IR-02 "
                           "بنویسید.", field="province")
    end = read_day_of("to", last) if (last or "").strip() else today
    start = (read_day_of("from", first) if (first or "").strip()
             else period_of(end, Grain.month).start)
    keys = tuple(k.strip() for k in (figures or "").split(",") if k.strip())
    return StatsQuery(province_code=code, first=start, last=end,
                      grain=_choice(Grain, grain or "month", "grain", "دوره"),
                      by=_choice(Dimension, by or "none", "by", "تفکیک"),
                      county_key=(county or "").strip() or None, figures=keys)


def read_day_of(field: str, text: str | None) -> date:
    try:
        return read_day(text or "")
    except ValueError:
        raise InvalidInput(
            f"{field}: {text!r} is not a day; write a Jalali day such as 1405/01/02 or a "
            "Gregorian one such as 2026-03-22.",
            f"{_FIELD_FA.get(field, field)}: «{persian_digits(text or '')}» روز درستی نیست؛ "
            "روزی شمسی مانند ۱۴۰۵/۰۱/۰۲ بنویسید.", field=field) from None


def _choice(kind: type[E], text: str, field: str, name_fa: str) -> E:
    try:
        return kind(text.strip())
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise InvalidInput(f"{field}: {text!r} is not one of {choices}.",
                           f"{name_fa}: «{text}» از گزینه‌ها نیست ({choices}).",
                           field=field) from None
