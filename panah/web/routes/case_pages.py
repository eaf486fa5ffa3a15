"""Case-file pages: the list and a new-case form, the file, "who saw this", break-glass reviews.

Thin: each page calls the same domain functions and access dependencies as the JSON API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.cases import page as case_pages
from panah.cases import queries, service
from panah.cases.flags.queries import worker_list
from panah.cases.model import CaseCategory
from panah.cases.schemas import CaseCreate
from panah.core.errors import InvalidInput
from panah.security import access
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.web.access import CaseAccess, EditCase, ReviewCase, ViewCase
from panah.web.deps import Uow, require

router = APIRouter(tags=["case pages"], include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status
    )


def _list_context(uow: Uow, actor: Actor) -> dict[str, Any]:
    # The worker's list (issue 16): the same query as GET /api/cases/mine.
    return {"work": worker_list(uow.session, actor=actor, now=uow.now),
            "can_supervise": is_allowed(actor, Permission.supervise_cases),
            "categories": list(CaseCategory),
            "can_create": is_allowed(actor, Permission.create_case)}


@router.get("/cases", response_class=HTMLResponse)
def cases_page(
    request: Request, uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.view_case))],
) -> Response:
    """Your cases, and a form to open a new one."""
    return _page(request, "cases/list.html", _list_context(uow, actor))


@router.post("/cases", response_class=HTMLResponse)
def create_case_form(
    request: Request,
    uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.create_case))],
    client_name: Annotated[str, Form(max_length=120)] = "",
    category: Annotated[str, Form(max_length=40)] = "",
    phone: Annotated[str, Form(max_length=30)] = "",
    national_code: Annotated[str, Form(max_length=20)] = "",
    first_note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Open a case from the form; on a mistake the form comes back with the reason."""
    try:
        data = CaseCreate(client_name=client_name, category=category,  # type: ignore[arg-type]
                          phone=phone or None, national_code=national_code or None,
                          first_note=first_note or None)
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            case_id = service.create_case(uow.session, actor=actor, data=data, now=uow.now).id
    except (ValidationError, InvalidInput) as problem:
        error = problem if isinstance(problem, InvalidInput) else InvalidInput(
            "Write the client's name and choose a category.",
            "نام مددجو را بنویسید و دستهٔ پرونده را برگزینید.")
        context = _list_context(uow, actor) | {"error": error, "form": {
            "client_name": client_name, "category": category, "phone": phone,
            "national_code": national_code, "first_note": first_note}}
        return _page(request, "cases/list.html", context, status=422)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, uow: Uow, grant: ViewCase) -> Response:
    """The case file. Opening it is recorded in "who saw this"."""
    return render_case(request, uow, grant)


def render_case(request: Request, uow: Uow, grant: CaseAccess, *, status: int = 200,
                **extra: Any) -> Response:
    """The case page; a panel's form that was refused shows it again with ``extra`` (its
    error and what was typed) and ``status`` 422."""
    page = case_pages.case_page(uow.session, actor=grant.actor, case_id=grant.case_id,
                                why=grant.why, now=uow.now)
    return _page(request, "cases/detail.html", {
        "case": page.file, "page": page, "panel_order": [name for name, _ in case_pages.PANELS],
        "can_edit": is_allowed(grant.actor, Permission.edit_case),
        "can_review": is_allowed(grant.actor, Permission.review_access), **extra},
        status=status)


@router.post("/cases/{case_id}/notes", response_class=HTMLResponse)
def add_note_form(
    uow: Uow, grant: EditCase, text: Annotated[str, Form(max_length=5000)] = ""
) -> Response:
    """Add a note from the case page."""
    if not text.strip():
        raise InvalidInput("Write the note before saving it.", "پیش از ذخیره، یادداشت را بنویسید.")
    service.write_note(uow.session, actor=grant.actor, case_id=grant.case_id, text=text.strip(),
                       now=uow.now)
    return RedirectResponse(f"/cases/{grant.case_id}#notes", status_code=303)


@router.post("/cases/{case_id}/break-glass", response_class=HTMLResponse)
def break_glass_form(
    uow: Uow, case_id: Id,
    actor: Annotated[Actor, Depends(require(Permission.break_glass))],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Open the case by break-glass with the stated reason, then show it."""
    service.break_glass(uow.session, actor=actor, case_id=case_id, reason=reason, now=uow.now)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}/access-log", response_class=HTMLResponse)
def access_log_page(request: Request, uow: Uow, grant: ReviewCase) -> Response:
    """Who saw this case, and when, and why."""
    log = queries.case_access_log(uow.session, case_id=grant.case_id)
    return _page(request, "cases/access_log.html",
                 {"case_id": grant.case_id, "reference": log.reference, "entries": log.entries})


@router.get("/security/break-glass", response_class=HTMLResponse)
def break_glass_page(
    request: Request, uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.review_access))],
) -> Response:
    """Break-glass openings to review in your area."""
    return _page(request, "security/break_glass.html",
                 {"rows": queries.break_glass_reviews(uow.session, actor=actor)})


@router.post("/security/break-glass/{break_glass_id}/review", response_class=HTMLResponse)
def review_form(
    uow: Uow, break_glass_id: Id,
    actor: Annotated[Actor, Depends(require(Permission.review_access))],
) -> Response:
    """Mark one break-glass opening reviewed."""
    access.review_break_glass(uow.session, actor=actor, break_glass_id=break_glass_id,
                              now=uow.now)
    return RedirectResponse("/security/break-glass", status_code=303)
