"""The field app's API: a unit's assignment, statuses, positions, safety check-ins and the
visit report; and positions from vehicle trackers (machine accounts).

A phone that was offline sends its queued changes in order, each with its own
``client_id``: sending one again returns what the first sending made (200, ``replay``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from panah.dispatch import board, field, queries
from panah.dispatch.schemas import (
    AlertPublic,
    CheckInIn,
    CheckInOut,
    CrewAssignmentPublic,
    PositionIn,
    PositionOut,
    ReportIn,
    ReportOut,
    StatusEventPublic,
    StatusIn,
    StatusOut,
    TrackerPositionIn,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import unit_access
from panah.web.deps import Routing, Uow, require
from panah.web.errors import kept_error

router = APIRouter(prefix="/api", tags=["field"])
Crew = Annotated[Actor, Depends(require(Permission.crew_updates))]
Dispatch = Annotated[Actor, Depends(require(Permission.dispatch_units))]
UnitId = Annotated[int, Depends(unit_access(Permission.crew_updates))]
Tracker = Annotated[Actor, Depends(require(Permission.ingest_events))]


@router.get("/units/{unit_id}/assignment", response_model=CrewAssignmentPublic)
def read_assignment(actor: Crew, unit_id: UnitId, uow: Uow) -> CrewAssignmentPublic:
    """The unit, its crew seats, the incident it is on with the safety cautions, and the
    statuses it may take next."""
    return queries.crew_assignment(uow.session, unit_id=unit_id, now=uow.now)


@router.post("/units/{unit_id}/status", response_model=StatusOut)
def post_status(request: Request, body: StatusIn, actor: Crew, unit_id: UnitId,
                uow: Uow) -> StatusOut | Response:
    """A new status. An impossible move is refused (409) and the unit stays as it was; one
    overtaken while the phone was offline is kept as history, not applied (409, stale)."""
    out = field.update_status(uow.session, unit_id=unit_id, status=body, actor=actor,
                              now=uow.now)
    if not out.applied:  # committed all the same, as history; the phone is told it did not apply
        return kept_error(request, field.overtaken(out.unit_status))
    return out


@router.get("/units/{unit_id}/history", response_model=list[StatusEventPublic])
def read_history(actor: Crew, unit_id: UnitId, uow: Uow) -> list[StatusEventPublic]:
    """The unit's statuses in the order they happened (the newest 50)."""
    return board.history(uow.session, unit_id)


@router.post("/units/{unit_id}/positions", response_model=PositionOut)
def post_position(body: PositionIn, actor: Crew, unit_id: UnitId, uow: Uow,
                  routing: Routing) -> PositionOut:
    """A position from the crew's phone (refused outside Iran or in the future)."""
    return field.crew_position(uow.session, unit_id=unit_id, position=body,
                               locate=routing.locate, now=uow.now)


@router.post("/avl/positions", response_model=PositionOut)
def post_tracker_position(body: TrackerPositionIn, actor: Tracker, uow: Uow,
                          routing: Routing) -> PositionOut:
    """A vehicle tracker's position by call sign (the same as MQTT's topic per unit)."""
    return field.tracker_position(uow.session, position=body, locate=routing.locate,
                                  now=uow.now)


@router.post("/units/{unit_id}/check-in", response_model=CheckInOut)
def post_check_in(body: CheckInIn, actor: Crew, unit_id: UnitId, uow: Uow) -> CheckInOut:
    """The crew on scene is safe: the safety timer starts again."""
    return field.crew_check_in(uow.session, unit_id=unit_id, at=body.at, actor=actor,
                               now=uow.now)


@router.post("/units/{unit_id}/reports", response_model=ReportOut, status_code=201)
def post_report(body: ReportIn, actor: Crew, unit_id: UnitId, uow: Uow) -> ReportOut:
    """The visit report (kept encrypted). Sent again with the same ``client_id``, the first
    one is returned and nothing is added."""
    return field.file_report(uow.session, unit_id=unit_id, report=body, actor=actor,
                             now=uow.now)


@router.get("/dispatch/alerts", response_model=list[AlertPublic])
def read_alerts(actor: Dispatch, uow: Uow) -> list[AlertPublic]:
    return board.alerts_of(uow.session, actor.province_code)


@router.post("/dispatch/alerts/{alert_id}/acknowledge", response_model=AlertPublic)
def post_acknowledge(alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)], actor: Dispatch,
                     uow: Uow) -> AlertPublic:
    return field.acknowledge(uow.session, alert_id=alert_id, actor=actor, now=uow.now)
