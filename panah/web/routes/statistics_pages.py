"""The statistics people look at (issue 18): ``/statistics``, a filter form over one
statistics table with its charts (a time series, bars by the split, a county map), and
``/statistics/definitions``, what every figure counts.

Thin: the form is read into a :class:`StatsQuery`, ``statistics()`` decides access and
computes (the same call as ``GET /api/statistics``), and this module only formats what
depends on the page's language. A mistake in the form comes back as the form with the
error beside its field, in both languages, and a 4xx; nothing is computed for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

import jdatetime
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from panah.core.errors import InvalidInput, PanahError
from panah.geo import reference
from panah.reports.periods import Grain, iran_day, period_of
from panah.reports.statistics.asked import read_query
from panah.reports.statistics.model import (
    FIGURES,
    Dimension,
    FigureDef,
    StatsQuery,
    StatsTable,
    Unit,
    figures_for,
)
from panah.reports.statistics.queries import statistics
from panah.security.policy import Actor, scope_of
from panah.security.roles import Permission, Scope
from panah.web.deps import Uow, require
from panah.web.errors import status_for
from panah.web.i18n import localise_digits, request_language, translate

router = APIRouter(tags=["statistics pages"], include_in_schema=False)
Viewer = Annotated[Actor, Depends(require(Permission.view_statistics))]
Text = Annotated[str | None, Query(max_length=40)]
SERIES_LIMIT = 8  # lines on one chart before it stops being readable
SHOWN_AT_LEAST = 7  # the default range reaches back this many days, into last month if need be
FORM_FIELDS = ("province", "county", "from", "to", "grain", "by", "figure")


@dataclass(frozen=True, slots=True)
class Filters:
    """The form as it is shown: what was typed (or the defaults), echoed back."""

    province: str  # "" for the nation
    county: str
    first: str
    last: str
    grain: str
    by: str
    figure: str
    fixed_province: bool  # a province's people see their own province only


# ---- reading the form -------------------------------------------------------------------


def figure_defs() -> list[FigureDef]:
    """Every figure of the catalogue, in its order."""
    return list(FIGURES.values())


def jalali_text(day: date) -> str:
    jday = jdatetime.date.fromgregorian(date=day)
    return f"{jday.year:04d}/{jday.month:02d}/{jday.day:02d}"


def default_first(today: date) -> date:
    """The first day of this Jalali month, or of the last one while this one is young: the
    page opens on at least a week of days."""
    return period_of(today - timedelta(days=SHOWN_AT_LEAST - 1), Grain.month).start


def filters_of(actor: Actor, today: date, asked: dict[str, str | None]) -> Filters:
    fixed = scope_of(actor) is not Scope.nation
    own = actor.province_code or ""
    return Filters(
        province=(asked["province"] or "").strip() if not fixed or asked["province"] else own,
        county=(asked["county"] or "").strip(),
        first=(asked["from"] or "").strip() or jalali_text(default_first(today)),
        last=(asked["to"] or "").strip() or jalali_text(today),
        grain=(asked["grain"] or Grain.day.value).strip(),
        by=(asked["by"] or Dimension.none.value).strip(),
        figure=(asked["figure"] or "").strip(),
        fixed_province=fixed,
    )


def query_of(filters: Filters, today: date) -> StatsQuery:
    """The statistics asked for, read as the API reads them (``asked.read_query``);
    InvalidInput naming the field that is wrong."""
    known = {f.key for f in figure_defs()}
    if filters.figure and filters.figure not in known:
        raise InvalidInput(
            f"figure: {filters.figure!r} is not a figure; choose one from the list.",
            f"شاخص: «{filters.figure}» شاخص شناخته‌ای نیست؛ یکی از فهرست را برگزینید.",
            field="figure")
    return read_query(province=filters.province, county=filters.county, first=filters.first,
                      last=filters.last, grain=filters.grain, by=filters.by, figures=None,
                      today=today)


# ---- formatting -------------------------------------------------------------------------


def number_text(value: float | int, unit: Unit, lang: str) -> str:
    """``1234`` → ``۱٬۲۳۴``; a rate or a time with one decimal (``۸۵٫۳``)."""
    text = f"{value:,.0f}" if unit is Unit.number or float(value).is_integer() \
        else f"{value:,.1f}"
    if lang == "fa":
        text = text.replace(",", "٬").replace(".", "٫")
    return localise_digits(text, lang)


def hidden(values: Mapping[str, float | int | None], figure: FigureDef,
           suppressed: int | None) -> bool:
    """Whether an empty cell was hidden as a small count (or rests on one), rather than
    having nothing to divide by."""
    if suppressed is None or values.get(figure.key) is not None:
        return False
    if figure.unit is Unit.number:
        return True
    return any(values.get(base) is None for base in figure.based_on)


def cell_of(values: Mapping[str, float | int | None], figure: FigureDef,
            suppressed: int | None, lang: str) -> dict[str, Any]:
    """A table cell: its text, its raw value, and whether it was hidden as a small count."""
    value = values.get(figure.key)
    if value is None:
        if hidden(values, figure, suppressed):
            return {"text": localise_digits(f"<{suppressed}", lang), "suppressed": True,
                    "value": None}
        return {"text": "—", "suppressed": False, "value": None}
    text = number_text(value, figure.unit, lang)
    return {"text": text + ("٪" if lang == "fa" else "%") if figure.unit is Unit.pct else text,
            "suppressed": False, "value": value}


def chosen_figure(filters: Filters, table: StatsTable) -> FigureDef | None:
    shown = {f.key: f for f in table.figures}
    return shown.get(filters.figure) or next(iter(table.figures), None)


def _label(row_or_period: Any, lang: str) -> str:
    return str(row_or_period.label_fa if lang == "fa" else row_or_period.label_en)


def _group(row: Any, lang: str) -> str:
    return str(row.group_fa if lang == "fa" else row.group_en) if row.group is not None else ""


def table_view(table: StatsTable, lang: str) -> list[dict[str, Any]]:
    """The table's rows as the page shows them: period, group, one cell per figure."""
    return [{"period": _label(row.period, lang), "group": _group(row, lang),
             "period_key": row.period.key, "group_key": row.group or "",
             "cells": [cell_of(row.values, f, table.suppressed_below, lang) | {"key": f.key}
                       for f in table.figures]}
            for row in table.rows]


