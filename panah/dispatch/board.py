"""Read models for the dispatcher's board and the crew's phone (no changes here)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.dispatch import model
from panah.dispatch.model import CAUTIONS, STATUS_LABELS, TRANSITIONS, IncidentState, UnitStatus
from panah.dispatch.orm import (
    Assignment,
    CrewMember,
    CrewSeat,
    DispatchAlert,
    Incident,
    IncidentReport,
    Post,
    Unit,
    UnitStatusEvent,
)
from panah.dispatch.schemas import (
    AlertPublic,
    BoardPublic,
    ClosedIncidentPublic,
    CrewAssignmentPublic,
    IncidentPublic,
    RequestPublic,
    SeatPublic,
    StatusEventPublic,
    TrailItem,
    UnitPublic,
)
from panah.geo.orm import County, Province
from panah.triage.orm import DispatchRequest
from panah.triage.taxonomy import TAXONOMY, Category

STALE = timedelta(minutes=15)
OPEN = (IncidentState.open.value, IncidentState.assigned.value)
CLOSED = (IncidentState.closed.value, IncidentState.cancelled.value)
_CATEGORIES = frozenset(c.value for c in Category)
TRAIL = 8
TRAIL_WINDOW = timedelta(hours=12)


Crew = list[tuple[int, str, str, bool]]  # id, name, role, is a woman


def crews_of(session: Session, unit_ids: list[int]) -> dict[int, Crew]:
    rows = session.execute(select(CrewMember.unit_id, CrewMember.id, CrewMember.full_name,
                                  CrewMember.role, CrewMember.is_woman)
                           .where(CrewMember.unit_id.in_(unit_ids)).order_by(CrewMember.id))
    crews: dict[int, Crew] = {}
    for unit_id, *member in rows:
        crews.setdefault(unit_id, []).append(tuple(member))  # type: ignore[arg-type]
    return crews


def seats_of(session: Session, unit_id: int) -> list[model.Seat]:
    """The unit's seats, in order: who its crew should be."""
    return [model.Seat(s.role, s.prefer_woman) for s in session.scalars(
        select(CrewSeat).where(CrewSeat.unit_id == unit_id).order_by(CrewSeat.seq))]


def seats_public(gaps: list[model.SeatGap]) -> list[SeatPublic]:
    return [SeatPublic(role=g.seat.role, prefer_woman=g.seat.prefer_woman,
                       filled=g.filled_by is not None,
                       woman_preferred_but_not=g.woman_preferred_but_not) for g in gaps]


def station_of(post: Post | None, home: Centre | None, now: datetime) -> model.Station | None:
    """Where the unit waits today: its post, or its home centre while the post (a Nowruz
    post outside its dates) is closed."""
    at_post = model.Station(post.name_fa, post.name_en, post.lat, post.lon) if post else None
    at_home = model.Station(home.name_fa, home.name_en, home.lat, home.lon, home=True
                            ) if home else None
    dates = (post.active_from, post.active_to) if post else (None, None)
    return model.waiting_station(at_post, dates, at_home, model.service_day(now))


def unit_station(session: Session, unit: Unit, now: datetime) -> model.Station | None:
    post = session.get(Post, unit.post_id) if unit.post_id else None
    return station_of(post, session.get(Centre, unit.home_centre_id), now)


