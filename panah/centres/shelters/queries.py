"""The read side of the shelters (issue 17)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.flags.model import iran_day
from panah.centres.shelters.model import (
    RULE_ADDRESS_EN,
    RULE_ADDRESS_FA,
    Bed,
    StayStatus,
    address_need,
    parse_suits,
)
from panah.centres.shelters.orm import (
    Shelter,
    ShelterBed,
    ShelterRoom,
    ShelterStay,
    ShelterStayPerson,
)
from panah.centres.shelters.schemas import (
    BedPublic,
    RoomPublic,
    ShelterAddress,
    ShelterPublic,
    ShelterSetup,
)
from panah.core.errors import Forbidden, NotFound
from panah.geo.orm import County
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission


def free_beds(session: Session, *, shelter_ids: Collection[int] | None = None) -> list[Bed]:
    """Active beds of active rooms of active shelters that no stay holds now: availability
    is computed from stays (``held_bed_id``), never typed. ``None``: every shelter."""
    held = select(ShelterStayPerson.held_bed_id).where(
        ShelterStayPerson.held_bed_id.is_not(None))
    query = (select(ShelterBed, ShelterRoom)
             .join(ShelterRoom, ShelterRoom.id == ShelterBed.room_id)
             .join(Shelter, Shelter.id == ShelterBed.shelter_id)
             .where(ShelterBed.active, ShelterRoom.active, Shelter.active,
                    ShelterBed.id.not_in(held))
             .order_by(ShelterBed.shelter_id, ShelterBed.room_id, ShelterBed.id))
    if shelter_ids is not None:
        query = query.where(ShelterBed.shelter_id.in_(list(shelter_ids)))
    return [Bed(id=bed.id, shelter_id=bed.shelter_id, room_id=room.id,
                suits=parse_suits(room.suits), accessible=bed.accessible,
                child_bed=bed.child_bed, room_name=room.name, label=bed.label)
            for bed, room in session.execute(query)]


# ---- the shelters an actor may see, their setup, and the address for those with need ----


def shelter_resource(session: Session, shelter_id: int) -> Resource | None:
    """A shelter's place, for the policy: its province and the centre that runs it."""
    row = session.execute(select(Shelter.province_code, Shelter.centre_id)
                          .where(Shelter.id == shelter_id)).first()
    if row is None:
        return None
    return Resource("shelter", province_code=row[0], centre_id=row[1])


def _held_beds(session: Session) -> set[int]:
    return set(session.scalars(select(ShelterStayPerson.held_bed_id).where(
        ShelterStayPerson.held_bed_id.is_not(None))))