def chart_data(table: StatsTable, figure: FigureDef, lang: str) -> dict[str, Any]:
    """What statistics.js draws: the chosen figure over the periods (a line per group, the
    largest groups first), and each group over the whole range (bars)."""
    periods: dict[str, Any] = {}  # key → period, in the table's order
    for row in table.rows:
        periods.setdefault(row.period.key, row.period)
    at = {key: i for i, key in enumerate(periods)}
    series: dict[str | None, dict[str, Any]] = {}
    for row in table.rows:
        line = series.setdefault(row.group, {
            "key": row.group, "label": _group(row, lang) or _name(figure, lang),
            "values": [None] * len(periods)})
        line["values"][at[row.period.key]] = row.values.get(figure.key)
    bars = _bars(table, figure, lang)
    ordered = sorted(series.values(), key=lambda s: -sum(v or 0 for v in s["values"]))
    return {
        "figure": {"key": figure.key, "unit": figure.unit.value, "name": _name(figure, lang)},
        "periods": [_label(p, lang) for p in periods.values()],
        "series": ordered[:SERIES_LIMIT],
        "bars": bars,
        "suppressed_below": table.suppressed_below,
    }


def _bars(table: StatsTable, figure: FigureDef, lang: str) -> list[dict[str, Any]]:
    """Each group over the whole range, from the table's ``group_totals`` (the engine's
    figures: a rate is not a sum of rates)."""
    return [{"key": row.group, "label": _group(row, lang), "value": row.values.get(figure.key)}
            for row in table.group_totals if row.group is not None]


def _name(figure: FigureDef, lang: str) -> str:
    return figure.name_fa if lang == "fa" else figure.name_en


def _api_query(query: StatsQuery, **more: str) -> str:
    params = {"province": query.province_code or "", "county": query.county_key or "",
              "from": query.first.isoformat(), "to": query.last.isoformat(),
              "grain": query.grain.value, "by": query.by.value} | more
    return urlencode({k: v for k, v in params.items() if v})


def download_links(query: StatsQuery) -> dict[str, str]:
    """The same table as CSV and XLSX from the statistics API."""
    text = _api_query(query)
    return {"csv": f"/api/statistics.csv?{text}", "xlsx": f"/api/statistics.xlsx?{text}"}


def map_source(query: StatsQuery, figure: FigureDef) -> str:
    """Where the page's script reads each county's figure over the whole range: the same
    statistics, split by county (its ``group_totals``)."""
    return "/api/statistics?" + _api_query(query, by=Dimension.county.value, figures=figure.key)


# ---- the form's choices -----------------------------------------------------------------


