"""The read side of the community bases: the calendar, the attendance sheet, the programme,
the neighbourhood and the participant pages, the worker's home, and where each thing
belongs for the policy (``*_resource``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.thread.items import TimelineItem, bilingual
from panah.centres.appointments.model import in_iran, iran_day_bounds
from panah.centres.community import model
from panah.centres.community.model import Mark, SessionStatus
from panah.centres.community.orm import (
    Attendance,
    BaseSession,
    Enrolment,
    NeedRow,
    NeedsAssessment,
    Neighbourhood,
    Participant,
    Programme,
)
from panah.centres.community.schemas import (
    AssessmentPublic,
    CalendarWeekPublic,
    NeedPublic,
    NeighbourhoodPublic,
    ParticipantBrief,
    ParticipantPublic,
    ProgrammeBrief,
    ProgrammePublic,
    SessionBrief,
    SessionPublic,
    SheetRow,
)
from panah.centres.model import CentreKind
from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.core.errors import Forbidden, NotFound
from panah.geo.orm import County
from panah.security.orm import User
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import ROLE_PERMISSIONS, Permission

# ---- where things belong ----------------------------------------------------------------


def base_resource(session: Session, base_id: int) -> Resource | None:
    """A base as the policy sees it: its province and itself as the centre."""
    base = session.get(Centre, base_id)
    if base is None or base.kind != CentreKind.community_base.value:
        return None
    return Resource("community_base", province_code=base.province_code, centre_id=base.id)


def _of_base(base_id: int | None, session: Session) -> Resource | None:
    return base_resource(session, base_id) if base_id is not None else None


def neighbourhood_resource(session: Session, neighbourhood_id: int) -> Resource | None:
    return _of_base(session.scalar(select(Neighbourhood.base_id).where(
        Neighbourhood.id == neighbourhood_id)), session)


def programme_resource(session: Session, programme_id: int) -> Resource | None:
    return _of_base(session.scalar(select(Programme.base_id).where(
        Programme.id == programme_id)), session)


def session_resource(session: Session, base_session_id: int) -> Resource | None:
    return _of_base(session.scalar(
        select(Programme.base_id).join(BaseSession, BaseSession.programme_id == Programme.id)
        .where(BaseSession.id == base_session_id)), session)


def participant_resource(session: Session, participant_id: int) -> Resource | None:
    return _of_base(session.scalar(select(Participant.base_id).where(
        Participant.id == participant_id)), session)


def bases_of(session: Session, actor: Actor) -> list[Centre]:
    """The community bases the actor may work in (their own; their province's if they
    supervise; the nation's for a national role)."""
    rows = session.scalars(select(Centre).where(
        Centre.kind == CentreKind.community_base.value).order_by(Centre.code)).all()
    return [c for c in rows if decide(actor, Permission.community_work, Resource(
        "community_base", province_code=c.province_code, centre_id=c.id))]


def pick_base(session: Session, actor: Actor, base_id: int | None) -> Centre:
    """The base asked for (refused outside the actor's reach), else the actor's first."""
    bases = bases_of(session, actor)
    if base_id is None:
        if not bases:
            raise NotFound("There is no community base you work in.",
                           "پایگاه خدمات اجتماعی‌ای که در آن کار کنید نیست.")
        own = [b for b in bases if b.id == actor.centre_id]
        return (own or bases)[0]
    found = next((b for b in bases if b.id == base_id), None)
    if found is None:
        if base_resource(session, base_id) is None:
            raise NotFound(f"There is no community base {base_id}.",
                           f"پایگاه خدمات اجتماعی با شمارهٔ {base_id} نیست.")
        raise Forbidden("This base is not yours: a community worker works in her own base, a "
                        "supervisor in the bases of their province.",
                        "این پایگاه از آنِ شما نیست: مددکار هر پایگاه در پایگاه خود و سرپرست در "
                        "پایگاه‌های استان خود کار می‌کند.", why="out_of_scope")
    return found


# ---- read models -------------------------------------------------------------------------


def calendar_week(session: Session, *, actor: Actor, base_id: int | None, day: date | None,
                  now: datetime) -> CalendarWeekPublic:
    """A base's week of sessions (Saturday first), with its programmes beside."""
    base = pick_base(session, actor, base_id)
    today = in_iran(now).date()
    days = model.week_of(day or today)
    start = iran_day_bounds(days[0])[0]
    rows = session.execute(
        select(BaseSession, Programme).join(Programme, Programme.id == BaseSession.programme_id)
        .where(Programme.base_id == base.id, BaseSession.starts_at >= start,
               BaseSession.starts_at < start + timedelta(days=7))
        .order_by(BaseSession.starts_at)).all()
    present = _present(session, [s.id for s, _ in rows])
    return CalendarWeekPublic(
        base_id=base.id, base_name_fa=base.name_fa, base_name_en=base.name_en,
        bases=[(b.id, b.name_fa, b.name_en) for b in bases_of(session, actor)],
        days=days, previous_week=days[0] - timedelta(days=7),
        next_week=days[0] + timedelta(days=7), today=today,
        sessions=[_session_brief(s, p, present.get(s.id, 0)) for s, p in rows],
        programmes=programmes_of(session, base.id),
        neighbourhoods=[(n.id, n.name) for n in session.scalars(select(Neighbourhood).where(
            Neighbourhood.base_id == base.id).order_by(Neighbourhood.name))])


def counties_of(session: Session, base_id: int) -> list[tuple[int, str, str]]:
    """The counties of the base's province (where a neighbourhood lies): id, fa, en."""
    base = session.get_one(Centre, base_id)
    rows = session.scalars(select(County).where(County.province_code == base.province_code)
                           .order_by(County.name_fa)).all()
    return [(c.id, c.name_fa, c.name_en) for c in rows]


def facilitators(session: Session, base_id: int) -> list[tuple[int, str]]:
    """Who may lead a programme of the base: the active colleagues of its province who do
    community work, the base's own first."""
    base = session.get_one(Centre, base_id)
    roles = [r.value for r in ROLE_PERMISSIONS[Permission.community_work]]
    rows = session.scalars(select(User).where(
        User.province_code == base.province_code, User.is_active.is_(True),
        User.role.in_(roles))).all()
    rows = sorted(rows, key=lambda u: (u.centre_id != base.id, u.full_name or u.username))
    return [(u.id, u.full_name or u.username) for u in rows]


def enrolable(session: Session, programme_id: int) -> list[ParticipantBrief]:
    """The base's participants not yet in the programme (to enrol one who already came to
    another programme)."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        return []
    enrolled = select(Enrolment.participant_id).where(Enrolment.programme_id == programme.id)
    people = session.scalars(select(Participant).where(
        Participant.base_id == programme.base_id, Participant.id.not_in(enrolled))).all()
    return sorted((participant_brief(session, p) for p in people), key=lambda p: p.name)


def programmes_of(session: Session, base_id: int) -> list[ProgrammeBrief]:
    rows = session.scalars(select(Programme).where(Programme.base_id == base_id)
                           .order_by(Programme.starts_on, Programme.id)).all()
    return [programme_brief(session, p) for p in rows]


def today_sessions(session: Session, *, actor: Actor, now: datetime) -> list[SessionBrief]:
    """Today's sessions (Iran day) in the bases the actor works in, for her home page."""
    ids = [b.id for b in bases_of(session, actor)]
    start = iran_day_bounds(in_iran(now).date())[0]
    rows = session.execute(
        select(BaseSession, Programme).join(Programme, Programme.id == BaseSession.programme_id)
        .where(Programme.base_id.in_(ids), BaseSession.starts_at >= start,
               BaseSession.starts_at < start + timedelta(days=1))
        .order_by(BaseSession.starts_at)).all()
    return [_session_brief(s, p) for s, p in rows]


def session_sheet(session: Session, *, base_session_id: int, now: datetime) -> SessionPublic:
    """The attendance sheet: every enrolled participant with their mark, if taken."""
    row, programme = _session_and_programme(session, base_session_id)
    marks = {a.participant_id: Mark(a.mark) for a in session.scalars(
        select(Attendance).where(Attendance.session_id == row.id))}
    people = _enrolled(session, programme.id)
    status = SessionStatus(row.status)
    brief = _session_brief(row, programme, sum(m is Mark.present for m in marks.values()))
    return SessionPublic(
        **brief.model_dump(), minutes=row.minutes, note=row.note, base_id=programme.base_id,
        held_at=row.held_at,
        may_take_attendance=status is not SessionStatus.cancelled
        and as_utc(row.starts_at) <= now,
        rows=[SheetRow(participant=p, mark=marks.get(p.id)) for p in people])


def programme_page(session: Session, *, programme_id: int) -> ProgrammePublic:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(f"There is no programme {programme_id}.",
                       f"برنامه‌ای با شمارهٔ {programme_id} نیست.")
    rows = session.scalars(select(BaseSession).where(BaseSession.programme_id == programme.id)
                           .order_by(BaseSession.starts_at)).all()
    present = _present(session, [r.id for r in rows])
    return ProgrammePublic(
        **programme_brief(session, programme).model_dump(), base_id=programme.base_id,
        sessions=[_session_brief(r, programme, present.get(r.id, 0)) for r in rows],
        participants=_enrolled(session, programme.id))


def neighbourhood_page(session: Session, *, neighbourhood_id: int) -> NeighbourhoodPublic:
    place = session.get(Neighbourhood, neighbourhood_id)
    if place is None:
        raise NotFound(f"There is no neighbourhood {neighbourhood_id}.",
                       f"محله‌ای با شمارهٔ {neighbourhood_id} نیست.")
    return neighbourhood_public(session, place)


def neighbourhood_public(session: Session, place: Neighbourhood) -> NeighbourhoodPublic:
    base = session.get_one(Centre, place.base_id)
    assessments = session.scalars(select(NeedsAssessment).where(
        NeedsAssessment.neighbourhood_id == place.id)
        .order_by(NeedsAssessment.held_on.desc(), NeedsAssessment.id.desc())).all()
    programmes = session.scalars(select(Programme).where(
        Programme.neighbourhood_id == place.id).order_by(Programme.starts_on)).all()
    return NeighbourhoodPublic(
        id=place.id, base_id=base.id, base_name_fa=base.name_fa, base_name_en=base.name_en,
        name=place.name, kind=model.NeighbourhoodKind(place.kind), county_id=place.county_id,
        households=place.households, population=place.population,
        issues=[model.Issue(i) for i in place.issues.split(",") if i],
        amenities=[model.Amenity(a) for a in place.amenities.split(",") if a],
        note=place.note, assessments=[_assessment(session, a) for a in assessments],
        programmes=[programme_brief(session, p) for p in programmes])


def participant_page(session: Session, *, actor: Actor, participant_id: int
                     ) -> ParticipantPublic:
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFound(f"There is no participant {participant_id}.",
                       f"شرکت‌کننده‌ای با شمارهٔ {participant_id} نیست.")
    programmes = session.scalars(select(Programme).join(
        Enrolment, Enrolment.programme_id == Programme.id)
        .where(Enrolment.participant_id == person.id).order_by(Programme.starts_on)).all()
    attended = session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.participant_id == person.id, Attendance.mark == Mark.present.value)) or 0
    place = session.get(Neighbourhood, person.neighbourhood_id) if person.neighbourhood_id \
        else None
    return ParticipantPublic(
        **participant_brief(session, person).model_dump(), base_id=person.base_id,
        phone=person.phone, neighbourhood=place.name if place else None,
        client_id=person.client_id, referred_at=person.referred_at,
        referral_reason=person.referral_reason,
        programmes=[programme_brief(session, p) for p in programmes], attended=attended,
        may_refer=person.case_id is None and decide(actor, Permission.create_case).allowed)


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """A case referred from a base says so on its timeline (the base, the reason)."""
    rows = session.execute(select(Participant, Centre).join(
        Centre, Centre.id == Participant.base_id).where(Participant.case_id == case_id)).all()
    items = []
    for person, base in rows:
        if person.referred_at is None:
            continue
        items.append(TimelineItem(
            at=as_utc(person.referred_at), kind="community_referral",
            label_key="community.timeline.referred", text=person.referral_reason or "",
            actor=_name(session, person.referred_by),
            link=f"/community/participants/{person.id}",
            facts=(("community.base", bilingual(base.name_fa, base.name_en)),)))
    return items


