"""The monthly provincial report (issue 18): the printable page, its PDF and XLSX, and the
JSON. Each is one call into ``panah.reports.monthly``; a province's people get their own
province only (the statistics engine refuses another before counting)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from panah.reports.monthly.queries import asked_report, report_page
from panah.reports.monthly.schemas import MonthlyReportPublic
from panah.reports.monthly.workbook import to_xlsx
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, require
from panah.web.i18n import request_language
from panah.web.monthly_document import document_context, to_pdf

router = APIRouter(tags=["reports"])
Seeing = Annotated[Actor, Depends(require(Permission.view_statistics))]
ProvinceParam = Annotated[str | None, Query(
    max_length=40, description="ISO 3166-2:IR code, e.g. IR-02; by default your own province.")]
MonthParam = Annotated[str | None, Query(
    max_length=40, description="The Jalali month, e.g. 1405-01; by default this month.")]
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports/monthly", response_class=HTMLResponse, include_in_schema=False)
def monthly_page(request: Request, uow: Uow, actor: Seeing, province: ProvinceParam = None,
                 month: MonthParam = None) -> Response:
    """The report as a printable page, with the province and month to choose."""
    page = report_page(uow.session, actor=actor, province=province, month=month, now=uow.now)
    context = {"page": page, "error": page.error,
               **(document_context(page.report, request_language(request))
                  if page.report else {})}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "reports/monthly.html", context, status_code=422 if page.error else 200)


@router.get("/api/reports/monthly", response_model=MonthlyReportPublic)
def monthly_json(uow: Uow, actor: Seeing, province: ProvinceParam = None,
                 month: MonthParam = None) -> MonthlyReportPublic:
    """One province's Jalali month: every figure under its stable key, the split by
    channel, category and county, and the days. An analyst gets counts and rates only,
    small cells hidden."""
    return MonthlyReportPublic.of(
        asked_report(uow.session, actor=actor, province=province, month=month, now=uow.now))


@router.get("/reports/monthly.pdf", response_class=Response,
            responses={200: {"content": {PDF: {}}, "description": "The report as A4 PDF"}})
def monthly_pdf(uow: Uow, actor: Seeing, province: ProvinceParam = None,
                month: MonthParam = None) -> Response:
    """The printable report as a PDF (Persian)."""
    report = asked_report(uow.session, actor=actor, province=province, month=month,
                          now=uow.now)
    return _download(to_pdf(report), PDF, f"panah-{report.province.code}-{report.month.key}.pdf")


@router.get("/reports/monthly.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "The report as a workbook"}})
def monthly_xlsx(uow: Uow, actor: Seeing, province: ProvinceParam = None,
                 month: MonthParam = None) -> Response:
    """The report's figures as a workbook: the month, the days, each split."""
    report = asked_report(uow.session, actor=actor, province=province, month=month,
                          now=uow.now)
    return _download(to_xlsx(report), XLSX,
                     f"panah-{report.province.code}-{report.month.key}.xlsx")


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
