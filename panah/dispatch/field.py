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
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.dispatch import model
from panah.dispatch.board import alert_public, event_public, open_alerts
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
from panah.dispatch.schemas import (
    AlertPublic,
    CheckInOut,
    PositionIn,
    PositionOut,
    ReportIn,
    ReportOut,
    StatusIn,
    StatusOut,
    TrackerPositionIn,
)
from panah.dispatch.service import Locate, get_unit, place_of, unit_by_call_sign
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


# ---- the field app's API: each a use case on one unit by id, answering its API shape ----


def update_status(session: Session, *, unit_id: int, status: StatusIn, actor: Actor,
                  now: datetime) -> StatusOut:
    """A new status from the crew (or from a dispatcher who heard it on the radio): applied,
    or kept as history only when it was overtaken while the phone was offline."""
    unit = get_unit(session, unit_id)
    change = StatusChange(status=status.status.value, at=status.at or now,
                          client_id=status.client_id, lat=status.lat, lon=status.lon,
                          source="field" if actor.role == "field_crew" else "dispatcher")
    result = change_status(session, unit=unit, change=change, actor=actor, now=now)
    return StatusOut(event=event_public(result.event), applied=result.applied,
                     replay=result.replay, unit_status=unit.status)


def overtaken(unit_status: str) -> Conflict:
    """What the phone is told of a status kept as history that did not apply."""
    return Conflict("The unit's status changed after this update was made; it is kept as "
                    "history but does not change the current status.",
                    "وضعیت خودرو پس از این به‌روزرسانی تغییر کرده است؛ این به‌روزرسانی در "
                    "تاریخچه ماند ولی وضعیت کنونی را تغییر نداد.", reason="stale",
                    unit_status=unit_status)


def crew_position(session: Session, *, unit_id: int, position: PositionIn, locate: Locate,
                  now: datetime) -> PositionOut:
    """A position from the crew's phone."""
    return _stored(session, get_unit(session, unit_id), position, locate, now)


def tracker_position(session: Session, *, position: TrackerPositionIn, locate: Locate,
                     now: datetime) -> PositionOut:
    """A vehicle tracker's position, by the unit's call sign."""
    return _stored(session, unit_by_call_sign(session, position.call_sign), position, locate,
                   now)


def _stored(session: Session, unit: Unit, position: PositionIn, locate: Locate,
            now: datetime) -> PositionOut:
    report = PositionReport(lat=position.lat, lon=position.lon, at=position.at,
                            accuracy_m=position.accuracy_m, speed_kmh=position.speed_kmh,
                            heading_deg=position.heading_deg, source="http")
    row, stored = record_position(session, unit=unit, report=report, now=now, locate=locate)
    return PositionOut(id=row.id, stored=stored, unit_lat=unit.lat, unit_lon=unit.lon,
                       position_at=unit.position_at)


def crew_check_in(session: Session, *, unit_id: int, at: datetime | None, actor: Actor,
                  now: datetime) -> CheckInOut:
    """The crew on scene is safe (at ``at``, else now): the safety timer starts again."""
    due = check_in(session, unit=get_unit(session, unit_id), at=at or now, actor=actor, now=now)
    return CheckInOut(next_due_at=due)


def file_report(session: Session, *, unit_id: int, report: ReportIn, actor: Actor,
                now: datetime) -> ReportOut:
    """The visit report; the same ``client_id`` again returns the first and adds nothing."""
    data = ReportInput(**report.model_dump(exclude={"incident_id"}))
    made, stored = write_report(session, unit=get_unit(session, unit_id),
                                incident_id=report.incident_id, data=data, actor=actor, now=now)
    return ReportOut(id=made.id, incident_id=made.incident_id, stored=stored,
                     outcome=made.outcome)


def acknowledge(session: Session, *, alert_id: int, actor: Actor, now: datetime) -> AlertPublic:
    """A dispatcher has seen an alert on their board (another province's is no alert of
    theirs: the same answer as none)."""
    alert = session.get(DispatchAlert, alert_id)
    if alert is None or (actor.province_code and alert.province_code != actor.province_code):
        raise NotFound(f"There is no alert {alert_id} on your board.",
                       f"هشداری با شمارهٔ {alert_id} در تابلوی شما نیست.")
    acknowledge_alert(session, alert=alert, actor=actor, now=now)
    unit = session.get(Unit, alert.unit_id)
    return alert_public(alert, {unit.id: unit.call_sign} if unit else {})
