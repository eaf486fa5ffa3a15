"""The public service figures (issue 18): what the 988 Lifeline publishes each month, for
every province — contacts offered and answered, the answer rate and the average speed of
answer — open to anyone, without signing in.

Only the engine's public table (``public_statistics``): counts and rates of the line, never
anything about a person, with every count below 10 hidden and every rate or average
resting on a hidden count hidden too. The answer rate is made here of the two counts the
table shows, so it is hidden whenever either is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.geo.queries import RegionName, province_names
from panah.reports.monthly.model import month_choices
from panah.reports.monthly.queries import days_of, find_province
from panah.reports.periods import Period, iran_day, parse_jalali_month
from panah.reports.statistics.model import Dimension, StatsQuery, rate
from panah.reports.statistics.queries import public_statistics

FIGURES = ("contacts_offered", "contacts_answered", "answered_within_20s_pct",
           "average_speed_of_answer_s")
NATION = "IR"  # the whole country, in the province selector


@dataclass(frozen=True, slots=True)
class FigureLine:
    """One province (or the nation) in one month, as the public sees it."""

    code: str
    name_fa: str
    name_en: str
    contacts_offered: int | None
    contacts_answered: int | None
    answer_rate_pct: float | None
    answered_within_20s_pct: float | None
    average_speed_of_answer_s: float | None


@dataclass(frozen=True, slots=True)
class PublicFigures:
    month: Period
    counted_until: date
    chosen: FigureLine  # the province asked for, or the nation
    provinces: list[FigureLine]  # every province that month
    nation: FigureLine
    suppressed_below: int | None

    @property
    def complete(self) -> bool:
        return self.counted_until >= self.month.end - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FiguresPage:
    """The public page: what may be chosen, what was, and the figures (or why not)."""

    choices: list[RegionName]
    months: list[Period]
    province: str
    month_key: str
    figures: PublicFigures | None = None
    error: InvalidInput | None = None


def public_figures(session: Session, *, province: str | None, month: str | None,
                   now: datetime) -> PublicFigures:
    """Every province's public figures for the Jalali ``month`` (default: this one), and the
    one ``province`` names (default, or ``IR``: the nation)."""
    period = (parse_jalali_month(month) if month and month.strip()
              else month_choices(iran_day(now), 1)[0])
    code = (province or "").strip().upper() or NATION
    chosen = None if code == NATION else find_province(session, code).code
    first, last = days_of(period, now)
    table = public_statistics(session, query=StatsQuery(
        province_code=None, first=first, last=last, by=Dimension.province,
        figures=FIGURES), now=now)
    # Contacts placed in no province are in the nation's total; their line is shown only
    # when there are some.
    lines = [_line(row.group or "", row.group_fa, row.group_en, row.values)
             for row in table.group_totals
             if row.group is not None or row.values.get("contacts_offered") != 0]
    nation = _line(NATION, "سراسر کشور", "All Iran", table.totals)
    picked = next((line for line in lines if line.code == chosen), nation)
    return PublicFigures(period, last, picked, lines, nation, table.suppressed_below)


def figures_page(session: Session, *, province: str | None, month: str | None,
                 now: datetime) -> FiguresPage:
    """The public page; bad input comes back on it with the field named."""
    months = month_choices(iran_day(now))
    choices = province_names(session)
    asked = (province or "").strip().upper() or NATION
    month_key = (month or "").strip() or months[0].key
    try:
        figures = public_figures(session, province=asked, month=month_key, now=now)
    except InvalidInput as error:
        return FiguresPage(choices, months, asked, month_key, error=error)
    return FiguresPage(choices, months, asked, figures.month.key, figures)


def _line(code: str, name_fa: str, name_en: str, values: dict[str, Any]) -> FigureLine:
    offered, answered = values.get("contacts_offered"), values.get("contacts_answered")
    return FigureLine(
        code=code, name_fa=name_fa, name_en=name_en,
        contacts_offered=offered, contacts_answered=answered,
        answer_rate_pct=(rate(answered, offered)
                         if offered is not None and answered is not None else None),
        answered_within_20s_pct=values.get("answered_within_20s_pct"),
        average_speed_of_answer_s=values.get("average_speed_of_answer_s"))


# --- the JSON twin (OpenAPI) -----------------------------------------------------------


class FigureLinePublic(BaseModel):
    code: str = Field(description="ISO 3166-2:IR code, or IR for the whole country.")
    name_fa: str
    name_en: str
    contacts_offered: int | None = Field(description="Null: fewer than 10 (hidden).")
    contacts_answered: int | None
    answer_rate_pct: float | None = Field(description="Answered ÷ offered, 0–100.")
    answered_within_20s_pct: float | None
    average_speed_of_answer_s: float | None


class PublicFiguresOut(BaseModel):
    """A month's public service figures: every province and the nation. Counts below
    ``suppressed_below`` are null, and so is every rate or average resting on one."""

    month: str = Field(description="The Jalali month, 1405-01.")
    month_label_fa: str
    month_label_en: str
    complete: bool = Field(description="The month had ended (else: counted to today).")
    counted_until: str
    suppressed_below: int | None
    chosen: FigureLinePublic
    nation: FigureLinePublic
    provinces: list[FigureLinePublic]

    @classmethod
    def of(cls, figures: PublicFigures) -> PublicFiguresOut:
        def line(item: FigureLine) -> FigureLinePublic:
            return FigureLinePublic(**{f: getattr(item, f) for f in FigureLine.__slots__})

        return cls(month=figures.month.key, month_label_fa=figures.month.label_fa,
                   month_label_en=figures.month.label_en, complete=figures.complete,
                   counted_until=figures.counted_until.isoformat(),
                   suppressed_below=figures.suppressed_below, chosen=line(figures.chosen),
                   nation=line(figures.nation), provinces=[line(p) for p in figures.provinces])
