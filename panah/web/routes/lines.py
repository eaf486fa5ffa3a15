"""A province's 123 line settings: its hours, how soon unanswered contacts overflow, its
backup provinces and the national pool. JSON API and the supervisor's page; both check
the same access (``line_access``: your own province, any for national roles)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput
from panah.geo.orm import Province
from panah.intake.routing import service as line_admin
from panah.intake.routing.lines import MAX_OVERFLOW_S, MIN_OVERFLOW_S, LineSettings
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import line_access
from panah.web.deps import get_clock, require

router = APIRouter(tags=["123 line settings"])
Manage = Annotated[Actor, Depends(require(Permission.manage_line))]
LineCode = Annotated[str, Depends(line_access(Permission.manage_line))]


class LinePublic(BaseModel):
    province_code: str
    queue: str
    overflow_after_s: float
    backup_queues: list[str]
    national_pool: bool
    hours: str = Field(description="Iran time spans, e.g. 08:00-20:00; empty: open 24/7")
    customised: bool = Field(description="false: the service's defaults")
    updated_at: datetime | None


class LineIn(BaseModel):
    overflow_after_s: float = Field(ge=MIN_OVERFLOW_S, le=MAX_OVERFLOW_S)
    backup_queues: list[str] = Field(max_length=5, description="province codes, in order")
    national_pool: bool = True
    hours: str = Field(default="", max_length=200)


def public(view: line_admin.LineView) -> LinePublic:
    line = view.line
    return LinePublic(province_code=line.province_code, queue=line.queue,
                      overflow_after_s=line.overflow_after_s,
                      backup_queues=list(line.backup_queues), national_pool=line.national_pool,
                      hours=view.hours_text, customised=view.customised,
                      updated_at=view.updated_at)


@router.get("/api/lines/{province_code}", response_model=LinePublic)
def read_line(request: Request, province_code: LineCode) -> LinePublic:
    """A province's 123 line as routing uses it now."""
    with unit_of_work(request.app.state.session_factory) as session:
        return public(line_admin.line_of(session, province_code))


@router.put("/api/lines/{province_code}", response_model=LinePublic)
def change_line(request: Request, body: LineIn, actor: Manage,
                province_code: LineCode) -> LinePublic:
    """Change a province's line. Refused (422, with the field) if it would leave callers
    with nowhere to go. Routing uses it within a second; the change is audited."""
    with unit_of_work(request.app.state.session_factory) as session:
        return public(line_admin.save_line(
            session, actor=actor, province_code=province_code, now=get_clock(request).now(),
            settings=LineSettings(body.overflow_after_s, tuple(body.backup_queues),
                                  body.national_pool, body.hours)))


def _page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "line/settings.html", context, status_code=status)


def _form_context(request: Request, province_code: str) -> dict[str, Any]:
    with unit_of_work(request.app.state.session_factory) as session:
        provinces = {p.code: p for p in session.scalars(select(Province).order_by(Province.code))}
        view = line_admin.line_of(session, province_code)
        session.expunge_all()
    return {"line": public(view), "provinces": provinces,
            "province": provinces[province_code], "min_s": MIN_OVERFLOW_S,
            "max_s": MAX_OVERFLOW_S}


@router.get("/line/settings", include_in_schema=False)
def my_line(actor: Manage) -> Response:
    """Your province's line settings (national roles start from Tehran's and can switch)."""
    return RedirectResponse(f"/line/settings/{actor.province_code or 'IR-23'}", status_code=303)


@router.get("/line/settings/{province_code}", response_class=HTMLResponse,
            include_in_schema=False)
def line_page(request: Request, province_code: LineCode) -> Response:
    """The form: hours, overflow time, backups in order, national pool."""
    saved = request.query_params.get("saved") == "1"
    return _page(request, _form_context(request, province_code) | {"saved": saved})


@router.post("/line/settings/{province_code}", response_class=HTMLResponse,
             include_in_schema=False)
def save_line_form(
    request: Request, actor: Manage, province_code: LineCode,
    overflow_after_s: Annotated[str, Form(max_length=10)] = "",
    backup_1: Annotated[str, Form(max_length=5)] = "",
    backup_2: Annotated[str, Form(max_length=5)] = "",
    backup_3: Annotated[str, Form(max_length=5)] = "",
    national_pool: Annotated[str, Form(max_length=5)] = "",
    hours: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Save from the form; on a mistake the form comes back with the reason."""
    try:
        seconds = _seconds(overflow_after_s)
        with unit_of_work(request.app.state.session_factory) as session:
            line_admin.save_line(
                session, actor=actor, province_code=province_code,
                now=get_clock(request).now(),
                settings=LineSettings(seconds, (backup_1, backup_2, backup_3),
                                      national_pool == "on", hours))
    except InvalidInput as problem:
        form = {"overflow_after_s": overflow_after_s, "hours": hours,
                "backups": [backup_1, backup_2, backup_3], "national_pool": national_pool == "on"}
        return _page(request, _form_context(request, province_code)
                     | {"error": problem, "form": form}, status=422)
    return RedirectResponse(f"/line/settings/{province_code}?saved=1", status_code=303)


def _seconds(text: str) -> float:
    digits = text.strip().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    try:
        return float(digits)
    except ValueError:
        raise InvalidInput(
            f"Write the overflow time as a number of seconds ({MIN_OVERFLOW_S} to "
            f"{MAX_OVERFLOW_S}).",
            f"زمان سرریز را به ثانیه بنویسید ({MIN_OVERFLOW_S} تا {MAX_OVERFLOW_S}).",
            field="overflow_after_s") from None
