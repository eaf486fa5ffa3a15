"""Dispatch use cases: incidents, the recommendation over the live units, and the atomic
assignment of a unit (with a fresh recommendation when another dispatcher took it first).
Each runs inside the caller's unit of work; none commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound, OutsideIran
from panah.dispatch import model
from panah.dispatch.board import incident_public
from panah.dispatch.model import AVAILABLE, IncidentState, Priority, UnitStatus
from panah.dispatch.orm import (
    Assignment,
    CrewMember,
    Incident,
    Post,
    Shift,
    ShiftMember,
    Unit,
    UnitStatusEvent,
)
from panah.dispatch.recommend import CrewSeat as SeatView
from panah.dispatch.recommend import Needs, Pick, Recommendation, UnitView, recommend
from panah.dispatch.schemas import (
    AssignmentPublic,
    IncidentCreate,
    IncidentPublic,
    RecommendationPublic,
    recommendation_public,
)
from panah.dispatch.team_channels import ensure_unit_channels, join_incident_channel
from panah.geo.model import Placement
from panah.geo.travel import TravelTimes
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission
from panah.triage.orm import DispatchRequest
from panah.triage.service import categories_of
from panah.triage.taxonomy import check_categories

Locate = Callable[[float, float], Placement | None]
ROTATION_WINDOW = timedelta(hours=12)
ROLES = frozenset({"social_worker", "psychologist", "driver"})


class UnitTaken(Conflict):
    """Another dispatcher claimed the unit first (or it stopped being available)."""

    code = "unit_taken"


def get_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or unit.retired_at is not None:
        raise NotFound(f"There is no unit {unit_id} in service; reload the board.",
                       f"خودرویی با شمارهٔ {unit_id} در خدمت نیست؛ تابلو را تازه کنید.")
    return unit


def unit_by_call_sign(session: Session, call_sign: str) -> Unit:
    """A unit in service by its call sign, as trackers and MQTT topics name it."""
    unit = session.scalar(select(Unit).where(Unit.call_sign == call_sign,
                                             Unit.retired_at.is_(None)))
    if unit is None:
        raise NotFound(f"No unit in service has the call sign {call_sign}.",
                       f"هیچ خودروی در خدمتی نشانهٔ {call_sign} را ندارد.")
    return unit


def get_incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident {incident_id}.",
                       f"رخدادی با شمارهٔ {incident_id} نیست.")
    return incident


def place_of(locate: Locate, lat: float, lon: float) -> Placement:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("Latitude must be within ±90 and longitude within ±180 degrees.",
                           "عرض جغرافیایی باید در ±۹۰ و طول در ±۱۸۰ درجه باشد.", field="lat")
    placement = locate(lat, lon)
    if placement is None:
        raise OutsideIran(f"The point {lat:.5f}, {lon:.5f} is outside Iran; check the map pin "
                          "or the coordinates (latitude first).",
                          f"نقطهٔ {lat:.5f}، {lon:.5f} بیرون از ایران است؛ نشانه روی نقشه یا "
                          "مختصات را بررسی کنید (اول عرض جغرافیایی).", field="lat")
    return placement


@dataclass(frozen=True, slots=True)
class IncidentInput:
    lat: float
    lon: float
    priority: str = Priority.medium.value
    cautions: Sequence[str] = ()
    note: str | None = None
    place: str | None = None
    radius_m: float | None = None
    needs_roles: Sequence[str] = ()
    prefer_woman: bool = False
    needs_kind: str | None = None
    summary: str | None = None
    caller_kind: str | None = None
    categories: Sequence[str] = ()


def check_incident(data: IncidentInput) -> None:
    if data.priority not in Priority.__members__:
        raise InvalidInput(f"Unknown priority {data.priority!r}; use {list(Priority)}.",
                           f"اولویت ناشناخته {data.priority!r}؛ از {list(Priority)} انتخاب کنید.",
                           field="priority")
    unknown = sorted(set(data.needs_roles) - ROLES)
    if unknown:
        raise InvalidInput(f"Unknown crew roles {unknown}; use {sorted(ROLES)}.",
                           f"نقش ناشناخته {unknown}؛ از {sorted(ROLES)} انتخاب کنید.",
                           field="needs_roles")
    if data.caller_kind is not None:
        model.parse_caller_kind(data.caller_kind)
    check_categories(data.categories)


def create_incident(session: Session, *, data: IncidentInput, locate: Locate,
                    actor: Actor | None, now: datetime, contact_id: int | None = None,
                    request_id: int | None = None) -> Incident:
    check_incident(data)
    placement = place_of(locate, data.lat, data.lon)
    incident = Incident(
        province_code=placement.province_code, county_key=placement.county_key,
        priority=data.priority, state=IncidentState.open.value, lat=data.lat, lon=data.lon,
        radius_m=data.radius_m, place=_words(data.place), note=_words(data.note),
        summary=_words(data.summary), caller_kind=data.caller_kind,
        categories=",".join(c.value for c in check_categories(data.categories)),
        cautions=",".join(model.check_cautions(data.cautions)),
        needs_roles=",".join(sorted(set(data.needs_roles))), prefer_woman=data.prefer_woman,
        needs_kind=data.needs_kind, contact_id=contact_id, dispatch_request_id=request_id,
        created_at=now, created_by=actor.user_id if actor else None)
    session.add(incident)
    session.flush()
    audit(session, actor, AuditAction.create, "incident", incident.id, now=now)
    return incident


def incident_from_request(session: Session, *, request_id: int, locate: Locate,
                          actor: Actor | None, now: datetime) -> Incident:
    """Triage's request for a team becomes an incident, once (asking again returns it)."""
    made = session.scalar(select(Incident).where(Incident.dispatch_request_id == request_id))
    if made is not None:
        return made
    request = session.get(DispatchRequest, request_id)
    if request is None:
        raise NotFound(f"There is no dispatch request {request_id}.",
                       f"درخواست اعزامی با شمارهٔ {request_id} نیست.")
    if request.lat is None or request.lon is None:
        raise InvalidInput(
            "This request has no point on the map: ask the caller where they are and make "
            "the incident by hand with the map.",
            "این درخواست نقطه‌ای روی نقشه ندارد: جای تماس‌گیرنده را بپرسید و رخداد را با "
            "نقشه بسازید.", field="lat")
    needs = ("social_worker",) if "children_present" in request.cautions else ()
    data = IncidentInput(lat=request.lat, lon=request.lon, priority=request.priority,
                         cautions=[c for c in request.cautions.split(",") if c],
                         note=request.note, radius_m=request.radius_m, needs_roles=needs,
                         place=request.place, summary=request.summary,
                         caller_kind=request.caller_kind, prefer_woman=request.prefer_woman,
                         categories=categories_of(session, request.contact_id))
    incident = create_incident(session, data=data, locate=locate, actor=actor, now=now,
                               contact_id=request.contact_id, request_id=request.id)
    request.state = "taken"
    return incident