# ---- pieces ------------------------------------------------------------------------------


def programme_brief(session: Session, programme: Programme) -> ProgrammeBrief:
    enrolled = session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.programme_id == programme.id)) or 0
    place = session.get(Neighbourhood, programme.neighbourhood_id)
    return ProgrammeBrief(
        id=programme.id, kind=model.ProgrammeKind(programme.kind), title=programme.title,
        audience=model.Audience(programme.audience), starts_on=programme.starts_on,
        ends_on=programme.ends_on, capacity=programme.capacity, enrolled=enrolled,
        facilitator=_name(session, programme.facilitator_id),
        neighbourhood_id=programme.neighbourhood_id, neighbourhood=place.name if place else "")


def participant_brief(session: Session, person: Participant) -> ParticipantBrief:
    case = session.get(Case, person.case_id) if person.case_id else None
    return ParticipantBrief(
        id=person.id, name=person.name, age_group=model.AgeGroup(person.age_group),
        sex=model.Sex(person.sex), case_id=person.case_id,
        case_reference=case.reference if case else None)


def _session_and_programme(session: Session, base_session_id: int
                           ) -> tuple[BaseSession, Programme]:
    row = session.get(BaseSession, base_session_id)
    programme = session.get(Programme, row.programme_id) if row is not None else None
    if row is None or programme is None:
        raise NotFound(f"There is no session {base_session_id}.",
                       f"جلسه‌ای با شمارهٔ {base_session_id} نیست.")
    return row, programme


