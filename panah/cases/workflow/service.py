"""The case file's work: use cases. Each runs in the caller's unit of work, never commits,
and answers with the work panel as the reader now sees it.

Access is decided before these run (``panah.web.access``: the team edits, a supervisor of
the case's province approves). They check what only they can see: that a new member works
in the case's province, that a service belongs to the case, the rules of ``model``. A
status change is one conditional UPDATE on ``case_file.version`` (proceed only if one row
changed), so two supervisors approving at once cannot both apply it.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from panah.cases.model import CaseCategory
from panah.cases.orm import Case, CaseTeamMember
from panah.cases.service import case_types, mark_in_touch
from panah.cases.workflow import model, queries
from panah.cases.workflow.model import Discipline, PlanState, ServiceKind, Status
from panah.cases.workflow.orm import (
    CaseAssessment,
    CaseGoal,
    CasePlan,
    CaseService,
    CaseServiceNote,
    CaseStatusEvent,
)
from panah.cases.workflow.schemas import (
    AssessmentCreate,
    ClosureApproval,
    ClosureRequest,
    GoalCreate,
    ServiceCreate,
    StatusChange,
    TeamMemberCreate,
    WorkPublic,
    WorkUpdate,
)
from panah.core.clock import as_utc
from panah.core.days import read_day
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.intake.model import RiskLevel
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.orm import User
from panah.security.policy import Actor
from panah.triage import protocol_data
from panah.triage.protocols import ProtocolId, score

PSYCHOSOCIAL = "psychosocial"


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
    return case


def _panel(session: Session, actor: Actor, case: Case, now: datetime) -> WorkPublic:
    session.flush()
    panel = queries.case_panel(session, actor=actor, case_id=case.id, now=now)
    assert panel is not None  # noqa: S101 - the case was just loaded
    return panel


def _audit(session: Session, actor: Actor, case: Case, what: str, now: datetime) -> None:
    audit(session, actor, AuditAction.update, "case", case.id, now=now, reason=f"work:{what}")


def _move(session: Session, case: Case, to: Status, *, actor: Actor, now: datetime,
          reason: str | None = None, **values: object) -> None:
    """Change the case's status with one conditional UPDATE on its version (refused if
    someone else changed it meanwhile), with its status event, audited."""
    before, expected = case.status, case.version
    changed = session.execute(
        update(Case).where(Case.id == case.id, Case.version == expected)
        .values(status=to.value, version=expected + 1, **values)
        .execution_options(synchronize_session="fetch"))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("Someone else has just changed this case: reload the page and look "
                       "again before deciding.",
                       "کس دیگری همین حالا این پرونده را تغییر داد: صفحه را تازه کنید و دوباره "
                       "بنگرید.", case_id=case.id)
    session.add(CaseStatusEvent(case_id=case.id, from_status=before, to_status=to.value,
                                by_user_id=actor.user_id, at=now, reason=reason or None))
    _audit(session, actor, case, f"status:{before}->{to.value}", now)


def _status(case: Case) -> Status:
    return Status(case.status)


# ---- types, risk, GBV ------------------------------------------------------------------


def update_work(session: Session, *, actor: Actor, case_id: int, data: WorkUpdate,
                now: datetime) -> WorkPublic:
    """Change the case's types (the category stays first), risk or GBV type."""
    case = _case(session, case_id)
    sent = data.model_fields_set
    types = (case_types(CaseCategory(case.category), data.types)
             if data.types is not None else case.types.split(","))
    gbv = data.gbv_type if "gbv_type" in sent else case.gbv_type
    checked = model.check_gbv(types, gbv)
    case.types = ",".join(types)
    case.gbv_type = checked.value if checked else None
    if "risk" in sent and data.risk is not None:
        case.risk = data.risk.value
    _audit(session, actor, case, "details", now)
    return _panel(session, actor, case, now)


# ---- the team --------------------------------------------------------------------------


