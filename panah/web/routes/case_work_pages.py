"""The case page's work panel: its form posts, each one call into the workflow's use cases.

On success the browser goes back to the panel (``/cases/{id}#work``); on a refusal the
case page comes back (422) with the reason above the panel and nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.cases.workflow import service
from panah.cases.workflow.schemas import (
    AssessmentCreate,
    ClosureApproval,
    ClosureRequest,
    GoalCreate,
    PsychosocialForm,
    ServiceCreate,
    StatusChange,
    TeamMemberCreate,
    WorkUpdate,
)
from panah.core.errors import PanahError
from panah.web.access import CaseAccess, EditCase
from panah.web.deps import Uow
from panah.web.routes.case_pages import render_case
from panah.web.routes.case_work import ApproveCaseWork

router = APIRouter(prefix="/cases/{case_id}/work", tags=["case pages"],
                   include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=5000)]
Short = Annotated[str, Form(max_length=60)]
FORM_MISTAKE = ("Some fields of the form are missing or too long: check them and send it "
                "again.", "برخی خانه‌های فرم خالی یا بیش از اندازه بلند است: آن‌ها را بررسی و "
                "دوباره ارسال کنید.")


def _act(request: Request, uow: Uow, grant: CaseAccess, step: Callable[[], object]) -> Response:
    """Run ``step`` (one use case) all or nothing; back to the panel, or the page with the
    reason."""
    try:
        with uow.session.begin_nested():
            step()
    except (PanahError, ValidationError) as problem:
        error = problem if isinstance(problem, PanahError) else PanahError(*FORM_MISTAKE)
        return _again(request, uow, grant, error)
    return RedirectResponse(f"/cases/{grant.case_id}#work", status_code=303)


def _again(request: Request, uow: Uow, grant: CaseAccess, error: PanahError) -> Response:
    return render_case(request, uow, grant, status=422, work_error=error)


def _id(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.post("/details", response_class=HTMLResponse)
def details_form(request: Request, uow: Uow, grant: EditCase,
                 types: Annotated[list[str] | None, Form()] = None, risk: Short = "",
                 gbv_type: Short = "") -> Response:
    """The case's types, risk and GBV type."""
    return _act(request, uow, grant, lambda: service.update_work(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now,
        data=WorkUpdate(types=types or [], risk=risk or None,  # type: ignore[arg-type]
                        gbv_type=gbv_type or None)))


@router.post("/team", response_class=HTMLResponse)
def team_form(request: Request, uow: Uow, grant: EditCase, user_id: Short = "",
              discipline: Short = "", lead: Short = "") -> Response:
    """Add a worker of the province to the team ("assign a psychologist")."""
    return _act(request, uow, grant, lambda: service.add_member(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now,
        data=TeamMemberCreate(user_id=_id(user_id) or 0, discipline=discipline or None,
                              lead=bool(lead))))


@router.post("/team/{user_id}/remove", response_class=HTMLResponse)
def remove_form(request: Request, uow: Uow, grant: EditCase, user_id: Id) -> Response:
    return _act(request, uow, grant, lambda: service.remove_member(
        uow.session, actor=grant.actor, case_id=grant.case_id, user_id=user_id, now=uow.now))


@router.post("/lead", response_class=HTMLResponse)
def lead_form(request: Request, uow: Uow, grant: EditCase, user_id: Short = "") -> Response:
    return _act(request, uow, grant, lambda: service.set_lead(
        uow.session, actor=grant.actor, case_id=grant.case_id, user_id=_id(user_id) or 0,
        now=uow.now))


@router.post("/assessments", response_class=HTMLResponse)
def assessment_form(
    request: Request, uow: Uow, grant: EditCase, kind: Short = "",
    answer: Annotated[list[str] | None, Form()] = None, high_danger: Short = "",
    presenting_problem: Text = "", safety: Short = "0", family_support: Short = "0",
    social_support: Short = "0", health: Short = "0", housing_income: Short = "0",
    strengths: Text = "", needs: Text = "",
) -> Response:
    """The psychosocial form, or a protocol's answers (each ``answer`` is "question=value";
    an empty one is a question not answered)."""
    def record() -> object:
        if kind == service.PSYCHOSOCIAL:
            form = PsychosocialForm.model_validate({
                "presenting_problem": presenting_problem, "safety": safety,
                "family_support": family_support, "social_support": social_support,
                "health": health, "housing_income": housing_income, "strengths": strengths,
                "needs": needs})
            data = AssessmentCreate(kind=kind, form=form)
        else:
            pairs = [a.split("=", 1) for a in answer or [] if "=" in a]
            answers: dict[str, bool | str] = {
                q: {"yes": True, "no": False}.get(v, v) for q, v in pairs if v}
            data = AssessmentCreate(kind=kind, answers=answers,
                                    believes_high_danger=bool(high_danger))
        return service.record_assessment(uow.session, actor=grant.actor,
                                         case_id=grant.case_id, data=data, now=uow.now)

    return _act(request, uow, grant, record)


