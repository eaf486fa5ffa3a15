"""Dispatch through the API: the board, incidents, recommendations and the atomic
assignment of a unit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from panah.core.db import unit_of_work
from panah.core.errors import Forbidden
from panah.dispatch import board, service
from panah.dispatch.orm import Incident, Unit
from panah.dispatch.recommend import Pick, Recommendation
from panah.dispatch.schemas import (
    AssignIn,
    AssignmentPublic,
    BoardPublic,
    BusStatusPublic,
    CloseIncidentIn,
    ExcludedPublic,
    IncidentCreate,
    IncidentPublic,
    PickPublic,
    RecommendationPublic,
)
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import ROLE_SCOPE, Permission, Scope
from panah.web.access import dispatch_request_access, incident_access
from panah.web.deps import get_clock, require

router = APIRouter(prefix="/api", tags=["dispatch"])
Dispatch = Annotated[Actor, Depends(require(Permission.dispatch_units))]
IncidentId = Annotated[int, Depends(incident_access(Permission.dispatch_units))]
RequestId = Annotated[int, Depends(dispatch_request_access(Permission.dispatch_units))]


def board_province(actor: Actor, asked: str | None) -> str | None:
    """A provincial dispatcher sees their province; national roles the one they ask for."""
    if ROLE_SCOPE.get(actor.role) is Scope.nation:
        return asked
    return actor.province_code


def locate_in(request: Request, session: Session) -> service.Locate:
    return request.app.state.intake_context.get(session).locate  # type: ignore[no-any-return]


@router.get("/dispatch/board", response_model=BoardPublic)
def read_board(request: Request, actor: Dispatch, province: str | None = None) -> BoardPublic:
    """Units by status with their positions, open incidents by priority, pending requests
    from triage and safety alerts; ``stamp`` changes whenever any of it does."""
    with unit_of_work(request.app.state.session_factory) as session:
        return board.board(session, province_code=board_province(actor, province),
                           now=get_clock(request).now())


@router.get("/dispatch/board/stamp")
def read_stamp(request: Request, actor: Dispatch, province: str | None = None) -> dict[str, str]:
    with unit_of_work(request.app.state.session_factory) as session:
        return {"stamp": board.stamp(session, board_province(actor, province))}


@router.get("/dispatch/mqtt", response_model=BusStatusPublic)
def read_bus(request: Request, actor: Dispatch) -> BusStatusPublic:
    """Whether positions and channel messages also come over MQTT, and if not, why."""
    status = request.app.state.bus.status()
    return BusStatusPublic(configured=status.configured, connected=status.connected,
                           detail_en=status.detail_en, detail_fa=status.detail_fa)


@router.post("/incidents", response_model=IncidentPublic, status_code=201)
def post_incident(request: Request, body: IncidentCreate, actor: Dispatch) -> IncidentPublic:
    """An incident made by a dispatcher at a point on the map (inside Iran)."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        data = service.IncidentInput(**body.model_dump())
        incident = service.create_incident(session, data=data, actor=actor, now=now,
                                           locate=locate_in(request, session))
        _check_reach(actor, incident.province_code)
        return board.incident_public(session, incident)


@router.post("/dispatch-requests/{request_id}/incident", response_model=IncidentPublic,
             status_code=201)
def post_request_incident(request: Request, actor: Dispatch,
                          request_id: RequestId) -> IncidentPublic:
    """Triage's request for a mobile team becomes an incident (asking twice returns the
    same one)."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        incident = service.incident_from_request(session, request_id=request_id, actor=actor,
                                                 now=now, locate=locate_in(request, session))
        return board.incident_public(session, incident)


@router.get("/incidents/{incident_id}", response_model=IncidentPublic)
def read_incident(request: Request, actor: Dispatch, incident_id: IncidentId) -> IncidentPublic:
    with unit_of_work(request.app.state.session_factory) as session:
        return board.incident_public(session, service.get_incident(session, incident_id))


@router.get("/incidents/{incident_id}/recommendations", response_model=RecommendationPublic)
def read_recommendations(request: Request, actor: Dispatch,
                         incident_id: IncidentId) -> RecommendationPublic:
    """Available units of the incident's province, fastest first, each with why."""
    with unit_of_work(request.app.state.session_factory) as session:
        incident = service.get_incident(session, incident_id)
        found = service.recommend_for(session, incident, now=get_clock(request).now(),
                                      travel=request.app.state.travel)
    return recommendation_public(incident_id, found)


