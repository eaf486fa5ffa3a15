"""Posts and shifts through the API: where the province's units wait (Nowruz posts only
on their dates) and who is on each unit's crew when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.db import unit_of_work
from panah.dispatch import shifts
from panah.dispatch.board import seats_public
from panah.dispatch.orm import Shift, ShiftMember
from panah.dispatch.schemas import PostPublic, ShiftCreate, ShiftPublic
from panah.dispatch.service import get_unit
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import unit_access
from panah.web.deps import get_clock, require
from panah.web.routes.dispatch import board_province

router = APIRouter(prefix="/api", tags=["dispatch"])
Dispatch = Annotated[Actor, Depends(require(Permission.dispatch_units))]
UnitId = Annotated[int, Depends(unit_access(Permission.dispatch_units))]


@router.get("/posts", response_model=list[PostPublic])
def read_posts(request: Request, actor: Dispatch, on: date | None = None,
               province: Annotated[str | None, Query(pattern=r"^IR-\d\d$")] = None,
               ) -> list[PostPublic]:
    """The province's posts; with ``on`` only those open that day (a Nowruz post between
    its dates)."""
    with unit_of_work(request.app.state.session_factory) as session:
        found = shifts.posts_of(session, board_province(actor, province), on=on)
        return [PostPublic(id=p.id, code=p.code, kind=p.kind, name_fa=p.name_fa,
                           name_en=p.name_en, county=c.name_en, lat=p.lat, lon=p.lon,
                           active_from=p.active_from, active_to=p.active_to)
                for p, c in found]


@router.post("/units/{unit_id}/shifts", response_model=ShiftPublic, status_code=201)
def post_shift(request: Request, body: ShiftCreate, actor: Dispatch,
               unit_id: UnitId) -> ShiftPublic:
    """A shift for the unit: when, at which post (its own if none), and who is on the crew.
    Refused if it overlaps another of the unit's shifts or the post is closed that day."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        made = shifts.add_shift(session, unit=get_unit(session, unit_id),
                                starts_at=body.starts_at, ends_at=body.ends_at,
                                post_id=body.post_id, crew_member_ids=body.crew_member_ids,
                                actor=actor, now=now)
        return shift_public(session, made)


@router.get("/units/{unit_id}/shifts", response_model=list[ShiftPublic])
def read_shifts(request: Request, actor: Dispatch, unit_id: UnitId) -> list[ShiftPublic]:
    """The unit's shifts that have not ended (from a day back), in order."""
    since = get_clock(request).now() - timedelta(days=1)
    with unit_of_work(request.app.state.session_factory) as session:
        return [shift_public(session, s) for s in shifts.shifts_of(session, unit_id,
                                                                    since=since)]


def shift_public(session: Session, shift: Shift) -> ShiftPublic:
    members = list(session.scalars(select(ShiftMember.crew_member_id)
                                   .where(ShiftMember.shift_id == shift.id)))
    gaps = shifts.seat_gaps(session, shift)
    return ShiftPublic(id=shift.id, unit_id=shift.unit_id, post_id=shift.post_id,
                       starts_at=as_utc(shift.starts_at), ends_at=as_utc(shift.ends_at),
                       crew_member_ids=sorted(members), seats=seats_public(gaps))
