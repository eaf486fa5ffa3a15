"""Community bases: use cases, each inside the caller's unit of work (never committing).

Access to the base, neighbourhood, programme, session or participant is decided before
these run (``panah.web.access``). A referral to case work opens the case through the
walk-in path (:func:`panah.cases.thread.service.open_walk_in`): a contact of channel
walk_in at the base, and the case opened from it; there is no second way to open a case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.service import normalise_phone
from panah.cases.thread.schemas import WalkInCreate
from panah.cases.thread.service import open_walk_in
from panah.centres.appointments.model import Weekday, iran_weekday, read_clock
from panah.centres.community import model, queries
from panah.centres.community.model import Mark, Need, SessionStatus
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
    AssessmentCreate,
    AttendanceUpdate,
    NeighbourhoodCreate,
    NeighbourhoodPublic,
    ParticipantBrief,
    ParticipantCreate,
    ProgrammeBrief,
    ProgrammeCreate,
    ReferralCreate,
    ReferralPublic,
    SessionBrief,
    SessionCreate,
    SessionPublic,
)
from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.core.days import read_day
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.geo.orm import County
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.orm import User
from panah.security.policy import Actor

_Row = TypeVar("_Row")


def create_neighbourhood(session: Session, *, actor: Actor, base_id: int,
                         data: NeighbourhoodCreate, now: datetime) -> NeighbourhoodPublic:
    base = _base(session, base_id)
    place = Neighbourhood(base_id=base.id, created_at=now)
    _profile(session, place, base, data)
    session.add(place)
    session.flush()
    audit(session, actor, AuditAction.create, "community_neighbourhood", place.id, now=now)
    return queries.neighbourhood_public(session, place)


def update_neighbourhood(session: Session, *, actor: Actor, neighbourhood_id: int,
                         data: NeighbourhoodCreate, now: datetime) -> NeighbourhoodPublic:
    """The neighbourhood's profile as it is now (name, kind, size, issues, resources, note):
    the whole profile is replaced."""
    place = _get(session, Neighbourhood, neighbourhood_id, "neighbourhood", "محله")
    _profile(session, place, _base(session, place.base_id), data)
    session.flush()
    audit(session, actor, AuditAction.update, "community_neighbourhood", place.id, now=now)
    return queries.neighbourhood_public(session, place)


def add_assessment(session: Session, *, actor: Actor, neighbourhood_id: int,
                   data: AssessmentCreate, now: datetime) -> NeighbourhoodPublic:
    """The residents' own needs, ranked by them, on the day they met."""
    place = _get(session, Neighbourhood, neighbourhood_id, "neighbourhood", "محله")
    needs = model.rank_needs([Need(n.topic.strip(), n.raised_by, n.priority)
                              for n in data.needs])
    row = NeedsAssessment(neighbourhood_id=place.id, held_on=_day(data.held_on, "held_on"),
                          residents=data.residents, note=(data.note or "").strip() or None,
                          created_by=actor.user_id, created_at=now)
    if row.held_on > now.date():
        raise InvalidInput("An assessment is recorded after the residents met, not before.",
                           "نیازسنجی پس از نشست ساکنان ثبت می‌شود، نه پیش از آن.",
                           field="held_on")
    session.add(row)
    session.flush()
    session.add_all(NeedRow(assessment_id=row.id, topic=n.topic, raised_by=n.raised_by,
                            priority=n.priority) for n in needs)
    session.flush()
    audit(session, actor, AuditAction.create, "community_assessment", row.id, now=now)
    return queries.neighbourhood_public(session, place)


def create_programme(session: Session, *, actor: Actor, neighbourhood_id: int,
                     data: ProgrammeCreate, now: datetime) -> ProgrammeBrief:
    place = _get(session, Neighbourhood, neighbourhood_id, "neighbourhood", "محله")
    base = _base(session, place.base_id)
    starts_on, ends_on = _day(data.starts_on, "starts_on"), _day(data.ends_on, "ends_on")
    model.check_dates(starts_on, ends_on)
    if data.facilitator_id is not None:
        user = session.get(User, data.facilitator_id)
        if user is None or not user.is_active or user.province_code != base.province_code:
            raise InvalidInput("The facilitator is a colleague of the base's province; choose "
                               "one from the list.",
                               "تسهیل‌گر از همکاران استان پایگاه است؛ از فهرست برگزینید.",
                               field="facilitator_id")
    programme = Programme(
        base_id=base.id, neighbourhood_id=place.id, kind=data.kind.value,
        title=data.title.strip(), facilitator_id=data.facilitator_id or actor.user_id,
        starts_on=starts_on, ends_on=ends_on, capacity=data.capacity,
        audience=data.audience.value, created_at=now)
    session.add(programme)
    session.flush()
    audit(session, actor, AuditAction.create, "community_programme", programme.id, now=now)
    return queries.programme_brief(session, programme)