def _beds_in_use(session: Session, shelter_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per shelter: (active beds of active rooms, of those free now)."""
    free = Counter(b.shelter_id for b in free_beds(session, shelter_ids=shelter_ids))
    total = Counter(session.scalars(
        select(ShelterBed.shelter_id).join(ShelterRoom, ShelterRoom.id == ShelterBed.room_id)
        .where(ShelterBed.active, ShelterRoom.active, ShelterBed.shelter_id.in_(shelter_ids))))
    return {i: (total[i], free[i]) for i in shelter_ids}


def _public(shelter: Shelter, county: County | None, beds: tuple[int, int]) -> ShelterPublic:
    return ShelterPublic(
        id=shelter.id, name_fa=shelter.name_fa, name_en=shelter.name_en,
        province_code=shelter.province_code, centre_id=shelter.centre_id,
        county_fa=county.name_fa if county else None,
        county_en=county.name_en if county else None, active=shelter.active,
        beds=beds[0] if shelter.active else 0, free=beds[1] if shelter.active else 0)


def shelters_seen(session: Session, *, actor: Actor,
                  permission: Permission = Permission.view_occupancy) -> list[ShelterPublic]:
    """The shelters ``actor`` may see (their centre's, province's or the nation's), with
    their beds and free beds now: labels only, never an address."""
    rows = session.execute(select(Shelter, County)
                           .outerjoin(County, County.id == Shelter.county_id)
                           .order_by(Shelter.province_code, Shelter.name_en)).all()
    seen = [(s, c) for s, c in rows if decide(actor, permission, Resource(
        "shelter", province_code=s.province_code, centre_id=s.centre_id))]
    beds = _beds_in_use(session, [s.id for s, _ in seen])
    return [_public(s, c, beds[s.id]) for s, c in seen]


def _shelter(session: Session, shelter_id: int) -> Shelter:
    shelter = session.get(Shelter, shelter_id)
    if shelter is None:
        raise NotFound(f"There is no shelter {shelter_id}.",
                       f"خانهٔ امنی با شمارهٔ {shelter_id} نیست.")
    return shelter


def shelter_setup(session: Session, *, shelter_id: int) -> ShelterSetup:
    """A shelter's rooms and beds (inactive ones too), each bed held or not now."""
    shelter = _shelter(session, shelter_id)
    county = session.get(County, shelter.county_id) if shelter.county_id else None
    held = _held_beds(session)
    rooms = session.scalars(select(ShelterRoom).where(ShelterRoom.shelter_id == shelter_id)
                            .order_by(ShelterRoom.name)).all()
    beds = session.scalars(select(ShelterBed).where(ShelterBed.shelter_id == shelter_id)
                           .order_by(ShelterBed.label)).all()
    by_room: dict[int, list[BedPublic]] = {}
    for bed in beds:
        by_room.setdefault(bed.room_id, []).append(BedPublic(
            id=bed.id, room_id=bed.room_id, label=bed.label, accessible=bed.accessible,
            child_bed=bed.child_bed, active=bed.active, held=bed.id in held))
    public = _public(shelter, county, _beds_in_use(session, [shelter_id])[shelter_id])
    return ShelterSetup(**public.model_dump(), rooms=[
        RoomPublic(id=r.id, name=r.name, suits=sorted(parse_suits(r.suits)), active=r.active,
                   beds=by_room.get(r.id, [])) for r in rooms])


def shelter_address(session: Session, *, actor: Actor, shelter_id: int) -> ShelterAddress:
    """The address and phone, to those with need (``model.address_need``); the route's
    access dependency has put the read on the audit chain before this runs."""
    shelter = _shelter(session, shelter_id)
    if not address_need(actor, shelter.province_code, shelter.centre_id):
        raise Forbidden(RULE_ADDRESS_EN[0].upper() + RULE_ADDRESS_EN[1:] + ".",
                        RULE_ADDRESS_FA + ".", why="address_need", shelter_id=shelter_id)
    return ShelterAddress(id=shelter.id, address=shelter.address, phone=shelter.phone)


def address_if_needed(session: Session, *, actor: Actor, shelter_id: int,
                      now: datetime) -> ShelterAddress | None:
    """For a page: the address and phone when ``actor`` has need (the reveal audited),
    else None and nothing said."""
    shelter = _shelter(session, shelter_id)
    if not address_need(actor, shelter.province_code, shelter.centre_id):
        return None
    audit(session, actor, AuditAction.read, "shelter_address", shelter_id, now=now,
          reason="setup_page")
    return ShelterAddress(id=shelter.id, address=shelter.address, phone=shelter.phone)


@dataclass(frozen=True, slots=True)
class ShelterHome:
    """The shelter manager's glance: the province's shelters with beds and free beds now
    (labels only), which of them she runs, and who arrives and leaves today there."""

    shelters: list[ShelterPublic]
    mine: frozenset[int]
    beds: int
    free: int
    arriving_today: int
    leaving_today: int


def shelter_home(session: Session, *, actor: Actor, now: datetime) -> ShelterHome:
    rows = session.execute(select(Shelter, County)
                           .outerjoin(County, County.id == Shelter.county_id)
                           .where(Shelter.province_code == actor.province_code)
                           .order_by(Shelter.name_en)).all()
    beds = _beds_in_use(session, [s.id for s, _ in rows])
    shelters = [_public(s, c, beds[s.id]) for s, c in rows]
    mine = frozenset(s.id for s, _ in rows if decide(actor, Permission.manage_shelters, Resource(
        "shelter", province_code=s.province_code, centre_id=s.centre_id)))
    today = iran_day(now)[0]
    stays = select(func.count()).select_from(ShelterStay).where(
        ShelterStay.shelter_id.in_(mine))
    leaving = func.coalesce(ShelterStay.extended_until, ShelterStay.ends_on)
    return ShelterHome(
        shelters=shelters, mine=mine, beds=sum(s.beds for s in shelters),
        free=sum(s.free for s in shelters),
        arriving_today=session.scalar(stays.where(
            ShelterStay.status == StayStatus.planned.value,
            ShelterStay.arrives_on == today)) or 0,
        leaving_today=session.scalar(stays.where(
            ShelterStay.status == StayStatus.checked_in.value, leaving == today)) or 0)


def bed_count(session: Session, province_code: str | None = None) -> int:
    """Real beds (active, in active rooms of active shelters) of a province or the nation,
    for the homes' figures (not the centres' declared ``shelter_beds``)."""
    query = (select(func.count()).select_from(ShelterBed)
             .join(ShelterRoom, ShelterRoom.id == ShelterBed.room_id)
             .join(Shelter, Shelter.id == ShelterBed.shelter_id)
             .where(ShelterBed.active, ShelterRoom.active, Shelter.active))
    if province_code is not None:
        query = query.where(Shelter.province_code == province_code)
    return int(session.scalar(query) or 0)
