"""The statistics API (issue 18): a table of figures by Jalali period and split, as JSON,
CSV or XLSX, and the catalogue of figures. One call each into ``panah.reports.statistics``;
access, scope and suppression are decided there."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from panah.reports.periods import iran_day
from panah.reports.statistics import exports
from panah.reports.statistics.asked import read_query
from panah.reports.statistics.model import FIGURES, StatsQuery, StatsTable
from panah.reports.statistics.queries import statistics
from panah.reports.statistics.schemas import FigurePublic, StatsTablePublic
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/statistics", tags=["statistics"])
Viewer = Annotated[Actor, Depends(require(Permission.view_statistics))]
Text = Annotated[str | None, Query(max_length=40)]
Figures = Annotated[str | None, Query(max_length=800, description="Figure keys, comma-separated; "
                                      "none: every figure the split allows")]
Responses = dict[int | str, dict[str, Any]]
CSV: Responses = {200: {"content": {"text/csv": {}}, "description": "The table as CSV"}}
XLSX: Responses = {200: {"content": {exports.XLSX_TYPE: {}}, "description": "The table as XLSX"}}


def _query(uow: Uow, province: str | None, county: str | None, first: str | None,
           last: str | None, grain: str | None, by: str | None,
           figures: str | None) -> StatsQuery:
    return read_query(province=province, county=county, first=first, last=last, grain=grain,
                      by=by, figures=figures, today=iran_day(uow.now))


def _table(uow: Uow, actor: Actor, query: StatsQuery) -> StatsTable:
    return statistics(uow.session, actor=actor, query=query, now=uow.now)


@router.get("", response_model=StatsTablePublic)
def statistics_table(
    uow: Uow, actor: Viewer, province: Text = None, county: Text = None,
    first: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    last: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    grain: Text = None, by: Text = None, figures: Figures = None,
) -> StatsTablePublic:
    """Figures by Jalali day, week, month or year (Iran time), split by ``by``: a
    province's people get their province; an analyst counts and rates, small cells hidden.
    Days in Jalali or Gregorian (1405/01/01, 2026-03-21), Persian digits too."""
    query = _query(uow, province, county, first, last, grain, by, figures)
    return StatsTablePublic.of(_table(uow, actor, query))


@router.get(".csv", response_class=Response, responses=CSV)
def statistics_csv(
    uow: Uow, actor: Viewer, province: Text = None, county: Text = None,
    first: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    last: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    grain: Text = None, by: Text = None, figures: Figures = None,
) -> Response:
    """The same table as CSV: a header of the figures' Persian names, a row per period
    and group, and the whole range last."""
    table = _table(uow, actor, _query(uow, province, county, first, last, grain, by, figures))
    return _download(exports.as_csv(table), "text/csv; charset=utf-8",
                     exports.file_name(table, "csv"))


@router.get(".xlsx", response_class=Response, responses=XLSX)
def statistics_xlsx(
    uow: Uow, actor: Viewer, province: Text = None, county: Text = None,
    first: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    last: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    grain: Text = None, by: Text = None, figures: Figures = None,
) -> Response:
    """The same table as XLSX, with a second sheet, "definitions", of every column."""
    table = _table(uow, actor, _query(uow, province, county, first, last, grain, by, figures))
    return _download(exports.as_xlsx(table), exports.XLSX_TYPE,
                     exports.file_name(table, "xlsx"))


@router.get("/figures", response_model=list[FigurePublic])
def figure_catalogue(actor: Viewer) -> list[FigurePublic]:
    """Every figure: its key, unit, names and definition in Persian and English, and the
    splits it allows."""
    return [FigurePublic.of(f) for f in FIGURES.values()]


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