def schedule_sessions(session: Session, *, actor: Actor, programme_id: int,
                      data: SessionCreate, now: datetime) -> list[SessionBrief]:
    """One session, or a weekly series ("every Monday 16:00 for 8 weeks"), all within the
    programme's dates (or none)."""
    programme = _get(session, Programme, programme_id, "programme", "برنامه")
    model.check_minutes(data.minutes)
    first = _day(data.day, "day")
    weekday = Weekday[data.weekday] if data.weekday else iran_weekday(first)
    starts = model.weekly_starts(first, weekday, read_clock(data.time), data.weeks,
                                 programme.starts_on, programme.ends_on)
    rows = [BaseSession(programme_id=programme.id, starts_at=at, minutes=data.minutes,
                        place=data.place.strip(), topic=(data.topic or "").strip() or None,
                        status=SessionStatus.planned.value) for at in starts]
    session.add_all(rows)
    session.flush()
    audit(session, actor, AuditAction.update, "community_programme", programme.id, now=now,
          reason=f"{len(rows)} sessions")
    return queries.programme_page(session, programme_id=programme.id).sessions


def add_participant(session: Session, *, actor: Actor, programme_id: int,
                    data: ParticipantCreate, now: datetime) -> ParticipantBrief:
    """A new participant (a light record), enrolled in the programme at once."""
    programme = _get(session, Programme, programme_id, "programme", "برنامه")
    person = Participant(
        base_id=programme.base_id,
        neighbourhood_id=data.neighbourhood_id or programme.neighbourhood_id,
        name=data.name.strip(), age_group=data.age_group.value, sex=data.sex.value,
        phone=normalise_phone(data.phone) if data.phone and data.phone.strip() else None,
        created_at=now)
    if data.neighbourhood_id is not None:
        place = session.get(Neighbourhood, data.neighbourhood_id)
        if place is None or place.base_id != programme.base_id:
            raise InvalidInput("Choose one of the base's neighbourhoods.",
                               "یکی از محله‌های همین پایگاه را برگزینید.",
                               field="neighbourhood_id")
    session.add(person)
    session.flush()
    _enrol(session, programme, person, now)
    audit(session, actor, AuditAction.create, "community_participant", person.id, now=now)
    return queries.participant_brief(session, person)


def enrol(session: Session, *, actor: Actor, programme_id: int, participant_id: int,
          now: datetime) -> ParticipantBrief:
    programme = _get(session, Programme, programme_id, "programme", "برنامه")
    person = session.get(Participant, participant_id)
    if person is None or person.base_id != programme.base_id:
        raise InvalidInput("Choose a participant of the same base.",
                           "شرکت‌کننده‌ای از همین پایگاه برگزینید.", field="participant_id")
    _enrol(session, programme, person, now)
    audit(session, actor, AuditAction.update, "community_programme", programme.id, now=now,
          reason="enrolment")
    return queries.participant_brief(session, person)


def take_attendance(session: Session, *, actor: Actor, base_session_id: int,
                    data: AttendanceUpdate, now: datetime) -> SessionPublic:
    """Present / absent / excused for the programme's participants, once the session has
    begun (refused before, naming the rule, and for a cancelled session); ``held`` marks it
    held too. Marking again replaces the earlier mark."""
    row = _get(session, BaseSession, base_session_id, "session", "جلسه")
    status = SessionStatus(row.status)
    model.check_attendance(status, as_utc(row.starts_at), now)
    enrolled = session.scalars(select(Enrolment.participant_id).where(
        Enrolment.programme_id == row.programme_id)).all()
    marks = {m.participant_id: m.mark for m in data.marks}
    model.check_enrolled(marks, enrolled)
    existing = {a.participant_id: a for a in session.scalars(
        select(Attendance).where(Attendance.session_id == row.id))}
    for participant_id, mark in marks.items():
        _mark(session, row.id, existing.get(participant_id), participant_id, mark, actor, now)
    if data.held and status is SessionStatus.planned:
        _hold(session, row, actor, now)
    session.flush()
    audit(session, actor, AuditAction.update, "community_session", row.id, now=now,
          reason="attendance")
    return queries.session_sheet(session, base_session_id=row.id, now=now)


def hold_session(session: Session, *, actor: Actor, base_session_id: int,
                 now: datetime) -> SessionPublic:
    """Mark the session held (after its start); already held: nothing changes."""
    row = _get(session, BaseSession, base_session_id, "session", "جلسه")
    model.check_hold(SessionStatus(row.status), as_utc(row.starts_at), now)
    if row.status == SessionStatus.planned.value:
        _hold(session, row, actor, now)
        audit(session, actor, AuditAction.update, "community_session", row.id, now=now,
              reason="held")
    return queries.session_sheet(session, base_session_id=row.id, now=now)


def cancel_session(session: Session, *, actor: Actor, base_session_id: int,
                   now: datetime) -> SessionPublic:
    row = _get(session, BaseSession, base_session_id, "session", "جلسه")
    model.check_cancel(SessionStatus(row.status))
    row.status = SessionStatus.cancelled.value
    session.flush()
    audit(session, actor, AuditAction.update, "community_session", row.id, now=now,
          reason="cancelled")
    return queries.session_sheet(session, base_session_id=row.id, now=now)


