"""Stays in a shelter (issue 17): use cases inside the caller's unit of work.

A stay's people hold their beds (``ShelterStayPerson.held_bed_id``, unique): whoever flushes
second for the same bed gets an IntegrityError, caught inside a SAVEPOINT so the caller's
unit of work stays usable and the person is told to choose another bed. Every change of a
stay's state is one conditional UPDATE on its ``version`` (two clicks cannot check out
twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.centres.shelters.model import (
    Bed,
    Person,
    Relation,
    StayStatus,
    assign_beds,
    audience,
    check_bed,
    parse_suits,
)
from panah.centres.shelters.orm import (
    Shelter,
    ShelterBed,
    ShelterPolicy,
    ShelterRoom,
    ShelterStay,
    ShelterStayPerson,
)
from panah.centres.shelters.queries import free_beds
from panah.centres.stays import model
from panah.centres.stays.model import StayPolicy
from panah.centres.stays.orm import ShelterStayExtension
from panah.centres.stays.schemas import StayCreate
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission


def _bed_taken() -> Conflict:
    return Conflict("This bed was just taken by another stay; choose another bed.",
                    "این تخت همین حالا به اسکان دیگری داده شد؛ تخت دیگری انتخاب کنید.",
                    field="bed_id")


def shelter_of(session: Session, shelter_id: int) -> Shelter:
    shelter = session.get(Shelter, shelter_id)
    if shelter is None or not shelter.active:
        raise NotFound("There is no such shelter, or it is closed; choose another.",
                       "چنین خانهٔ امنی نیست یا بسته است؛ دیگری را انتخاب کنید.")
    return shelter


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("There is no such case.", "چنین پرونده‌ای نیست.")
    return case


def beds_by_id(session: Session, bed_ids: Sequence[int]) -> dict[int, tuple[Bed, bool]]:
    """The beds asked for, as the rules see them, each with whether a stay holds it now."""
    held = set(session.scalars(select(ShelterStayPerson.held_bed_id).where(
        ShelterStayPerson.held_bed_id.in_(list(bed_ids)))))
    rows = session.execute(
        select(ShelterBed, ShelterRoom).join(ShelterRoom, ShelterRoom.id == ShelterBed.room_id)
        .where(ShelterBed.id.in_(list(bed_ids)), ShelterBed.active, ShelterRoom.active))
    return {bed.id: (Bed(id=bed.id, shelter_id=bed.shelter_id, room_id=room.id,
                         suits=parse_suits(room.suits), accessible=bed.accessible,
                         child_bed=bed.child_bed, room_name=room.name, label=bed.label),
                     bed.id in held)
            for bed, room in rows}


def choose_beds(session: Session, *, shelter_id: int, people: Sequence[Person],
                bed_ids: Sequence[int] | None, keep: Sequence[int] = ()) -> tuple[int, ...]:
    """One bed per person: the given ones checked (in this shelter, free or in ``keep``,
    suiting the person and the party), else chosen from the free beds in one room."""
    party = audience(people)
    if bed_ids is None:
        chosen = assign_beds(free_beds(session, shelter_ids=[shelter_id]), people)
        if chosen is None:
            raise Conflict("No room of this shelter has free beds that suit this party "
                           "together (the room rule); look for a bed in another shelter.",
                           "هیچ اتاقی از این خانهٔ امن تخت خالیِ مناسب همهٔ این گروه را با هم "
                           "ندارد (قاعدهٔ اتاق)؛ در خانهٔ امن دیگری تخت بیابید.",
                           field="bed_id")
        return chosen
    if len(bed_ids) != len(people) or len(set(bed_ids)) != len(bed_ids):
        raise InvalidInput("Give one different bed for each person of the stay.",
                           "برای هر نفرِ این اسکان یک تخت جداگانه انتخاب کنید.", field="bed_id")
    found = beds_by_id(session, bed_ids)
    for bed_id, person in zip(bed_ids, people, strict=True):
        if bed_id not in found or found[bed_id][0].shelter_id != shelter_id:
            raise InvalidInput("This bed is not a bed of this shelter; choose one from the "
                               "board.", "این تخت از تخت‌های این خانهٔ امن نیست؛ از تابلو "
                               "یکی را انتخاب کنید.", field="bed_id")
        bed, held = found[bed_id]
        if held and bed_id not in keep:
            raise Conflict(f"Bed {bed.label} is occupied (the one-person-per-bed rule); "
                           "choose a free bed.", f"تخت {bed.label} اشغال است (قاعدهٔ یک نفر در "
                           "هر تخت)؛ تخت خالی انتخاب کنید.", field="bed_id")
        check_bed(bed, person, party)
    return tuple(bed_ids)


def plan_stay(session: Session, *, actor: Actor, shelter_id: int, case_id: int,
              people: Sequence[Person], arrives_on: date, now: datetime,
              request_id: int | None = None, bed_ids: Sequence[int] | None = None,
              names: Sequence[str | None] | None = None) -> int:
    """A planned stay for ``people`` (the client first, then her children) at the shelter,
    holding one bed each from now: ``bed_ids`` in the order of ``people``, or chosen by
    ``shelters.model.assign_beds`` from the free beds. Refuses a bed that is held
    (``Conflict``) or unsuitable (``InvalidInput`` naming the rule). Returns the stay's id.
    Checks nothing about who may do it: the caller did."""
    shelter_of(session, shelter_id)
    case = _case(session, case_id)
    if names is not None and len(names) != len(people):
        raise InvalidInput("Give a name (or nothing) for each person of the stay.",
                           "برای هر نفرِ اسکان یک نام (یا هیچ) بنویسید.", field="names")
    beds = choose_beds(session, shelter_id=shelter_id, people=people, bed_ids=bed_ids)
    stay = ShelterStay(shelter_id=shelter_id, case_id=case_id, status=StayStatus.planned,
                       arrives_on=arrives_on, created_by=actor.user_id, created_at=now,
                       version=0)
    try:
        with session.begin_nested():
            session.add(stay)
            session.flush()
            session.add_all(
                ShelterStayPerson(
                    stay_id=stay.id, relation=p.relation.value,
                    client_id=case.client_id if p.relation is Relation.client else None,
                    name=(names[i] or None) if names is not None else None,
                    age_years=p.age_years, sex=p.sex, needs_accessible=p.needs_accessible,
                    bed_id=beds[i], held_bed_id=beds[i])
                for i, p in enumerate(people))
            session.flush()
    except IntegrityError:
        raise _bed_taken() from None
    audit(session, actor, AuditAction.create, "shelter_stay", stay.id, now=now,
          reason=f"request {request_id}" if request_id is not None else None)
    return stay.id


# ---- the province's policy -------------------------------------------------------------

def policy_of(session: Session, province_code: str) -> StayPolicy:
    """The province's maximum stay and alert days, or the defaults (a setting)."""
    row = session.get(ShelterPolicy, province_code)
    if row is None:
        return model.DEFAULT_POLICY
    return StayPolicy(row.max_stay_days, row.alert_days_before)


