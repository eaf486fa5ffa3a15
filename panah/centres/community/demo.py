"""Demo of the Sari community base (invented people and places), made through the same use
cases as the pages: two neighbourhoods (one an informal settlement) with a needs
assessment, four programmes meeting weekly around today, participants enrolled; earlier
sessions held with their attendance, yesterday's and this morning's not yet marked."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.centres.appointments.model import in_iran
from panah.centres.community import service
from panah.centres.community.model import (
    AgeGroup,
    Amenity,
    Audience,
    Issue,
    Mark,
    NeighbourhoodKind,
    ProgrammeKind,
    Sex,
)
from panah.centres.community.orm import BaseSession, Neighbourhood
from panah.centres.community.schemas import (
    AssessmentCreate,
    AttendanceUpdate,
    MarkBody,
    NeedBody,
    NeighbourhoodCreate,
    ParticipantCreate,
    ProgrammeCreate,
    SessionCreate,
)
from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.sessions import actor_of

BASE = "MZN-CB-SARI"
WORKER = "community_worker"

# (kind, title, neighbourhood index, audience, weekday, time, place, participants)
PROGRAMMES = (
    (ProgrammeKind.parenting, "فرزندپروری مثبت برای مادران", 1, Audience.parents, "saturday",
     "16:00", "سالن مسجد جامع کوی امید", ("زهره", "مریم", "سکینه", "فاطمه", "لیلا")),
    (ProgrammeKind.children_activities, "کارگاه نقاشی و بازی کودکان", 1, Audience.children,
     "sunday", "09:00", "کتابخانهٔ محلهٔ کوی امید", ("آرش", "نازنین", "یاسین", "ستایش")),
    (ProgrammeKind.life_skills, "مهارت‌های زندگی برای نوجوانان", 0, Audience.adolescents,
     "tuesday", "17:00", "مدرسهٔ شهید رجایی، محلهٔ بهار", ("امیرحسین", "مهسا", "رضا")),
    (ProgrammeKind.addiction_prevention, "پیشگیری از اعتیاد: گفت‌وگوی خانواده‌ها", 0,
     Audience.families, "wednesday", "18:00", "خانهٔ بهداشت محلهٔ بهار", ()),
)
AGES = {ProgrammeKind.parenting: AgeGroup.adult, ProgrammeKind.children_activities:
        AgeGroup.child, ProgrammeKind.life_skills: AgeGroup.adolescent}
BOYS = {"آرش", "یاسین", "امیرحسین", "رضا"}


def load_demo(session: Session, *, now: datetime) -> int:
    """Load the Sari base's demo once; a second load changes nothing. Returns rows made."""
    if session.scalar(select(func.count()).select_from(Neighbourhood)):
        return 0
    base = session.scalar(select(Centre).where(Centre.code == BASE))
    worker = session.scalar(select(User).where(User.username == WORKER))
    if base is None or worker is None:
        return 0
    actor = actor_of(worker)
    places = _neighbourhoods(session, actor, base.id, now)
    today = in_iran(now).date()
    made = len(places)
    for kind, title, where, audience, weekday, clock, place, names in PROGRAMMES:
        programme = service.create_programme(
            session, actor=actor, neighbourhood_id=places[where], now=now,
            data=ProgrammeCreate(kind=kind, title=title, facilitator_id=worker.id,
                                 starts_on=(today - timedelta(days=14)).isoformat(),
                                 ends_on=(today + timedelta(days=80)).isoformat(),
                                 capacity=15, audience=audience))
        service.schedule_sessions(session, actor=actor, programme_id=programme.id, now=now,
                                  data=SessionCreate(day=programme.starts_on.isoformat(),
                                                     time=clock, place=place,
                                                     weekday=weekday, weeks=11))  # type: ignore[arg-type]
        people = [service.add_participant(
            session, actor=actor, programme_id=programme.id, now=now, data=ParticipantCreate(
                name=name, age_group=AGES.get(kind, AgeGroup.adult),
                sex=Sex.male if name in BOYS else Sex.female)).id for name in names]
        made += 1 + len(people) + _hold_earlier(session, actor, programme.id, people, now)
    return made


def _neighbourhoods(session: Session, actor: Actor, base_id: int, now: datetime) -> list[int]:
    bahar = service.create_neighbourhood(
        session, actor=actor, base_id=base_id, now=now,
        data=NeighbourhoodCreate(
            name="محلهٔ بهار", kind=NeighbourhoodKind.deprived, households=1200,
            population=4300, issues=[Issue.unemployment, Issue.school_dropout, Issue.addiction],
            amenities=[Amenity.school, Amenity.health_house, Amenity.mosque]))
    omid = service.create_neighbourhood(
        session, actor=actor, base_id=base_id, now=now,
        data=NeighbourhoodCreate(
            name="کوی امید", kind=NeighbourhoodKind.informal_settlement, households=650,
            population=2800, issues=[Issue.child_labour, Issue.housing,
                                     Issue.domestic_violence, Issue.health_access],
            amenities=[Amenity.mosque, Amenity.library],
            note="سکونتگاه غیررسمی در حاشیهٔ شهر؛ بیشتر خانوارها مهاجر روستایی‌اند."))
    service.add_assessment(
        session, actor=actor, neighbourhood_id=omid.id, now=now,
        data=AssessmentCreate(
            held_on=(in_iran(now).date() - timedelta(days=20)).isoformat(), residents=34,
            note="نشست ساکنان در مسجد جامع کوی امید",
            needs=[NeedBody(topic="جای امن برای بازی کودکان", raised_by=21, priority=1),
                   NeedBody(topic="آموزش مهارت شغلی برای زنان", raised_by=17, priority=2),
                   NeedBody(topic="کلاس تقویتی درس برای بازماندگان از تحصیل", raised_by=12,
                            priority=3)]))
    return [bahar.id, omid.id]


def _hold_earlier(session: Session, actor: Actor, programme_id: int, people: list[int],
                  now: datetime) -> int:
    """Sessions that ended before yesterday were held, with attendance."""
    cutoff = now - timedelta(days=1, hours=12)
    rows = session.scalars(select(BaseSession).where(
        BaseSession.programme_id == programme_id).order_by(BaseSession.starts_at)).all()
    held = 0
    for number, row in enumerate(r for r in rows if as_utc(r.starts_at) < cutoff):
        marks = [MarkBody(participant_id=p, mark=Mark.absent if (p + number) % 4 == 0
                          else Mark.present) for p in people]
        service.take_attendance(session, actor=actor, base_session_id=row.id,
                                data=AttendanceUpdate(marks=marks, held=True), now=now)
        held += 1
    return held
