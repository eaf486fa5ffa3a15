"""Appointment pages: the centre's week calendar, booking from the case page, attended /
missed / cancel buttons, and a worker's weekly hours.

Thin: each page calls the same domain functions and access dependencies as the JSON API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.centres.appointments import queries, service
from panah.centres.appointments.model import AppointmentState, Weekday, read_clock
from panah.centres.appointments.schemas import AppointmentCreate, HoursUpdate, ShiftBody
from panah.core.days import read_day
from panah.core.errors import InvalidInput
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.web.access import AppointmentAccess, EditAppointment, EditCase, worker_access
from panah.web.deps import Uow, require
from panah.web.routes.case_pages import render_case

router = APIRouter(tags=["appointment pages"], include_in_schema=False)
ViewHours = Annotated[int, Depends(worker_access(Permission.view_case))]
SetHours = Annotated[int, Depends(worker_access(Permission.edit_case))]
FORM_MISTAKE = InvalidInput(
    "Choose a worker and a kind, and write the day (1405/09/20), the time (10:30) and the "
    "duration in minutes.",
    "کارشناس و نوع نوبت را برگزینید و روز (۱۴۰۵/۰۹/۲۰)، ساعت (۱۰:۳۰) و مدت را به دقیقه "
    "بنویسید.")


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status
    )


def _week(text: str | None) -> date | None:
    try:
        return read_day(text) if text else None
    except ValueError:
        return None


@router.get("/centres/appointments", response_class=HTMLResponse)
def calendar_page(
    request: Request, uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.view_case))],
    week: Annotated[str | None, Query(max_length=12)] = None,
    worker_id: Annotated[str | None, Query(max_length=12)] = None,
    discipline: Annotated[str | None, Query(max_length=30)] = None,
) -> Response:
    """The week (Saturday first) of the centre's appointments, by discipline and worker."""
    worker = int(worker_id) if worker_id and worker_id.isdigit() else None
    found = queries.calendar_week(uow.session, actor=actor, day=_week(week), worker_id=worker,
                                  discipline=discipline or None, now=uow.now)
    return _page(request, "appointments/calendar.html", {"week": found})


@router.post("/cases/{case_id}/appointments", response_class=HTMLResponse)
def book_form(
    request: Request, uow: Uow, grant: EditCase,
    worker_id: Annotated[str, Form(max_length=12)] = "",
    kind: Annotated[str, Form(max_length=30)] = "",
    day: Annotated[str, Form(max_length=12)] = "",
    time: Annotated[str, Form(max_length=5)] = "",
    minutes: Annotated[str, Form(max_length=4)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Book from the case page; on a mistake the page comes back with the reason."""
    form = {"worker_id": worker_id, "kind": kind, "day": day, "time": time,
            "minutes": minutes, "note": note}
    try:
        data = AppointmentCreate(worker_id=worker_id, kind=kind, day=day,  # type: ignore[arg-type]
                                 time=time, minutes=minutes, note=note or None)  # type: ignore[arg-type]
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            service.book(uow.session, actor=grant.actor, case_id=grant.case_id, data=data,
                         now=uow.now)
    except (ValidationError, InvalidInput) as problem:
        error = problem if isinstance(problem, InvalidInput) else FORM_MISTAKE
        return render_case(request, uow, grant, status=422, appointment_error=error,
                           appointment_form=form)
    return RedirectResponse(f"/cases/{grant.case_id}#appointments", status_code=303)


def _settled(grant: AppointmentAccess) -> Response:
    return RedirectResponse(f"/cases/{grant.case_id}#appointments", status_code=303)


@router.post("/cases/{case_id}/follow-ups/{case_follow_up_id}/done",
             response_class=HTMLResponse)
def follow_up_done_form(
    uow: Uow, grant: EditCase, case_follow_up_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> Response:
    """The client was reached about a missed appointment."""
    service.complete_follow_up(uow.session, actor=grant.actor, case_id=grant.case_id,
                               follow_up_id=case_follow_up_id, now=uow.now)
    return RedirectResponse(f"/cases/{grant.case_id}#appointments", status_code=303)


@router.post("/appointments/{appointment_id}/attended", response_class=HTMLResponse)
def attended_form(uow: Uow, grant: EditAppointment) -> Response:
    """The client came."""
    service.settle(uow.session, actor=grant.actor, appointment_id=grant.appointment_id,
                   to=AppointmentState.attended, now=uow.now)
    return _settled(grant)


@router.post("/appointments/{appointment_id}/missed", response_class=HTMLResponse)
def missed_form(uow: Uow, grant: EditAppointment) -> Response:
    """The client did not come: a follow-up is due the next working day."""
    service.settle(uow.session, actor=grant.actor, appointment_id=grant.appointment_id,
                   to=AppointmentState.missed, now=uow.now)
    return _settled(grant)


@router.post("/appointments/{appointment_id}/cancel", response_class=HTMLResponse)
def cancel_form(uow: Uow, grant: EditAppointment,
                reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Cancel with a reason."""
    service.settle(uow.session, actor=grant.actor, appointment_id=grant.appointment_id,
                   to=AppointmentState.cancelled, reason=reason, now=uow.now)
    return _settled(grant)


def _hours_context(uow: Uow, actor: Actor, user_id: int) -> dict[str, Any]:
    return {"hours": queries.worker_hours(uow.session, user_id=user_id),
            "weekdays": [d.name for d in Weekday],
            "can_set": is_allowed(actor, Permission.edit_case)}


@router.get("/centres/workers/{user_id}/hours", response_class=HTMLResponse)
def hours_page(request: Request, uow: Uow, user_id: ViewHours,
               actor: Annotated[Actor, Depends(require(Permission.view_case))]) -> Response:
    """A worker's weekly hours, and the form to change them."""
    return _page(request, "appointments/hours.html", _hours_context(uow, actor, user_id))


async def _fields(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items()}


@router.post("/centres/workers/{user_id}/hours", response_class=HTMLResponse)
def hours_form(request: Request, uow: Uow, user_id: SetHours,
               actor: Annotated[Actor, Depends(require(Permission.edit_case))],
               fields: Annotated[dict[str, str], Depends(_fields)]) -> Response:
    """Save the week from the form: a day with both times filled is a working day."""
    try:
        days = [ShiftBody(weekday=d.name, start=_clock(fields, "start", d),  # type: ignore[arg-type]
                          end=_clock(fields, "end", d))  # type: ignore[arg-type]
                for d in Weekday if fields.get(f"start_{d.name}") and fields.get(f"end_{d.name}")]
        with uow.session.begin_nested():
            service.set_hours(uow.session, actor=actor, user_id=user_id,
                              data=HoursUpdate(days=days), now=uow.now)
    except (ValidationError, InvalidInput) as problem:
        error = problem if isinstance(problem, InvalidInput) else InvalidInput(
            "Write each time as 08:00.", "هر ساعت را مانند ۰۸:۰۰ بنویسید.")
        return _page(request, "appointments/hours.html",
                     _hours_context(uow, actor, user_id) | {"error": error}, status=422)
    return RedirectResponse(f"/centres/workers/{user_id}/hours", status_code=303)


def _clock(fields: dict[str, str], edge: str, day: Weekday) -> object:
    return read_clock(fields[f"{edge}_{day.name}"])
