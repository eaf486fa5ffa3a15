"""Demo appointments (invented): a week at the Sari crisis-intervention centre, through the
same use cases as the pages, so the calendar, the case panel and "due today" show something."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.centres.appointments import model, service
from panah.centres.appointments.model import AppointmentKind, AppointmentState
from panah.centres.appointments.orm import Appointment
from panah.centres.appointments.schemas import AppointmentCreate
from panah.security.orm import User
from panah.security.sessions import actor_of

# (case category, booked by, worker, kind, days from today, Iran time, minutes)
DEMO_APPOINTMENTS: tuple[tuple[str, str, str, AppointmentKind, int, str, int], ...] = (
    ("spouse_abuse", "social_worker", "social_worker", AppointmentKind.outpatient_visit, 0,
     "14:00", 45),
    ("spouse_abuse", "social_worker", "psychologist", AppointmentKind.counselling_session, 1,
     "10:00", 60),
    ("child_abuse", "social_worker", "social_worker", AppointmentKind.home_visit, 2, "09:00",
     90),
    ("sexual_abuse", "psychologist", "psychologist", AppointmentKind.counselling_session, 1,
     "13:00", 60),
    ("suicide_attempt", "counsellor_gilan", "counsellor_gilan", AppointmentKind.follow_up, 1,
     "11:00", 30),
)


def load_demo(session: Session, *, now: datetime) -> int:
    """Book the demo appointments once, and one the child's mother missed yesterday (its
    follow-up is due the next working day). Returns appointments booked."""
    if session.scalar(select(func.count()).select_from(Appointment)):
        return 0
    users = {u.username: u for u in session.scalars(select(User))}
    cases = {c.category: c for c in session.scalars(select(Case).order_by(Case.id))}
    today = model.in_iran(now).date()
    for category, booker, worker, kind, ahead, clock, minutes in DEMO_APPOINTMENTS:
        service.book(session, actor=actor_of(users[booker]), case_id=cases[category].id,
                     now=now, data=AppointmentCreate(
                         worker_id=users[worker].id, kind=kind, time=clock, minutes=minutes,
                         day=(today + timedelta(days=ahead)).isoformat()))
    yesterday = today - timedelta(days=1)
    missed = service.book(
        session, actor=actor_of(users["social_worker"]), case_id=cases["child_abuse"].id,
        now=model.iran_moment(yesterday, time(8)), data=AppointmentCreate(
            worker_id=users["social_worker"].id, kind=AppointmentKind.outpatient_visit,
            day=yesterday.isoformat(), time="11:00", minutes=45))
    service.settle(session, actor=actor_of(users["social_worker"]), appointment_id=missed.id,
                   to=AppointmentState.missed, now=now)
    return len(DEMO_APPOINTMENTS) + 1
