"""The shelter's board and a stay's page (issue 17): beds by room, who arrives and leaves
today, stays near their end; check in, check out, extend, cancel.

Thin: each page calls the same domain functions and access dependencies as the JSON API
(``routes/stays.py``); a refused form comes back on its page with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.centres.shelters.model import Destination
from panah.centres.stays import queries, service
from panah.centres.stays.schemas import PersonIn, StayCreate
from panah.core.days import read_day
from panah.core.errors import InvalidInput, PanahError
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import shelter_access, stay_access
from panah.web.deps import Uow, require

router = APIRouter(tags=["shelter board"], include_in_schema=False)
SeeShelter = Annotated[int, Depends(shelter_access(Permission.view_occupancy))]
RunShelter = Annotated[int, Depends(shelter_access(Permission.manage_shelters))]
RunStay = Annotated[int, Depends(stay_access(Permission.manage_shelters))]
ExtendStay = Annotated[int, Depends(stay_access(Permission.approve_case_work))]
Seeing = Annotated[Actor, Depends(require(Permission.view_occupancy))]
Managing = Annotated[Actor, Depends(require(Permission.manage_shelters))]
Approving = Annotated[Actor, Depends(require(Permission.approve_case_work))]
BAD_DAY = InvalidInput("Write the day as 1405/01/20 (Jalali) or 2026-04-09.",
                       "روز را مانند ۱۴۰۵/۰۱/۲۰ بنویسید.", field="day")
BAD_PARTY = InvalidInput("Write the case number, the client's age and the children's ages "
                         "(numbers, separated by commas).",
                         "شمارهٔ پرونده، سن مددجو و سن کودکان را (عدد، جدا با ویرگول) بنویسید.",
                         field="people")


def _page(request: Request, template: str, context: dict[str, Any],
          status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status)


def _board(request: Request, uow: Uow, actor: Actor, shelter_id: int,
           status: int = 200, **extra: Any) -> Response:
    found = queries.board(uow.session, actor=actor, shelter_id=shelter_id, now=uow.now)
    requests = queries.requests_on_board(uow.session, actor=actor, shelter_id=shelter_id,
                                         now=uow.now) if found.can_manage else None
    return _page(request, "shelters/board.html",
                 {"board": found, "requests": requests,
                  "destinations": [d.value for d in Destination], **extra}, status)


@router.get("/shelters/{shelter_id}", response_class=HTMLResponse)
def board_page(request: Request, uow: Uow, shelter_id: SeeShelter, actor: Seeing) -> Response:
    """The shelter's board (a tablet at the shelter's desk)."""
    return _board(request, uow, actor, shelter_id)


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return read_day(text)
    except ValueError:
        raise BAD_DAY from None


def _ages(text: str) -> list[int]:
    cleaned = text.replace("،", ",").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    return [int(part) for part in cleaned.split(",") if part.strip()]


@router.post("/shelters/{shelter_id}/stays", response_class=HTMLResponse)
def take_in_form(
    request: Request, uow: Uow, shelter_id: RunShelter, actor: Managing,
    case_id: Annotated[str, Form(max_length=12)] = "",
    client_age: Annotated[str, Form(max_length=3)] = "",
    client_name: Annotated[str, Form(max_length=160)] = "",
    children: Annotated[str, Form(max_length=60)] = "",
    accessible: Annotated[str, Form(max_length=5)] = "",
    arrives_on: Annotated[str, Form(max_length=12)] = "",
    check_in: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Take someone in from a case without a request (now, or planned for a day)."""
    form = {"case_id": case_id, "client_age": client_age, "client_name": client_name,
            "children": children, "arrives_on": arrives_on}
    try:
        try:
            people = [PersonIn(age_years=int(client_age), name=client_name or None,
                               needs_accessible=bool(accessible))]
            people += [PersonIn(relation="child", age_years=age)  # type: ignore[arg-type]
                       for age in _ages(children)]
            data = StayCreate(case_id=int(case_id), people=people, arrives_on=_day(arrives_on),
                              check_in=bool(check_in))
        except (ValueError, ValidationError):
            raise BAD_PARTY from None
        with uow.session.begin_nested():
            stay_id = service.receive(uow.session, actor=actor, shelter_id=shelter_id,
                                      data=data, now=uow.now)
    except PanahError as problem:
        return _board(request, uow, actor, shelter_id, status=422, take_in_error=problem,
                      take_in_form=form)
    return RedirectResponse(f"/shelters/stays/{stay_id}", status_code=303)


