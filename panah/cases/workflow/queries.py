"""The case file's work: types, risk, team, plan, services, status (issue 16): read side.

Called for a reader the access dependencies have already let in (the case page, its JSON
twin, the timeline); what is narrower than the case itself is decided here: the notes of
a service by discipline (``model.may_read_note``), the staff list and the approval buttons.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

import jdatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.service import case_resource
from panah.cases.thread.items import TimelineItem
from panah.cases.workflow import model
from panah.cases.workflow.model import Discipline, PlanState, ServiceKind, Status
from panah.cases.workflow.orm import (
    CaseAssessment,
    CaseGoal,
    CasePlan,
    CaseService,
    CaseStatusEvent,
)
from panah.cases.workflow.schemas import (
    AssessmentPublic,
    DisciplineGroup,
    GbvPublic,
    GoalPublic,
    MemberPublic,
    NotePublic,
    PersonPublic,
    PlanPublic,
    ProtocolPublic,
    QuestionPublic,
    ServicePublic,
    StatusEventPublic,
    WorkPublic,
)
from panah.core.clock import as_utc
from panah.security.access import users_of
from panah.security.orm import User
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.triage import protocol_data
from panah.triage.protocols import AnswerType
from panah.triage.taxonomy import Category, suggested_protocols

DISCIPLINES = [d.value for d in Discipline]


def jalali(day: date) -> str:
    text: str = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    return text


def _names(session: Session, ids: set[int | None]) -> dict[int, User]:
    return users_of(session, {i for i in ids if i is not None})


def _name(users: dict[int, User], user_id: int | None) -> str | None:
    user = users.get(user_id) if user_id is not None else None
    return user.full_name if user else None


def _groups(members: list[MemberPublic]) -> list[DisciplineGroup]:
    by: dict[str, list[MemberPublic]] = defaultdict(list)
    for member in members:
        by[member.discipline].append(member)
    order = DISCIPLINES + sorted(set(by) - set(DISCIPLINES))
    return [DisciplineGroup(discipline=d, members=by[d]) for d in order if d in by]


def _staff(session: Session, case: Case) -> list[DisciplineGroup]:
    """The case province's workers not yet on its team, by discipline."""
    on_team = {m.user_id for m in case.team}
    users = session.scalars(select(User).where(
        User.province_code == case.province_code, User.role.in_(DISCIPLINES),
        User.is_active.is_(True), User.disabled_at.is_(None)).order_by(User.full_name))
    return _groups([MemberPublic(user_id=u.id, full_name=u.full_name, role=u.role,
                                 discipline=u.role, lead=False)
                    for u in users if u.id not in on_team])


def _protocols(types: list[str]) -> list[ProtocolPublic]:
    """The protocols the case's types suggest, questions and choices, for the page form."""
    known = [Category(t) for t in types if t in {c.value for c in Category}]
    found = []
    for pid in suggested_protocols(known):
        protocol = protocol_data.get(pid.value)
        found.append(ProtocolPublic(
            id=pid.value, title_fa=protocol.title_fa, title_en=protocol.title_en,
            questions=[QuestionPublic(
                id=q.id, text_fa=q.text_fa, text_en=q.text_en,
                choices=[(c.value, c.text_fa, c.text_en) for c in q.choices]
                if q.kind is AnswerType.choice else YES_NO) for q in protocol.questions]))
    return found


YES_NO = [("yes", "بله", "Yes"), ("no", "خیر", "No")]


def _plan(session: Session, case_id: int) -> CasePlan | None:
    return session.scalar(select(CasePlan).where(CasePlan.case_id == case_id))


def _plan_public(plan: CasePlan | None, case: Case, users: dict[int, User],
                 now: datetime) -> PlanPublic | None:
    if plan is None:
        return None
    goals = [GoalPublic(
        id=g.id, text=g.text, due_on=g.due_on.isoformat(), due_jalali=jalali(g.due_on),
        owner_discipline=g.owner_discipline, owner=_name(users, g.owner_user_id),
        done_at=g.done_at, overdue=model.goal_overdue(model.Goal(g.due_on, g.done_at), now))
        for g in plan.goals]
    return PlanPublic(state=plan.state, goals=goals, submitted_at=plan.submitted_at,
                      decided_at=plan.decided_at, decided_by=_name(users, plan.decided_by),
                      return_reason=plan.return_reason,
                      overdue=_overdue(case, plan, now))


