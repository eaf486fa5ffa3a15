"""The monthly provincial report's shape (pure): what it holds, how it is made of the
statistics engine's tables, and its JSON with stable keys.

The report never counts anything itself: every figure comes from
``panah.reports.statistics.queries.statistics`` (its tables are handed in), so the report,
the statistics page and the exports cannot disagree. A figure the engine leaves out for the
asker (an analyst sees no times per contact) or hides (a small cell) is ``None`` here, and
its key is still in the JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from panah.reports.periods import Grain, Period, period_of
from panah.reports.statistics.model import FIGURES, StatsRow, StatsTable

Value = float | int | None

# The month's figures, in the order the report shows them; each is a key of the JSON.
# The first twelve of the issue are here (by_channel and by_category are splits, below).
HEADLINE: tuple[str, ...] = (
    "contacts_offered", "contacts_answered", "abandoned", "abandoned_pct",
    "answered_within_20s", "answered_within_20s_pct", "average_speed_of_answer_s",
    "average_handling_time_s", "repeat_contacts", "overflow_in", "overflow_out",
    "callbacks", "callbacks_in_time_pct", "team_requests", "arrival_median_min",
    "arrival_p90_min", "referrals", "referrals_ack_in_time_pct", "cases_opened",
    "cases_closed", "shelter_occupancy_pct", "base_sessions", "base_attendance",
)
# What each split and the day-by-day table carry (each asked only where the engine's
# catalogue says the dimension splits it).
DAILY: tuple[str, ...] = ("contacts_offered", "contacts_answered", "abandoned",
                          "answered_within_20s_pct")
BY_CHANNEL: tuple[str, ...] = ("contacts_offered", "contacts_answered", "abandoned",
                               "answered_within_20s_pct", "average_speed_of_answer_s")
BY_CATEGORY: tuple[str, ...] = ("contacts_offered", "contacts_answered",
                                "answered_within_20s_pct")
BY_COUNTY: tuple[str, ...] = ("contacts_offered", "team_requests", "arrival_median_min",
                              "arrival_p90_min", "referrals", "cases_opened")
# The JSON's keys besides the figures: a client may rely on every one being there.
META_KEYS: tuple[str, ...] = (
    "province", "province_name_fa", "province_name_en", "month", "month_label_fa",
    "month_label_en", "first_day", "last_day", "period_start", "period_end", "complete",
    "counted_until", "generated_at", "suppressed_below",
)
SPLIT_KEYS: tuple[str, ...] = ("by_channel", "by_category", "by_county", "daily")
JSON_KEYS: tuple[str, ...] = (*META_KEYS, *HEADLINE, *SPLIT_KEYS)


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class GroupLine:
    """One group of a split (a channel, a category, a county) over the whole month."""

    key: str | None
    name_fa: str
    name_en: str
    values: dict[str, Value]


@dataclass(frozen=True, slots=True)
class DayLine:
    """One Iran day of the month."""

    day: Period  # grain day: its key is the Jalali day (1405-01-02)
    values: dict[str, Value]


@dataclass(frozen=True, slots=True)
class FigureName:
    key: str
    unit: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    province: Province
    month: Period
    counted_until: date  # the last Iran day counted (today, while the month runs)
    generated_at: datetime
    headline: dict[str, Value]
    daily: list[DayLine]
    by_channel: list[GroupLine]
    by_category: list[GroupLine]
    by_county: list[GroupLine]
    names: dict[str, FigureName]  # every figure key the report shows → its names and unit
    suppressed_below: int | None = None

    @property
    def complete(self) -> bool:
        """The month had ended when the report was made."""
        return self.counted_until >= self.month.end - timedelta(days=1)

    @property
    def last_day(self) -> date:
        return self.month.end - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Tables:
    """The engine's answers the report is made of (each for the same province and days)."""

    daily: StatsTable  # grain day, no split: rows per day, totals over the month
    by_channel: StatsTable
    by_category: StatsTable
    by_county: StatsTable


def days_to_count(month: Period, today: date) -> tuple[date, date] | None:
    """The Iran days of ``month`` that can be counted on ``today``: all of a past month,
    up to today of the current one, none of a month to come."""
    if today < month.start:
        return None
    return month.start, min(today, month.end - timedelta(days=1))


def month_choices(today: date, count: int = 24) -> list[Period]:
    """The Jalali months a report may be asked for, this month first, ``count`` of them."""
    out: list[Period] = []
    month = period_of(today, Grain.month)
    while len(out) < count:
        out.append(month)
        month = period_of(month.start - timedelta(days=1), Grain.month)
    return out


