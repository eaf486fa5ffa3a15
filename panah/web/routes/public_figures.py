"""The public service figures (issue 18): anyone may open them, signed in or not. Counts
and rates of the line per province and Jalali month, small cells hidden; one call each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from panah.reports.monthly.model import number_text
from panah.reports.public import PublicFiguresOut, figures_page, public_figures
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, require
from panah.web.i18n import request_language

router = APIRouter(tags=["public figures"])
Anyone = Annotated[Actor | None, Depends(require(Permission.public))]
ProvinceParam = Annotated[str | None, Query(
    max_length=40, description="ISO 3166-2:IR code (IR-02), or IR for the whole country.")]
MonthParam = Annotated[str | None, Query(
    max_length=40, description="The Jalali month, e.g. 1405-01; by default this month.")]


@router.get("/figures", response_class=HTMLResponse, include_in_schema=False)
def figures(request: Request, uow: Uow, _: Anyone, province: ProvinceParam = None,
            month: MonthParam = None) -> Response:
    """The public page: a province and a month to choose, every province's figures."""
    page = figures_page(uow.session, province=province, month=month, now=uow.now)
    lang = request_language(request)
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "reports/figures.html",
        {"page": page, "error": page.error, "number": lambda v: number_text(v, lang)},
        status_code=422 if page.error else 200)


@router.get("/api/figures", response_model=PublicFiguresOut)
def figures_json(uow: Uow, _: Anyone, province: ProvinceParam = None,
                 month: MonthParam = None) -> PublicFiguresOut:
    """A month's public service figures for every province and the nation: contacts
    offered and answered, the answer rate, answered within 20 s and the average speed of
    answer. Counts below 10 are null, and so is every rate resting on one."""
    return PublicFiguresOut.of(
        public_figures(uow.session, province=province, month=month, now=uow.now))
