"""The bed finder on the case and contact screens, and answering requests (pages) (issue 17).

Thin: each page calls the same domain functions and access dependencies as the JSON API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.centres.beds import queries, service
from panah.centres.beds.model import Party, make_party, read_children
from panah.centres.beds.schemas import ChildBody, ShelterRequestCreate
from panah.core.days import read_day
from panah.core.errors import InvalidInput
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import (
    CaseAccess,
    case_access,
    contact_access,
    request_origin_access,
    shelter_request_access,
)
from panah.web.deps import Uow, require
from panah.web.routes.case_pages import render_case

router = APIRouter(tags=["bed pages"], include_in_schema=False)
FindForCase = Annotated[CaseAccess, Depends(case_access(Permission.find_bed))]
FindForContact = Annotated[int, Depends(contact_access(Permission.find_bed))]
Answer = Annotated[int, Depends(shelter_request_access(Permission.manage_shelters))]
Manager = Annotated[Actor, Depends(require(Permission.manage_shelters))]
Asker = Annotated[int, Depends(request_origin_access(Permission.find_bed))]
Finder = Annotated[Actor, Depends(require(Permission.find_bed))]
FORM_MISTAKE = InvalidInput(
    "Write the client's age, the children's ages separated by commas (6, 3) and the day she "
    "arrives (1405/01/02).",
    "سن مددجو، سن کودکان با ویرگول (۶، ۳) و روز ورود (۱۴۰۵/۰۱/۰۲) را بنویسید.")


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status
    )


def _party(client_age: str, children: str, accessible: str) -> Party:
    age = client_age.strip().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    if not age.isdigit():
        raise InvalidInput("Write the client's age in whole years.",
                           "سن مددجو را به سال کامل بنویسید.", field="client_age")
    return make_party(int(age), read_children(children), accessible in ("1", "on", "true"))


def _request_data(shelter_id: str, client_age: str, children: str, accessible: str,
                  arrives_on: str, note: str) -> ShelterRequestCreate:
    party = _party(client_age, children, accessible)
    try:
        day = read_day(arrives_on) if arrives_on.strip() else None
    except ValueError:
        raise FORM_MISTAKE from None
    return ShelterRequestCreate(
        shelter_id=shelter_id, client_age=party.client_age,  # type: ignore[arg-type]
        accessible=party.accessible, arrives_on=day, note=note or None,
        children=[ChildBody(age=c.age, sex=c.sex) for c in party.children])  # type: ignore[arg-type]


def _form(client_age: str, children: str, accessible: str, **more: str) -> dict[str, str]:
    return {"client_age": client_age, "children": children, "accessible": accessible, **more}


@router.get("/cases/{case_id}/beds", response_class=HTMLResponse)
def case_finder_page(
    request: Request, uow: Uow, grant: FindForCase,
    client_age: Annotated[str, Query(max_length=4)] = "",
    children: Annotated[str, Query(max_length=80)] = "",
    accessible: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """The case page with the bed finder's results (shelters that can take her and her
    children now, in her province first)."""
    try:
        party = _party(client_age, children, accessible)
        finder = queries.case_finder(uow.session, actor=grant.actor, case_id=grant.case_id,
                                     now=uow.now, party=party)
    except InvalidInput as problem:
        return render_case(request, uow, grant, status=422, bed_error=problem,
                           bed_form=_form(client_age, children, accessible))
    return render_case(request, uow, grant, bed_finder=finder)


@router.post("/cases/{case_id}/shelter-requests", response_class=HTMLResponse)
def case_request_form(
    request: Request, uow: Uow, grant: FindForCase,
    shelter_id: Annotated[str, Form(max_length=12)] = "",
    client_age: Annotated[str, Form(max_length=4)] = "",
    children: Annotated[str, Form(max_length=80)] = "",
    accessible: Annotated[str, Form(max_length=5)] = "",
    arrives_on: Annotated[str, Form(max_length=12)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Ask the chosen shelter for beds; on a mistake the case page comes back with it."""
    try:
        data = _request_data(shelter_id, client_age, children, accessible, arrives_on, note)
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            service.request_bed(uow.session, actor=grant.actor, case_id=grant.case_id,
                                data=data, now=uow.now)
    except (ValidationError, InvalidInput) as problem:
        error = problem if isinstance(problem, InvalidInput) else FORM_MISTAKE
        return render_case(request, uow, grant, status=422, bed_error=error,
                           bed_form=_form(client_age, children, accessible))
    return RedirectResponse(f"/cases/{grant.case_id}#shelter", status_code=303)