def _words(text: str | None) -> str | None:
    """Free text as kept: trimmed, and nothing for blank."""
    return (text or "").strip() or None


def needs_of(incident: Incident) -> Needs:
    roles = frozenset(r for r in incident.needs_roles.split(",") if r)
    return Needs(roles=roles, prefer_woman=incident.prefer_woman, kind=incident.needs_kind)


def unit_views(session: Session, *, province_code: str | None, now: datetime,
               unit_ids: Sequence[int] | None = None) -> list[UnitView]:
    """The units as the recommendation sees them: status, position, post and who is on
    shift now (the roster, for a unit without shifts)."""
    query = (select(Unit, Post, Centre).outerjoin(Post, Post.id == Unit.post_id)
             .outerjoin(Centre, Centre.id == Unit.home_centre_id)
             .where(Unit.retired_at.is_(None)).order_by(Unit.call_sign))
    if province_code is not None:
        query = query.where(Unit.province_code == province_code)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    rows = session.execute(query).all()
    ids = [unit.id for unit, _, _ in rows]
    crews = crews_on_duty(session, ids, now)
    recent = dict(session.execute(
        select(Assignment.unit_id, func.count()).where(
            Assignment.unit_id.in_(ids), Assignment.assigned_at >= now - ROTATION_WINDOW)
        .group_by(Assignment.unit_id)).all())
    last = dict(session.execute(
        select(Assignment.unit_id, func.max(Assignment.assigned_at))
        .where(Assignment.unit_id.in_(ids)).group_by(Assignment.unit_id)).all())
    return [_view(unit, post, home, crews.get(unit.id, ()), recent.get(unit.id, 0),
                  last.get(unit.id)) for unit, post, home in rows]


def _view(unit: Unit, post: Post | None, home: Centre | None, crew: tuple[SeatView, ...],
          recent: int, last: datetime | None) -> UnitView:
    has_fix = unit.lat is not None and unit.lon is not None and unit.position_at is not None
    return UnitView(
        id=unit.id, call_sign=unit.call_sign, kind=unit.kind, status=unit.status,
        province_code=unit.province_code,
        position=(unit.lat, unit.lon) if has_fix else None,  # type: ignore[arg-type]
        position_at=as_utc(unit.position_at) if unit.position_at else None,
        post_name_fa=post.name_fa if post else None, post_name_en=post.name_en if post else None,
        post_position=(post.lat, post.lon) if post else None, crew=crew,
        dispatches_recent=recent, last_dispatched_at=as_utc(last) if last else None,
        post_dates=post_dates(post), home_name_fa=home.name_fa if home else None,
        home_name_en=home.name_en if home else None,
        home_position=(home.lat, home.lon) if home else None)