def _stay(request: Request, uow: Uow, actor: Actor, stay_id: int, status: int = 200,
          **extra: Any) -> Response:
    found = queries.stay_page(uow.session, actor=actor, stay_id=stay_id, now=uow.now)
    return _page(request, "shelters/stay.html",
                 {"stay": found, "destinations": [d.value for d in Destination], **extra},
                 status)


@router.get("/shelters/stays/{stay_id}", response_class=HTMLResponse)
def stay_page(request: Request, uow: Uow, stay_id: RunStay, actor: Managing) -> Response:
    """A stay: its people and beds, check in, check out, extend, cancel."""
    return _stay(request, uow, actor, stay_id)




@router.post("/shelters/stays/{stay_id}/check-in", response_class=HTMLResponse)
def check_in_form(request: Request, uow: Uow, stay_id: RunStay, actor: Managing,
                  ends_on: Annotated[str, Form(max_length=12)] = "",
                  back: Annotated[str, Form(max_length=10)] = "") -> Response:
    """She came (from the board's "arriving today", back to the board)."""
    try:
        with uow.session.begin_nested():
            service.check_in(uow.session, actor=actor, stay_id=stay_id, now=uow.now,
                             ends_on=_day(ends_on))
    except PanahError as problem:
        return _stay(request, uow, actor, stay_id, status=422, error=problem)
    if back == "board":
        shelter_id = queries.stay_page(uow.session, actor=actor, stay_id=stay_id,
                                       now=uow.now).shelter_id
        return RedirectResponse(f"/shelters/{shelter_id}#arriving", status_code=303)
    return RedirectResponse(f"/shelters/stays/{stay_id}", status_code=303)


@router.post("/shelters/stays/{stay_id}/check-out", response_class=HTMLResponse)
def check_out_form(
    request: Request, uow: Uow, stay_id: RunStay, actor: Managing,
    destination: Annotated[str, Form(max_length=30)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    safety_plan: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """She left: where she went, and her safety plan."""
    try:
        with uow.session.begin_nested():
            service.check_out(uow.session, actor=actor, stay_id=stay_id,
                              destination=destination, note=note, safety_plan=safety_plan,
                              now=uow.now)
    except PanahError as problem:
        return _stay(request, uow, actor, stay_id, status=422, error=problem,
                     form={"destination": destination, "note": note,
                           "safety_plan": safety_plan})
    return RedirectResponse(f"/shelters/stays/{stay_id}", status_code=303)


@router.post("/shelters/stays/{stay_id}/cancel", response_class=HTMLResponse)
def cancel_form(request: Request, uow: Uow, stay_id: RunStay, actor: Managing) -> Response:
    """She did not come."""
    try:
        with uow.session.begin_nested():
            service.cancel(uow.session, actor=actor, stay_id=stay_id, now=uow.now)
    except PanahError as problem:
        return _stay(request, uow, actor, stay_id, status=422, error=problem)
    return RedirectResponse(f"/shelters/stays/{stay_id}", status_code=303)


@router.post("/shelters/stays/{stay_id}/extend", response_class=HTMLResponse)
def extend_form(request: Request, uow: Uow, stay_id: ExtendStay, actor: Approving,
                until: Annotated[str, Form(max_length=12)] = "",
                reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """A supervisor extends the stay, saying why."""
    try:
        day = _day(until)
        if day is None:
            raise BAD_DAY
        with uow.session.begin_nested():
            service.extend(uow.session, actor=actor, stay_id=stay_id, until=day,
                           reason=reason, now=uow.now)
    except PanahError as problem:
        return _stay(request, uow, actor, stay_id, status=422, error=problem,
                     form={"until": until, "reason": reason})
    return RedirectResponse(f"/shelters/stays/{stay_id}", status_code=303)