@router.get("/line/contacts/{contact_id}/beds", response_class=HTMLResponse)
def contact_finder_fragment(
    request: Request, uow: Uow, contact_id: FindForContact, actor: Finder,
    client_age: Annotated[str, Query(max_length=4)] = "",
    children: Annotated[str, Query(max_length=80)] = "",
    accessible: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """The bed finder on the contact screen (HTMX swaps it in); with an age, its results."""
    context: dict[str, Any] = {"bed_form": _form(client_age, children, accessible)}
    party = None
    try:
        party = _party(client_age, children, accessible) if client_age else None
    except InvalidInput as problem:
        context["bed_error"] = problem
    finder = queries.contact_finder(uow.session, actor=actor, contact_id=contact_id,
                                    now=uow.now, party=party)
    return _page(request, "line/_bed_finder.html", context | {"finder": finder})


@router.post("/line/contacts/{contact_id}/shelter-requests", response_class=HTMLResponse)
def contact_request_form(
    request: Request, uow: Uow, contact_id: FindForContact, actor: Finder,
    shelter_id: Annotated[str, Form(max_length=12)] = "",
    client_age: Annotated[str, Form(max_length=4)] = "",
    children: Annotated[str, Form(max_length=80)] = "",
    accessible: Annotated[str, Form(max_length=5)] = "",
    arrives_on: Annotated[str, Form(max_length=12)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Ask a shelter from the call; the fragment comes back with the request or the reason
    it was refused."""
    context: dict[str, Any] = {"bed_form": _form(client_age, children, accessible)}
    try:
        data = _request_data(shelter_id, client_age, children, accessible, arrives_on, note)
        with uow.session.begin_nested():
            service.request_bed(uow.session, actor=actor, contact_id=contact_id, data=data,
                                now=uow.now)
    except (ValidationError, InvalidInput) as problem:
        context["bed_error"] = problem if isinstance(problem, InvalidInput) else FORM_MISTAKE
    finder = queries.contact_finder(uow.session, actor=actor, contact_id=contact_id,
                                    now=uow.now)
    if request.headers.get("HX-Request") != "true":
        return RedirectResponse(f"/line/contacts/{contact_id}#bed-finder", status_code=303)
    return _page(request, "line/_bed_finder.html", context | {"finder": finder})


def _back(request: Request, fallback: str) -> Response:
    """Back to the page the form was on (the shelter's board), else ``fallback``."""
    came_from = request.headers.get("referer", "")
    host = str(request.base_url)
    target = came_from if came_from.startswith(host) else fallback
    return RedirectResponse(target.split("#")[0] + "#shelter-requests", status_code=303)


@router.post("/shelter-requests/{shelter_request_id}/accept", response_class=HTMLResponse)
def accept_form(request: Request, uow: Uow, shelter_request_id: Answer,
                actor: Manager) -> Response:
    """Accept: a planned stay holds the beds."""
    done = service.accept(uow.session, actor=actor, request_id=shelter_request_id,
                          now=uow.now)
    return _back(request, f"/shelters/{done.shelter_id}")


@router.post("/shelter-requests/{shelter_request_id}/decline", response_class=HTMLResponse)
def decline_form(request: Request, uow: Uow, shelter_request_id: Answer, actor: Manager,
                 reason: Annotated[str, Form(max_length=40)] = "",
                 note: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Decline with a reason."""
    done = service.decline(uow.session, actor=actor, request_id=shelter_request_id,
                           reason=reason, note=note, now=uow.now)
    return _back(request, f"/shelters/{done.shelter_id}")


@router.post("/shelter-requests/{shelter_request_id}/withdraw", response_class=HTMLResponse)
def withdraw_form(uow: Uow, shelter_request_id: Asker, actor: Finder) -> Response:
    """The worker takes the request back."""
    done = service.withdraw(uow.session, actor=actor, request_id=shelter_request_id,
                            now=uow.now)
    target = (f"/cases/{done.case_id}#shelter" if done.case_id
              else f"/line/contacts/{done.contact_id}#bed-finder")
    return RedirectResponse(target, status_code=303)