def _staff_member(session: Session, case: Case, user_id: int) -> User:
    user = session.get(User, user_id)
    if (user is None or user.province_code != case.province_code or user.disabled_at
            or not user.is_active or user.role not in {d.value for d in Discipline}):
        raise InvalidInput(
            f"User {user_id} is not a case worker of {case.province_code}: a case team is "
            "made of that province's social workers, psychologists, psychiatrists, legal "
            "advisers, counsellors, crews and shelter staff.",
            f"کاربر {user_id} از کارکنان پرونده در {case.province_code} نیست: تیم پرونده از "
            "مددکاران، روان‌شناسان، روان‌پزشکان، مشاوران حقوقی، کارشناسان، تیم‌های سیار و "
            "کارکنان خانهٔ امن همان استان است.", field="user_id")
    return user


def add_member(session: Session, *, actor: Actor, case_id: int, data: TeamMemberCreate,
               now: datetime) -> WorkPublic:
    """Put a worker of the case's province on its team with their discipline (their role
    unless told), and make them the lead if asked."""
    case = _case(session, case_id)
    user = _staff_member(session, case, data.user_id)
    discipline = data.discipline or user.role
    if discipline not in {d.value for d in Discipline}:
        raise InvalidInput(f"Unknown discipline {discipline!r}: choose from the list.",
                           f"رشتهٔ «{discipline}» شناخته نیست: از فهرست برگزینید.",
                           field="discipline")
    if any(m.user_id == user.id for m in case.team):
        raise InvalidInput(f"{user.full_name} is already on this case's team.",
                           f"{user.full_name} هم‌اکنون در تیم این پرونده است.", field="user_id")
    case.team.append(CaseTeamMember(user_id=user.id, added_at=now, added_by=actor.user_id,
                                    discipline=discipline))
    _audit(session, actor, case, f"team+{user.id}:{discipline}", now)
    if data.lead:
        _set_lead(session, actor, case, user.id, now)
    return _panel(session, actor, case, now)


def remove_member(session: Session, *, actor: Actor, case_id: int, user_id: int,
                  now: datetime) -> WorkPublic:
    """Take a member off the team; never the lead (name another lead first)."""
    case = _case(session, case_id)
    member = next((m for m in case.team if m.user_id == user_id), None)
    if member is None:
        raise NotFound(f"User {user_id} is not on this case's team.",
                       f"کاربر {user_id} در تیم این پرونده نیست.")
    if case.lead_user_id == user_id:
        raise InvalidInput("The lead worker cannot leave the team: name another lead first.",
                           "مسئول پرونده از تیم کنار نمی‌رود: نخست مسئول دیگری تعیین کنید.",
                           field="user_id")
    if len(case.team) == 1:
        raise InvalidInput("A case keeps at least one team member: add another first.",
                           "پرونده دست‌کم یک عضو تیم دارد: نخست عضو دیگری بیفزایید.",
                           field="user_id")
    case.team.remove(member)
    _audit(session, actor, case, f"team-{user_id}", now)
    return _panel(session, actor, case, now)


def set_lead(session: Session, *, actor: Actor, case_id: int, user_id: int,
             now: datetime) -> WorkPublic:
    """Make a worker of the case's province its lead (they join the team if not on it)."""
    case = _case(session, case_id)
    user = _staff_member(session, case, user_id)
    if not any(m.user_id == user.id for m in case.team):
        case.team.append(CaseTeamMember(user_id=user.id, added_at=now, added_by=actor.user_id,
                                        discipline=user.role))
    _set_lead(session, actor, case, user.id, now)
    return _panel(session, actor, case, now)


def _set_lead(session: Session, actor: Actor, case: Case, user_id: int, now: datetime) -> None:
    case.lead_user_id = user_id
    case.assigned_at = now
    _audit(session, actor, case, f"lead:{user_id}", now)


# ---- assessments -----------------------------------------------------------------------