def refer(session: Session, *, actor: Actor, participant_id: int, data: ReferralCreate,
          now: datetime) -> ReferralPublic:
    """Refer a participant to case work: a case opens in the base's province through the
    walk-in path (the worker on its team), and the participant becomes its client. Once:
    a participant already referred is told the case."""
    person = _get(session, Participant, participant_id, "participant", "شرکت‌کننده")
    base = _base(session, person.base_id)
    claimed = session.execute(
        update(Participant).where(Participant.id == person.id, Participant.referred_at.is_(None))
        .values(referred_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(person)
        raise Conflict(
            "This participant was already referred to case work; open the case instead.",
            "این شرکت‌کننده پیش‌تر به مددکاری ارجاع شده است؛ همان پرونده را باز کنید.",
            case_id=person.case_id)
    reason = data.reason.strip()
    summary = f"{base.name_fa} — {reason}"
    summary_note = (f"ارجاع از {base.name_fa} / Referred from {base.name_en}: {reason}")
    opened = open_walk_in(session, actor=actor, now=now, data=WalkInCreate(
        client_name=(data.client_name or person.name).strip(), category=data.category,
        phone=person.phone, summary=summary, risk=data.risk, first_note=summary_note))
    case = session.get_one(Case, opened.id)
    session.refresh(person)
    person.case_id, person.client_id = case.id, case.client_id
    person.referred_at, person.referred_by, person.referral_reason = now, actor.user_id, reason
    session.flush()
    audit(session, actor, AuditAction.update, "community_participant", person.id, now=now,
          reason=f"referred to case {case.id}")
    return ReferralPublic(participant_id=person.id, case_id=case.id,
                          case_reference=case.reference, client_id=case.client_id)


# ---- pieces ------------------------------------------------------------------------------


def _profile(session: Session, place: Neighbourhood, base: Centre,
             data: NeighbourhoodCreate) -> None:
    if data.county_id is not None:
        county = session.get(County, data.county_id)
        if county is None or county.province_code != base.province_code:
            raise InvalidInput("That county is not in the base's province.",
                               "آن شهرستان در استان پایگاه نیست.", field="county_id")
    if not data.name.strip():
        raise InvalidInput("Write the neighbourhood's name.", "نام محله را بنویسید.",
                           field="name")
    place.county_id = data.county_id or place.county_id or base.county_id
    place.name, place.kind = data.name.strip(), data.kind.value
    place.households, place.population = data.households, data.population
    place.issues = ",".join(dict.fromkeys(i.value for i in data.issues))
    place.amenities = ",".join(dict.fromkeys(a.value for a in data.amenities))
    place.note = (data.note or "").strip() or None


def _enrol(session: Session, programme: Programme, person: Participant, now: datetime) -> None:
    already = session.scalar(select(Enrolment.id).where(
        Enrolment.programme_id == programme.id, Enrolment.participant_id == person.id))
    if already is not None:
        raise Conflict("This participant is already enrolled in the programme.",
                       "این شرکت‌کننده پیش‌تر در این برنامه ثبت‌نام شده است.")
    count = len(session.scalars(select(Enrolment.id).where(
        Enrolment.programme_id == programme.id)).all())
    model.check_capacity(count, programme.capacity)
    session.add(Enrolment(programme_id=programme.id, participant_id=person.id,
                          enrolled_at=now))
    session.flush()


def _mark(session: Session, session_id: int, row: Attendance | None, participant_id: int,
          mark: Mark, actor: Actor, now: datetime) -> None:
    if row is None:
        session.add(Attendance(session_id=session_id, participant_id=participant_id,
                               mark=mark.value, marked_at=now, marked_by=actor.user_id))
    else:
        row.mark, row.marked_at, row.marked_by = mark.value, now, actor.user_id


def _hold(session: Session, row: BaseSession, actor: Actor, now: datetime) -> None:
    row.status, row.held_at, row.held_by = SessionStatus.held.value, now, actor.user_id
    session.flush()


def _base(session: Session, base_id: int) -> Centre:
    if queries.base_resource(session, base_id) is None:
        raise NotFound(f"There is no community base {base_id}.",
                       f"پایگاه خدمات اجتماعی با شمارهٔ {base_id} نیست.")
    return session.get_one(Centre, base_id)


def _get(session: Session, kind: type[_Row], row_id: int, en: str, fa: str) -> _Row:
    row = session.get(kind, row_id)
    if row is None:
        raise NotFound(f"There is no {en} {row_id}.", f"{fa}ی با شمارهٔ {row_id} نیست.")
    return row


def _day(text: str, field: str) -> date:
    try:
        return read_day(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a day of the calendar: write a Jalali date that exists, such as "
            "1405/01/20.",
            f"«{text}» روزی از تقویم نیست: تاریخ شمسی موجودی مانند ۱۴۰۵/۰۱/۲۰ بنویسید.",
            field=field) from None
