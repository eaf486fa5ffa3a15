"""The read side of the shelters (issue 17)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.centres.shelters.model import Bed, parse_suits
from panah.centres.shelters.orm import Shelter, ShelterBed, ShelterRoom, ShelterStayPerson


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
