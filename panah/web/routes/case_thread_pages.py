"""One thread from call to case, as pages: visits awaiting a case, the walk-in form, and
the case link on the contact screen and the incident page (fragments they load).

Thin: each calls the same domain functions and access dependencies as
``routes.case_thread``. A refusal re-renders the form with the reason (422), nothing saved.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.cases.model import CaseCategory
from panah.cases.thread import queries, service
from panah.cases.thread.schemas import CaseFromContact, CaseFromVisit, WalkInCreate
from panah.core.errors import Conflict, Forbidden, InvalidInput, PanahError
from panah.intake.model import RiskLevel
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import contact_access, incident_access, visit_access
from panah.web.deps import Uow, require

router = APIRouter(tags=["case thread pages"], include_in_schema=False)
Creator = Annotated[Actor, Depends(require(Permission.create_case))]
ContactSeen = Annotated[int, Depends(contact_access(Permission.answer_contacts))]
ContactOpen = Annotated[int, Depends(contact_access(Permission.create_case))]
IncidentSeen = Annotated[int, Depends(incident_access(Permission.dispatch_units))]
VisitOpen = Annotated[int, Depends(visit_access(Permission.create_case))]
Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=120)]
NAME_NEEDED = InvalidInput("Write the client's name (as they give it) and choose what it is "
                           "about.", "نام مددجو را (همان‌گونه که می‌گوید) بنویسید و موضوع را "
                           "برگزینید.", field="client_name")


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status)


def _problem(problem: Exception) -> PanahError:
    return problem if isinstance(problem, PanahError) else NAME_NEEDED


# ---- visits awaiting a case -------------------------------------------------------------


def _visits(request: Request, uow: Uow, actor: Actor, status: int = 200,
            **extra: Any) -> Response:
    return _page(request, "cases/thread/visits.html", {
        "visits": queries.visits_awaiting(uow.session, actor=actor, now=uow.now),
        "categories": list(CaseCategory), **extra}, status)


@router.get("/cases/visits", response_class=HTMLResponse)
def visits_page(request: Request, uow: Uow, actor: Creator) -> Response:
    """The province's visits with a report and no case yet, each with "open a case"."""
    return _visits(request, uow, actor)


@router.post("/cases/visits/{incident_id}", response_class=HTMLResponse)
def open_from_visit_form(request: Request, uow: Uow, actor: Creator, incident_id: VisitOpen,
                         client_name: Short = "", category: Short = "",
                         first_note: Text = "") -> Response:
    """Open the case from the visit, then show it."""
    try:
        data = CaseFromVisit(client_name=client_name.strip(),
                             category=category or None,  # type: ignore[arg-type]
                             first_note=first_note.strip() or None)
        with uow.session.begin_nested():
            case = service.open_from_visit(uow.session, actor=actor, incident_id=incident_id,
                                           data=data, now=uow.now)
    except (ValidationError, InvalidInput, Conflict) as problem:
        return _visits(request, uow, actor, 422, error=_problem(problem),
                       failed=incident_id, form={"client_name": client_name,
                                                 "first_note": first_note})
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


# ---- walk-in ----------------------------------------------------------------------------


def _walk_in(request: Request, status: int = 200, **extra: Any) -> Response:
    return _page(request, "cases/thread/walk_in.html", {
        "categories": list(CaseCategory), "risks": list(RiskLevel), **extra}, status)


@router.get("/cases/walk-in", response_class=HTMLResponse)
def walk_in_page(request: Request, actor: Creator) -> Response:
    """Someone walked into the centre: their case, opened here."""
    return _walk_in(request)


@router.post("/cases/walk-in", response_class=HTMLResponse)
def walk_in_form(request: Request, uow: Uow, actor: Creator, client_name: Short = "",
                 category: Short = "", phone: Short = "", risk: Short = "",
                 summary: Text = "", first_note: Text = "") -> Response:
    """The walk-in's contact and case, in one go; on a mistake the form comes back."""
    form = {"client_name": client_name, "category": category, "phone": phone, "risk": risk,
            "summary": summary, "first_note": first_note}
    try:
        data = WalkInCreate(client_name=client_name.strip(), category=category,  # type: ignore[arg-type]
                            phone=phone.strip() or None, risk=risk or None,  # type: ignore[arg-type]
                            summary=summary.strip() or None, first_note=first_note.strip() or None)
        with uow.session.begin_nested():
            case = service.open_walk_in(uow.session, actor=actor, data=data, now=uow.now)
    except (ValidationError, InvalidInput) as problem:
        return _walk_in(request, 422, error=_problem(problem), form=form)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


# ---- the contact screen and the incident page -------------------------------------------


@router.get("/line/contacts/{contact_id}/case", response_class=HTMLResponse)
def contact_case_fragment(request: Request, uow: Uow, contact_id: ContactSeen) -> Response:
    """The contact's case, or "open a case" (loaded into the contact screen)."""
    found = queries.contact_case(uow.session, actor=request.state.actor,
                                 contact_id=contact_id, now=uow.now)
    return _page(request, "cases/thread/_contact_case.html", {
        "found": found, "categories": list(CaseCategory)})


@router.post("/line/contacts/{contact_id}/case", response_class=HTMLResponse)
def open_from_contact_form(
    request: Request, uow: Uow, actor: Creator, contact_id: ContactOpen,
    client_name: Short = "", category: Short = "", first_note: Text = "",
    link_to_case_id: Annotated[str, Form(max_length=12)] = "",
    open_anyway: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Open the contact's case (or link the contact to the caller's open case)."""
    linking = link_to_case_id.isdigit()
    try:
        data = CaseFromContact(
            client_name=client_name.strip() or ("-" if linking else ""),
            category=category or None,  # type: ignore[arg-type]
            first_note=first_note.strip() or None,
            link_to_case_id=int(link_to_case_id) if linking else None,
            open_anyway=open_anyway == "yes")
        with uow.session.begin_nested():
            case = service.open_from_contact(uow.session, actor=actor, contact_id=contact_id,
                                             data=data, now=uow.now)
    except (ValidationError, InvalidInput, Conflict, Forbidden) as problem:
        found = queries.contact_case(uow.session, actor=actor, contact_id=contact_id,
                                     now=uow.now)
        return _page(request, "cases/thread/from_contact.html", {
            "found": found, "categories": list(CaseCategory), "error": _problem(problem),
            "form": {"client_name": client_name, "first_note": first_note},
            "conflict": isinstance(problem, Conflict)}, 422)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/dispatch/incidents/{incident_id}/case", response_class=HTMLResponse)
def incident_case_fragment(request: Request, uow: Uow, incident_id: IncidentSeen) -> Response:
    """The incident's case, or "open a case from the visit" (loaded into the incident page)."""
    found = queries.incident_case(uow.session, actor=request.state.actor,
                                  incident_id=incident_id, now=uow.now)
    return _page(request, "cases/thread/_incident_case.html", {
        "found": found, "categories": list(CaseCategory)})
