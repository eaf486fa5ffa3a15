"""Appointments: use cases, each inside the caller's unit of work (never committing).

Access to the case or the appointment is decided before these run (``panah.web.access``).
Double-booking holds under concurrency: the worker's row is locked (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already runs writers one at a time)
before their day is read again and the new slot written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from panah.cases.model import CaseStatus
from panah.cases.orm import Case
from panah.cases.service import mark_in_touch
from panah.centres.appointments import model
from panah.centres.appointments.model import AppointmentState, Pattern, Shift, Weekday
from panah.centres.appointments.orm import Appointment, CaseFollowUp, WorkerHours
from panah.centres.appointments.schemas import (
    AppointmentCreate,
    AppointmentOutcome,
    AppointmentPublic,
    FollowUpPublic,
    HoursPublic,
    HoursUpdate,
    ShiftBody,
)
from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.orm import User
from panah.security.policy import Actor


def pattern_of(session: Session, user_id: int) -> Pattern:
    """The worker's weekly hours, or the default hours when none are set."""
    rows = session.scalars(select(WorkerHours).where(WorkerHours.user_id == user_id)
                           .order_by(WorkerHours.weekday)).all()
    return tuple(Shift(Weekday(r.weekday), r.start, r.end) for r in rows) or model.DEFAULT_HOURS


def hours_public(session: Session, user: User) -> HoursPublic:
    pattern = pattern_of(session, user.id)
    return HoursPublic(
        user_id=user.id, username=user.username, full_name=user.full_name,
        is_default=pattern == model.DEFAULT_HOURS,
        days=[ShiftBody(weekday=s.weekday.name, start=s.start, end=s.end)  # type: ignore[arg-type]
              for s in pattern])


def set_hours(session: Session, *, actor: Actor, user_id: int, data: HoursUpdate,
              now: datetime) -> HoursPublic:
    """Replace the worker's weekly hours (none given: back to the default hours)."""
    user = _user(session, user_id)
    pattern = model.check_pattern([Shift(Weekday[d.weekday], d.start, d.end) for d in data.days])
    session.execute(delete(WorkerHours).where(WorkerHours.user_id == user_id))
    if pattern != model.DEFAULT_HOURS:
        session.add_all(WorkerHours(user_id=user_id, weekday=int(s.weekday), start=s.start,
                                    end=s.end) for s in pattern)
    session.flush()
    audit(session, actor, AuditAction.update, "user", user_id, now=now, reason="worker hours")
    return hours_public(session, user)


def book(session: Session, *, actor: Actor, case_id: int, data: AppointmentCreate,
         now: datetime) -> AppointmentPublic:
    """Book a team member for the case; refused (naming the rule) outside their hours, over
    another of their appointments, in the past, or shorter than 15 / longer than 180 min.
    Booking again settles the case's open follow-ups of missed appointments."""
    case = _case(session, case_id)
    if case.status == CaseStatus.closed:
        raise InvalidInput("The case is closed: reopen it before booking.",
                           "پرونده بسته است: پیش از نوبت‌دهی آن را بازگشایی کنید.")
    worker = session.get(User, data.worker_id)
    if worker is None or not worker.is_active or worker.disabled_at is not None:
        raise InvalidInput("There is no such worker; choose one from the list.",
                           "چنین کارشناسی نیست؛ از فهرست برگزینید.", field="worker_id")
    members = {m.user_id: m for m in case.team}
    model.check_on_team(worker.id, members, worker.full_name)
    slot = model.read_slot(data.day, data.time, data.minutes)
    model.check_duration(*slot)
    model.check_not_past(slot[0], now)
    model.check_within_hours(pattern_of(session, worker.id), *slot, worker.full_name)
    _lock_worker(session, worker.id)
    model.check_free(slot, _taken(session, worker.id, slot), worker.full_name)
    appointment = Appointment(
        case_id=case.id, centre_id=worker.centre_id or case.centre_id, worker_id=worker.id,
        discipline=members[worker.id].discipline or worker.role, kind=data.kind.value,
        starts_at=slot[0], ends_at=slot[1], state=AppointmentState.booked.value,
        note=(data.note or "").strip() or None, booked_by=actor.user_id, booked_at=now)
    session.add(appointment)
    session.execute(update(CaseFollowUp).where(
        CaseFollowUp.case_id == case.id, CaseFollowUp.done_at.is_(None)).values(done_at=now))
    session.flush()
    audit(session, actor, AuditAction.update, "case", case.id, now=now, reason="appointment")
    return public(appointment, worker, actor.username)


