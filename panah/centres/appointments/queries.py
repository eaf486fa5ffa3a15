"""Appointments at a crisis-intervention centre (issue 16): read side."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.service import case_resource
from panah.cases.thread.items import TimelineItem
from panah.centres.appointments import model
from panah.centres.appointments.model import AppointmentKind, AppointmentState
from panah.centres.appointments.orm import Appointment, CaseFollowUp
from panah.centres.appointments.schemas import (
    AppointmentPublic,
    CalendarEntry,
    CalendarWeek,
    FollowUpPublic,
    HoursPublic,
    WorkerPublic,
)
from panah.centres.appointments.service import (
    follow_up_public,
    hours_public,
    pattern_of,
    public,
)
from panah.core.clock import as_utc
from panah.core.errors import NotFound
from panah.security.access import audit, users_of, with_grants
from panah.security.audit import AuditAction
from panah.security.orm import User
from panah.security.policy import Actor, Resource, decide, is_allowed, scope_of
from panah.security.roles import ROLE_PERMISSIONS, Permission, Role, Scope

# Who has a calendar: the roles of a case team (a counsellor too: a follow-up call).
WORKER_ROLES = tuple(sorted(r.value for r in ROLE_PERMISSIONS[Permission.edit_case]
                            if r not in (Role.supervisor, Role.provincial_manager)))


@dataclass(frozen=True, slots=True)
class TeamWorker:
    id: int
    full_name: str
    discipline: str
    hours_fa: str
    hours_en: str


@dataclass(frozen=True, slots=True)
class AppointmentsPanel:
    """The case page's appointments: the list, open follow-ups, and what the booking form
    offers (the team, grouped by discipline, with each one's hours)."""

    case_id: int
    appointments: list[AppointmentPublic]
    follow_ups: list[FollowUpPublic]
    workers: dict[str, list[TeamWorker]]
    kinds: list[str]
    can_book: bool
    now: datetime


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime) -> Any:
    """What this part shows on the case page; None shows nothing."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    rows = session.scalars(select(Appointment).where(Appointment.case_id == case_id)
                           .order_by(Appointment.starts_at.desc())).all()
    people = users_of(session, {r.worker_id for r in rows} | {r.booked_by for r in rows
                                                              if r.booked_by}
                      | {m.user_id for m in case.team})
    follow_ups = session.scalars(select(CaseFollowUp).where(
        CaseFollowUp.case_id == case_id, CaseFollowUp.done_at.is_(None))
        .order_by(CaseFollowUp.due_at)).all()
    return AppointmentsPanel(
        case_id=case_id,
        appointments=[public(r, people.get(r.worker_id), _username(people, r.booked_by))
                      for r in rows],
        follow_ups=[follow_up_public(f) for f in follow_ups],
        workers=_team_by_discipline(session, case, people),
        kinds=[k.value for k in AppointmentKind],
        can_book=is_allowed(actor, Permission.edit_case) and case.status != "closed",
        now=now)


def _team_by_discipline(session: Session, case: Case,
                        people: dict[int, User]) -> dict[str, list[TeamWorker]]:
    grouped: dict[str, list[TeamWorker]] = defaultdict(list)
    for member in case.team:
        user = people.get(member.user_id)
        if user is None or not user.is_active:
            continue
        english, persian = model.describe_hours(pattern_of(session, user.id))
        grouped[member.discipline or user.role].append(
            TeamWorker(user.id, user.full_name, member.discipline or user.role, persian,
                       english))
    return dict(sorted(grouped.items()))


def _username(people: dict[int, User], user_id: int | None) -> str | None:
    return people[user_id].username if user_id in people else None


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """This part's items in the case's timeline that actor may see (they may see the case:
    all of its appointments and follow-ups)."""
    rows = session.scalars(select(Appointment).where(Appointment.case_id == case_id)).all()
    people = users_of(session, {r.worker_id for r in rows})
    items = []
    for row in rows:
        worker = people[row.worker_id].full_name if row.worker_id in people else "—"
        facts = (("appointments.kind", f"t:appointments.kind.{row.kind}"),
                 ("appointments.worker", worker),
                 ("appointments.when", model.jalali_text(row.starts_at)))
        items.append(TimelineItem(at=as_utc(row.booked_at), kind="appointment",
                                  label_key="appointments.timeline.booked", facts=facts))
        if row.settled_at is not None:
            items.append(TimelineItem(at=as_utc(row.settled_at), kind="appointment",
                                      label_key=f"appointments.timeline.{row.state}",
                                      text=row.cancel_reason or "", facts=facts))
    for follow_up in session.scalars(select(CaseFollowUp).where(
            CaseFollowUp.case_id == case_id)):
        items.append(TimelineItem(
            at=as_utc(follow_up.created_at), kind="appointment",
            label_key="appointments.timeline.follow_up",
            facts=(("appointments.follow_up_due", model.jalali_text(follow_up.due_at)),)))
    return sorted(items, key=lambda i: i.at)


def due_today(session: Session, *, case_ids: list[int], day_start: datetime,
              day_end: datetime) -> dict[int, int]:
    """Of ``case_ids``, how many appointments and follow-ups each has in [day_start,
    day_end) and not yet done (the worker's list shows them under "due today"). A
    follow-up still not done after its day stays due until someone acts on it."""
    if not case_ids:
        return {}
    counts: dict[int, int] = defaultdict(int)
    booked = session.execute(select(Appointment.case_id, func.count()).where(
        Appointment.case_id.in_(case_ids), Appointment.state == AppointmentState.booked.value,
        Appointment.starts_at >= day_start, Appointment.starts_at < day_end)
        .group_by(Appointment.case_id))
    open_follow_ups = session.execute(select(CaseFollowUp.case_id, func.count()).where(
        CaseFollowUp.case_id.in_(case_ids), CaseFollowUp.done_at.is_(None),
        CaseFollowUp.due_at < day_end).group_by(CaseFollowUp.case_id))
    for case_id, count in [*booked, *open_follow_ups]:
        counts[case_id] += count
    return dict(counts)


# ---- the calendar ------------------------------------------------------------------------


def calendar_workers(session: Session, actor: Actor) -> list[User]:
    """The workers whose calendars ``actor`` sees: their centre's, or their province's for
    a provincial role (a centre-less worker: their province's)."""
    query = select(User).where(User.role.in_(WORKER_ROLES), User.is_active.is_(True),
                               User.disabled_at.is_(None))
    if scope_of(actor) is not Scope.nation:
        query = query.where(User.province_code == actor.province_code)
    if scope_of(actor) is Scope.centre and actor.centre_id is not None:
        query = query.where(User.centre_id == actor.centre_id)
    return list(session.scalars(query.order_by(User.role, User.full_name)))


def calendar_week(session: Session, *, actor: Actor, day: date | None,
                  worker_id: int | None, discipline: str | None, now: datetime,
                  ) -> CalendarWeek:
    """The week (Saturday first) holding ``day`` (today in Iran by default) for the
    workers ``actor`` sees, filtered by worker or discipline; an appointment shows its case
    and client only to those who may open the case (the read is audited), else "busy"."""
    start = model.week_start(day or model.in_iran(now).date())
    workers = calendar_workers(session, actor)
    shown = [w for w in workers if (worker_id is None or w.id == worker_id)
             and (not discipline or w.role == discipline)]
    begin, _ = model.iran_day_bounds(start)
    _, end = model.iran_day_bounds(start + timedelta(days=6))
    rows = session.scalars(select(Appointment).where(
        Appointment.worker_id.in_([w.id for w in shown] or [0]),
        Appointment.state != AppointmentState.cancelled.value,
        Appointment.starts_at >= begin, Appointment.starts_at < end)
        .order_by(Appointment.starts_at)).all()
    names = {w.id: w.full_name for w in workers}
    entries = _entries(session, with_grants(session, actor), rows, names, now)
    return CalendarWeek(
        week_start=start, days=[start + timedelta(days=i) for i in range(7)],
        previous_week=start - timedelta(days=7), next_week=start + timedelta(days=7),
        workers=[WorkerPublic(id=w.id, full_name=w.full_name, discipline=w.role)
                 for w in workers],
        disciplines=sorted({w.role for w in workers}), worker_id=worker_id,
        discipline=discipline or None, entries=entries)


def _entries(session: Session, actor: Actor, rows: Any, names: dict[int, str],
             now: datetime) -> list[CalendarEntry]:
    cases = {c.id: c for c in session.scalars(
        select(Case).where(Case.id.in_({r.case_id for r in rows} or {0})))}
    visible = {cid for cid, case in cases.items()
               if decide(actor, Permission.view_case, case_resource(case))}
    for case_id in sorted(visible):
        audit(session, actor, AuditAction.read, "case", case_id, now=now, reason="calendar")
    entries = []
    for row in rows:
        seen = row.case_id in visible
        case = cases.get(row.case_id)
        entries.append(CalendarEntry(
            id=row.id, day=model.in_iran(row.starts_at).date(),
            starts_at=as_utc(row.starts_at), ends_at=as_utc(row.ends_at),
            worker_id=row.worker_id, worker_name=names.get(row.worker_id, "—"),
            discipline=row.discipline, kind=row.kind, state=row.state,
            busy=not seen, case_id=row.case_id if seen else None,
            reference=case.reference if seen and case else None,
            client_name=case.client.name if seen and case else None))
    return entries


# ---- hours and access ----------------------------------------------------------------------


def worker_hours(session: Session, *, user_id: int) -> HoursPublic:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.", f"کاربری با شمارهٔ {user_id} نیست.")
    return hours_public(session, user)


def worker_resource(session: Session, user_id: int) -> Resource | None:
    """A worker's hours as the policy sees them: the worker themself (as their own "team")
    and the supervisors of their province (need-to-know)."""
    user = session.get(User, user_id)
    if user is None:
        return None
    return Resource("worker", province_code=user.province_code, centre_id=user.centre_id,
                    team=frozenset({user.id}), need_to_know=True)


def appointment_resource(session: Session, appointment_id: int) -> Resource | None:
    """An appointment is reached as its case is: the team and the province's supervisors."""
    from panah.cases.service import case_facts

    row = session.get(Appointment, appointment_id)
    case = session.get(Case, row.case_id) if row is not None else None
    return case_facts(session, case) if case is not None else None


def appointment_case(session: Session, appointment_id: int) -> int | None:
    """The case an appointment belongs to; None when there is no such appointment."""
    return session.scalar(select(Appointment.case_id).where(Appointment.id == appointment_id))