def record_assessment(session: Session, *, actor: Actor, case_id: int, data: AssessmentCreate,
                      now: datetime) -> WorkPublic:
    """A triage protocol scored inside the case (its level raises the case's risk, never
    lowers it), or the psychosocial form; the first one moves an open case to assessment."""
    case = _case(session, case_id)
    if _status(case) not in model.ACTIVE:
        raise Conflict("The case is closing or closed: no new assessments.",
                       "پرونده در حال بسته شدن یا بسته است: ارزیابی تازه ثبت نمی‌شود.")
    row = _assessment_row(data)
    row.case_id, row.by_user_id, row.at = case.id, actor.user_id, now
    session.add(row)
    if row.level and (case.risk is None
                      or RiskLevel(row.level).rank < RiskLevel(case.risk).rank):
        case.risk = row.level
    _audit(session, actor, case, f"assessment:{data.kind}", now)
    if case.status == Status.open:
        _move(session, case, Status.assessment, actor=actor, now=now)
    return _panel(session, actor, case, now)


def _assessment_row(data: AssessmentCreate) -> CaseAssessment:
    if data.kind == PSYCHOSOCIAL:
        if data.form is None:
            raise InvalidInput("Fill in the psychosocial assessment form.",
                               "فرم ارزیابی روانی-اجتماعی را پر کنید.", field="form")
        answers = data.form.model_dump()
        concern = model.psychosocial_concern(
            {k: int(answers[k]) for k in model.PSYCHOSOCIAL_RATINGS})
        return CaseAssessment(kind=PSYCHOSOCIAL, answers=json.dumps(answers, ensure_ascii=False),
                              concern=concern)
    if data.kind not in {p.value for p in ProtocolId}:
        known = ", ".join([PSYCHOSOCIAL, *ProtocolId])
        raise InvalidInput(f"Unknown assessment {data.kind!r}: choose one of {known}.",
                           f"ارزیابی «{data.kind}» شناخته نیست: یکی از {known} را برگزینید.",
                           field="kind")
    protocol = protocol_data.get(data.kind)
    result = score(protocol, data.answers,
                   counsellor_believes_high_danger=data.believes_high_danger)
    return CaseAssessment(kind=data.kind, protocol_version=result.version,
                          level=result.level.value,
                          answers=json.dumps(data.answers, ensure_ascii=False))


# ---- the plan --------------------------------------------------------------------------


def _plan(session: Session, case: Case) -> CasePlan | None:
    return session.scalar(select(CasePlan).where(CasePlan.case_id == case.id))


def _plan_state(plan: CasePlan | None) -> PlanState | None:
    return PlanState(plan.state) if plan is not None else None


def add_goal(session: Session, *, actor: Actor, case_id: int, data: GoalCreate,
             now: datetime) -> WorkPublic:
    """A goal of the plan with its due day (typed in Jalali), owned by a discipline or a
    team member; a submitted plan waits for its decision, a decided one becomes a draft."""
    case = _case(session, case_id)
    plan = _plan(session, case)
    state = model.check_goal_added(_plan_state(plan), _status(case))
    try:
        due = read_day(data.due_on)
    except ValueError:
        raise InvalidInput("Write the due date as a day, e.g. 1405/01/20.",
                           "موعد را به شکل یک روز بنویسید، مانند ۱۴۰۵/۰۱/۲۰.",
                           field="due_on") from None
    model.check_due(due, now)
    if data.owner_discipline and data.owner_discipline not in {d.value for d in Discipline}:
        raise InvalidInput(f"Unknown discipline {data.owner_discipline!r}.",
                           f"رشتهٔ «{data.owner_discipline}» شناخته نیست.",
                           field="owner_discipline")
    if data.owner_user_id and not any(m.user_id == data.owner_user_id for m in case.team):
        raise InvalidInput("A goal's owner is a member of the case's team.",
                           "مسئول هدف یکی از اعضای تیم پرونده است.", field="owner_user_id")
    if plan is None:
        plan = CasePlan(case_id=case.id, state=state.value, created_at=now)
        session.add(plan)
    plan.state = state.value
    plan.goals.append(CaseGoal(text=data.text.strip(), due_on=due, created_at=now,
                               created_by=actor.user_id, owner_user_id=data.owner_user_id,
                               owner_discipline=data.owner_discipline or None))
    _audit(session, actor, case, "plan:goal", now)
    return _panel(session, actor, case, now)