def set_policy(session: Session, *, actor: Actor, province_code: str, max_stay_days: int,
               alert_days_before: int, now: datetime) -> StayPolicy:
    """A supervisor sets the province's maximum stay and alert days (for check-ins from now:
    a stay already in keeps its last day)."""
    policy = model.check_policy(max_stay_days, alert_days_before)
    row = session.get(ShelterPolicy, province_code)
    if row is None:
        row = ShelterPolicy(province_code=province_code)
        session.add(row)
    row.max_stay_days, row.alert_days_before = policy.max_stay_days, policy.alert_days_before
    row.updated_at, row.updated_by = now, actor.user_id
    session.flush()
    audit(session, actor, AuditAction.update, "shelter_policy", province_code, now=now)
    return policy


# ---- a stay's moves --------------------------------------------------------------------

def stay_of(session: Session, stay_id: int) -> ShelterStay:
    stay = session.get(ShelterStay, stay_id)
    if stay is None:
        raise NotFound("There is no such stay.", "چنین اسکانی نیست.")
    return stay


def _move(session: Session, stay: ShelterStay, to: StayStatus, **values: object) -> None:
    """One conditional UPDATE from the state and version read: of two clicks, one moves."""
    model.check_move(stay.status, to)
    done = session.execute(
        update(ShelterStay).where(ShelterStay.id == stay.id,
                                  ShelterStay.status == stay.status,
                                  ShelterStay.version == stay.version)
        .values(status=to.value, version=ShelterStay.version + 1, **values)
        .execution_options(synchronize_session=False))
    if cast(CursorResult[Any], done).rowcount != 1:
        raise Conflict("Someone changed this stay a moment ago; reload the page and look "
                       "again.", "کسی همین حالا این اسکان را تغییر داد؛ صفحه را تازه کنید و "
                       "دوباره ببینید.")
    session.refresh(stay)