def _overdue(case: Case, plan: CasePlan | None, now: datetime) -> bool:
    return model.plan_overdue(
        opened_at=as_utc(case.opened_at), status=Status(case.status),
        plan_state=PlanState(plan.state) if plan else None,
        goals=[model.Goal(g.due_on, g.done_at) for g in plan.goals] if plan else [], now=now)


def _services(session: Session, actor: Actor, case_id: int,
              users: dict[int, User]) -> list[ServicePublic]:
    rows = session.scalars(select(CaseService).where(CaseService.case_id == case_id)
                           .order_by(CaseService.at, CaseService.id)).all()
    found = []
    for s in rows:
        readable = [n for n in s.notes if model.may_read_note(
            actor.role.value, ServiceKind(s.kind), is_author=n.author_id == actor.user_id)]
        found.append(ServicePublic(
            id=s.id, kind=s.kind, at=s.at, by=_name(users, s.by_user_id),
            discipline=s.discipline, state=s.state, closed_at=s.closed_at,
            notes=[NotePublic(id=n.id, at=n.at, author=_name(users, n.author_id),
                              discipline=n.discipline, text=n.text) for n in readable],
            hidden_notes=len(s.notes) - len(readable)))
    return found


def _assessments(session: Session, case_id: int,
                 users: dict[int, User]) -> list[AssessmentPublic]:
    rows = session.scalars(select(CaseAssessment).where(CaseAssessment.case_id == case_id)
                           .order_by(CaseAssessment.at, CaseAssessment.id))
    return [AssessmentPublic(id=a.id, kind=a.kind, at=a.at, by=_name(users, a.by_user_id),
                             level=a.level, concern=a.concern,
                             protocol_version=a.protocol_version, answers=json.loads(a.answers))
            for a in rows]


def _events(session: Session, case_id: int) -> list[CaseStatusEvent]:
    return list(session.scalars(select(CaseStatusEvent).where(
        CaseStatusEvent.case_id == case_id).order_by(CaseStatusEvent.at, CaseStatusEvent.id)))


def _user_ids(case: Case, plan: CasePlan | None, events: list[CaseStatusEvent],
              session: Session) -> set[int | None]:
    ids: set[int | None] = {m.user_id for m in case.team}
    ids |= {case.lead_user_id, case.closure_requested_by}
    ids |= {e.by_user_id for e in events}
    if plan is not None:
        ids |= {plan.decided_by, *(g.owner_user_id for g in plan.goals)}
    ids |= set(session.scalars(select(CaseService.by_user_id).where(
        CaseService.case_id == case.id)))
    ids |= set(session.scalars(select(CaseAssessment.by_user_id).where(
        CaseAssessment.case_id == case.id)))
    return ids