def complete_goal(session: Session, *, actor: Actor, case_id: int, goal_id: int,
                  now: datetime) -> WorkPublic:
    case = _case(session, case_id)
    plan = _plan(session, case)
    goal = next((g for g in plan.goals if g.id == goal_id), None) if plan else None
    if goal is None:
        raise NotFound(f"This case's plan has no goal {goal_id}.",
                       f"برنامهٔ این پرونده هدفی با شمارهٔ {goal_id} ندارد.")
    if goal.done_at is None:
        goal.done_at = now
        _audit(session, actor, case, f"plan:goal_done:{goal_id}", now)
    return _panel(session, actor, case, now)


def submit_plan(session: Session, *, actor: Actor, case_id: int, now: datetime) -> WorkPublic:
    """Send the plan for the supervisor's approval; a plan without goals is refused."""
    case = _case(session, case_id)
    plan = _plan(session, case)
    model.check_submit(_plan_state(plan), len(plan.goals) if plan else 0, _status(case))
    assert plan is not None  # noqa: S101 - check_submit refuses a plan with no goals
    plan.state, plan.submitted_at, plan.submitted_by = PlanState.submitted.value, now, actor.user_id
    _audit(session, actor, case, "plan:submitted", now)
    if _status(case) in (Status.open, Status.assessment):
        _move(session, case, Status.plan, actor=actor, now=now)
    return _panel(session, actor, case, now)


def decide_plan(session: Session, *, actor: Actor, case_id: int, approve: bool,
                reason: str = "", now: datetime) -> WorkPublic:
    """A supervisor approves the submitted plan (the case moves on to services) or returns
    it with a reason. Claimed with a conditional UPDATE: a second decision is refused."""
    case = _case(session, case_id)
    plan = _plan(session, case)
    state = model.check_decision(_plan_state(plan), approve=approve, reason=reason)
    assert plan is not None  # noqa: S101 - check_decision refuses no plan
    claimed = session.execute(
        update(CasePlan).where(CasePlan.id == plan.id, CasePlan.state == PlanState.submitted)
        .values(state=state.value, decided_at=now, decided_by=actor.user_id)
        .execution_options(synchronize_session="fetch"))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        model.check_decision(None, approve=approve)  # raises: decided meanwhile
    plan.return_reason = None if approve else reason.strip()
    _audit(session, actor, case, f"plan:{state.value}", now)
    if approve and _status(case) in model.BEFORE_SERVICES:
        _move(session, case, Status.services, actor=actor, now=now, reason="plan approved")
    return _panel(session, actor, case, now)


# ---- services --------------------------------------------------------------------------


def _service(session: Session, case: Case, service_id: int) -> CaseService:
    service = session.get(CaseService, service_id)
    if service is None or service.case_id != case.id:
        raise NotFound(f"This case has no service {service_id}.",
                       f"این پرونده خدمتی با شمارهٔ {service_id} ندارد.")
    return service


def deliver_service(session: Session, *, actor: Actor, case_id: int, data: ServiceCreate,
                    now: datetime) -> WorkPublic:
    """A service given to the client (open until closed); the team was in touch then."""
    case = _case(session, case_id)
    if _status(case) not in model.ACTIVE:
        raise Conflict("The case is closing or closed: send it back to services first.",
                       "پرونده در حال بسته شدن یا بسته است: نخست آن را به مرحلهٔ خدمات "
                       "بازگردانید.", status=case.status)
    if data.kind not in {k.value for k in ServiceKind}:
        raise InvalidInput(f"Unknown service {data.kind!r}: choose from the list.",
                           f"خدمت «{data.kind}» شناخته نیست: از فهرست برگزینید.", field="kind")
    at = as_utc(data.at) if data.at else now
    if at > now:
        raise InvalidInput("A service is recorded once given: its time cannot be in the "
                           "future (book an appointment instead).",
                           "خدمت پس از ارائه ثبت می‌شود: زمان آن نمی‌تواند آینده باشد (برای آینده "
                           "نوبت بگیرید).", field="at")
    discipline = data.discipline or (actor.role.value if actor.role.value in
                                     {d.value for d in Discipline} else None)
    service = CaseService(case_id=case.id, kind=data.kind, at=at, by_user_id=actor.user_id,
                          discipline=discipline, state="open")
    if data.note and data.note.strip():
        service.notes.append(CaseServiceNote(author_id=actor.user_id, at=now,
                                             discipline=actor.role.value,
                                             text=data.note.strip()))
    session.add(service)
    mark_in_touch(case, at)
    _audit(session, actor, case, f"service:{data.kind}", now)
    return _panel(session, actor, case, now)


