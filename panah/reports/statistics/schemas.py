"""The statistics' API shapes (issue 18): the catalogue of figures and a table of them."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field

from panah.reports.periods import Period
from panah.reports.statistics.model import FigureDef, StatsRow, StatsTable

Value = float | int | None


class FigurePublic(BaseModel):
    key: str = Field(description="The figure's stable key (the report's JSON, the exports)")
    unit: str = Field(description="number, pct (0–100), seconds or minutes")
    name_fa: str
    name_en: str
    definition_fa: str
    definition_en: str
    dimensions: list[str] = Field(description="The splits this figure allows")

    @classmethod
    def of(cls, figure: FigureDef) -> FigurePublic:
        return cls(key=figure.key, unit=figure.unit.value, name_fa=figure.name_fa,
                   name_en=figure.name_en, definition_fa=figure.definition_fa,
                   definition_en=figure.definition_en,
                   dimensions=sorted(d.value for d in figure.dimensions))


class PeriodPublic(BaseModel):
    grain: str
    key: str = Field(description="1405-01-02, 1405-W01-01, 1405-01 or 1405")
    first: date = Field(description="Its first Iran day (Gregorian date)")
    last: date = Field(description="Its last Iran day (Gregorian date)")
    label_fa: str
    label_en: str

    @classmethod
    def of(cls, period: Period) -> PeriodPublic:
        return cls(grain=period.grain.value, key=period.key, first=period.start,
                   last=period.end - timedelta(days=1), label_fa=period.label_fa,
                   label_en=period.label_en)


class StatsRowPublic(BaseModel):
    period: PeriodPublic
    group: str | None = Field(description="The split's value (a province code, a channel …)")
    group_fa: str
    group_en: str
    values: dict[str, Value] = Field(
        description="Each figure by key; null: suppressed, or nothing to divide by")

    @classmethod
    def of(cls, row: StatsRow) -> StatsRowPublic:
        return cls(period=PeriodPublic.of(row.period), group=row.group, group_fa=row.group_fa,
                   group_en=row.group_en, values=dict(row.values))


class StatsTablePublic(BaseModel):
    province: str | None = Field(description="The province counted; null for the nation")
    county: str | None
    first: date
    last: date
    grain: str
    by: str
    figures: list[FigurePublic]
    rows: list[StatsRowPublic]
    totals: dict[str, Value] = Field(description="Each figure over the whole range")
    group_totals: list[StatsRowPublic] = Field(description="Each group over the whole range")
    suppressed_below: int | None = Field(
        description="Counts from 1 to this minus one are hidden (null: nothing hidden)")

    @classmethod
    def of(cls, table: StatsTable) -> StatsTablePublic:
        q = table.query
        return cls(province=q.province_code, county=q.county_key, first=q.first, last=q.last,
                   grain=q.grain.value, by=q.by.value,
                   figures=[FigurePublic.of(f) for f in table.figures],
                   rows=[StatsRowPublic.of(r) for r in table.rows], totals=dict(table.totals),
                   group_totals=[StatsRowPublic.of(r) for r in table.group_totals],
                   suppressed_below=table.suppressed_below)
