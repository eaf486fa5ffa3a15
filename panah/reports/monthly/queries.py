"""The monthly report's read side: one province's month, made of the statistics engine's
tables (never a query of its own), and the checks that come before anything is counted.

Access is the engine's: a province's people reach their own province only, an analyst
gets counts and rates with small cells hidden. The engine refuses before it counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.geo.queries import RegionName, province_name, province_names
from panah.reports.monthly.model import (
    BY_CATEGORY,
    BY_CHANNEL,
    BY_COUNTY,
    DAILY,
    HEADLINE,
    MonthlyReport,
    Province,
    Tables,
    build_report,
    days_to_count,
    month_choices,
)
from panah.reports.periods import Grain, Period, iran_day, parse_jalali_month, persian_digits
from panah.reports.statistics.model import (
    ANALYST_UNITS,
    Dimension,
    StatsQuery,
    StatsTable,
    figures_for,
)
from panah.reports.statistics.queries import statistics
from panah.security.policy import Actor, scope_of
from panah.security.roles import Role, Scope

PROVINCE_CODE = re.compile(r"^IR-\d\d$")


def check_province_code(text: str | None) -> str:
    """A province's ISO code as typed (``ir-02`` too); InvalidInput naming ``province``."""
    code = (text or "").strip().upper()
    if not PROVINCE_CODE.match(code):
        raise InvalidInput(
            f"province: {text!r} is not a province code; write one such as IR-02 "
            "(Mazandaran).",
            f"استان: «{text or ''}» کد استان نیست؛ کدی مانند IR-02 (مازندران) بنویسید.",
            field="province")
    return code


def find_province(session: Session, code: str) -> Province:
    """The province ``code`` names; InvalidInput naming ``province`` if there is none."""
    found = province_name(session, check_province_code(code))
    if found is None:
        raise InvalidInput(
            f"province: there is no province {code}; use one of the 31 codes IR-00 … IR-30.",
            f"استان: استانی با کد {code} نیست؛ یکی از کدهای IR-00 تا IR-30 را به کار ببرید.",
            field="province")
    return Province(found.code, found.name_fa, found.name_en)


def days_of(month: Period, now: datetime) -> tuple[date, date]:
    """The Iran days of ``month`` to count on ``now``; a month that has not begun (nothing
    to count yet) is refused, naming ``month``."""
    days = days_to_count(month, iran_day(now))
    if days is None:
        raise InvalidInput(
            f"month: {month.key} ({month.label_en}) has not begun yet; choose this month "
            "or an earlier one.",
            f"ماه: {month.label_fa} ({persian_digits(month.key)}) هنوز نیامده است؛ همین "
            "ماه یا ماهی پیش از آن را برگزینید.", field="month")
    return days


def monthly_report(session: Session, *, actor: Actor | None, province_code: str,
                   month: Period, now: datetime) -> MonthlyReport:
    """The report of ``province_code`` for the Jalali ``month`` (so far, while it runs)."""
    province = find_province(session, province_code)
    first, last = days_of(month, now)

    def table(by: Dimension, keys: tuple[str, ...], grain: Grain) -> StatsTable:
        query = StatsQuery(province_code=province.code, first=first, last=last, grain=grain,
                           by=by, figures=_allowed(actor, by, keys))
        return statistics(session, actor=actor, query=query, now=now)

    tables = Tables(
        daily=table(Dimension.none, tuple(dict.fromkeys((*HEADLINE, *DAILY))), Grain.day),
        by_channel=table(Dimension.channel, BY_CHANNEL, Grain.month),
        by_category=table(Dimension.category, BY_CATEGORY, Grain.month),
        by_county=table(Dimension.county, BY_COUNTY, Grain.month),
    )
    return build_report(province=province, month=month, counted_until=last,
                        generated_at=now, tables=tables)


def _allowed(actor: Actor | None, by: Dimension, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The figures of ``keys`` that ``by`` splits and ``actor`` may ask for: an analyst's
    report leaves out the times (the engine refuses to give them), keeping its keys."""
    units = ANALYST_UNITS if actor is not None and actor.role is Role.analyst else None
    known = {f.key for f in figures_for(by, units=units)}
    return tuple(k for k in keys if k in known)


def asked_report(session: Session, *, actor: Actor | None, province: str | None,
                 month: str | None, now: datetime) -> MonthlyReport:
    """The report as a request asks for it: ``province`` by default the actor's own (a
    national account must name one), ``month`` as typed (``1405-01``), by default this
    one."""
    period = parse_jalali_month(month) if month and month.strip() else month_choices(
        iran_day(now), 1)[0]
    code = (province or "").strip() or (actor.province_code if actor else None)
    if not code:
        raise InvalidInput("province: choose the province of the report, e.g. IR-02.",
                           "استان: استان گزارش را برگزینید، مانند IR-02.", field="province")
    return monthly_report(session, actor=actor, province_code=code, month=period, now=now)


# --- the printable page --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportPage:
    """The report's page: what may be chosen, what was, and the report (or why not)."""

    provinces: list[RegionName]  # a province's people: theirs only
    months: list[Period]  # this month first
    province_code: str | None
    month_key: str
    report: MonthlyReport | None = None
    error: InvalidInput | None = None


def report_page(session: Session, *, actor: Actor, province: str | None, month: str | None,
                now: datetime) -> ReportPage:
    """The page for ``province`` (default: the actor's own) and ``month`` (default: this
    one). Bad input comes back on the page with the field named; a province out of the
    actor's reach is refused by the engine (Forbidden), before anything is counted."""
    months = month_choices(iran_day(now))
    own = actor.province_code if scope_of(actor) is not Scope.nation else None
    provinces = [p for p in province_names(session) if own is None or p.code == own]
    chosen = (province or "").strip() or own
    page = ReportPage(provinces, months, chosen, (month or "").strip() or months[0].key)
    if chosen is None:
        return page  # a national account chooses a province first
    try:
        period = parse_jalali_month(page.month_key)
        report = monthly_report(session, actor=actor, province_code=chosen, month=period,
                                now=now)
    except InvalidInput as error:
        return ReportPage(provinces, months, chosen, page.month_key, error=error)
    return ReportPage(provinces, months, report.province.code, period.key, report)