def unit_public(session: Session, unit: Unit, post: model.Station | None, *, now: datetime,
                with_seats: bool = False, crew: Crew | None = None,
                trail: list[TrailItem] | None = None) -> UnitPublic:
    """The unit as the board and the phone show it; ``post`` is where it waits today
    (:func:`station_of`)."""
    status = UnitStatus(unit.status)
    fix_at = as_utc(unit.position_at) if unit.position_at else None
    fresh = fix_at is not None and now - fix_at <= STALE
    lat, lon = (unit.lat, unit.lon) if fix_at else (None, None)
    # Without a fresh fix a unit waiting at its post is there; one that never reported is
    # shown where it started from, its post (``position_stale`` says it is not a fix).
    at_post = not fresh and status is UnitStatus.available_at_post
    if post is not None and (at_post or fix_at is None):
        lat, lon = post.lat, post.lon
    if crew is None:
        crew = crews_of(session, [unit.id]).get(unit.id, [])
    seats = []
    if with_seats:
        members = [model.Member(i, role, woman) for i, _, role, woman in crew]
        seats = seats_public(model.fill_seats(seats_of(session, unit.id), members))
    return UnitPublic(
        id=unit.id, call_sign=unit.call_sign, kind=unit.kind, status=status.value,
        status_en=STATUS_LABELS[status][0], status_fa=STATUS_LABELS[status][1],
        status_since=as_utc(unit.status_since) if unit.status_since else None,
        province_code=unit.province_code, post=post.name_en if post else None,
        post_fa=post.name_fa if post else None, post_lat=post.lat if post else None,
        post_lon=post.lon if post else None, at_home=bool(post and post.home),
        lat=lat, lon=lon, position_at=fix_at,
        position_stale=not fresh, incident_id=unit.incident_id,
        check_in_due_at=as_utc(unit.check_in_due_at) if unit.check_in_due_at else None,
        crew=[name for _, name, _, _ in crew], seats=seats, trail=trail or [])


def incident_public(session: Session, incident: Incident) -> IncidentPublic:
    """An incident with what the crew must know before they arrive: the risk, cautions,
    what it is about, who called, the counsellor's summary and the place in words."""
    codes = [c for c in incident.cautions.split(",") if c]
    about = [TAXONOMY[Category(c)] for c in incident.categories.split(",") if c in _CATEGORIES]
    units = list(session.scalars(select(Unit.call_sign).where(Unit.incident_id == incident.id)
                                 .order_by(Unit.call_sign)))
    area_fa, area_en = _area(session, incident)
    return IncidentPublic(
        id=incident.id, province_code=incident.province_code, county_key=incident.county_key,
        priority=incident.priority, state=incident.state, lat=incident.lat, lon=incident.lon,
        radius_m=incident.radius_m, place=incident.place, area_fa=area_fa, area_en=area_en,
        cautions=codes, cautions_en=[CAUTIONS[c][0] for c in codes if c in CAUTIONS],
        cautions_fa=[CAUTIONS[c][1] for c in codes if c in CAUTIONS], note=incident.note,
        summary=incident.summary, categories=[c.code.value for c in about],
        categories_fa=[c.label_fa for c in about], categories_en=[c.label_en for c in about],
        caller_kind=incident.caller_kind,
        needs_roles=[r for r in incident.needs_roles.split(",") if r],
        prefer_woman=incident.prefer_woman, contact_id=incident.contact_id,
        dispatch_request_id=incident.dispatch_request_id,
        created_at=as_utc(incident.created_at),
        closed_at=as_utc(incident.closed_at) if incident.closed_at else None, units=units)


def _area(session: Session, incident: Incident) -> tuple[str | None, str | None]:
    """The county and province of the incident's point, in words ("Chalus, Mazandaran")."""
    province = session.get(Province, incident.province_code)
    county = session.scalar(select(County).where(County.key == incident.county_key)
                            ) if incident.county_key else None
    names = [row for row in (county, province) if row is not None]
    if not names:
        return None, None
    return "، ".join(r.name_fa for r in names), ", ".join(r.name_en for r in names)


