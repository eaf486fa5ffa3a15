"""Statistics tables built by hand, as the engine answers them, for the monthly report's
pure tests (no database): Mazandaran's Farvardin 1405, counted up to its 2nd day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from panah.reports.monthly.model import (
    MonthlyReport,
    Province,
    Tables,
    build_report,
)
from panah.reports.periods import Grain, jalali_month, period_of
from panah.reports.statistics.model import (
    FIGURES,
    Dimension,
    StatsQuery,
    StatsRow,
    StatsTable,
    range_period,
)

MAZANDARAN = Province("IR-02", "مازندران", "Mazandaran")
FARVARDIN = jalali_month(1405, 1)
NOWRUZ_DAY = date(2026, 3, 21)  # 1405/01/01
SECOND_DAY = date(2026, 3, 22)
MADE_AT = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)

HEADLINE_VALUES: dict[str, float | int | None] = {
    "contacts_offered": 140, "contacts_answered": 120, "abandoned": 20, "abandoned_pct": 14.3,
    "answered_within_20s": 96, "answered_within_20s_pct": 68.6,
    "average_speed_of_answer_s": 14.5, "team_requests": 12, "arrival_median_min": 21.0,
    "arrival_p90_min": 38.5, "referrals": 30, "cases_opened": 9, "cases_closed": 4,
}


def _table(by: Dimension, keys: list[str], rows: list[StatsRow], totals: dict,
           group_totals: list[StatsRow], k: int | None = None) -> StatsTable:
    query = StatsQuery("IR-02", NOWRUZ_DAY, SECOND_DAY, Grain.day, by, figures=tuple(keys))
    return StatsTable(query=query, figures=[FIGURES[key] for key in keys], rows=rows,
                      totals=totals, group_totals=group_totals, suppressed_below=k)


def _group(key: str | None, fa: str, en: str, values: dict) -> StatsRow:
    return StatsRow(range_period(NOWRUZ_DAY, SECOND_DAY, Grain.month), key, fa, en, values)


def tables(k: int | None = None) -> Tables:
    day_keys = list(HEADLINE_VALUES)
    days = [StatsRow(period_of(NOWRUZ_DAY, Grain.day), None, "", "",
                     {"contacts_offered": 60, "contacts_answered": 50, "abandoned": 10,
                      "answered_within_20s_pct": 62.5}),
            StatsRow(period_of(SECOND_DAY, Grain.day), None, "", "",
                     {"contacts_offered": 80, "contacts_answered": 70, "abandoned": 10,
                      "answered_within_20s_pct": 73.8})]
    channel = [_group("voice", "تماس تلفنی", "Voice call",
                      {"contacts_offered": 110, "contacts_answered": 95}),
               _group("sms", "پیامک", "SMS", {"contacts_offered": 0, "contacts_answered": 0}),
               _group("web_chat", "گفتگوی وب", "Web chat",
                      {"contacts_offered": 30, "contacts_answered": 25})]
    category = [_group("spouse_abuse", "همسرآزاری", "Spouse abuse",
                       {"contacts_offered": 25, "contacts_answered": 22}),
                _group("suicidal_thoughts", "افکار خودکشی", "Suicidal thoughts",
                       {"contacts_offered": 12, "contacts_answered": 12})]
    county = [_group("IR-02-chalus", "چالوس", "Chalus",
                     {"team_requests": 7, "arrival_median_min": 18.0, "arrival_p90_min": 31.0}),
              _group("IR-02-sari", "ساری", "Sari",
                     {"team_requests": 5, "arrival_median_min": 25.0, "arrival_p90_min": 44.0})]
    return Tables(
        daily=_table(Dimension.none, day_keys, days, dict(HEADLINE_VALUES), [], k),
        by_channel=_table(Dimension.channel, ["contacts_offered", "contacts_answered"], [],
                          {}, channel, k),
        by_category=_table(Dimension.category, ["contacts_offered", "contacts_answered"], [],
                           {}, category, k),
        by_county=_table(Dimension.county, ["team_requests", "arrival_median_min",
                                            "arrival_p90_min"], [], {}, county, k),
    )


def farvardin_report(k: int | None = None) -> MonthlyReport:
    return build_report(province=MAZANDARAN, month=FARVARDIN, counted_until=SECOND_DAY,
                        generated_at=MADE_AT, tables=tables(k))
