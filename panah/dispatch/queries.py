"""Dispatch's read side beyond the board (``board``): each read model a function of
``(session, *, actor, now, …)`` inside the caller's unit of work."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.dispatch.orm import CrewMember, Incident, Unit
from panah.security.policy import Resource


def unit_resource(session: Session, unit_id: int) -> Resource | None:
    """A unit belongs to its home centre's province; its crew are its team, so a crew
    member reaches their own unit and no other (``None``: not in service)."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.retired_at is not None:
        return None
    crew = frozenset(u for u in session.scalars(
        select(CrewMember.user_id).where(CrewMember.unit_id == unit_id)) if u is not None)
    return Resource("unit", province_code=unit.province_code, centre_id=unit.home_centre_id,
                    team=crew)


def incident_resource(session: Session, incident_id: int) -> Resource | None:
    row = session.get(Incident, incident_id)
    return Resource("incident", province_code=row.province_code) if row is not None else None
