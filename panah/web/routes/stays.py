"""Stays in a shelter (API): the board, plan or take in, check in, check out, extend,
cancel, the province's stay policy (issue 17). No response carries a shelter's address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from panah.centres.stays import queries, service
from panah.centres.stays.schemas import (
    BoardPublic,
    CheckInBody,
    CheckOutBody,
    ExtendBody,
    PolicyBody,
    PolicyPublic,
    StayCreate,
    StayPublic,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import shelter_access, stay_access, stay_policy_access
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["stays"])
SeeShelter = Annotated[int, Depends(shelter_access(Permission.view_occupancy))]
RunShelter = Annotated[int, Depends(shelter_access(Permission.manage_shelters))]
RunStay = Annotated[int, Depends(stay_access(Permission.manage_shelters))]
ExtendStay = Annotated[int, Depends(stay_access(Permission.approve_case_work))]
Managing = Annotated[Actor, Depends(require(Permission.manage_shelters))]
Approving = Annotated[Actor, Depends(require(Permission.approve_case_work))]


@router.get("/shelters/{shelter_id}/board", response_model=BoardPublic)
def board(uow: Uow, shelter_id: SeeShelter,
          actor: Annotated[Actor, Depends(require(Permission.view_occupancy))]) -> BoardPublic:
    """The shelter's board: beds by room (free, held, occupied), who arrives and leaves
    today, stays near their end and overdue; names only for those who run it."""
    return queries.board(uow.session, actor=actor, shelter_id=shelter_id, now=uow.now)


@router.post("/shelters/{shelter_id}/stays", response_model=StayPublic, status_code=201)
def plan(uow: Uow, shelter_id: RunShelter, actor: Managing, body: StayCreate) -> StayPublic:
    """Plan a stay from a case (beds held from now), or with ``check_in`` take her in now.
    Refused: an occupied or unsuitable bed, a girl in an adults-only room."""
    stay_id = service.receive(uow.session, actor=actor, shelter_id=shelter_id,
                              data=body, now=uow.now)
    return queries.stay_page(uow.session, actor=actor, stay_id=stay_id, now=uow.now)


@router.get("/stays/{stay_id}", response_model=StayPublic)
def stay(uow: Uow, stay_id: RunStay, actor: Managing) -> StayPublic:
    return queries.stay_page(uow.session, actor=actor, stay_id=stay_id, now=uow.now)


@router.post("/stays/{stay_id}/check-in", response_model=StayPublic)
def check_in(uow: Uow, stay_id: RunStay, actor: Managing, body: CheckInBody) -> StayPublic:
    """She came: the last day is set from the province's maximum."""
    service.check_in(uow.session, actor=actor, stay_id=stay_id, now=uow.now,
                     bed_ids=body.bed_ids, ends_on=body.ends_on)
    return queries.stay_page(uow.session, actor=actor, stay_id=stay_id, now=uow.now)


@router.post("/stays/{stay_id}/check-out", response_model=StayPublic)
def check_out(uow: Uow, stay_id: RunStay, actor: Managing, body: CheckOutBody) -> StayPublic:
    """She left: where she went; a safety plan when back to her own or a relative's home."""
    service.check_out(uow.session, actor=actor, stay_id=stay_id,
                      destination=body.destination.value, note=body.note,
                      safety_plan=body.safety_plan, now=uow.now)
    return queries.stay_page(uow.session, actor=actor, stay_id=stay_id, now=uow.now)


@router.post("/stays/{stay_id}/cancel", response_model=StayPublic)
def cancel(uow: Uow, stay_id: RunStay, actor: Managing) -> StayPublic:
    """She did not come: the planned stay's beds are free again."""
    service.cancel(uow.session, actor=actor, stay_id=stay_id, now=uow.now)
    return queries.stay_page(uow.session, actor=actor, stay_id=stay_id, now=uow.now)


@router.post("/stays/{stay_id}/extend", response_model=StayPublic)
def extend(uow: Uow, stay_id: ExtendStay, actor: Approving, body: ExtendBody) -> StayPublic:
    """A supervisor of the province lets her stay past the last day, saying why."""
    service.extend(uow.session, actor=actor, stay_id=stay_id, until=body.until,
                   reason=body.reason, now=uow.now)
    return queries.stay_page(uow.session, actor=actor, stay_id=stay_id, now=uow.now)


@router.get("/stay-policies/{province_code}", response_model=PolicyPublic)
def policy(uow: Uow, province_code: Annotated[str, Depends(stay_policy_access(
        Permission.view_occupancy))]) -> PolicyPublic:
    """The province's maximum stay and alert days (defaults where none is set)."""
    return queries.policy_public(uow.session, province_code)


@router.put("/stay-policies/{province_code}", response_model=PolicyPublic)
def set_policy(uow: Uow, province_code: Annotated[str, Depends(stay_policy_access(
        Permission.approve_case_work))], actor: Approving, body: PolicyBody) -> PolicyPublic:
    """A supervisor sets the province's maximum stay and alert days (for check-ins from now)."""
    service.set_policy(uow.session, actor=actor, province_code=province_code,
                       max_stay_days=body.max_stay_days,
                       alert_days_before=body.alert_days_before, now=uow.now)
    return queries.policy_public(uow.session, province_code)

