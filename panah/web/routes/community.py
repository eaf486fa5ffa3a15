"""Community social-service bases (API): the week's calendar, neighbourhoods with their
needs assessments, programmes and their sessions, participants, attendance, and a referral
from a base to case work (issue 17)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from panah.centres.community import queries, service
from panah.centres.community.schemas import (
    AssessmentCreate,
    AttendanceUpdate,
    CalendarWeekPublic,
    EnrolBody,
    NeighbourhoodCreate,
    NeighbourhoodPublic,
    ParticipantBrief,
    ParticipantCreate,
    ParticipantPublic,
    ProgrammeBrief,
    ProgrammeCreate,
    ProgrammePublic,
    ReferralCreate,
    ReferralPublic,
    SessionBrief,
    SessionCreate,
    SessionPublic,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import community_access
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/community", tags=["community bases"])
Worker = Annotated[Actor, Depends(require(Permission.community_work))]
BaseId = Annotated[int, Depends(community_access("base_id"))]
NeighbourhoodId = Annotated[int, Depends(community_access("neighbourhood_id"))]
ProgrammeId = Annotated[int, Depends(community_access("programme_id"))]
SessionId = Annotated[int, Depends(community_access("base_session_id"))]
ParticipantId = Annotated[int, Depends(community_access("participant_id"))]


@router.get("/calendar", response_model=CalendarWeekPublic)
def calendar(
    uow: Uow, actor: Worker,
    base_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    week: Annotated[date | None, Query(description="Any day of the week (Saturday first)")]
    = None,
) -> CalendarWeekPublic:
    """A base's week of sessions (your own base by default), with its programmes."""
    return queries.calendar_week(uow.session, actor=actor, base_id=base_id, day=week,
                                 now=uow.now)


@router.post("/bases/{base_id}/neighbourhoods", response_model=NeighbourhoodPublic,
             status_code=201)
def create_neighbourhood(uow: Uow, actor: Worker, base_id: BaseId,
                         body: NeighbourhoodCreate) -> NeighbourhoodPublic:
    """A neighbourhood the base serves, with its profile."""
    return service.create_neighbourhood(uow.session, actor=actor, base_id=base_id, data=body,
                                        now=uow.now)


@router.get("/neighbourhoods/{neighbourhood_id}", response_model=NeighbourhoodPublic)
def neighbourhood(uow: Uow, neighbourhood_id: NeighbourhoodId) -> NeighbourhoodPublic:
    """The neighbourhood's profile, its residents' needs assessments and its programmes."""
    return queries.neighbourhood_page(uow.session, neighbourhood_id=neighbourhood_id)


@router.put("/neighbourhoods/{neighbourhood_id}", response_model=NeighbourhoodPublic)
def update_neighbourhood(uow: Uow, actor: Worker, neighbourhood_id: NeighbourhoodId,
                         body: NeighbourhoodCreate) -> NeighbourhoodPublic:
    """The neighbourhood's profile as it is now (the whole profile is replaced)."""
    return service.update_neighbourhood(uow.session, actor=actor,
                                        neighbourhood_id=neighbourhood_id, data=body,
                                        now=uow.now)


@router.post("/neighbourhoods/{neighbourhood_id}/assessments",
             response_model=NeighbourhoodPublic, status_code=201)
def add_assessment(uow: Uow, actor: Worker, neighbourhood_id: NeighbourhoodId,
                   body: AssessmentCreate) -> NeighbourhoodPublic:
    """The residents' own needs, ranked by them (1 the most pressing)."""
    return service.add_assessment(uow.session, actor=actor, neighbourhood_id=neighbourhood_id,
                                  data=body, now=uow.now)


@router.post("/neighbourhoods/{neighbourhood_id}/programmes", response_model=ProgrammeBrief,
             status_code=201)
def create_programme(uow: Uow, actor: Worker, neighbourhood_id: NeighbourhoodId,
                     body: ProgrammeCreate) -> ProgrammeBrief:
    """A programme (parenting, life skills, addiction prevention, children's activities...)
    in the neighbourhood."""
    return service.create_programme(uow.session, actor=actor,
                                    neighbourhood_id=neighbourhood_id, data=body, now=uow.now)


