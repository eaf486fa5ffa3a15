"""Client pages: the profile form (Jalali birth date, phones, why no national code), the
possible duplicates with their merge forms, and undoing a merge.

Thin: each page calls the same domain functions and access dependencies as the JSON API.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.cases.clients import queries, service
from panah.cases.clients.model import LANGUAGES, Disability, NoNationalCodeReason
from panah.cases.clients.schemas import ClientUpdate
from panah.core.errors import InvalidInput
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.web.access import client_access, client_merge_access
from panah.web.deps import Uow, require

router = APIRouter(tags=["client pages"], include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
FORM_MISTAKE = InvalidInput("Write the client's name and check the fields marked.",
                            "نام مددجو را بنویسید و خانه‌های نشان‌داده را بررسی کنید.")


def _render(request: Request, uow: Uow, actor: Actor, client_id: int,
            extra: dict[str, Any] | None = None, status: int = 200) -> Response:
    page = queries.client_page(uow.session, actor=actor, client_id=client_id, now=uow.now)
    context = {"page": page, "client": page.client, "reasons": list(NoNationalCodeReason),
               "disabilities": list(Disability), "languages": LANGUAGES,
               "can_edit": is_allowed(actor, Permission.edit_case),
               "can_merge": is_allowed(actor, Permission.create_case), **(extra or {})}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "clients/detail.html", context, status_code=status)


def _problem(problem: Exception) -> InvalidInput:
    return problem if isinstance(problem, InvalidInput) else FORM_MISTAKE


@router.get("/clients/{client_id}", response_class=HTMLResponse)
def client_page(
    request: Request, uow: Uow,
    client_id: Annotated[int, Depends(client_access(Permission.view_case))],
    actor: Annotated[Actor, Depends(require(Permission.view_case))],
) -> Response:
    """The client's profile and possible duplicates (the read is audited)."""
    return _render(request, uow, actor, client_id)


@router.post("/clients/{client_id}", response_class=HTMLResponse)
def update_client_form(
    request: Request, uow: Uow,
    client_id: Annotated[int, Depends(client_access(Permission.edit_case))],
    actor: Annotated[Actor, Depends(require(Permission.edit_case))],
    name: Annotated[str, Form(max_length=120)] = "",
    national_code: Annotated[str, Form(max_length=20)] = "",
    no_national_code_reason: Annotated[str, Form(max_length=20)] = "",
    no_national_code_note: Text = "",
    birth_date: Annotated[str, Form(max_length=20)] = "",
    gender: Annotated[str, Form(max_length=10)] = "",
    phones: Text = "",
    disability: Annotated[str, Form(max_length=20)] = "",
    nationality: Annotated[str, Form(max_length=2)] = "IR",
    languages: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the profile form; on a mistake the form comes back with the reason."""
    form = {"name": name, "national_code": national_code, "birth_date": birth_date,
            "no_national_code_reason": no_national_code_reason, "phones": phones,
            "no_national_code_note": no_national_code_note}
    try:
        data = ClientUpdate(
            name=name, national_code=national_code or None,
            no_national_code_reason=no_national_code_reason or None,  # type: ignore[arg-type]
            no_national_code_note=no_national_code_note or None,
            birth_date=birth_date or None, gender=gender or None,  # type: ignore[arg-type]
            phones=[p for p in re.split(r"[\n,،;]+", phones) if p.strip()],
            disability=disability or None,  # type: ignore[arg-type]
            nationality=nationality or "IR", languages=languages or [])
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            service.update_client(uow.session, actor=actor, client_id=client_id, data=data,
                                  now=uow.now)
    except (ValidationError, InvalidInput) as problem:
        return _render(request, uow, actor, client_id,
                       {"error": _problem(problem), "form": form}, status=422)
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


@router.post("/clients/{client_id}/merge", response_class=HTMLResponse)
def merge_form(
    request: Request, uow: Uow,
    client_id: Annotated[int, Depends(client_access(Permission.create_case))],
    actor: Annotated[Actor, Depends(require(Permission.create_case))],
    other_client_id: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0,
    reason: Text = "",
) -> Response:
    """Merge a possible duplicate into this client, with the reason."""
    try:
        with uow.session.begin_nested():
            service.merge_clients(uow.session, actor=actor, survivor_id=client_id,
                                  merged_id=other_client_id, reason=reason, now=uow.now)
    except InvalidInput as problem:
        return _render(request, uow, actor, client_id,
                       {"error": problem, "merge_reason": reason}, status=422)
    return RedirectResponse(f"/clients/{client_id}#merges", status_code=303)


@router.post("/client-merges/{merge_id}/undo", response_class=HTMLResponse)
def undo_form(
    request: Request, uow: Uow,
    merge_id: Annotated[int, Depends(client_merge_access(Permission.create_case))],
    actor: Annotated[Actor, Depends(require(Permission.create_case))],
    reason: Text = "",
) -> Response:
    """Undo a merge from the surviving client's page."""
    try:
        with uow.session.begin_nested():
            merge = service.undo_merge(uow.session, actor=actor, merge_id=merge_id,
                                       reason=reason, now=uow.now)
    except InvalidInput as problem:
        survivor = service.survivor_of(uow.session, merge_id)
        return _render(request, uow, actor, survivor, {"error": problem}, status=422)
    return RedirectResponse(f"/clients/{merge.merged_id}", status_code=303)
