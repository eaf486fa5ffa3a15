"""Dispatch through the API: the board, incidents, recommendations and the atomic
assignment of a unit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from panah.dispatch import queries, service
from panah.dispatch.schemas import (
    AssignIn,
    AssignmentPublic,
    BoardPublic,
    BusStatusPublic,
    CloseIncidentIn,
    IncidentCreate,
    IncidentPublic,
    IncidentTimelinePublic,
    RecommendationPublic,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import dispatch_request_access, incident_access
from panah.web.deps import Routing, Uow, require

router = APIRouter(prefix="/api", tags=["dispatch"])
Dispatch = Annotated[Actor, Depends(require(Permission.dispatch_units))]
IncidentId = Annotated[int, Depends(incident_access(Permission.dispatch_units))]
RequestId = Annotated[int, Depends(dispatch_request_access(Permission.dispatch_units))]


@router.get("/dispatch/board", response_model=BoardPublic)
def read_board(actor: Dispatch, uow: Uow, province: str | None = None) -> BoardPublic:
    """Units by status with their positions, open incidents by priority, pending requests
    from triage and safety alerts; ``stamp`` changes whenever any of it does."""
    return queries.dispatch_board(uow.session, actor=actor, now=uow.now, province=province)


@router.get("/dispatch/board/stamp")
def read_stamp(actor: Dispatch, uow: Uow, province: str | None = None) -> dict[str, str]:
    return {"stamp": queries.board_stamp(uow.session, actor=actor, province=province)}


@router.get("/dispatch/mqtt", response_model=BusStatusPublic)
def read_bus(request: Request, actor: Dispatch) -> BusStatusPublic:
    """Whether positions and channel messages also come over MQTT, and if not, why."""
    status = request.app.state.bus.status()
    return BusStatusPublic(configured=status.configured, connected=status.connected,
                           detail_en=status.detail_en, detail_fa=status.detail_fa)


@router.post("/incidents", response_model=IncidentPublic, status_code=201)
def post_incident(body: IncidentCreate, actor: Dispatch, uow: Uow,
                  routing: Routing) -> IncidentPublic:
    """An incident made by a dispatcher at a point on the map (inside Iran)."""
    return service.open_incident(uow.session, incident=body, locate=routing.locate,
                                 actor=actor, now=uow.now)


@router.post("/dispatch-requests/{request_id}/incident", response_model=IncidentPublic,
             status_code=201)
def post_request_incident(actor: Dispatch, request_id: RequestId, uow: Uow,
                          routing: Routing) -> IncidentPublic:
    """Triage's request for a mobile team becomes an incident (asking twice returns the
    same one)."""
    return service.open_requested_incident(uow.session, request_id=request_id,
                                           locate=routing.locate, actor=actor, now=uow.now)


@router.get("/incidents/{incident_id}", response_model=IncidentPublic)
def read_incident(actor: Dispatch, incident_id: IncidentId, uow: Uow) -> IncidentPublic:
    return queries.incident(uow.session, incident_id=incident_id)


@router.get("/incidents/{incident_id}/timeline", response_model=IncidentTimelinePublic)
def read_timeline(actor: Dispatch, incident_id: IncidentId, uow: Uow) -> IncidentTimelinePublic:
    """The incident, open or closed, with what happened in order (made, units sent, the
    crews' statuses, visit reports, closed) and its visit reports; a report's text only for
    those who may read it (its crew and the province's supervisors)."""
    return queries.incident_timeline(uow.session, actor=actor, now=uow.now,
                                     incident_id=incident_id)


@router.get("/incidents/{incident_id}/recommendations", response_model=RecommendationPublic)
def read_recommendations(request: Request, actor: Dispatch, incident_id: IncidentId,
                         uow: Uow) -> RecommendationPublic:
    """Available units of the incident's province, fastest first, each with why."""
    return queries.recommendations(uow.session, incident_id=incident_id, now=uow.now,
                                   travel=request.app.state.travel)


@router.post("/incidents/{incident_id}/assignments", response_model=AssignmentPublic,
             status_code=201, responses={409: {"description": "The unit was taken: the body "
                                                "carries a fresh recommendation."}})
def post_assignment(request: Request, body: AssignIn, actor: Dispatch,
                    incident_id: IncidentId, uow: Uow) -> Any:
    """Send a unit. Of two dispatchers sending the same unit at once, one wins; the other
    gets 409 with a fresh recommendation that leaves the taken unit out."""
    sent = service.send_unit(uow.session, incident_id=incident_id, unit_id=body.unit_id,
                             actor=actor, now=uow.now, travel=request.app.state.travel)
    if isinstance(sent, service.Taken):
        payload = sent.problem.as_dict()
        payload["recommendation"] = sent.recommendation.model_dump()
        return JSONResponse(payload, status_code=409)
    return sent


@router.post("/incidents/{incident_id}/close", response_model=IncidentPublic)
def post_close(body: CloseIncidentIn, actor: Dispatch, incident_id: IncidentId,
               uow: Uow) -> IncidentPublic:
    return service.close_or_cancel(uow.session, incident_id=incident_id,
                                   cancelled=body.cancelled, actor=actor, now=uow.now)
