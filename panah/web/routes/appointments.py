"""Appointments at a crisis-intervention centre (API): the week's calendar, booking on a
case, attended / missed / cancel, and a worker's weekly hours."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from panah.centres.appointments import queries, service
from panah.centres.appointments.model import AppointmentState
from panah.centres.appointments.schemas import (
    AppointmentCreate,
    AppointmentOutcome,
    AppointmentPublic,
    CalendarWeek,
    CancelBody,
    FollowUpPublic,
    HoursPublic,
    HoursUpdate,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import EditAppointment, EditCase, worker_access
from panah.web.deps import Uow, require

FollowUpId = Annotated[int, Path(ge=1, le=2**31 - 1)]
router = APIRouter(prefix="/api", tags=["appointments"])
ViewHours = Annotated[int, Depends(worker_access(Permission.view_case))]
SetHours = Annotated[int, Depends(worker_access(Permission.edit_case))]


@router.get("/centres/appointments", response_model=CalendarWeek)
def calendar(
    uow: Uow, actor: Annotated[Actor, Depends(require(Permission.view_case))],
    week: Annotated[date | None, Query(description="Any day of the week (Saturday first)")]
    = None,
    worker_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    discipline: Annotated[str | None, Query(max_length=30)] = None,
) -> CalendarWeek:
    """The week's appointments of your centre's workers (your province's if you supervise);
    the case and client only where you may open the case, else "busy"."""
    return queries.calendar_week(uow.session, actor=actor, day=week, worker_id=worker_id,
                                 discipline=discipline, now=uow.now)


@router.post("/cases/{case_id}/appointments", response_model=AppointmentPublic,
             status_code=201)
def book(uow: Uow, grant: EditCase, body: AppointmentCreate) -> AppointmentPublic:
    """Book a team member for the case, in Iran time and the Jalali calendar: inside their
    hours, not over another appointment, not in the past, 15 to 180 minutes."""
    return service.book(uow.session, actor=grant.actor, case_id=grant.case_id, data=body,
                        now=uow.now)


@router.post("/cases/{case_id}/follow-ups/{case_follow_up_id}/done",
             response_model=FollowUpPublic)
def follow_up_done(uow: Uow, grant: EditCase, case_follow_up_id: FollowUpId) -> FollowUpPublic:
    """The client was reached about a missed appointment: the follow-up is done."""
    return service.complete_follow_up(uow.session, actor=grant.actor, case_id=grant.case_id,
                                      follow_up_id=case_follow_up_id, now=uow.now)


@router.post("/appointments/{appointment_id}/attended", response_model=AppointmentOutcome)
def attended(uow: Uow, grant: EditAppointment) -> AppointmentOutcome:
    """The client came: the team was in touch with them."""
    return service.settle(uow.session, actor=grant.actor, appointment_id=grant.appointment_id,
                          to=AppointmentState.attended, now=uow.now)


@router.post("/appointments/{appointment_id}/missed", response_model=AppointmentOutcome)
def missed(uow: Uow, grant: EditAppointment) -> AppointmentOutcome:
    """The client did not come: a follow-up is due the worker's next working day."""
    return service.settle(uow.session, actor=grant.actor, appointment_id=grant.appointment_id,
                          to=AppointmentState.missed, now=uow.now)


@router.post("/appointments/{appointment_id}/cancel", response_model=AppointmentOutcome)
def cancel(uow: Uow, grant: EditAppointment, body: CancelBody) -> AppointmentOutcome:
    """Cancel the appointment, saying why; its slot is free again."""
    return service.settle(uow.session, actor=grant.actor, appointment_id=grant.appointment_id,
                          to=AppointmentState.cancelled, reason=body.reason, now=uow.now)


@router.get("/workers/{user_id}/hours", response_model=HoursPublic)
def read_hours(uow: Uow, user_id: ViewHours) -> HoursPublic:
    """A worker's weekly hours (Iran time); the default hours until some are set."""
    return queries.worker_hours(uow.session, user_id=user_id)


@router.put("/workers/{user_id}/hours", response_model=HoursPublic)
def set_hours(uow: Uow, user_id: SetHours, body: HoursUpdate,
              actor: Annotated[Actor, Depends(require(Permission.edit_case))]) -> HoursPublic:
    """Replace a worker's weekly hours (by the worker or a supervisor of their province);
    an empty list restores the default hours."""
    return service.set_hours(uow.session, actor=actor, user_id=user_id, data=body,
                             now=uow.now)
