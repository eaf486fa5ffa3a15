"""One thread from call to case, through the API: open a case from a contact, a visit or a
walk-in, link its history to it, the visits awaiting a case, and the case's timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from panah.cases.schemas import CaseSummary
from panah.cases.thread import queries, service
from panah.cases.thread.schemas import (
    CaseFromContact,
    CaseFromVisit,
    LinkCreate,
    LinkPublic,
    TimelinePublic,
    VisitAwaitingPublic,
    WalkInCreate,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import EditCase, ViewCase, contact_access, visit_access
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["case thread"])
Creator = Annotated[Actor, Depends(require(Permission.create_case))]
ContactId = Annotated[int, Depends(contact_access(Permission.create_case))]
VisitId = Annotated[int, Depends(visit_access(Permission.create_case))]


@router.post("/contacts/{contact_id}/case", response_model=CaseSummary, status_code=201)
def open_from_contact(uow: Uow, actor: Creator, contact_id: ContactId,
                      body: CaseFromContact) -> CaseSummary:
    """Open a case from a contact you have taken or one that has ended (a partner's
    hand-over too): number, category and risk from the contact and its triage. If the
    number has an open case, 409 names it: link to it (`link_to_case_id`) or `open_anyway`."""
    return service.open_from_contact(uow.session, actor=actor, contact_id=contact_id,
                                     data=body, now=uow.now)


@router.post("/incidents/{incident_id}/case", response_model=CaseSummary, status_code=201)
def open_from_visit(uow: Uow, actor: Creator, incident_id: VisitId,
                    body: CaseFromVisit) -> CaseSummary:
    """Open a case from an incident's visit report, linked to the incident and its contact."""
    return service.open_from_visit(uow.session, actor=actor, incident_id=incident_id,
                                   data=body, now=uow.now)


@router.post("/cases/walk-in", response_model=CaseSummary, status_code=201)
def open_walk_in(uow: Uow, actor: Creator, body: WalkInCreate) -> CaseSummary:
    """Someone walked into your centre: a walk-in contact and its case, together."""
    return service.open_walk_in(uow.session, actor=actor, data=body, now=uow.now)


@router.get("/cases/visits", response_model=list[VisitAwaitingPublic])
def visits_awaiting(uow: Uow, actor: Creator) -> list[VisitAwaitingPublic]:
    """Your province's visits with a report and no case yet, newest first (reads audited)."""
    return queries.visits_awaiting(uow.session, actor=actor, now=uow.now)


@router.post("/cases/{case_id}/links", response_model=LinkPublic, status_code=201)
def link(uow: Uow, grant: EditCase, body: LinkCreate) -> LinkPublic:
    """Link a contact, incident or referral of the case's province to the case."""
    return service.link_case(uow.session, actor=grant.actor, case_id=grant.case_id, data=body,
                             now=uow.now)


@router.get("/cases/{case_id}/timeline", response_model=TimelinePublic)
def case_timeline(uow: Uow, grant: ViewCase) -> TimelinePublic:
    """The case's whole history, newest first, by Iran's day."""
    return queries.timeline_public(uow.session, actor=grant.actor, case_id=grant.case_id,
                                   now=uow.now)