def post_dates(post: Post | None) -> tuple[date | None, date | None] | None:
    """A temporary post's first and last day; ``None`` for a permanent post (or none)."""
    if post is None or (post.active_from is None and post.active_to is None):
        return None
    return post.active_from, post.active_to


def crews_on_duty(session: Session, unit_ids: Sequence[int], now: datetime
                  ) -> dict[int, tuple[SeatView, ...]]:
    on_shift = session.execute(
        select(Shift.unit_id, CrewMember.role, CrewMember.is_woman)
        .join(ShiftMember, ShiftMember.shift_id == Shift.id)
        .join(CrewMember, CrewMember.id == ShiftMember.crew_member_id)
        .where(Shift.unit_id.in_(unit_ids), Shift.starts_at <= now, Shift.ends_at > now)
        .order_by(Shift.unit_id, CrewMember.id)).all()
    with_shifts = set(session.scalars(select(Shift.unit_id).where(Shift.unit_id.in_(unit_ids))))
    crews: dict[int, list[SeatView]] = {}
    for unit_id, role, is_woman in on_shift:
        crews.setdefault(unit_id, []).append(SeatView(role, is_woman))
    roster = session.execute(
        select(CrewMember.unit_id, CrewMember.role, CrewMember.is_woman)
        .where(CrewMember.unit_id.in_(set(unit_ids) - with_shifts)).order_by(CrewMember.id))
    for unit_id, role, is_woman in roster:
        crews.setdefault(unit_id, []).append(SeatView(role, is_woman))
    return {unit_id: tuple(seats) for unit_id, seats in crews.items()}


def recommend_for(session: Session, incident: Incident, *, now: datetime,
                  travel: TravelTimes, exclude: frozenset[int] = frozenset(),
                  limit: int = 5, unit_ids: Sequence[int] | None = None) -> Recommendation:
    """Units of the incident's province (or just ``unit_ids`` of them), ranked for it
    (see dispatch.recommend)."""
    views = unit_views(session, province_code=incident.province_code, now=now,
                       unit_ids=unit_ids)
    return recommend((incident.lat, incident.lon), views, now=now, travel=travel,
                     needs=needs_of(incident), limit=limit, exclude_ids=exclude)


def assign(session: Session, *, incident: Incident, unit_id: int, actor: Actor | None,
           now: datetime, estimate_minutes: float | None = None,
           explanation: str | None = None) -> Assignment:
    """Send the unit: claimed with one conditional UPDATE, so of two dispatchers sending
    the same unit at once exactly one changes the row; the other gets :class:`UnitTaken`."""
    unit = get_unit(session, unit_id)
    if incident.state in (IncidentState.closed.value, IncidentState.cancelled.value):
        raise Conflict("This incident is closed; open a new one if help is needed again.",
                       "این رخداد بسته شده است؛ اگر دوباره کمک لازم است رخداد تازه‌ای بسازید.")
    if unit.province_code != incident.province_code:
        raise Conflict("This unit serves another province; choose one of the incident's "
                       "province or ask that province's dispatcher.",
                       "این خودرو از استان دیگری است؛ خودرویی از استان رخداد انتخاب کنید.")
    claimed = session.execute(
        update(Unit).where(Unit.id == unit_id, Unit.status.in_([s.value for s in AVAILABLE]),
                           Unit.retired_at.is_(None))
        .values(status=UnitStatus.dispatched.value, status_since=now,
                version=Unit.version + 1, incident_id=incident.id, check_in_due_at=None)
        .execution_options(synchronize_session=False))
    if cast(CursorResult[Any], claimed).rowcount != 1:
        raise UnitTaken(f"{unit.call_sign} was just sent elsewhere or is no longer available; "
                        "here is a fresh recommendation.",
                        f"{unit.call_sign} همین حالا به جای دیگری اعزام شد یا دیگر آماده نیست؛ "
                        "پیشنهاد تازه این است.", unit_id=unit_id)
    session.refresh(unit)
    made = Assignment(incident_id=incident.id, unit_id=unit_id, assigned_at=now,
                      assigned_by=actor.user_id if actor else None,
                      estimate_minutes=estimate_minutes, explanation=explanation)
    session.add(made)
    session.add(UnitStatusEvent(
        unit_id=unit_id, incident_id=incident.id, status=UnitStatus.dispatched.value,
        previous=None, at=now, received_at=now, lat=unit.lat, lon=unit.lon,
        source="dispatcher", by_user=actor.user_id if actor else None))
    incident.state = IncidentState.assigned.value
    session.flush()
    ensure_unit_channels(session, unit, now)
    join_incident_channel(session, incident, unit_id, now)
    audit(session, actor, AuditAction.update, "incident", incident.id, now=now,
          reason=f"assigned:{unit.call_sign}")
    return made