def settle(session: Session, *, actor: Actor, appointment_id: int, to: AppointmentState,
           now: datetime, reason: str | None = None) -> AppointmentOutcome:
    """Attended (the team was in touch), missed (a follow-up due the worker's next working
    day) or cancelled (with a reason). Claimed with a conditional UPDATE: of two clicks at
    once, one wins and the other is told it is already settled."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"There is no appointment {appointment_id}.",
                       f"نوبتی با شمارهٔ {appointment_id} نیست.")
    model.check_outcome(AppointmentState(appointment.state), to, as_utc(appointment.starts_at),
                        now)
    cleaned = model.check_reason(reason or "") if to is AppointmentState.cancelled else None
    claimed = session.execute(
        update(Appointment).where(Appointment.id == appointment_id,
                                  Appointment.state == AppointmentState.booked.value)
        .values(state=to.value, settled_at=now, settled_by=actor.user_id,
                cancel_reason=cleaned).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("Someone has just settled this appointment; reload the page.",
                       "کس دیگری هم‌اکنون وضعیت این نوبت را ثبت کرد؛ صفحه را تازه کنید.")
    session.refresh(appointment)
    follow_up = None
    if to is AppointmentState.attended:
        mark_in_touch(_case(session, appointment.case_id), as_utc(appointment.starts_at))
    elif to is AppointmentState.missed:
        follow_up = _follow_up(session, appointment, now)
    session.flush()
    audit(session, actor, AuditAction.update, "case", appointment.case_id, now=now,
          reason=f"appointment {to.value}")
    worker = session.get(User, appointment.worker_id)
    return AppointmentOutcome(appointment=public(appointment, worker),
                              follow_up=follow_up_public(follow_up) if follow_up else None)


def complete_follow_up(session: Session, *, actor: Actor, case_id: int, follow_up_id: int,
                       now: datetime) -> FollowUpPublic:
    """The worker reached the client about a missed appointment: the follow-up is done and
    the case was in touch now. Done once: a second click is told so."""
    row = session.get(CaseFollowUp, follow_up_id)
    if row is None or row.case_id != case_id:
        raise NotFound(f"There is no follow-up {follow_up_id} on this case.",
                       f"پیگیری‌ای با شمارهٔ {follow_up_id} در این پرونده نیست.")
    claimed = session.execute(update(CaseFollowUp).where(
        CaseFollowUp.id == follow_up_id, CaseFollowUp.done_at.is_(None)).values(done_at=now))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("This follow-up is already done; reload the page.",
                       "این پیگیری پیش‌تر انجام شده است؛ صفحه را تازه کنید.")
    mark_in_touch(_case(session, case_id), now)
    session.flush()
    session.refresh(row)
    audit(session, actor, AuditAction.update, "case", case_id, now=now, reason="follow-up done")
    return follow_up_public(row)


def _follow_up(session: Session, appointment: Appointment, now: datetime) -> CaseFollowUp:
    due = model.next_working_start(pattern_of(session, appointment.worker_id), now)
    row = CaseFollowUp(case_id=appointment.case_id, due_at=due, reason=model.MISSED_REASON,
                       from_appointment_id=appointment.id, created_at=now)
    session.add(row)
    return row


def _lock_worker(session: Session, worker_id: int) -> None:
    session.execute(select(User.id).where(User.id == worker_id).with_for_update())


def _taken(session: Session, worker_id: int,
           slot: tuple[datetime, datetime]) -> list[tuple[datetime, datetime]]:
    rows = session.execute(select(Appointment.starts_at, Appointment.ends_at).where(
        Appointment.worker_id == worker_id,
        Appointment.state.in_([s.value for s in model.OCCUPYING]),
        Appointment.starts_at < slot[1], Appointment.ends_at > slot[0])).all()
    return [(as_utc(start), as_utc(end)) for start, end in rows]


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
    return case


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.", f"کاربری با شمارهٔ {user_id} نیست.")
    return user


def public(row: Appointment, worker: User | None, booked_by: str | None = None,
           ) -> AppointmentPublic:
    return AppointmentPublic(
        id=row.id, case_id=row.case_id, worker_id=row.worker_id,
        worker_name=worker.full_name if worker else "—", discipline=row.discipline,
        kind=row.kind, starts_at=as_utc(row.starts_at), ends_at=as_utc(row.ends_at),  # type: ignore[arg-type]
        state=row.state, note=row.note, booked_at=as_utc(row.booked_at),  # type: ignore[arg-type]
        booked_by=booked_by,
        settled_at=as_utc(row.settled_at) if row.settled_at else None,
        cancel_reason=row.cancel_reason)


def follow_up_public(row: CaseFollowUp) -> FollowUpPublic:
    return FollowUpPublic(id=row.id, case_id=row.case_id, due_at=as_utc(row.due_at),
                          reason=row.reason, from_appointment_id=row.from_appointment_id,
                          done_at=as_utc(row.done_at) if row.done_at else None)
