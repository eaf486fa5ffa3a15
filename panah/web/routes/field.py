"""The field app's API: a unit's assignment, statuses, positions, safety check-ins and the
visit report; and positions from vehicle trackers (machine accounts).

A phone that was offline sends its queued changes in order, each with its own
``client_id``: sending one again returns what the first sending made (200, ``replay``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.orm import Session

from panah.core.db import unit_of_work
from panah.core.errors import Conflict, NotFound
from panah.dispatch import board, field
from panah.dispatch.orm import DispatchAlert, Unit
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
from panah.dispatch.service import get_unit, unit_by_call_sign
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import unit_access
from panah.web.deps import get_clock, require
from panah.web.routes.dispatch import Dispatch, locate_in

router = APIRouter(prefix="/api", tags=["field"])
Crew = Annotated[Actor, Depends(require(Permission.crew_updates))]
UnitId = Annotated[int, Depends(unit_access(Permission.crew_updates))]
Tracker = Annotated[Actor, Depends(require(Permission.ingest_events))]


@router.get("/units/{unit_id}/assignment", response_model=CrewAssignmentPublic)
def read_assignment(request: Request, actor: Crew, unit_id: UnitId) -> CrewAssignmentPublic:
    """The unit, its crew seats, the incident it is on with the safety cautions, and the
    statuses it may take next."""
    with unit_of_work(request.app.state.session_factory) as session:
        return board.crew_assignment(session, get_unit(session, unit_id),
                                     now=get_clock(request).now())


@router.post("/units/{unit_id}/status", response_model=StatusOut)
def post_status(request: Request, body: StatusIn, actor: Crew, unit_id: UnitId) -> StatusOut:
    """A new status. An impossible move is refused (409) and the unit stays as it was; one
    overtaken while the phone was offline is kept as history, not applied (409, stale)."""
    now = get_clock(request).now()
    source = "field" if actor.role == "field_crew" else "dispatcher"
    with unit_of_work(request.app.state.session_factory) as session:
        unit = get_unit(session, unit_id)
        change = field.StatusChange(status=body.status.value, at=body.at or now,
                                    client_id=body.client_id, lat=body.lat, lon=body.lon,
                                    source=source)
        result = field.change_status(session, unit=unit, change=change, actor=actor, now=now)
        out = StatusOut(event=board.event_public(result.event), applied=result.applied,
                        replay=result.replay, unit_status=unit.status)
    if not result.applied:  # committed above as history; the phone is told it did not apply
        raise Conflict("The unit's status changed after this update was made; it is kept as "
                       "history but does not change the current status.",
                       "وضعیت خودرو پس از این به‌روزرسانی تغییر کرده است؛ این به‌روزرسانی در "
                       "تاریخچه ماند ولی وضعیت کنونی را تغییر نداد.", reason="stale",
                       unit_status=out.unit_status)
    return out


@router.get("/units/{unit_id}/history", response_model=list[StatusEventPublic])
def read_history(request: Request, actor: Crew, unit_id: UnitId) -> list[StatusEventPublic]:
    """The unit's statuses in the order they happened (the newest 50)."""
    with unit_of_work(request.app.state.session_factory) as session:
        return board.history(session, unit_id)


@router.post("/units/{unit_id}/positions", response_model=PositionOut)
def post_position(request: Request, body: PositionIn, actor: Crew,
                  unit_id: UnitId) -> PositionOut:
    """A position from the crew's phone (refused outside Iran or in the future)."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        unit = get_unit(session, unit_id)
        return _store(request, session, unit, body, now, "http")


@router.post("/avl/positions", response_model=PositionOut)
def post_tracker_position(request: Request, body: TrackerPositionIn,
                          actor: Tracker) -> PositionOut:
    """A vehicle tracker's position by call sign (the same as MQTT's topic per unit)."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        return _store(request, session, unit_by_call_sign(session, body.call_sign), body,
                      now, "http")


def _store(request: Request, session: Session, unit: Unit, body: PositionIn, now: datetime,
           source: str) -> PositionOut:
    report = field.PositionReport(lat=body.lat, lon=body.lon, at=body.at,
                                  accuracy_m=body.accuracy_m, speed_kmh=body.speed_kmh,
                                  heading_deg=body.heading_deg, source=source)
    row, stored = field.record_position(session, unit=unit, report=report, now=now,
                                        locate=locate_in(request, session))
    return PositionOut(id=row.id, stored=stored, unit_lat=unit.lat, unit_lon=unit.lon,
                       position_at=unit.position_at)


@router.post("/units/{unit_id}/check-in", response_model=CheckInOut)
def post_check_in(request: Request, body: CheckInIn, actor: Crew, unit_id: UnitId) -> CheckInOut:
    """The crew on scene is safe: the safety timer starts again."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        due = field.check_in(session, unit=get_unit(session, unit_id), at=body.at or now,
                             actor=actor, now=now)
        return CheckInOut(next_due_at=due)


@router.post("/units/{unit_id}/reports", response_model=ReportOut, status_code=201)
def post_report(request: Request, body: ReportIn, actor: Crew, unit_id: UnitId) -> ReportOut:
    """The visit report (kept encrypted). Sent again with the same ``client_id``, the first
    one is returned and nothing is added."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        data = field.ReportInput(**body.model_dump(exclude={"incident_id"}))
        report, stored = field.write_report(session, unit=get_unit(session, unit_id),
                                            incident_id=body.incident_id, data=data,
                                            actor=actor, now=now)
        return ReportOut(id=report.id, incident_id=report.incident_id, stored=stored,
                         outcome=report.outcome)


@router.get("/dispatch/alerts", response_model=list[AlertPublic])
def read_alerts(request: Request, actor: Dispatch) -> list[AlertPublic]:
    with unit_of_work(request.app.state.session_factory) as session:
        return board.alerts_of(session, actor.province_code)


@router.post("/dispatch/alerts/{alert_id}/acknowledge", response_model=AlertPublic)
def post_acknowledge(request: Request, alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                     actor: Dispatch) -> AlertPublic:
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        alert = session.get(DispatchAlert, alert_id)
        if alert is None or (actor.province_code and alert.province_code != actor.province_code):
            raise NotFound(f"There is no alert {alert_id} on your board.",
                           f"هشداری با شمارهٔ {alert_id} در تابلوی شما نیست.")
        field.acknowledge_alert(session, alert=alert, actor=actor, now=now)
        unit = session.get(Unit, alert.unit_id)
        return board.alert_public(alert, {unit.id: unit.call_sign} if unit else {})
