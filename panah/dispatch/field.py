"""What comes from the field: status changes (often queued on a phone that was offline),
positions (AVL over HTTP or MQTT), safety check-ins and the visit report.

Every change from a phone carries the phone's own key for it (``client_id``): a retry finds
the row it made the first time and changes nothing. The unit's row changes only with a
conditional UPDATE on its ``version``, so a change racing an assignment loses cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput
from panah.dispatch import model
from panah.dispatch.model import BUSY, IncidentState, UnitStatus
from panah.dispatch.orm import (
    Assignment,
    DispatchAlert,
    Incident,
    IncidentReport,
    Unit,
    UnitPosition,
    UnitStatusEvent,
)
from panah.dispatch.service import Locate, place_of
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor

REPORT_OUTCOMES = frozenset({
    "resolved_on_scene", "taken_to_shelter", "taken_to_centre", "handed_to_police",
    "handed_to_ems", "no_one_found", "refused_help",
})  # fmt: skip
MAX_REPORT = 8000


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: str
    at: datetime
    client_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    source: str = "field"


@dataclass(frozen=True, slots=True)
class StatusResult:
    event: UnitStatusEvent
    applied: bool  # False: overtaken while the phone was offline (kept as history only)
    replay: bool  # True: the same change sent again


def change_status(session: Session, *, unit: Unit, change: StatusChange, actor: Actor | None,
                  now: datetime) -> StatusResult:
    target = model.parse_status(change.status)
    if change.client_id is not None:
        seen = session.scalar(select(UnitStatusEvent).where(
            UnitStatusEvent.unit_id == unit.id, UnitStatusEvent.client_id == change.client_id))
        if seen is not None:
            if seen.status != target.value:
                raise Conflict("This change's key was used before for another status; the "
                               "phone must give each change its own key.",
                               "کلید این تغییر پیش‌تر برای وضعیت دیگری به کار رفته است؛ هر "
                               "تغییر کلید خود را می‌خواهد.", client_id=change.client_id,
                               status=seen.status)
            return StatusResult(seen, seen.applied, replay=True)
    since = as_utc(unit.status_since) if unit.status_since else None
    try:
        model.check_update_time(change.at, now=now, last_change=since)
    except Conflict:
        return StatusResult(_history(session, unit, change, actor, now, applied=False),
                            applied=False, replay=False)
    current = UnitStatus(unit.status)
    model.check_transition(current, target)
    _claim(session, unit, target, change.at)
    event = _history(session, unit, change, actor, now, applied=True, previous=current)
    _follow_on(session, unit, current, target, change.at)
    return StatusResult(event, applied=True, replay=False)


def _claim(session: Session, unit: Unit, target: UnitStatus, at: datetime) -> None:
    changed = session.execute(
        update(Unit).where(Unit.id == unit.id, Unit.version == unit.version)
        .values(status=target.value, status_since=at, version=Unit.version + 1)
        .execution_options(synchronize_session=False))
    if cast(CursorResult[Any], changed).rowcount != 1:
        raise Conflict("The unit changed at the same moment (an assignment?); reload and "
                       "send again.", "خودرو همزمان تغییر کرد؛ صفحه را تازه کنید و دوباره بفرستید.")
    session.refresh(unit)


def _history(session: Session, unit: Unit, change: StatusChange, actor: Actor | None,
             now: datetime, *, applied: bool, previous: UnitStatus | None = None
             ) -> UnitStatusEvent:
    # Where the unit was: the phone's point with the change, else its last fix.
    lat, lon = (change.lat, change.lon) if change.lat is not None else (unit.lat, unit.lon)
    event = UnitStatusEvent(
        unit_id=unit.id, incident_id=unit.incident_id, status=change.status,
        previous=previous.value if previous else None, at=change.at, received_at=now,
        lat=lat, lon=lon if lat is not None else None, source=change.source,
        by_user=actor.user_id if actor else None, client_id=change.client_id, applied=applied)
    session.add(event)
    session.flush()
    return event


def _follow_on(session: Session, unit: Unit, previous: UnitStatus, target: UnitStatus,
               at: datetime) -> None:
    """What a status means beyond itself: the safety timer on scene, and a unit leaving
    its incident when it is free again."""
    if target is UnitStatus.on_scene:
        unit.check_in_due_at = model.safety_check_due(at, None)
    elif previous is UnitStatus.on_scene:
        unit.check_in_due_at = None
    if target in BUSY or unit.incident_id is None:
        return
    incident = session.get(Incident, unit.incident_id)
    session.execute(update(Assignment).where(
        Assignment.unit_id == unit.id, Assignment.incident_id == unit.incident_id,
        Assignment.cleared_at.is_(None)).values(cleared_at=at))
    unit.incident_id = None
    session.flush()
    if incident is not None and incident.state == IncidentState.assigned.value:
        _settle_incident(session, incident, at)


def _settle_incident(session: Session, incident: Incident, at: datetime) -> None:
    """The last unit has left: a visit with a report is closed; without one (stood down
    on the way, or the report still on the phone) the incident waits for another unit or
    the report."""
    still = session.scalar(select(func.count()).select_from(Unit)
                           .where(Unit.incident_id == incident.id))
    if still:
        return
    reported = session.scalar(select(func.count()).select_from(IncidentReport)
                              .where(IncidentReport.incident_id == incident.id))
    incident.state = (IncidentState.closed if reported else IncidentState.open).value
    incident.closed_at = at if reported else None


@dataclass(frozen=True, slots=True)
class PositionReport:
    lat: float
    lon: float
    at: datetime
    accuracy_m: float | None = None
    speed_kmh: float | None = None
    heading_deg: float | None = None
    source: str = "http"


def record_position(session: Session, *, unit: Unit, report: PositionReport, locate: Locate,
                    now: datetime) -> tuple[UnitPosition, bool]:
    """Store a position (False when the same fix came before); the unit's current position
    moves only forward in time, so a late fix joins the trail without moving the map."""
    model.check_position(report.lat, report.lon, report.at, now=now)
    place_of(locate, report.lat, report.lon)
    seen = session.scalar(select(UnitPosition).where(
        UnitPosition.unit_id == unit.id, UnitPosition.at == report.at,
        UnitPosition.source == report.source))
    if seen is not None:
        return seen, False
    row = UnitPosition(unit_id=unit.id, lat=report.lat, lon=report.lon, at=report.at,
                       received_at=now, accuracy_m=report.accuracy_m,
                       speed_kmh=report.speed_kmh, heading_deg=report.heading_deg,
                       source=report.source)
    session.add(row)
    if unit.position_at is None or as_utc(unit.position_at) < report.at:
        unit.lat, unit.lon, unit.position_at = report.lat, report.lon, report.at
    session.flush()
    return row, True


def check_in(session: Session, *, unit: Unit, at: datetime, actor: Actor | None,
             now: datetime) -> datetime:
    """The crew on scene says they are safe: the timer starts again; an open alert ends."""
    if unit.status != UnitStatus.on_scene.value:
        raise Conflict("A safety check-in is for a crew on scene.",
                       "اعلام سلامت برای تیمی است که در محل است.")
    model.check_update_time(at, now=now, last_change=None)
    unit.check_in_due_at = model.safety_check_due(as_utc(unit.status_since or at), at)
    for alert in open_alerts(session, unit_id=unit.id):
        alert.acknowledged_at, alert.acknowledged_by = now, actor.user_id if actor else None
    return unit.check_in_due_at


@dataclass(frozen=True, slots=True)
class ReportInput:
    client_id: str
    written_at: datetime
    outcome: str
    text: str
    people_seen: int = 0
    children_seen: int = 0
    taken_to_centre_id: int | None = None


def write_report(session: Session, *, unit: Unit, incident_id: int, data: ReportInput,
                 actor: Actor | None, now: datetime) -> tuple[IncidentReport, bool]:
    seen = session.scalar(select(IncidentReport).where(
        IncidentReport.unit_id == unit.id, IncidentReport.client_id == data.client_id))
    if seen is not None:
        return seen, False
    _check_report(session, unit, incident_id, data, now)
    report = IncidentReport(
        incident_id=incident_id, unit_id=unit.id, client_id=data.client_id,
        written_at=data.written_at, received_at=now, outcome=data.outcome, text=data.text,
        people_seen=data.people_seen, children_seen=data.children_seen,
        taken_to_centre_id=data.taken_to_centre_id, by_user=actor.user_id if actor else None)
    session.add(report)
    session.flush()
    incident = session.get(Incident, incident_id)
    if incident is not None and incident.state == IncidentState.open.value:
        _settle_incident(session, incident, data.written_at)  # the crew cleared before writing
    audit(session, actor, AuditAction.create, "incident_report", report.id, now=now)
    return report, True


def _check_report(session: Session, unit: Unit, incident_id: int, data: ReportInput,
                  now: datetime) -> None:
    if data.outcome not in REPORT_OUTCOMES:
        raise InvalidInput(f"Unknown outcome {data.outcome!r}; use {sorted(REPORT_OUTCOMES)}.",
                           f"نتیجهٔ ناشناخته {data.outcome!r}؛ از {sorted(REPORT_OUTCOMES)} "
                           "انتخاب کنید.", field="outcome")
    if not data.text.strip() or len(data.text) > MAX_REPORT:
        raise InvalidInput(f"Write the report in 1 to {MAX_REPORT} characters.",
                           f"گزارش را در ۱ تا {MAX_REPORT} نویسه بنویسید.", field="text")
    model.check_update_time(data.written_at, now=now, last_change=None)
    went = session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.unit_id == unit.id, Assignment.incident_id == incident_id))
    if not went:
        raise Conflict("This unit was not sent to that incident; a report belongs to a visit.",
                       "این خودرو به آن رخداد اعزام نشده است؛ گزارش از آنِ یک مأموریت است.")


def open_alerts(session: Session, *, unit_id: int | None = None,
                province_code: str | None = None) -> list[DispatchAlert]:
    query = select(DispatchAlert).where(DispatchAlert.acknowledged_at.is_(None))
    if unit_id is not None:
        query = query.where(DispatchAlert.unit_id == unit_id)
    if province_code is not None:
        query = query.where(DispatchAlert.province_code == province_code)
    return list(session.scalars(query.order_by(DispatchAlert.raised_at)))


def raise_missed_check_ins(session: Session, *, now: datetime) -> int:
    """The timer: each crew on scene past its check-in time gets one alert for the
    dispatcher (not one per tick)."""
    due = session.scalars(select(Unit).where(
        Unit.status == UnitStatus.on_scene.value, Unit.check_in_due_at <= now))
    raised = 0
    for unit in due:
        if open_alerts(session, unit_id=unit.id):
            continue
        session.add(DispatchAlert(unit_id=unit.id, incident_id=unit.incident_id,
                                  province_code=unit.province_code,
                                  kind="safety_check_missed", raised_at=now))
        raised += 1
    session.flush()
    return raised


def acknowledge_alert(session: Session, *, alert: DispatchAlert, actor: Actor | None,
                      now: datetime) -> DispatchAlert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor.user_id if actor else None
    return alert