def board(session: Session, *, province_code: str | None, now: datetime) -> BoardPublic:
    units = session.execute(
        select(Unit, Post, Centre).outerjoin(Post, Post.id == Unit.post_id)
        .outerjoin(Centre, Centre.id == Unit.home_centre_id)
        .where(Unit.retired_at.is_(None), *_in(Unit.province_code, province_code))
        .order_by(Unit.call_sign)).all()
    incidents = session.scalars(
        select(Incident).where(Incident.state.in_(OPEN), *_in(Incident.province_code,
                                                              province_code))
        .order_by(Incident.created_at))
    by_id = {u.id: u.call_sign for u, _, _ in units}
    alerts = [alert_public(a, by_id) for a in open_alerts(session, province_code=province_code)]
    requests = session.scalars(
        select(DispatchRequest).where(DispatchRequest.state == "requested",
                                      *_in(DispatchRequest.province_code, province_code))
        .order_by(DispatchRequest.requested_at))
    ids = [u.id for u, _, _ in units]
    trails, crews = _trails(session, ids, now), crews_of(session, ids)
    today, earlier = closed_this_week(session, province_code=province_code, now=now)
    return BoardPublic(
        province_code=province_code, stamp=stamp(session, province_code),
        units=[unit_public(session, u, station_of(p, c, now), now=now,
                           crew=crews.get(u.id, []), trail=trails.get(u.id, []))
               for u, p, c in units],
        closed_today=today, closed_earlier=earlier,
        incidents=sorted((incident_public(session, i) for i in incidents),
                         key=lambda i: (model.PRIORITY_ORDER[model.Priority(i.priority)],
                                        i.created_at)),
        alerts=alerts,
        requests=[RequestPublic(id=r.id, contact_id=r.contact_id, priority=r.priority,
                                cautions=[c for c in r.cautions.split(",") if c],
                                requested_at=as_utc(r.requested_at),
                                has_point=r.lat is not None) for r in requests])


def closed_this_week(session: Session, *, province_code: str | None, now: datetime,
                     ) -> tuple[list[ClosedIncidentPublic], list[ClosedIncidentPublic]]:
    """The incidents closed (or cancelled) today, and earlier this week, newest first."""
    today, week = model.closed_since(now)
    rows = list(session.scalars(select(Incident).where(
        Incident.state.in_(CLOSED), Incident.closed_at >= week,
        *_in(Incident.province_code, province_code)).order_by(Incident.closed_at.desc())))
    went = _units_sent(session, [i.id for i in rows])
    outcomes = _outcomes(session, [i.id for i in rows])
    listed = [ClosedIncidentPublic(
        id=i.id, priority=i.priority, state=i.state, place=i.place,
        categories=[c for c in i.categories.split(",") if c], created_at=as_utc(i.created_at),
        closed_at=as_utc(i.closed_at or i.created_at), units=went.get(i.id, []),
        outcome=outcomes.get(i.id)) for i in rows]
    return ([c for c in listed if c.closed_at >= today],
            [c for c in listed if c.closed_at < today])


def _units_sent(session: Session, incident_ids: list[int]) -> dict[int, list[str]]:
    """The call signs of every unit sent to each incident, in the order they were sent."""
    rows = session.execute(select(Assignment.incident_id, Unit.call_sign).join(
        Unit, Unit.id == Assignment.unit_id).where(Assignment.incident_id.in_(incident_ids))
        .order_by(Assignment.assigned_at, Assignment.id))
    sent: dict[int, list[str]] = {}
    for incident_id, call_sign in rows:
        if call_sign not in sent.setdefault(incident_id, []):
            sent[incident_id].append(call_sign)
    return sent


def _outcomes(session: Session, incident_ids: list[int]) -> dict[int, str]:
    """Each incident's latest visit outcome (a code, e.g. taken_to_shelter)."""
    rows = session.execute(select(IncidentReport.incident_id, IncidentReport.outcome)
                           .where(IncidentReport.incident_id.in_(incident_ids))
                           .order_by(IncidentReport.written_at, IncidentReport.id))
    return {incident_id: outcome for incident_id, outcome in rows}


def _trails(session: Session, unit_ids: list[int], now: datetime,
            keep: int = TRAIL) -> dict[int, list[TrailItem]]:
    """Each unit's statuses of the last hours, oldest first, at most ``keep`` of them."""
    rows = session.scalars(select(UnitStatusEvent).where(
        UnitStatusEvent.unit_id.in_(unit_ids), UnitStatusEvent.at >= now - TRAIL_WINDOW)
        .order_by(UnitStatusEvent.at, UnitStatusEvent.id))
    trails: dict[int, list[TrailItem]] = {}
    for event in rows:
        labels = STATUS_LABELS.get(UnitStatus(event.status), (event.status, event.status))
        trails.setdefault(event.unit_id, []).append(TrailItem(
            status=event.status, status_en=labels[0], status_fa=labels[1],
            at=as_utc(event.at), applied=event.applied))
    return {unit_id: items[-keep:] for unit_id, items in trails.items()}