def case_panel(session: Session, *, actor: Actor, case_id: int,
               now: datetime) -> WorkPublic | None:
    """The work panel of the case page (and ``GET /api/cases/{id}/work``)."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    plan, events = _plan(session, case_id), _events(session, case_id)
    users = _names(session, _user_ids(case, plan, events, session))
    for service in session.scalars(select(CaseService).where(CaseService.case_id == case_id)):
        users |= _names(session, {n.author_id for n in service.notes} - set(users))
    types = [t for t in case.types.split(",") if t] or [case.category]
    can_edit = is_allowed(actor, Permission.edit_case)
    lead = users.get(case.lead_user_id) if case.lead_user_id else None
    members = [MemberPublic(user_id=m.user_id, full_name=users[m.user_id].full_name,
                            role=users[m.user_id].role,
                            discipline=m.discipline or users[m.user_id].role,
                            lead=m.user_id == case.lead_user_id)
               for m in case.team if m.user_id in users]
    status = Status(case.status)
    nxt = model.next_step(status)
    return WorkPublic(
        case_id=case.id, status=case.status, next_status=nxt.value if nxt else None,
        risk=case.risk, types=types,
        lead=PersonPublic(user_id=lead.id, full_name=lead.full_name, role=lead.role)
        if lead else None,
        assigned_at=case.assigned_at, team=_groups(members),
        staff=_staff(session, case) if can_edit and status is not Status.closed else [],
        assessments=_assessments(session, case_id, users),
        plan=_plan_public(plan, case, users, now),
        services=_services(session, actor, case_id, users),
        protocols=_protocols(types) if can_edit else [],
        gbv=GbvPublic(applies=model.gbv_applies(types), gbv_type=case.gbv_type,
                      options=[(g.value, *model.GBV_LABELS[g]) for g in model.GbvType]),
        outcome=case.outcome, closure_requested_at=case.closure_requested_at,
        closure_requested_by=_name(users, case.closure_requested_by), closed_at=case.closed_at,
        events=[StatusEventPublic(at=e.at, from_status=e.from_status, to_status=e.to_status,
                                  by=_name(users, e.by_user_id), reason=e.reason)
                for e in events],
        can_edit=can_edit and status is not Status.closed,
        can_approve=is_allowed(actor, Permission.approve_case_work, case_resource(case)),
        version=case.version,
    )


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """Status changes, the plan's submission and decision, services and assessments."""
    case = session.get(Case, case_id)
    if case is None:
        return []
    plan, events = _plan(session, case_id), _events(session, case_id)
    users = _names(session, _user_ids(case, plan, events, session) | (
        {plan.submitted_by} if plan else set()))
    items = [TimelineItem(at=e.at, kind="status", label_key="work.timeline.status",
                          actor=_name(users, e.by_user_id),
                          facts=(("work.status", e.to_status),))
             for e in events]
    if plan is not None and plan.submitted_at is not None:
        items.append(TimelineItem(at=plan.submitted_at, kind="plan",
                                  label_key="work.timeline.plan_submitted",
                                  actor=_name(users, plan.submitted_by)))
    if plan is not None and plan.decided_at is not None:
        items.append(TimelineItem(at=plan.decided_at, kind="plan",
                                  label_key=f"work.timeline.plan_{plan.state}",
                                  actor=_name(users, plan.decided_by)))
    items += [TimelineItem(at=s.at, kind="service", label_key=f"work.service.{s.kind}",
                           actor=_name(users, s.by_user_id),
                           facts=(("work.service_state", s.state),))
              for s in session.scalars(select(CaseService).where(CaseService.case_id == case_id))]
    items += [TimelineItem(at=a.at, kind="assessment", label_key=f"work.assessment.{a.kind}",
                           actor=_name(users, a.by_user_id),
                           facts=(("work.level", a.level),) if a.level else ())
              for a in session.scalars(select(CaseAssessment).where(
                  CaseAssessment.case_id == case_id))]
    return sorted(items, key=lambda i: as_utc(i.at))


def overdue_plans(session: Session, *, case_ids: list[int], now: datetime) -> set[int]:
    """Of ``case_ids``, the cases whose plan is overdue (the flags' "plan overdue" rule asks
    this part: the plan's rules live with the plan; see ``model.plan_overdue``)."""
    if not case_ids:
        return set()
    cases = session.scalars(select(Case).where(Case.id.in_(case_ids))).all()
    plans = {p.case_id: p for p in session.scalars(
        select(CasePlan).where(CasePlan.case_id.in_(case_ids)))}
    return {c.id for c in cases if _overdue(c, plans.get(c.id), now)}


def goals_due(session: Session, *, case_ids: list[int], day_start: datetime,
              day_end: datetime) -> dict[int, int]:
    """Of ``case_ids``, how many open plan goals each has due in [day_start, day_end) (a
    goal is due at the start of its day in Tehran)."""
    if not case_ids:
        return {}
    first, last = model.tehran_day(day_start), model.tehran_day(day_end)
    rows = session.execute(
        select(CasePlan.case_id, CaseGoal.due_on).join(CaseGoal, CaseGoal.plan_id == CasePlan.id)
        .where(CasePlan.case_id.in_(case_ids), CaseGoal.done_at.is_(None),
               CaseGoal.due_on >= first, CaseGoal.due_on <= last))
    counts: dict[int, int] = {}
    for case_id, due_on in rows:
        if as_utc(day_start) <= model.day_start(due_on) < as_utc(day_end):
            counts[case_id] = counts.get(case_id, 0) + 1
    return counts