@router.post("/incidents/{incident_id}/assignments", response_model=AssignmentPublic,
             status_code=201, responses={409: {"description": "The unit was taken: the body "
                                                "carries a fresh recommendation."}})
def post_assignment(request: Request, body: AssignIn, actor: Dispatch,
                    incident_id: IncidentId) -> Any:
    """Send a unit. Of two dispatchers sending the same unit at once, one wins; the other
    gets 409 with a fresh recommendation that leaves the taken unit out."""
    now = get_clock(request).now()
    factory = request.app.state.session_factory
    try:
        with unit_of_work(factory) as session:
            incident = service.get_incident(session, incident_id)
            pick = _pick_of(session, request, incident, body.unit_id, now)
            made = service.assign(session, incident=incident, unit_id=body.unit_id,
                                  actor=actor, now=now,
                                  estimate_minutes=pick.minutes if pick else None,
                                  explanation=pick.explain_en if pick else None)
            unit = session.get(Unit, body.unit_id)
            out = AssignmentPublic(id=made.id, incident_id=incident_id, unit_id=body.unit_id,
                                   call_sign=unit.call_sign if unit else "",
                                   assigned_at=made.assigned_at,
                                   estimate_minutes=made.estimate_minutes,
                                   explanation=made.explanation)
    except service.UnitTaken as taken:
        with unit_of_work(factory) as session:
            incident = service.get_incident(session, incident_id)
            fresh = service.recommend_for(session, incident, now=now,
                                          travel=request.app.state.travel,
                                          exclude=frozenset({body.unit_id}))
        payload = taken.as_dict()
        payload["recommendation"] = recommendation_public(incident_id, fresh).model_dump()
        return JSONResponse(payload, status_code=409)
    return out


def _pick_of(session: Session, request: Request, incident: Incident, unit_id: int,
             now: datetime) -> Pick | None:
    """The recommendation's words for the chosen unit (asked of that unit alone), kept
    with the assignment."""
    found = service.recommend_for(session, incident, now=now, travel=request.app.state.travel,
                                  limit=1, unit_ids=[unit_id])
    return found.picks[0] if found.picks else None


@router.post("/incidents/{incident_id}/close", response_model=IncidentPublic)
def post_close(request: Request, body: CloseIncidentIn, actor: Dispatch,
               incident_id: IncidentId) -> IncidentPublic:
    with unit_of_work(request.app.state.session_factory) as session:
        incident = service.close_incident(session, incident=service.get_incident(
            session, incident_id), cancelled=body.cancelled, actor=actor,
            now=get_clock(request).now())
        return board.incident_public(session, incident)


def recommendation_public(incident_id: int, found: Recommendation) -> RecommendationPublic:
    return RecommendationPublic(
        incident_id=incident_id,
        picks=[PickPublic(unit_id=p.unit_id, call_sign=p.call_sign, minutes=p.minutes,
                          km=p.km, score=p.score, reasons=list(p.reasons),
                          explain_en=p.explain_en, explain_fa=p.explain_fa) for p in found.picks],
        excluded=[ExcludedPublic(unit_id=e.unit_id, call_sign=e.call_sign, reason=e.reason)
                  for e in found.excluded])


def _check_reach(actor: Actor, province_code: str) -> None:
    if not decide(actor, Permission.dispatch_units, Resource("incident",
                                                              province_code=province_code)):
        raise Forbidden("This point is in another province: its dispatcher sends the team. "
                        "Call them, or ask your supervisor.",
                        "این نقطه در استان دیگری است و اعزام همان استان تیم می‌فرستد.",
                        province_code=province_code)