def alert_public(alert: DispatchAlert, call_signs: dict[int, str]) -> AlertPublic:
    return AlertPublic(id=alert.id, unit_id=alert.unit_id,
                       call_sign=call_signs.get(alert.unit_id, "?"),
                       incident_id=alert.incident_id, kind=alert.kind,
                       raised_at=as_utc(alert.raised_at))


def open_alerts(session: Session, *, unit_id: int | None = None,
                province_code: str | None = None) -> list[DispatchAlert]:
    query = select(DispatchAlert).where(DispatchAlert.acknowledged_at.is_(None))
    if unit_id is not None:
        query = query.where(DispatchAlert.unit_id == unit_id)
    if province_code is not None:
        query = query.where(DispatchAlert.province_code == province_code)
    return list(session.scalars(query.order_by(DispatchAlert.raised_at)))


def alerts_of(session: Session, province_code: str | None) -> list[AlertPublic]:
    """The open alerts of a province (all, for national roles), oldest first."""
    rows = open_alerts(session, province_code=province_code)
    signs = dict(session.execute(select(Unit.id, Unit.call_sign).where(
        Unit.id.in_({a.unit_id for a in rows}))).all()) if rows else {}
    return [alert_public(a, signs) for a in rows]


def _in(column: Any, province_code: str | None) -> tuple[ColumnElement[bool], ...]:
    return () if province_code is None else (column == province_code,)


def stamp(session: Session, province_code: str | None) -> str:
    """Changes whenever anything on the board changes: a live page asks for this (one
    cheap query) and fetches the board only when it moved."""
    unit = session.execute(select(func.coalesce(func.sum(Unit.version), 0), func.max(
        Unit.position_at)).where(*_in(Unit.province_code, province_code))).one()
    incident = session.execute(select(func.count(), func.max(Incident.id)).where(
        Incident.state.in_(OPEN), *_in(Incident.province_code, province_code))).one()
    extra = session.execute(select(func.count()).select_from(DispatchRequest).where(
        DispatchRequest.state == "requested",
        *_in(DispatchRequest.province_code, province_code))).scalar_one()
    alerts = session.scalar(select(func.count()).select_from(DispatchAlert).where(
        DispatchAlert.acknowledged_at.is_(None), *_in(DispatchAlert.province_code,
                                                      province_code)))
    events = session.scalar(select(func.max(UnitStatusEvent.id)))
    return f"{unit[0]}:{unit[1]}:{incident[0]}:{incident[1]}:{extra}:{alerts}:{events}"


def history(session: Session, unit_id: int, limit: int = 50) -> list[StatusEventPublic]:
    rows = session.scalars(select(UnitStatusEvent).where(UnitStatusEvent.unit_id == unit_id)
                           .order_by(UnitStatusEvent.at.desc(), UnitStatusEvent.id.desc())
                           .limit(limit))
    return [event_public(e) for e in reversed(list(rows))]


def event_public(event: UnitStatusEvent) -> StatusEventPublic:
    return StatusEventPublic(
        id=event.id, unit_id=event.unit_id, incident_id=event.incident_id, status=event.status,
        previous=event.previous, at=as_utc(event.at), received_at=as_utc(event.received_at),
        source=event.source, applied=event.applied, client_id=event.client_id,
        lat=event.lat, lon=event.lon)


def crew_assignment(session: Session, unit: Unit, *, now: datetime) -> CrewAssignmentPublic:
    incident = session.get(Incident, unit.incident_id) if unit.incident_id else None
    return CrewAssignmentPublic(
        unit=unit_public(session, unit, unit_station(session, unit, now), now=now,
                         with_seats=True),
        incident=incident_public(session, incident) if incident else None,
        allowed_next=sorted(s.value for s in TRANSITIONS[UnitStatus(unit.status)]),
        server_now=now, safety_check_minutes=model.SAFETY_CHECK_MINUTES)
