"""The read side of stays (issue 17): the shelter's board, a stay's page, the case's stays
panel and timeline. Names, notes and plans only for those who run the shelter; never a
shelter's address or phone."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import jdatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.thread.items import TimelineItem
from panah.centres.beds import queries as beds
from panah.centres.shelters.model import HOLDING, Relation, StayStatus, parse_suits
from panah.centres.shelters.orm import (
    Shelter,
    ShelterBed,
    ShelterPolicy,
    ShelterRoom,
    ShelterStay,
    ShelterStayPerson,
)
from panah.centres.stays import model
from panah.centres.stays.orm import ShelterStayAlert, ShelterStayExtension
from panah.centres.stays.schemas import (
    BedCell,
    BoardPublic,
    ExtensionPublic,
    PolicyPublic,
    RoomPublic,
    StayLine,
    StayPersonPublic,
    StayPublic,
)
from panah.centres.stays.service import may_extend, policy_of, shelter_of
from panah.core.errors import NotFound
from panah.security.orm import User
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission


def stay_resource(session: Session, stay_id: int) -> Resource | None:
    """A stay is reached as its shelter is (its manager, the province's supervisors)."""
    row = session.execute(select(Shelter.province_code, Shelter.centre_id)
                          .join(ShelterStay, ShelterStay.shelter_id == Shelter.id)
                          .where(ShelterStay.id == stay_id)).first()
    return Resource("shelter_stay", province_code=row[0], centre_id=row[1]) if row else None


def may_manage(actor: Actor, shelter: Shelter) -> bool:
    return bool(decide(actor, Permission.manage_shelters, Resource(
        "shelter", province_code=shelter.province_code, centre_id=shelter.centre_id)))


def policy_public(session: Session, province_code: str) -> PolicyPublic:
    policy = policy_of(session, province_code)
    return PolicyPublic(province_code=province_code, max_stay_days=policy.max_stay_days,
                        alert_days_before=policy.alert_days_before,
                        is_default=session.get(ShelterPolicy, province_code) is None)


def _end(stay: ShelterStay) -> date | None:
    return model.current_end(stay.ends_on, stay.extended_until) if stay.ends_on else None


def _raised(session: Session, stays: list[ShelterStay]) -> dict[int, list[str]]:
    """The alerts raised for each stay's current last day."""
    ends = {s.id: _end(s) for s in stays}
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.scalars(select(ShelterStayAlert).where(
        ShelterStayAlert.stay_id.in_(list(ends))).order_by(ShelterStayAlert.id))
    for row in rows:
        if ends.get(row.stay_id) == row.for_day:
            found[row.stay_id].append(row.kind)
    return found


def _line(stay: ShelterStay, people: list[ShelterStayPerson], today: date,
          alerts: list[str], names: bool) -> StayLine:
    client = next((p for p in people if p.relation == Relation.client), None)
    end = _end(stay)
    return StayLine(id=stay.id, case_id=stay.case_id, status=StayStatus(stay.status),
                    client_name=client.name if names and client else None,
                    people=len(people), arrives_on=stay.arrives_on, last_day=end,
                    days_left=model.days_left(end, today) if end else None, alerts=alerts)


def _people_of(session: Session, stay_ids: list[int]) -> dict[int, list[ShelterStayPerson]]:
    found: dict[int, list[ShelterStayPerson]] = defaultdict(list)
    for row in session.scalars(select(ShelterStayPerson).where(
            ShelterStayPerson.stay_id.in_(stay_ids)).order_by(ShelterStayPerson.id)):
        found[row.stay_id].append(row)
    return found


def _rooms(session: Session, shelter_id: int, holders: dict[int, tuple[ShelterStay,
           ShelterStayPerson]], names: bool) -> list[RoomPublic]:
    rooms = session.scalars(select(ShelterRoom).where(
        ShelterRoom.shelter_id == shelter_id, ShelterRoom.active).order_by(ShelterRoom.id))
    shown = []
    for room in rooms:
        cells = []
        for bed in session.scalars(select(ShelterBed).where(
                ShelterBed.room_id == room.id, ShelterBed.active).order_by(ShelterBed.id)):
            held = holders.get(bed.id)
            state = ("free" if held is None else
                     "occupied" if held[0].status == StayStatus.checked_in else "held")
            cells.append(BedCell(id=bed.id, label=bed.label, accessible=bed.accessible,
                                 child_bed=bed.child_bed, state=state,  # type: ignore[arg-type]
                                 stay_id=held[0].id if held and names else None,
                                 who=held[1].name if held and names else None,
                                 who_relation=(Relation(held[1].relation)
                                               if held and names else None),
                                 who_age=held[1].age_years if held and names else None))
        shown.append(RoomPublic(id=room.id, name=room.name,
                                suits=sorted(s.value for s in parse_suits(room.suits)),
                                beds=cells))
    return shown


def board(session: Session, *, actor: Actor, shelter_id: int, now: datetime) -> BoardPublic:
    """The shelter's board: beds by room, who arrives today, who leaves, stays near their
    end and past it; names only for those who run the shelter."""
    shelter = shelter_of(session, shelter_id)
    names = may_manage(actor, shelter)
    today = model.iran_day(now)
    policy = policy_of(session, shelter.province_code)
    stays = list(session.scalars(select(ShelterStay).where(
        ShelterStay.shelter_id == shelter_id,
        ShelterStay.status.in_([s.value for s in HOLDING])).order_by(ShelterStay.arrives_on,
                                                                    ShelterStay.id)))
    people = _people_of(session, [s.id for s in stays])
    raised = _raised(session, stays)
    holders = {p.held_bed_id: (s, p) for s in stays for p in people[s.id]
               if p.held_bed_id is not None}
    lines = {s.id: _line(s, people[s.id], today, raised[s.id], names) for s in stays}
    checked_in = [s for s in stays if s.status == StayStatus.checked_in]
    rooms = _rooms(session, shelter_id, holders, names)
    cells = [c for r in rooms for c in r.beds]

    def due(stay: ShelterStay) -> frozenset[model.AlertKind]:
        end = _end(stay)
        return model.alerts_due(end, today, policy.alert_days_before) if end else frozenset()

    return BoardPublic(
        shelter_id=shelter.id, label_fa=shelter.name_fa, label_en=shelter.name_en,
        province_code=shelter.province_code, today=today, can_manage=names,
        can_extend=may_extend(actor, shelter.province_code),
        beds_total=len(cells), beds_free=sum(c.state == "free" for c in cells),
        beds_held=sum(c.state == "held" for c in cells),
        beds_occupied=sum(c.state == "occupied" for c in cells), rooms=rooms,
        arriving_today=[lines[s.id] for s in stays
                        if s.status == StayStatus.planned and s.arrives_on <= today],
        leaving_today=[lines[s.id] for s in checked_in if _end(s) == today],
        near_end=[lines[s.id] for s in checked_in
                  if model.AlertKind.near_end in due(s) and model.AlertKind.overdue not in due(s)
                  and _end(s) != today],
        overdue=[lines[s.id] for s in checked_in if model.AlertKind.overdue in due(s)],
        in_house=[lines[s.id] for s in checked_in],
        policy=policy_public(session, shelter.province_code))


def requests_on_board(session: Session, *, actor: Actor, shelter_id: int,
                      now: datetime) -> object:
    """The requests waiting for the shelter (the bed finder's part), or None."""
    return beds.shelter_requests(session, actor=actor, shelter_id=shelter_id, now=now)


def _bed_names(session: Session, bed_ids: set[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(select(ShelterBed.id, ShelterBed.label, ShelterRoom.name)
                           .join(ShelterRoom, ShelterRoom.id == ShelterBed.room_id)
                           .where(ShelterBed.id.in_(list(bed_ids))))
    return {bed_id: (label, room) for bed_id, label, room in rows}


def stay_public(session: Session, *, actor: Actor, stay: ShelterStay,
                now: datetime) -> StayPublic:
    shelter = shelter_of(session, stay.shelter_id)
    names = may_manage(actor, shelter)
    people = _people_of(session, [stay.id])[stay.id]
    bed_names = _bed_names(session, {p.bed_id for p in people if p.bed_id})
    end = _end(stay)
    extensions = session.scalars(select(ShelterStayExtension).where(
        ShelterStayExtension.stay_id == stay.id).order_by(ShelterStayExtension.id))
    return StayPublic(
        id=stay.id, shelter_id=shelter.id, shelter_label_fa=shelter.name_fa,
        shelter_label_en=shelter.name_en, case_id=stay.case_id,
        status=StayStatus(stay.status), arrives_on=stay.arrives_on,
        checked_in_at=stay.checked_in_at, ends_on=stay.ends_on,
        extended_until=stay.extended_until, last_day=end,
        days_left=(model.days_left(end, model.iran_day(now))
                   if end and stay.status == StayStatus.checked_in else None),
        checked_out_at=stay.checked_out_at,
        destination=stay.destination,  # type: ignore[arg-type]
        destination_note=stay.destination_note if names else None,
        safety_plan=stay.safety_plan if names else None,
        alerts=_raised(session, [stay])[stay.id],
        people=[StayPersonPublic(
            id=p.id, relation=Relation(p.relation), name=p.name if names else None,
            age_years=p.age_years, sex=p.sex, needs_accessible=p.needs_accessible,
            bed_id=p.bed_id, bed_label=bed_names.get(p.bed_id or 0, (None, None))[0],
            room_name=bed_names.get(p.bed_id or 0, (None, None))[1],
            holds_bed=p.held_bed_id is not None) for p in people],
        extensions=[ExtensionPublic(previous_end=e.previous_end, until=e.until,
                                    reason=e.reason if names else None,
                                    extended_at=e.extended_at) for e in extensions],
        version=stay.version, can_manage=names,
        can_extend=may_extend(actor, shelter.province_code)
        and stay.status == StayStatus.checked_in)


def stay_page(session: Session, *, actor: Actor, stay_id: int, now: datetime) -> StayPublic:
    stay = session.get(ShelterStay, stay_id)
    if stay is None:
        raise NotFound("There is no such stay.", "چنین اسکانی نیست.")
    return stay_public(session, actor=actor, stay=stay, now=now)


def case_stays(session: Session, *, actor: Actor, case_id: int,
               now: datetime) -> list[StayPublic]:
    stays = session.scalars(select(ShelterStay).where(ShelterStay.case_id == case_id)
                            .order_by(ShelterStay.created_at.desc(), ShelterStay.id.desc()))
    return [stay_public(session, actor=actor, stay=s, now=now) for s in stays]


def case_panel(session: Session, *, actor: Actor, case_id: int,
               now: datetime) -> list[StayPublic] | None:
    """The case's stays on the case page (``cases/_stays.html``); None: nothing to show."""
    return case_stays(session, actor=actor, case_id=case_id, now=now) or None


def _jalali(day: date) -> str:
    text: str = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    return text


def _users(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(select(User.id, User.full_name, User.username)
                           .where(User.id.in_(list(ids))))
    return {uid: full or name for uid, full, name in rows}


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """Planned, checked in, checked out (where she went), cancelled, extended: with the
    shelter's public label, never its address."""
    stays = list(session.scalars(select(ShelterStay).where(ShelterStay.case_id == case_id)))
    if not stays:
        return []
    labels = {s.id: (s.name_fa, s.name_en) for s in session.scalars(
        select(Shelter).where(Shelter.id.in_({st.shelter_id for st in stays})))}
    extensions = list(session.scalars(select(ShelterStayExtension).where(
        ShelterStayExtension.stay_id.in_([s.id for s in stays]))))
    who = _users(session, {s.created_by for s in stays} | {e.extended_by for e in extensions})
    items: list[TimelineItem] = []
    for stay in stays:
        fa, en = labels[stay.shelter_id]
        link = f"/shelters/stays/{stay.id}"
        items.append(TimelineItem(stay.created_at, "stay", "timeline.stay_planned", text=fa,
                                  text_en=en, actor=who.get(stay.created_by), link=link))
        if stay.checked_in_at:
            items.append(TimelineItem(stay.checked_in_at, "stay", "timeline.stay_checked_in",
                                      text=fa, text_en=en, link=link))
        if stay.checked_out_at:
            items.append(TimelineItem(
                stay.checked_out_at, "stay", "timeline.stay_checked_out", text=fa, text_en=en,
                link=link,
                facts=(("stays.destination", f"t:stays.destination.{stay.destination}"),)))
    by_stay = {s.id: s for s in stays}
    for ext in extensions:
        fa, en = labels[by_stay[ext.stay_id].shelter_id]
        items.append(TimelineItem(ext.extended_at, "stay", "timeline.stay_extended", text=fa,
                                  text_en=en, actor=who.get(ext.extended_by),
                                  link=f"/shelters/stays/{ext.stay_id}",
                                  facts=(("stays.until", _jalali(ext.until)),)))
    return items
