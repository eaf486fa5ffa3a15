"""Shelters (API): the facility, rooms and beds, the address by need, occupancy (issue 17).

No response here carries a shelter's address or phone except ``/address``, which answers
only those with need (audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from panah.centres.shelters import occupancy, queries, service
from panah.centres.shelters.schemas import (
    BedCreate,
    BedUpdate,
    OccupancyPublic,
    RoomCreate,
    RoomUpdate,
    ShelterAddress,
    ShelterCreate,
    ShelterPublic,
    ShelterSetup,
    ShelterUpdate,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import ShelterAddressAccess, shelter_access, shelter_address_access
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/shelters", tags=["shelters"])
RoomId = Annotated[int, Path(ge=1, le=2**31 - 1)]
BedId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Runs = Annotated[int, Depends(shelter_access(Permission.manage_shelters))]
Sees = Annotated[int, Depends(shelter_access(Permission.view_occupancy))]
Manager = Annotated[Actor, Depends(require(Permission.manage_shelters))]


@router.get("", response_model=list[ShelterPublic])
def shelters(uow: Uow,
             actor: Annotated[Actor, Depends(require(Permission.view_occupancy))]
             ) -> list[ShelterPublic]:
    """The shelters you may see (your centre's, province's or the nation's), with their
    beds and free beds now: labels only, never an address."""
    return queries.shelters_seen(uow.session, actor=actor)


@router.get("/occupancy", response_model=OccupancyPublic)
def shelter_occupancy(
    uow: Uow, actor: Annotated[Actor, Depends(require(Permission.view_occupancy))],
    province: Annotated[str | None, Query(pattern=r"^IR-\d\d$")] = None,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
) -> OccupancyPublic:
    """Beds, occupied (checked in), held (also planned) and free, per day (the last 30 by
    default) and today, per shelter, province and in all. National roles see any province
    or the nation; others their own province."""
    return occupancy.shelter_occupancy(uow.session, actor=actor, now=uow.now,
                                       province=province, first=first, last=last)


@router.post("", response_model=ShelterSetup, status_code=201)
def create(uow: Uow, actor: Manager, body: ShelterCreate) -> ShelterSetup:
    """A shelter of a crisis-intervention centre in your reach: its label is public (a
    county, never a street), its address and phone are not."""
    return service.create_shelter(uow.session, actor=actor, data=body, now=uow.now)


@router.get("/{shelter_id}", response_model=ShelterSetup)
def setup(uow: Uow, shelter_id: Sees) -> ShelterSetup:
    """The shelter's rooms and beds, each bed held or not now (no address)."""
    return queries.shelter_setup(uow.session, shelter_id=shelter_id)


@router.patch("/{shelter_id}", response_model=ShelterSetup)
def update(uow: Uow, shelter_id: Runs, actor: Manager, body: ShelterUpdate) -> ShelterSetup:
    """Change its label, county, address, phone, or stop taking anyone (not while a stay
    holds a bed)."""
    return service.update_shelter(uow.session, actor=actor, shelter_id=shelter_id, data=body,
                                  now=uow.now)


@router.get("/{shelter_id}/address", response_model=ShelterAddress)
def address(uow: Uow, grant: Annotated[ShelterAddressAccess, Depends(shelter_address_access)]
            ) -> ShelterAddress:
    """The address and phone, to the shelter's manager and its province's supervisors
    only; anyone else hears the rule. Every reveal and every refusal is on the audit
    chain."""
    return queries.shelter_address(uow.session, actor=grant.actor, shelter_id=grant.shelter_id)


@router.post("/{shelter_id}/rooms", response_model=ShelterSetup, status_code=201)
def add_room(uow: Uow, shelter_id: Runs, actor: Manager, body: RoomCreate) -> ShelterSetup:
    """A room, saying whom it suits (one or more)."""
    return service.add_room(uow.session, actor=actor, shelter_id=shelter_id, data=body,
                            now=uow.now)


@router.patch("/{shelter_id}/rooms/{shelter_room_id}", response_model=ShelterSetup)
def update_room(uow: Uow, shelter_id: Runs, shelter_room_id: RoomId, actor: Manager,
                body: RoomUpdate) -> ShelterSetup:
    """Rename, change whom it suits, or take the room out of use (not while held)."""
    return service.update_room(uow.session, actor=actor, shelter_id=shelter_id,
                               room_id=shelter_room_id, data=body, now=uow.now)


@router.post("/{shelter_id}/rooms/{shelter_room_id}/beds", response_model=ShelterSetup,
             status_code=201)
def add_bed(uow: Uow, shelter_id: Runs, shelter_room_id: RoomId, actor: Manager,
            body: BedCreate) -> ShelterSetup:
    """A bed in the room: accessible, a child's bed, or neither."""
    return service.add_bed(uow.session, actor=actor, shelter_id=shelter_id,
                           room_id=shelter_room_id, data=body, now=uow.now)


@router.patch("/{shelter_id}/beds/{shelter_bed_id}", response_model=ShelterSetup)
def update_bed(uow: Uow, shelter_id: Runs, shelter_bed_id: BedId, actor: Manager,
               body: BedUpdate) -> ShelterSetup:
    """Relabel, change what it is, or take the bed out of use (not while held)."""
    return service.update_bed(uow.session, actor=actor, shelter_id=shelter_id,
                              bed_id=shelter_bed_id, data=body, now=uow.now)