def close_incident(session: Session, *, incident: Incident, cancelled: bool,
                   actor: Actor | None, now: datetime) -> Incident:
    """Close (or cancel) an incident no unit is on; one already over stays as it ended."""
    if incident.state in (IncidentState.closed.value, IncidentState.cancelled.value):
        return incident
    busy = session.scalar(select(func.count()).select_from(Unit)
                          .where(Unit.incident_id == incident.id))
    if busy:
        raise Conflict("A unit is still on this incident; clear it (or let the crew clear) "
                       "before closing.",
                       "هنوز خودرویی روی این رخداد است؛ پیش از بستن آن را آزاد کنید.")
    incident.state = (IncidentState.cancelled if cancelled else IncidentState.closed).value
    incident.closed_at = now
    audit(session, actor, AuditAction.update, "incident", incident.id, now=now,
          reason=incident.state)
    return incident


def open_incident(session: Session, *, incident: IncidentCreate, locate: Locate, actor: Actor,
                  now: datetime) -> IncidentPublic:
    """An incident a dispatcher makes at a point on the map (inside Iran); refused, and not
    kept, when the point lies in a province the dispatcher does not reach."""
    made = create_incident(session, data=IncidentInput(**incident.model_dump()), locate=locate,
                           actor=actor, now=now)
    _check_reach(actor, made.province_code)
    return incident_public(session, made)


def _check_reach(actor: Actor, province_code: str) -> None:
    if not decide(actor, Permission.dispatch_units, Resource("incident",
                                                              province_code=province_code)):
        raise Forbidden("This point is in another province: its dispatcher sends the team. "
                        "Call them, or ask your supervisor.",
                        "این نقطه در استان دیگری است و اعزام همان استان تیم می‌فرستد.",
                        province_code=province_code)


def open_requested_incident(session: Session, *, request_id: int, locate: Locate,
                            actor: Actor, now: datetime) -> IncidentPublic:
    """Triage's request for a mobile team as an incident (asking twice gives the same one)."""
    return incident_public(session, incident_from_request(
        session, request_id=request_id, locate=locate, actor=actor, now=now))


@dataclass(frozen=True, slots=True)
class Taken:
    """Another dispatcher took the unit first: why, and a fresh recommendation that
    leaves the taken unit out."""

    problem: UnitTaken
    recommendation: RecommendationPublic


def send_unit(session: Session, *, incident_id: int, unit_id: int, actor: Actor, now: datetime,
              travel: TravelTimes) -> AssignmentPublic | Taken:
    """Send the unit, keeping the recommendation's words for it. Of two dispatchers sending
    the same unit at once one wins; the other is answered :class:`Taken`, with nothing kept."""
    try:
        with session.begin_nested():  # the claim: undone as a whole if the unit was taken
            incident = get_incident(session, incident_id)
            pick = _pick_of(session, incident, unit_id, now, travel)
            made = assign(session, incident=incident, unit_id=unit_id, actor=actor, now=now,
                          estimate_minutes=pick.minutes if pick else None,
                          explanation=pick.explain_en if pick else None)
    except UnitTaken as taken:
        fresh = recommend_for(session, get_incident(session, incident_id), now=now,
                              travel=travel, exclude=frozenset({unit_id}))
        return Taken(taken, recommendation_public(incident_id, fresh))
    unit = session.get(Unit, unit_id)
    return AssignmentPublic(id=made.id, incident_id=incident_id, unit_id=unit_id,
                            call_sign=unit.call_sign if unit else "",
                            assigned_at=made.assigned_at, estimate_minutes=made.estimate_minutes,
                            explanation=made.explanation)


def _pick_of(session: Session, incident: Incident, unit_id: int, now: datetime,
             travel: TravelTimes) -> Pick | None:
    """The recommendation's words for the chosen unit (asked of that unit alone), kept
    with the assignment."""
    found = recommend_for(session, incident, now=now, travel=travel, limit=1,
                          unit_ids=[unit_id])
    return found.picks[0] if found.picks else None


def close_or_cancel(session: Session, *, incident_id: int, cancelled: bool, actor: Actor,
                    now: datetime) -> IncidentPublic:
    """Close the incident (or cancel it) once no unit is on it."""
    incident = close_incident(session, incident=get_incident(session, incident_id),
                              cancelled=cancelled, actor=actor, now=now)
    return incident_public(session, incident)
