"""Use cases of a shelter's setup (issue 17): the shelter, its rooms and its beds. Inside
the caller's unit of work; never commits. Access to a shelter by id is decided before (the
route's ``shelter_access``); creating one checks the centre's place here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.centres.model import CentreKind
from panah.centres.orm import Centre
from panah.centres.shelters import queries
from panah.centres.shelters.orm import Shelter, ShelterBed, ShelterRoom, ShelterStayPerson
from panah.centres.shelters.schemas import (
    BedCreate,
    BedUpdate,
    RoomCreate,
    RoomUpdate,
    ShelterCreate,
    ShelterSetup,
    ShelterUpdate,
)
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from panah.geo.orm import County
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission

RULE_HELD_EN = ("a room or bed that a stay holds stays in use until the stay ends: check "
                "the woman out or move her first")
RULE_HELD_FA = ("اتاق یا تختی که اسکانی آن را در اختیار دارد تا پایان اسکان فعال می‌ماند: "
                "نخست خروج یا جابه‌جایی او را ثبت کنید")


def _text(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _county(session: Session, county_id: int | None, province: str) -> int | None:
    if county_id is None:
        return None
    county = session.get(County, county_id)
    if county is None or county.province_code != province:
        raise InvalidInput("Choose a county of the shelter's own province.",
                           "شهرستانی از استان خود خانهٔ امن برگزینید.", field="county_id")
    return county_id


def create_shelter(session: Session, *, actor: Actor, data: ShelterCreate,
                   now: datetime) -> ShelterSetup:
    """A shelter run by a crisis-intervention centre of the actor's reach."""
    centre = session.scalar(select(Centre).where(Centre.code == data.centre_code.strip()))
    if centre is None or centre.kind != CentreKind.crisis_centre.value:
        raise InvalidInput("A shelter is run by a crisis-intervention centre: choose one by "
                           "its code.", "خانهٔ امن را یک مرکز مداخله در بحران اداره می‌کند: "
                           "کد یکی از آن‌ها را بنویسید.", field="centre_code")
    place = Resource("shelter", province_code=centre.province_code, centre_id=centre.id)
    if not decide(actor, Permission.manage_shelters, place):
        raise Forbidden("You set up the shelters of your own centre or province only.",
                        "شما فقط خانه‌های امن مرکز یا استان خود را راه‌اندازی می‌کنید.",
                        why="out_of_scope")
    shelter = Shelter(centre_id=centre.id, province_code=centre.province_code,
                      county_id=_county(session, data.county_id or centre.county_id,
                                        centre.province_code),
                      name_fa=data.name_fa.strip(), name_en=data.name_en.strip(),
                      address=_text(data.address), phone=_text(data.phone), active=True,
                      created_at=now)
    session.add(shelter)
    session.flush()
    audit(session, actor, AuditAction.create, "shelter", shelter.id, now=now)
    return queries.shelter_setup(session, shelter_id=shelter.id)


def update_shelter(session: Session, *, actor: Actor, shelter_id: int, data: ShelterUpdate,
                   now: datetime) -> ShelterSetup:
    """Change the label, county, address, phone or whether it takes anyone."""
    shelter = session.get(Shelter, shelter_id)
    if shelter is None:
        raise NotFound(f"There is no shelter {shelter_id}.",
                       f"خانهٔ امنی با شمارهٔ {shelter_id} نیست.")
    given = data.model_fields_set
    if "name_fa" in given and data.name_fa:
        shelter.name_fa = data.name_fa.strip()
    if "name_en" in given and data.name_en:
        shelter.name_en = data.name_en.strip()
    if "county_id" in given:
        shelter.county_id = _county(session, data.county_id, shelter.province_code)
    if "address" in given:
        shelter.address = _text(data.address)
    if "phone" in given:
        shelter.phone = _text(data.phone)
    if data.active is False and shelter.active and _held(session, shelter_id=shelter_id):
        raise Conflict(f"This shelter has women staying or expected: {RULE_HELD_EN}.",
                       f"در این خانهٔ امن کسانی اسکان دارند یا می‌آیند: {RULE_HELD_FA}.",
                       rule="held", field="active")
    if data.active is not None:
        shelter.active = data.active
    audit(session, actor, AuditAction.update, "shelter", shelter_id, now=now)
    return queries.shelter_setup(session, shelter_id=shelter_id)


def _held(session: Session, *, shelter_id: int | None = None, room_id: int | None = None,
          bed_id: int | None = None) -> bool:
    query = (select(func.count()).select_from(ShelterStayPerson)
             .join(ShelterBed, ShelterBed.id == ShelterStayPerson.held_bed_id))
    if shelter_id is not None:
        query = query.where(ShelterBed.shelter_id == shelter_id)
    if room_id is not None:
        query = query.where(ShelterBed.room_id == room_id)
    if bed_id is not None:
        query = query.where(ShelterBed.id == bed_id)
    return bool(session.scalar(query))


