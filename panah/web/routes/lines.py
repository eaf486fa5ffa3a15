"""A province's 123 line settings: its hours, how soon unanswered contacts overflow, its
backup provinces and the national pool. JSON API and the supervisor's page; both check
the same access (``line_access``: your own province, any for national roles)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from panah.core.errors import InvalidInput
from panah.intake.queries import LineForm, line_form, line_settings
from panah.intake.routing import service as line_admin
from panah.intake.routing.lines import MAX_OVERFLOW_S, MIN_OVERFLOW_S, LineSettings
from panah.intake.schemas import LineIn, LinePublic
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import line_access
from panah.web.deps import Uow, require

router = APIRouter(tags=["123 line settings"])
Manage = Annotated[Actor, Depends(require(Permission.manage_line))]
LineCode = Annotated[str, Depends(line_access(Permission.manage_line))]


@router.get("/api/lines/{province_code}", response_model=LinePublic)
def read_line(province_code: LineCode, uow: Uow) -> LinePublic:
    """A province's 123 line as routing uses it now."""
    return line_settings(uow.session, province_code=province_code)


@router.put("/api/lines/{province_code}", response_model=LinePublic)
def change_line(body: LineIn, actor: Manage, province_code: LineCode, uow: Uow) -> LinePublic:
    """Change a province's line. Refused (422, with the field) if it would leave callers
    with nowhere to go. Routing uses it within a second; the change is audited."""
    return LinePublic.of(line_admin.save_line(
        uow.session, actor=actor, province_code=province_code, now=uow.now,
        settings=LineSettings(body.overflow_after_s, tuple(body.backup_queues),
                              body.national_pool, body.hours)))


def _page(request: Request, form: LineForm, extra: dict[str, Any],
          status: int = 200) -> Response:
    context = {"line": form.line, "provinces": form.provinces, "province": form.province,
               "min_s": MIN_OVERFLOW_S, "max_s": MAX_OVERFLOW_S, **extra}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "line/settings.html", context, status_code=status)


@router.get("/line/settings", include_in_schema=False)
def my_line(actor: Manage) -> Response:
    """Your province's line settings (national roles start from Tehran's and can switch)."""
    return RedirectResponse(f"/line/settings/{actor.province_code or 'IR-23'}", status_code=303)


@router.get("/line/settings/{province_code}", response_class=HTMLResponse,
            include_in_schema=False)
def line_page(request: Request, province_code: LineCode, uow: Uow) -> Response:
    """The form: hours, overflow time, backups in order, national pool."""
    saved = request.query_params.get("saved") == "1"
    return _page(request, line_form(uow.session, province_code=province_code),
                 {"saved": saved})


@router.post("/line/settings/{province_code}", response_class=HTMLResponse,
             include_in_schema=False)
def save_line_form(
    request: Request, actor: Manage, province_code: LineCode, uow: Uow,
    overflow_after_s: Annotated[str, Form(max_length=10)] = "",
    backup_1: Annotated[str, Form(max_length=5)] = "",
    backup_2: Annotated[str, Form(max_length=5)] = "",
    backup_3: Annotated[str, Form(max_length=5)] = "",
    national_pool: Annotated[str, Form(max_length=5)] = "",
    hours: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Save from the form; on a mistake the form comes back with the reason (nothing saved)."""
    try:
        seconds = _seconds(overflow_after_s)
        with uow.session.begin_nested():
            line_admin.save_line(
                uow.session, actor=actor, province_code=province_code, now=uow.now,
                settings=LineSettings(seconds, (backup_1, backup_2, backup_3),
                                      national_pool == "on", hours))
    except InvalidInput as problem:
        form = {"overflow_after_s": overflow_after_s, "hours": hours,
                "backups": [backup_1, backup_2, backup_3], "national_pool": national_pool == "on"}
        return _page(request, line_form(uow.session, province_code=province_code),
                     {"error": problem, "form": form}, status=422)
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