def _enrolled(session: Session, programme_id: int) -> list[ParticipantBrief]:
    people = session.scalars(select(Participant).join(
        Enrolment, Enrolment.participant_id == Participant.id)
        .where(Enrolment.programme_id == programme_id).order_by(Enrolment.id)).all()
    return [participant_brief(session, p) for p in people]


def _session_brief(row: BaseSession, programme: Programme, present: int = 0) -> SessionBrief:
    starts = as_utc(row.starts_at)
    return SessionBrief(
        id=row.id, programme_id=programme.id, programme_title=programme.title,
        kind=model.ProgrammeKind(programme.kind), starts_at=starts,
        ends_at=starts + timedelta(minutes=row.minutes), day=in_iran(starts).date(),
        place=row.place, topic=row.topic, status=SessionStatus(row.status), present=present)


def _present(session: Session, session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    return dict(Counter(session.scalars(select(Attendance.session_id).where(
        Attendance.session_id.in_(session_ids), Attendance.mark == Mark.present.value))))


def _assessment(session: Session, row: NeedsAssessment) -> AssessmentPublic:
    needs = session.scalars(select(NeedRow).where(NeedRow.assessment_id == row.id)
                            .order_by(NeedRow.priority)).all()
    return AssessmentPublic(id=row.id, held_on=row.held_on, residents=row.residents,
                            note=row.note, needs=[NeedPublic(
                                topic=n.topic, raised_by=n.raised_by, priority=n.priority)
                                for n in needs])


def _name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id else None
    return (user.full_name or user.username) if user else None


@dataclass(frozen=True, slots=True)
class CommunityHome:
    """What a community worker's home shows: today's sessions and her base's programmes."""

    base_id: int | None
    today: list[SessionBrief]
    programmes: list[ProgrammeBrief]


def community_home(session: Session, *, actor: Actor, now: datetime) -> CommunityHome:
    bases = bases_of(session, actor)
    own = next((b for b in bases if b.id == actor.centre_id), bases[0] if bases else None)
    return CommunityHome(
        base_id=own.id if own else None, today=today_sessions(session, actor=actor, now=now),
        programmes=programmes_of(session, own.id) if own else [])