def _room(session: Session, shelter_id: int, room_id: int) -> ShelterRoom:
    room = session.get(ShelterRoom, room_id)
    if room is None or room.shelter_id != shelter_id:
        raise NotFound(f"This shelter has no room {room_id}.",
                       f"این خانهٔ امن اتاقی با شمارهٔ {room_id} ندارد.")
    return room


def _suits(suits: Sequence[str]) -> str:
    if not suits:
        raise InvalidInput("Say whom the room is for: a woman alone, a woman with her "
                           "children, a girl under 18 (one or more).",
                           "بگویید اتاق برای کیست: زن تنها، زن با فرزندان، دختر زیر ۱۸ سال "
                           "(یک یا چند).", field="suits")
    return ",".join(sorted(set(suits)))


def _unique_room(session: Session, shelter_id: int, name: str, room_id: int = 0) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("Give the room a name.", "برای اتاق نامی بنویسید.", field="name")
    taken = session.scalar(select(ShelterRoom.id).where(
        ShelterRoom.shelter_id == shelter_id, ShelterRoom.name == name,
        ShelterRoom.id != room_id))
    if taken is not None:
        raise Conflict(f"This shelter already has a room named {name}: each room's name is "
                       "its own.", f"این خانهٔ امن اتاقی به نام {name} دارد: نام هر اتاق "
                       "یکتاست.", field="name")
    return name


def add_room(session: Session, *, actor: Actor, shelter_id: int, data: RoomCreate,
             now: datetime) -> ShelterSetup:
    room = ShelterRoom(shelter_id=shelter_id, name=_unique_room(session, shelter_id, data.name),
                       suits=_suits(data.suits), active=True)
    session.add(room)
    session.flush()
    audit(session, actor, AuditAction.create, "shelter_room", room.id, now=now)
    return queries.shelter_setup(session, shelter_id=shelter_id)


def update_room(session: Session, *, actor: Actor, shelter_id: int, room_id: int,
                data: RoomUpdate, now: datetime) -> ShelterSetup:
    room = _room(session, shelter_id, room_id)
    if data.name is not None:
        room.name = _unique_room(session, shelter_id, data.name, room_id)
    if data.suits is not None:
        room.suits = _suits(data.suits)
    if data.active is False and room.active and _held(session, room_id=room_id):
        raise Conflict(f"A stay holds a bed in room {room.name}: {RULE_HELD_EN}.",
                       f"اسکانی تختی در اتاق {room.name} دارد: {RULE_HELD_FA}.",
                       rule="held", field="active")
    if data.active is not None:
        room.active = data.active
    audit(session, actor, AuditAction.update, "shelter_room", room_id, now=now)
    return queries.shelter_setup(session, shelter_id=shelter_id)


def _unique_bed(session: Session, room: ShelterRoom, label: str, bed_id: int = 0) -> str:
    label = label.strip()
    if not label:
        raise InvalidInput("Give the bed a label.", "برای تخت برچسبی بنویسید.", field="label")
    taken = session.scalar(select(ShelterBed.id).where(
        ShelterBed.room_id == room.id, ShelterBed.label == label, ShelterBed.id != bed_id))
    if taken is not None:
        raise Conflict(f"Room {room.name} already has a bed labelled {label}: each bed's "
                       "label in a room is its own.", f"اتاق {room.name} تختی با برچسب "
                       f"{label} دارد: برچسب هر تخت در اتاق یکتاست.", field="label")
    return label


def add_bed(session: Session, *, actor: Actor, shelter_id: int, room_id: int,
            data: BedCreate, now: datetime) -> ShelterSetup:
    room = _room(session, shelter_id, room_id)
    bed = ShelterBed(room_id=room.id, shelter_id=shelter_id,
                     label=_unique_bed(session, room, data.label),
                     accessible=data.accessible, child_bed=data.child_bed, active=True)
    session.add(bed)
    session.flush()
    audit(session, actor, AuditAction.create, "shelter_bed", bed.id, now=now)
    return queries.shelter_setup(session, shelter_id=shelter_id)


def update_bed(session: Session, *, actor: Actor, shelter_id: int, bed_id: int,
               data: BedUpdate, now: datetime) -> ShelterSetup:
    bed = session.get(ShelterBed, bed_id)
    if bed is None or bed.shelter_id != shelter_id:
        raise NotFound(f"This shelter has no bed {bed_id}.",
                       f"این خانهٔ امن تختی با شمارهٔ {bed_id} ندارد.")
    if data.label is not None:
        bed.label = _unique_bed(session, _room(session, shelter_id, bed.room_id), data.label,
                                bed_id)
    if data.accessible is not None:
        bed.accessible = data.accessible
    if data.child_bed is not None:
        bed.child_bed = data.child_bed
    if data.active is False and bed.active and _held(session, bed_id=bed_id):
        raise Conflict(f"A stay holds bed {bed.label}: {RULE_HELD_EN}.",
                       f"اسکانی تخت {bed.label} را در اختیار دارد: {RULE_HELD_FA}.",
                       rule="held", field="active")
    if data.active is not None:
        bed.active = data.active
    audit(session, actor, AuditAction.update, "shelter_bed", bed_id, now=now)
    return queries.shelter_setup(session, shelter_id=shelter_id)
