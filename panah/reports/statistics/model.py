"""The statistics' shapes and rules (pure): which figures exist, what each means, how a
request is asked and how small cells are hidden.

CONTRACT (groundwork for issue 18; the helpers fill in, the names stay):
- ``FIGURES``: every figure's stable key, unit, names and definition in both languages.
  The monthly report's JSON, the exports' columns and the definitions page use these keys.
- ``StatsQuery`` → ``panah.reports.statistics.queries.statistics(session, *, actor, query,
  now) -> StatsTable``: one row per (period, group), ``values`` keyed by figure key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from panah.reports.periods import Grain, Period


class Unit(StrEnum):
    number = "number"  # a count of things
    pct = "pct"  # 0–100
    seconds = "seconds"
    minutes = "minutes"


class Dimension(StrEnum):
    """What a table's rows are split by, besides the period."""

    none = "none"
    province = "province"
    county = "county"
    channel = "channel"
    category = "category"
    risk = "risk"
    outcome = "outcome"
    agency = "agency"


@dataclass(frozen=True, slots=True)
class FigureDef:
    key: str
    unit: Unit
    name_fa: str
    name_en: str
    definition_fa: str
    definition_en: str
    # Which dimensions split this figure (a shelter's occupancy has no channel).
    dimensions: frozenset[Dimension] = frozenset({Dimension.none, Dimension.province,
                                                  Dimension.county})


@dataclass(frozen=True, slots=True)
class StatsQuery:
    province_code: str | None  # None: the nation
    first: date  # Iran days, both in
    last: date
    grain: Grain = Grain.month
    by: Dimension = Dimension.none
    county_key: str | None = None
    figures: tuple[str, ...] = ()  # () = every figure the dimension allows


@dataclass(frozen=True, slots=True)
class StatsRow:
    period: Period
    group: str | None  # the dimension's value (a channel, a county key …); None for none
    group_fa: str
    group_en: str
    values: dict[str, float | int | None]  # None: suppressed or not defined (0 offered → %)


@dataclass(frozen=True, slots=True)
class StatsTable:
    query: StatsQuery
    figures: list[FigureDef]
    rows: list[StatsRow]
    suppressed_below: int | None = None  # the analyst's and the public's view: cells < k hidden
    totals: dict[str, float | int | None] = field(default_factory=dict)  # the whole range