@router.post("/plan/goals", response_class=HTMLResponse)
def goal_form(request: Request, uow: Uow, grant: EditCase, text: Text = "",
              due_on: Short = "", owner_discipline: Short = "",
              owner_user_id: Short = "") -> Response:
    """A goal of the plan, due on a day typed in Jalali."""
    return _act(request, uow, grant, lambda: service.add_goal(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now,
        data=GoalCreate(text=text, due_on=due_on, owner_discipline=owner_discipline or None,
                        owner_user_id=_id(owner_user_id))))


@router.post("/plan/goals/{goal_id}/done", response_class=HTMLResponse)
def goal_done_form(request: Request, uow: Uow, grant: EditCase, goal_id: Id) -> Response:
    return _act(request, uow, grant, lambda: service.complete_goal(
        uow.session, actor=grant.actor, case_id=grant.case_id, goal_id=goal_id, now=uow.now))


@router.post("/plan/submit", response_class=HTMLResponse)
def submit_form(request: Request, uow: Uow, grant: EditCase) -> Response:
    return _act(request, uow, grant, lambda: service.submit_plan(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now))


@router.post("/plan/approve", response_class=HTMLResponse)
def approve_plan_form(request: Request, uow: Uow, grant: ApproveCaseWork) -> Response:
    return _act(request, uow, grant, lambda: service.decide_plan(
        uow.session, actor=grant.actor, case_id=grant.case_id, approve=True, now=uow.now))


@router.post("/plan/return", response_class=HTMLResponse)
def return_plan_form(request: Request, uow: Uow, grant: ApproveCaseWork,
                     reason: Text = "") -> Response:
    return _act(request, uow, grant, lambda: service.decide_plan(
        uow.session, actor=grant.actor, case_id=grant.case_id, approve=False, reason=reason,
        now=uow.now))


@router.post("/services", response_class=HTMLResponse)
def service_form(request: Request, uow: Uow, grant: EditCase, kind: Short = "",
                 discipline: Short = "", note: Text = "") -> Response:
    return _act(request, uow, grant, lambda: service.deliver_service(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now,
        data=ServiceCreate(kind=kind, discipline=discipline or None, note=note or None)))


@router.post("/services/{service_id}/notes", response_class=HTMLResponse)
def service_note_form(request: Request, uow: Uow, grant: EditCase, service_id: Id,
                      text: Text = "") -> Response:
    return _act(request, uow, grant, lambda: service.add_service_note(
        uow.session, actor=grant.actor, case_id=grant.case_id, service_id=service_id,
        text=text, now=uow.now))


@router.post("/services/{service_id}/close", response_class=HTMLResponse)
def service_close_form(request: Request, uow: Uow, grant: EditCase, service_id: Id) -> Response:
    return _act(request, uow, grant, lambda: service.close_service(
        uow.session, actor=grant.actor, case_id=grant.case_id, service_id=service_id,
        now=uow.now))


@router.post("/status", response_class=HTMLResponse)
def status_form(request: Request, uow: Uow, grant: EditCase, to: Short = "",
                reason: Text = "") -> Response:
    """The next step, or a closure request sent back to services."""
    return _act(request, uow, grant, lambda: service.change_status(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now,
        data=StatusChange(to=to, reason=reason)))


@router.post("/closure/request", response_class=HTMLResponse)
def closure_request_form(request: Request, uow: Uow, grant: EditCase, outcome: Short = "",
                         reason: Text = "") -> Response:
    return _act(request, uow, grant, lambda: service.request_closure(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now,
        data=ClosureRequest(outcome=outcome or None, reason=reason)))


@router.post("/closure/approve", response_class=HTMLResponse)
def closure_approve_form(request: Request, uow: Uow, grant: ApproveCaseWork,
                         outcome: Short = "") -> Response:
    return _act(request, uow, grant, lambda: service.approve_closure(
        uow.session, actor=grant.actor, case_id=grant.case_id, now=uow.now,
        data=ClosureApproval(outcome=outcome or None)))