def choices(actor: Actor, filters: Filters, table: StatsTable | None) -> dict[str, Any]:
    """The form's lists: provinces (the nation's people only), counties, grains, splits,
    figures (those the table has: the engine decides which a role sees; without a table,
    those the chosen split divides)."""
    try:
        by = Dimension(filters.by)
    except ValueError:
        by = Dimension.none
    return {
        "provinces": [p for p in reference.provinces()
                      if not filters.fixed_province or p.code == actor.province_code],
        "counties": [c for c in reference.counties()
                     if filters.province and c.province_code == filters.province],
        "grains": list(Grain),
        "dimensions": list(Dimension),
        "figures": table.figures if table is not None else figures_for(by),
    }


def _error_context(error: PanahError | None) -> dict[str, Any]:
    if error is None:
        return {"error": None, "error_field": None}
    field = error.details.get("field")
    return {"error": error, "error_field": field if field in FORM_FIELDS else None}


def page_context(actor: Actor, filters: Filters, lang: str, *, table: StatsTable | None,
                 query: StatsQuery | None, error: PanahError | None) -> dict[str, Any]:
    figure = chosen_figure(filters, table) if table is not None else None
    if table is not None and figure is not None:
        filters = replace(filters, figure=figure.key)
    context: dict[str, Any] = {
        "filters": filters, "choices": choices(actor, filters, table), "table": table,
        "figure": figure, **_error_context(error)}
    if table is not None and query is not None:
        context |= {
            "rows": table_view(table, lang),
            "totals": [cell_of(table.totals, f, table.suppressed_below, lang)
                       for f in table.figures],
            "downloads": download_links(query),
            "chart": chart_of(table, query, figure, lang) if figure is not None else None,
        }
    return context


def chart_of(table: StatsTable, query: StatsQuery, figure: FigureDef,
             lang: str) -> dict[str, Any]:
    bars_by = bars_split(query, figure)
    return chart_data(table, figure, lang) | {
        "lang": lang, "province": query.province_code or "",
        "county_map": Dimension.county in figure.dimensions,
        "map_source": map_source(query, figure),
        "bars_by": bars_by.value if bars_by else None,
        "bars_by_label": _split_name(bars_by, lang) if bars_by else "",
        "bars_source": ("/api/statistics?" + _api_query(query, by=bars_by.value,
                                                        figures=figure.key)
                        if bars_by is not None and bars_by is not query.by else None),
        "labels": _chart_labels(lang)}


def _split_name(by: Dimension, lang: str) -> str:
    name = translate(lang, f"stats.page.by_{by.value}")
    return name if lang == "fa" else name.lower()  # "by risk", inside a sentence


def bars_split(query: StatsQuery, figure: FigureDef) -> Dimension | None:
    """What the bars compare: the split asked for; without one, the provinces (for the
    nation) or the counties (for a province), where the figure splits so; else nothing
    (the bars then show the periods)."""
    if query.by is not Dimension.none:
        return query.by
    if query.county_key is not None:
        return None
    by = Dimension.province if query.province_code is None else Dimension.county
    return by if by in figure.dimensions else None


def _chart_labels(lang: str) -> dict[str, str]:
    keys = ("no_data", "suppressed", "map_loading", "map_failed", "map_no_boundaries",
            "map_no_values", "map_legend_none", "map_ready")
    return {key: translate(lang, f"stats.page.{key}") for key in keys}


def _render(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "statistics/page.html", context, status_code=status)


# ---- the pages --------------------------------------------------------------------------


@router.get("/statistics", response_class=HTMLResponse)
def statistics_page(
    request: Request, uow: Uow, actor: Viewer,
    province: Text = None, county: Text = None,
    first: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    last: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    grain: Text = None, by: Text = None, figure: Text = None,
) -> Response:
    """Figures by Jalali period and a split, as charts and a table, with the filter form."""
    lang = request_language(request)
    asked = {"province": province, "county": county, "from": first, "to": last,
             "grain": grain, "by": by, "figure": figure}
    today = iran_day(uow.now)
    filters = filters_of(actor, today, asked)
    try:
        query = query_of(filters, today)
        table = statistics(uow.session, actor=actor, query=query, now=uow.now)
    except PanahError as error:
        context = page_context(actor, filters, lang, table=None, query=None, error=error)
        return _render(request, context, status_for(error))
    return _render(request, page_context(actor, filters, lang, table=table, query=query,
                                         error=None))


@router.get("/statistics/definitions", response_class=HTMLResponse,
            dependencies=[Depends(require(Permission.public))])
def definitions_page(request: Request) -> Response:
    """Every figure: its name, its unit and what exactly it counts. Open to anyone: the
    public service figures link here too, and a definition holds no data."""
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "statistics/definitions.html",
        {"figures": figure_defs(), "dimensions": list(Dimension)})