def build_report(*, province: Province, month: Period, counted_until: date,
                 generated_at: datetime, tables: Tables) -> MonthlyReport:
    """The report made of the engine's tables."""
    daily = tables.daily
    return MonthlyReport(
        province=province, month=month, counted_until=counted_until,
        generated_at=generated_at,
        headline={key: daily.totals.get(key) for key in HEADLINE},
        daily=_days(daily.rows, month, counted_until),
        by_channel=_groups(tables.by_channel, BY_CHANNEL),
        by_category=_groups(tables.by_category, BY_CATEGORY),
        by_county=_groups(tables.by_county, BY_COUNTY),
        names=_names(),
        suppressed_below=_suppressed(tables),
    )


def _days(rows: Sequence[StatsRow], month: Period, until: date) -> list[DayLine]:
    """Every day of the month (the days to come, empty), so a chart's axis is the month."""
    found = {row.period.start: row.values for row in rows if row.period.grain is Grain.day}
    out: list[DayLine] = []
    day = month.start
    while day < month.end:
        values = found.get(day, {}) if day <= until else {}
        out.append(DayLine(period_of(day, Grain.day), {k: values.get(k) for k in DAILY}))
        day += timedelta(days=1)
    return out


def _groups(table: StatsTable, keys: Sequence[str]) -> list[GroupLine]:
    """Each group over the month, largest first (by contacts offered, else team requests)."""
    lines = [GroupLine(row.group, row.group_fa, row.group_en,
                       {k: row.values.get(k) for k in keys})
             for row in table.group_totals]
    return sorted(lines, key=_size, reverse=True)


def _size(line: GroupLine) -> tuple[float, float]:
    offered = line.values.get("contacts_offered")
    teams = line.values.get("team_requests")
    return (float(offered or 0), float(teams or 0))


def _names() -> dict[str, FigureName]:
    """Every figure the report shows, named from the engine's catalogue (also those the
    engine left out for the asker: their row still reads, with no value)."""
    keys = dict.fromkeys((*HEADLINE, *DAILY, *BY_CHANNEL, *BY_CATEGORY, *BY_COUNTY))
    return {key: FigureName(key, FIGURES[key].unit.value, FIGURES[key].name_fa,
                            FIGURES[key].name_en) for key in keys if key in FIGURES}


def _suppressed(tables: Tables) -> int | None:
    marks = [t.suppressed_below for t in (tables.daily, tables.by_channel, tables.by_category,
                                          tables.by_county) if t.suppressed_below]
    return max(marks) if marks else None


# --- JSON ----------------------------------------------------------------------------


def as_json(report: MonthlyReport) -> dict[str, Any]:
    """The report as JSON-ready data: every key of ``JSON_KEYS``, always, in that order."""
    start, end = report.month.bounds()
    meta: dict[str, Any] = {
        "province": report.province.code,
        "province_name_fa": report.province.name_fa,
        "province_name_en": report.province.name_en,
        "month": report.month.key,
        "month_label_fa": report.month.label_fa,
        "month_label_en": report.month.label_en,
        "first_day": report.month.start.isoformat(),
        "last_day": report.last_day.isoformat(),
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "complete": report.complete,
        "counted_until": report.counted_until.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "suppressed_below": report.suppressed_below,
    }
    splits: dict[str, Any] = {
        "by_channel": [_group_json(g) for g in report.by_channel],
        "by_category": [_group_json(g) for g in report.by_category],
        "by_county": [_group_json(g) for g in report.by_county],
        "daily": [{"day": d.day.key, "date": d.day.start.isoformat(), **d.values}
                  for d in report.daily],
    }
    whole = {**meta, **{k: report.headline.get(k) for k in HEADLINE}, **splits}
    return {key: whole[key] for key in JSON_KEYS}


def _group_json(line: GroupLine) -> dict[str, Any]:
    return {"key": line.key, "name_fa": line.name_fa, "name_en": line.name_en, **line.values}


# --- how a value reads ---------------------------------------------------------------

_FA = str.maketrans("0123456789.,-", "۰۱۲۳۴۵۶۷۸۹٫٬−")
UNIT_SUFFIX = {"fa": {"pct": "٪", "seconds": " ثانیه", "minutes": " دقیقه", "number": ""},
               "en": {"pct": "%", "seconds": " s", "minutes": " min", "number": ""}}


def number_text(value: float | int, lang: str) -> str:
    """``1234`` → ``1,234`` / ``۱٬۲۳۴``; a fraction keeps one decimal (``۱۲٫۵``)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.translate(_FA) if lang == "fa" else text


def shown(value: Value, unit: str, lang: str, *, suppressed_below: int | None) -> str:
    """A figure as the report prints it. A missing count in a suppressed report was a
    small cell (``<10``); any other missing value had nothing to count (``—``)."""
    if value is None:
        if suppressed_below and unit == "number":
            below = number_text(suppressed_below, lang)
            return f"<{below}"
        return "—"
    return number_text(value, lang) + UNIT_SUFFIX[lang][unit]