@router.get("/programmes/{programme_id}", response_model=ProgrammePublic)
def programme(uow: Uow, programme_id: ProgrammeId) -> ProgrammePublic:
    """The programme with its sessions and participants."""
    return queries.programme_page(uow.session, programme_id=programme_id)


@router.post("/programmes/{programme_id}/sessions", response_model=list[SessionBrief],
             status_code=201)
def schedule(uow: Uow, actor: Worker, programme_id: ProgrammeId,
             body: SessionCreate) -> list[SessionBrief]:
    """One session, or a weekly series (``weeks``), within the programme's dates; answers
    all the programme's sessions."""
    return service.schedule_sessions(uow.session, actor=actor, programme_id=programme_id,
                                     data=body, now=uow.now)


@router.post("/programmes/{programme_id}/participants", response_model=ParticipantBrief,
             status_code=201)
def add_participant(uow: Uow, actor: Worker, programme_id: ProgrammeId,
                    body: ParticipantCreate) -> ParticipantBrief:
    """A new participant (first name or alias), enrolled in the programme."""
    return service.add_participant(uow.session, actor=actor, programme_id=programme_id,
                                   data=body, now=uow.now)


@router.post("/programmes/{programme_id}/enrolments", response_model=ParticipantBrief,
             status_code=201)
def enrol(uow: Uow, actor: Worker, programme_id: ProgrammeId,
          body: EnrolBody) -> ParticipantBrief:
    """Enrol one of the base's participants in the programme."""
    return service.enrol(uow.session, actor=actor, programme_id=programme_id,
                         participant_id=body.participant_id, now=uow.now)


@router.get("/sessions/{base_session_id}", response_model=SessionPublic)
def session_sheet(uow: Uow, base_session_id: SessionId) -> SessionPublic:
    """The attendance sheet: every enrolled participant and their mark."""
    return queries.session_sheet(uow.session, base_session_id=base_session_id, now=uow.now)


@router.put("/sessions/{base_session_id}/attendance", response_model=SessionPublic)
def take_attendance(uow: Uow, actor: Worker, base_session_id: SessionId,
                    body: AttendanceUpdate) -> SessionPublic:
    """Present / absent / excused, once the session has begun (not for a cancelled one)."""
    return service.take_attendance(uow.session, actor=actor, base_session_id=base_session_id,
                                   data=body, now=uow.now)


@router.post("/sessions/{base_session_id}/held", response_model=SessionPublic)
def hold(uow: Uow, actor: Worker, base_session_id: SessionId) -> SessionPublic:
    """The session took place (at or after its start)."""
    return service.hold_session(uow.session, actor=actor, base_session_id=base_session_id,
                                now=uow.now)


@router.post("/sessions/{base_session_id}/cancel", response_model=SessionPublic)
def cancel(uow: Uow, actor: Worker, base_session_id: SessionId) -> SessionPublic:
    """The session will not take place."""
    return service.cancel_session(uow.session, actor=actor, base_session_id=base_session_id,
                                  now=uow.now)


@router.get("/participants/{participant_id}", response_model=ParticipantPublic)
def participant(uow: Uow, actor: Worker, participant_id: ParticipantId) -> ParticipantPublic:
    """A participant's light record: programmes, attendance, and the case if referred."""
    return queries.participant_page(uow.session, actor=actor, participant_id=participant_id)


@router.post("/participants/{participant_id}/referral", response_model=ReferralPublic,
             status_code=201)
def refer(uow: Uow, actor: Annotated[Actor, Depends(require(Permission.create_case))],
          participant_id: ParticipantId, body: ReferralCreate) -> ReferralPublic:
    """Refer the participant to case work: a case opens in the base's province (you on its
    team) and the participant becomes its client."""
    return service.refer(uow.session, actor=actor, participant_id=participant_id, data=body,
                         now=uow.now)