def add_service_note(session: Session, *, actor: Actor, case_id: int, service_id: int,
                     text: str, now: datetime) -> WorkPublic:
    """A note on a service, filed under the writer's discipline (who reads it:
    ``model.may_read_note``)."""
    case = _case(session, case_id)
    service = _service(session, case, service_id)
    if not text.strip():
        raise InvalidInput("Write the note before saving it.",
                           "پیش از ذخیره، یادداشت را بنویسید.", field="text")
    service.notes.append(CaseServiceNote(author_id=actor.user_id, at=now,
                                         discipline=actor.role.value, text=text.strip()))
    _audit(session, actor, case, f"service_note:{service_id}", now)
    return _panel(session, actor, case, now)


def close_service(session: Session, *, actor: Actor, case_id: int, service_id: int,
                  now: datetime) -> WorkPublic:
    case = _case(session, case_id)
    service = _service(session, case, service_id)
    if service.state != "open":
        raise Conflict("This service is already closed.", "این خدمت پیش‌تر بسته شده است.")
    service.state, service.closed_at, service.closed_by = "closed", now, actor.user_id
    _audit(session, actor, case, f"service_closed:{service_id}", now)
    return _panel(session, actor, case, now)


# ---- status and closure ----------------------------------------------------------------


def _wanted(value: str) -> Status:
    if value not in {s.value for s in Status}:
        raise InvalidInput(f"Unknown status {value!r}.", f"وضعیت «{value}» شناخته نیست.",
                           field="to")
    return Status(value)


def change_status(session: Session, *, actor: Actor, case_id: int, data: StatusChange,
                  now: datetime) -> WorkPublic:
    """The team's next step, or a closure request sent back to services with a reason."""
    case = _case(session, case_id)
    current, target = _status(case), _wanted(data.to)
    if current is Status.closure_requested and target is Status.services:
        model.check_send_back(current, data.reason)
        _move(session, case, target, actor=actor, now=now, reason=data.reason.strip(),
              closure_requested_at=None, closure_requested_by=None)
        return _panel(session, actor, case, now)
    plan = _plan(session, case)
    model.check_step(current, target, plan_approved=_plan_state(plan) is PlanState.approved)
    _move(session, case, target, actor=actor, now=now, reason=data.reason.strip() or None)
    return _panel(session, actor, case, now)


def _closure_facts(session: Session, case: Case, outcome: str | None) -> model.ClosureFacts:
    open_services = session.scalar(select(func.count()).select_from(CaseService).where(
        CaseService.case_id == case.id, CaseService.state == "open")) or 0
    return model.ClosureFacts(status=_status(case), outcome=outcome, open_services=open_services,
                              types=tuple(case.types.split(",")), gbv_type=case.gbv_type)


def request_closure(session: Session, *, actor: Actor, case_id: int, data: ClosureRequest,
                    now: datetime) -> WorkPublic:
    """The team asks to close the case with an outcome; a supervisor decides."""
    case = _case(session, case_id)
    outcome = model.check_closure(_closure_facts(session, case, data.outcome), approving=False)
    _move(session, case, Status.closure_requested, actor=actor, now=now,
          reason=data.reason.strip() or None, outcome=outcome.value, closure_requested_at=now,
          closure_requested_by=actor.user_id)
    return _panel(session, actor, case, now)


def approve_closure(session: Session, *, actor: Actor, case_id: int, data: ClosureApproval,
                    now: datetime) -> WorkPublic:
    """A supervisor closes the case with the requested (or a corrected) outcome."""
    case = _case(session, case_id)
    facts = _closure_facts(session, case, data.outcome or case.outcome)
    outcome = model.check_closure(facts, approving=True)
    _move(session, case, Status.closed, actor=actor, now=now, reason=f"outcome:{outcome.value}",
          outcome=outcome.value, closed_at=now, closed_by=actor.user_id)
    return _panel(session, actor, case, now)
