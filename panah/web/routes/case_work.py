"""The case file's work through the API: details, team, assessments, plan, services, status.

Each answers with the work panel as the caller now sees it (``WorkPublic``, the JSON twin
of the case page's panel). The team edits (``EditCase``); a supervisor of the case's
province approves plans and closures (``ApproveCaseWork``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from panah.cases.workflow import queries, service
from panah.cases.workflow.schemas import (
    AssessmentCreate,
    ClosureApproval,
    ClosureRequest,
    GoalCreate,
    LeadSet,
    Reason,
    ServiceCreate,
    ServiceNoteCreate,
    StatusChange,
    TeamMemberCreate,
    WorkPublic,
    WorkUpdate,
)
from panah.security.roles import Permission
from panah.web.access import CaseAccess, EditCase, ViewCase, case_access
from panah.web.deps import Uow

router = APIRouter(prefix="/api/cases/{case_id}", tags=["case work"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
ApproveCaseWork = Annotated[CaseAccess, Depends(case_access(Permission.approve_case_work))]


@router.get("/work", response_model=WorkPublic)
def read_work(uow: Uow, grant: ViewCase) -> WorkPublic:
    """The case's work: status, risk, types, lead, team by discipline, assessments, plan,
    services (notes you may read by discipline), GBV type."""
    panel = queries.case_panel(uow.session, actor=grant.actor, case_id=grant.case_id,
                               now=uow.now)
    assert panel is not None  # noqa: S101 - case_access has just loaded it
    return panel


@router.patch("/work", response_model=WorkPublic)
def update_work(uow: Uow, grant: EditCase, body: WorkUpdate) -> WorkPublic:
    """Change the case's types (triage taxonomy), risk or GBVIMS type."""
    return service.update_work(uow.session, actor=grant.actor, case_id=grant.case_id,
                               data=body, now=uow.now)


@router.post("/team", response_model=WorkPublic, status_code=201)
def add_team_member(uow: Uow, grant: EditCase, body: TeamMemberCreate) -> WorkPublic:
    """Put a worker of the case's province on the team, by discipline."""
    return service.add_member(uow.session, actor=grant.actor, case_id=grant.case_id,
                              data=body, now=uow.now)


@router.delete("/team/{user_id}", response_model=WorkPublic)
def remove_team_member(uow: Uow, grant: EditCase, user_id: Id) -> WorkPublic:
    """Take a member off the team (never the lead)."""
    return service.remove_member(uow.session, actor=grant.actor, case_id=grant.case_id,
                                 user_id=user_id, now=uow.now)


@router.post("/lead", response_model=WorkPublic)
def set_lead(uow: Uow, grant: EditCase, body: LeadSet) -> WorkPublic:
    """Name the case's lead worker (the case is assigned from now)."""
    return service.set_lead(uow.session, actor=grant.actor, case_id=grant.case_id,
                            user_id=body.user_id, now=uow.now)


@router.post("/assessments", response_model=WorkPublic, status_code=201)
def record_assessment(uow: Uow, grant: EditCase, body: AssessmentCreate) -> WorkPublic:
    """Score a triage protocol inside the case, or record the psychosocial form."""
    return service.record_assessment(uow.session, actor=grant.actor, case_id=grant.case_id,
                                     data=body, now=uow.now)


@router.post("/plan/goals", response_model=WorkPublic, status_code=201)
def add_goal(uow: Uow, grant: EditCase, body: GoalCreate) -> WorkPublic:
    """Add a goal to the plan, with its due day."""
    return service.add_goal(uow.session, actor=grant.actor, case_id=grant.case_id, data=body,
                            now=uow.now)


@router.post("/plan/goals/{goal_id}/done", response_model=WorkPublic)
def complete_goal(uow: Uow, grant: EditCase, goal_id: Id) -> WorkPublic:
    """Mark a goal of the plan done."""
    return service.complete_goal(uow.session, actor=grant.actor, case_id=grant.case_id,
                                 goal_id=goal_id, now=uow.now)


@router.post("/plan/submit", response_model=WorkPublic)
def submit_plan(uow: Uow, grant: EditCase) -> WorkPublic:
    """Send the plan for the supervisor's approval (a plan without goals is refused)."""
    return service.submit_plan(uow.session, actor=grant.actor, case_id=grant.case_id,
                               now=uow.now)


@router.post("/plan/approve", response_model=WorkPublic)
def approve_plan(uow: Uow, grant: ApproveCaseWork) -> WorkPublic:
    """Approve the submitted plan; the case moves on to services."""
    return service.decide_plan(uow.session, actor=grant.actor, case_id=grant.case_id,
                               approve=True, now=uow.now)


@router.post("/plan/return", response_model=WorkPublic)
def return_plan(uow: Uow, grant: ApproveCaseWork, body: Reason) -> WorkPublic:
    """Return the submitted plan to the team with a reason."""
    return service.decide_plan(uow.session, actor=grant.actor, case_id=grant.case_id,
                               approve=False, reason=body.reason, now=uow.now)


@router.post("/services", response_model=WorkPublic, status_code=201)
def deliver_service(uow: Uow, grant: EditCase, body: ServiceCreate) -> WorkPublic:
    """Record a service given to the client (counselling session, psychiatric visit, legal
    advice, shelter stay, referral made)."""
    return service.deliver_service(uow.session, actor=grant.actor, case_id=grant.case_id,
                                   data=body, now=uow.now)


@router.post("/services/{service_id}/notes", response_model=WorkPublic, status_code=201)
def add_service_note(uow: Uow, grant: EditCase, service_id: Id,
                     body: ServiceNoteCreate) -> WorkPublic:
    """A note on a service, filed under your discipline (stored encrypted)."""
    return service.add_service_note(uow.session, actor=grant.actor, case_id=grant.case_id,
                                    service_id=service_id, text=body.text, now=uow.now)


@router.post("/services/{service_id}/close", response_model=WorkPublic)
def close_service(uow: Uow, grant: EditCase, service_id: Id) -> WorkPublic:
    """Close a service once it has ended."""
    return service.close_service(uow.session, actor=grant.actor, case_id=grant.case_id,
                                 service_id=service_id, now=uow.now)


@router.post("/status", response_model=WorkPublic)
def change_status(uow: Uow, grant: EditCase, body: StatusChange) -> WorkPublic:
    """The next step (open → assessment → plan → services), or a closure request sent
    back to services with a reason."""
    return service.change_status(uow.session, actor=grant.actor, case_id=grant.case_id,
                                 data=body, now=uow.now)


@router.post("/closure/request", response_model=WorkPublic)
def request_closure(uow: Uow, grant: EditCase, body: ClosureRequest) -> WorkPublic:
    """Ask the supervisor to close the case with an outcome (no services may be open)."""
    return service.request_closure(uow.session, actor=grant.actor, case_id=grant.case_id,
                                   data=body, now=uow.now)


@router.post("/closure/approve", response_model=WorkPublic)
def approve_closure(uow: Uow, grant: ApproveCaseWork, body: ClosureApproval) -> WorkPublic:
    """Close the case with the requested (or a corrected) outcome."""
    return service.approve_closure(uow.session, actor=grant.actor, case_id=grant.case_id,
                                   data=body, now=uow.now)
