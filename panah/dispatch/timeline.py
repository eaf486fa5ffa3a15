"""An incident's page: what happened, in order — made, each unit sent, each crew status,
each visit report, closed or cancelled — open or closed alike.

A visit report's text is need-to-know like a case record: the crew who wrote it and the
province's supervisors read it (``policy.decide`` with ``view_case``); anyone else who may
see the incident sees the outcome and the counts, and that the text is withheld. Each
reading of a report's text goes on the audit chain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.dispatch.board import incident_public
from panah.dispatch.model import STATUS_LABELS, IncidentState, UnitStatus
from panah.dispatch.orm import (
    Assignment,
    CrewMember,
    Incident,
    IncidentReport,
    Unit,
    UnitStatusEvent,
)
from panah.dispatch.schemas import IncidentTimelinePublic, TimelineEntry, VisitReportPublic
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission

# Order of entries at the same moment: the way the day goes.
_ORDER = {"created": 0, "assigned": 1, "status": 2, "report": 3, "closed": 4, "cancelled": 4}


def timeline(session: Session, *, actor: Actor, incident: Incident,
             now: datetime) -> IncidentTimelinePublic:
    """The incident, everything that happened to it in order, and its visit reports (the
    text only where the actor may read it)."""
    signs = _call_signs(session, incident.id)
    reports = list(session.scalars(select(IncidentReport).where(
        IncidentReport.incident_id == incident.id).order_by(IncidentReport.written_at,
                                                            IncidentReport.id)))
    entries = [TimelineEntry(at=as_utc(incident.created_at), kind="created"),
               *_assignments(session, incident.id, signs), *_statuses(session, incident.id, signs),
               *(TimelineEntry(at=as_utc(r.written_at), kind="report",
                               call_sign=signs.get(r.unit_id), outcome=r.outcome)
                 for r in reports)]
    if incident.closed_at is not None and incident.state in (IncidentState.closed.value,
                                                             IncidentState.cancelled.value):
        entries.append(TimelineEntry(at=as_utc(incident.closed_at), kind=incident.state))
    entries.sort(key=lambda e: (e.at, _ORDER[e.kind]))
    return IncidentTimelinePublic(
        incident=incident_public(session, incident), entries=entries,
        reports=[_report(session, actor, incident, r, signs, now) for r in reports])


def _call_signs(session: Session, incident_id: int) -> dict[int, str]:
    """The call sign of every unit that had anything to do with the incident."""
    ids = set(session.scalars(select(Assignment.unit_id).where(
        Assignment.incident_id == incident_id)))
    ids |= set(session.scalars(select(IncidentReport.unit_id).where(
        IncidentReport.incident_id == incident_id)))
    if not ids:
        return {}
    rows = session.execute(select(Unit.id, Unit.call_sign).where(Unit.id.in_(ids)))
    return {unit_id: call_sign for unit_id, call_sign in rows}


def _assignments(session: Session, incident_id: int, signs: dict[int, str]
                 ) -> list[TimelineEntry]:
    rows = session.scalars(select(Assignment).where(Assignment.incident_id == incident_id)
                           .order_by(Assignment.assigned_at, Assignment.id))
    return [TimelineEntry(at=as_utc(a.assigned_at), kind="assigned",
                          call_sign=signs.get(a.unit_id), estimate_minutes=a.estimate_minutes)
            for a in rows]


def _statuses(session: Session, incident_id: int, signs: dict[int, str]
              ) -> list[TimelineEntry]:
    """The crews' statuses on this incident (the assignment's own "dispatched" is the
    "assigned" entry, so it is not repeated)."""
    rows = session.scalars(select(UnitStatusEvent).where(
        UnitStatusEvent.incident_id == incident_id,
        UnitStatusEvent.status != UnitStatus.dispatched.value)
        .order_by(UnitStatusEvent.at, UnitStatusEvent.id))
    entries = []
    for event in rows:
        labels = STATUS_LABELS.get(UnitStatus(event.status), (event.status, event.status))
        entries.append(TimelineEntry(
            at=as_utc(event.at), kind="status", call_sign=signs.get(event.unit_id),
            status=event.status, status_en=labels[0], status_fa=labels[1],
            applied=event.applied))
    return entries


def _report(session: Session, actor: Actor, incident: Incident, report: IncidentReport,
            signs: dict[int, str], now: datetime) -> VisitReportPublic:
    crew = frozenset(u for u in session.scalars(select(CrewMember.user_id).where(
        CrewMember.unit_id == report.unit_id)) if u is not None)
    writer = frozenset({report.by_user}) if report.by_user is not None else frozenset()
    resource = Resource("incident_report", province_code=incident.province_code,
                        team=crew | writer, need_to_know=True)
    readable = bool(decide(actor, Permission.view_case, resource))
    if readable:
        audit(session, actor, AuditAction.read, "incident_report", report.id, now=now,
              reason="incident page")
    centre = session.get(Centre, report.taken_to_centre_id) if report.taken_to_centre_id else None
    return VisitReportPublic(
        id=report.id, call_sign=signs.get(report.unit_id), written_at=as_utc(report.written_at),
        outcome=report.outcome, people_seen=report.people_seen,
        children_seen=report.children_seen,
        taken_to_fa=centre.name_fa if centre else None,
        taken_to_en=centre.name_en if centre else None,
        text=report.text if readable else None, text_withheld=not readable)
