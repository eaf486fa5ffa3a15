"""Posts and shifts through the API: where the province's units wait (Nowruz posts only
on their dates) and who is on each unit's crew when."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from panah.dispatch import queries, shifts
from panah.dispatch.schemas import PostPublic, ShiftCreate, ShiftPublic
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import unit_access
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["dispatch"])
Dispatch = Annotated[Actor, Depends(require(Permission.dispatch_units))]
UnitId = Annotated[int, Depends(unit_access(Permission.dispatch_units))]


@router.get("/posts", response_model=list[PostPublic])
def read_posts(actor: Dispatch, uow: Uow, on: date | None = None,
               province: Annotated[str | None, Query(pattern=r"^IR-\d\d$")] = None,
               ) -> list[PostPublic]:
    """The province's posts; with ``on`` only those open that day (a Nowruz post between
    its dates)."""
    return queries.posts(uow.session, actor=actor, province=province, on=on)


@router.post("/units/{unit_id}/shifts", response_model=ShiftPublic, status_code=201)
def post_shift(body: ShiftCreate, actor: Dispatch, unit_id: UnitId, uow: Uow) -> ShiftPublic:
    """A shift for the unit: when, at which post (its own if none), and who is on the crew.
    Refused if it overlaps another of the unit's shifts or the post is closed that day."""
    return shifts.plan_shift(uow.session, unit_id=unit_id, shift=body, actor=actor, now=uow.now)


@router.get("/units/{unit_id}/shifts", response_model=list[ShiftPublic])
def read_shifts(actor: Dispatch, unit_id: UnitId, uow: Uow) -> list[ShiftPublic]:
    """The unit's shifts that have not ended (from a day back), in order."""
    return queries.unit_shifts(uow.session, unit_id=unit_id, now=uow.now)