def _people(session: Session, stay_id: int) -> list[ShelterStayPerson]:
    return list(session.scalars(select(ShelterStayPerson).where(
        ShelterStayPerson.stay_id == stay_id).order_by(ShelterStayPerson.id)))


def _release(session: Session, stay_id: int) -> None:
    session.execute(update(ShelterStayPerson).where(ShelterStayPerson.stay_id == stay_id)
                    .values(held_bed_id=None).execution_options(synchronize_session=False))


def _as_person(row: ShelterStayPerson) -> Person:
    return Person(Relation(row.relation), row.age_years, row.needs_accessible, row.sex)


def _rebed(session: Session, stay: ShelterStay, bed_ids: Sequence[int]) -> None:
    """Give the stay's people other beds (checked as when planned)."""
    people = _people(session, stay.id)
    keep = [p.held_bed_id for p in people if p.held_bed_id is not None]
    beds = choose_beds(session, shelter_id=stay.shelter_id,
                       people=[_as_person(p) for p in people], bed_ids=bed_ids, keep=keep)
    try:
        with session.begin_nested():
            for row in people:  # free first, so two of the party may swap beds
                row.held_bed_id = None
            session.flush()
            for row, bed_id in zip(people, beds, strict=True):
                row.bed_id = row.held_bed_id = bed_id
            session.flush()
    except IntegrityError:
        raise _bed_taken() from None


def check_in(session: Session, *, actor: Actor, stay_id: int, now: datetime,
             bed_ids: Sequence[int] | None = None, ends_on: date | None = None) -> None:
    """She came: the stay is checked in today (Iran's day) and its last day set from the
    province's maximum (or an earlier day asked for); other beds may be given."""
    stay = stay_of(session, stay_id)
    model.check_move(stay.status, StayStatus.checked_in)
    shelter = shelter_of(session, stay.shelter_id)
    today = model.iran_day(now)
    end = model.check_end(today, ends_on, policy_of(session, shelter.province_code))
    if bed_ids:
        _rebed(session, stay, bed_ids)
    _move(session, stay, StayStatus.checked_in, checked_in_at=now, ends_on=end)
    audit(session, actor, AuditAction.update, "shelter_stay", stay.id, now=now,
          reason="checked in")


def admit(session: Session, *, actor: Actor, shelter_id: int, case_id: int,
          people: Sequence[Person], now: datetime, bed_ids: Sequence[int] | None = None,
          names: Sequence[str | None] | None = None, ends_on: date | None = None) -> int:
    """The shelter takes her in directly, without a request: planned and checked in at
    once, in one unit of work."""
    stay_id = plan_stay(session, actor=actor, shelter_id=shelter_id, case_id=case_id,
                        people=people, arrives_on=model.iran_day(now), now=now,
                        bed_ids=bed_ids, names=names)
    check_in(session, actor=actor, stay_id=stay_id, now=now, ends_on=ends_on)
    return stay_id


def plan(session: Session, *, actor: Actor, shelter_id: int, case_id: int,
         people: Sequence[Person], arrives_on: date | None, now: datetime,
         bed_ids: Sequence[int] | None = None,
         names: Sequence[str | None] | None = None) -> int:
    """The shelter plans her arrival (today or later), holding the beds from now."""
    today = model.iran_day(now)
    day = arrives_on or today
    if day < today:
        raise InvalidInput("She arrives today or later; a past day cannot be planned.",
                           "روز ورود امروز یا پس از آن است؛ روز گذشته را نمی‌توان برنامه‌ریزی "
                           "کرد.", field="arrives_on")
    return plan_stay(session, actor=actor, shelter_id=shelter_id, case_id=case_id,
                     people=people, arrives_on=day, now=now, bed_ids=bed_ids, names=names)


def check_out(session: Session, *, actor: Actor, stay_id: int, destination: str | None,
              note: str | None, safety_plan: str | None, now: datetime) -> None:
    """She left: where she went, and a safety plan when back to a home; the beds are free."""
    stay = stay_of(session, stay_id)
    model.check_move(stay.status, StayStatus.checked_out)
    where, plan_text = model.check_departure(destination, safety_plan)
    _move(session, stay, StayStatus.checked_out, checked_out_at=now,
          destination=where.value, destination_note=(note or "").strip() or None,
          safety_plan=plan_text)
    _release(session, stay.id)
    audit(session, actor, AuditAction.update, "shelter_stay", stay.id, now=now,
          reason="checked out")


def cancel(session: Session, *, actor: Actor, stay_id: int, now: datetime) -> None:
    """She did not come: the planned stay is cancelled and its beds are free."""
    stay = stay_of(session, stay_id)
    _move(session, stay, StayStatus.cancelled)
    _release(session, stay.id)
    audit(session, actor, AuditAction.update, "shelter_stay", stay.id, now=now,
          reason="cancelled")


def may_extend(actor: Actor, province_code: str) -> bool:
    return bool(decide(actor, Permission.approve_case_work,
                       Resource("shelter", province_code=province_code)))


def extend(session: Session, *, actor: Actor, stay_id: int, until: date, reason: str | None,
           now: datetime) -> None:
    """A supervisor of the shelter's province lets her stay past the last day, saying why."""
    stay = stay_of(session, stay_id)
    shelter = shelter_of(session, stay.shelter_id)
    if stay.status != StayStatus.checked_in or stay.ends_on is None:
        raise Conflict("Only a stay that is checked in can be extended.",
                       "فقط اسکانی که ورودش ثبت شده تمدید می‌شود.")
    end = model.current_end(stay.ends_on, stay.extended_until)
    why = model.check_extension(end, until, reason,
                                may_approve=may_extend(actor, shelter.province_code))
    done = session.execute(
        update(ShelterStay).where(ShelterStay.id == stay.id, ShelterStay.version == stay.version)
        .values(extended_until=until, extended_by=actor.user_id, version=ShelterStay.version + 1)
        .execution_options(synchronize_session=False))
    if cast(CursorResult[Any], done).rowcount != 1:
        raise Conflict("Someone changed this stay a moment ago; reload the page.",
                       "کسی همین حالا این اسکان را تغییر داد؛ صفحه را تازه کنید.")
    session.refresh(stay)
    stay.extension_reason = why
    session.add(ShelterStayExtension(stay_id=stay.id, previous_end=end, until=until,
                                     reason=why, extended_by=actor.user_id, extended_at=now))
    session.flush()
    audit(session, actor, AuditAction.update, "shelter_stay", stay.id, now=now,
          reason="extended")


def receive(session: Session, *, actor: Actor, shelter_id: int, data: StayCreate,
            now: datetime) -> int:
    """From the board: plan her arrival, or (``check_in``) take her in now. Beds given for
    everyone or for no one (then chosen: one room for the party)."""
    people = [Person(p.relation, p.age_years, p.needs_accessible, p.sex) for p in data.people]
    given = [p.bed_id for p in data.people]
    if any(given) and not all(given):
        raise InvalidInput("Choose a bed for everyone, or for no one to have beds chosen.",
                           "برای همه تخت انتخاب کنید، یا برای هیچ‌کس تا تخت‌ها انتخاب شوند.",
                           field="bed_id")
    bed_ids = [b for b in given if b is not None] or None
    names = [p.name for p in data.people]
    if data.check_in:
        return admit(session, actor=actor, shelter_id=shelter_id, case_id=data.case_id,
                     people=people, now=now, bed_ids=bed_ids, names=names)
    return plan(session, actor=actor, shelter_id=shelter_id, case_id=data.case_id,
                people=people, arrives_on=data.arrives_on, now=now, bed_ids=bed_ids,
                names=names)
