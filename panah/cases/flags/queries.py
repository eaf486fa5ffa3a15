"""Flags and the worker's and supervisor's lists (issue 16): read side.

The flags a list shows are the rules' answer at ``now`` (so a new one shows at once), with
what the timer recorded of them (when raised, whether escalated). A page and its JSON twin
call the same function here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session, selectinload

from panah.cases.flags.model import CaseFacts, FlagCode, flags, iran_day, upcoming
from panah.cases.flags.orm import CaseFlag
from panah.cases.flags.schemas import (
    CaseFlagsPublic,
    CaseRow,
    DueItem,
    FlaggedItem,
    FlagPublic,
    ListScope,
    ProvinceOption,
    SupervisionList,
    UpcomingFlag,
    WorkerList,
    WorkerOption,
)
from panah.cases.flags.service import open_case_facts
from panah.cases.model import CaseCategory
from panah.cases.orm import Case, CaseTeamMember
from panah.cases.service import case_resource
from panah.cases.thread.items import TimelineItem
from panah.cases.workflow.queries import goals_due
from panah.centres.appointments.queries import due_today
from panah.core.clock import as_utc
from panah.geo.orm import Province
from panah.security.access import users_of, with_grants
from panah.security.orm import User
from panah.security.policy import Actor, is_allowed, scope_of
from panah.security.roles import Permission, Role, Scope

CASE_ROLES = tuple(r.value for r in (Role.social_worker, Role.psychologist, Role.psychiatrist,
                                     Role.legal_adviser, Role.counsellor, Role.shelter_manager,
                                     Role.community_worker, Role.field_crew))


def _minutes(later: datetime, earlier: datetime) -> int:
    return max(0, int((later - earlier).total_seconds() // 60))


# ---- flags of cases ------------------------------------------------------------------


def _standing(session: Session, case_ids: Iterable[int]) -> dict[tuple[int, str], CaseFlag]:
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.scalars(select(CaseFlag).where(
        CaseFlag.case_id.in_(ids), CaseFlag.cleared_at.is_(None)))
    return {(r.case_id, r.flag): r for r in rows}


def flags_of(session: Session, *, facts: dict[int, CaseFacts],
             now: datetime) -> dict[int, tuple[list[FlagPublic], list[UpcomingFlag]]]:
    """Each case's flags standing now (with what the timer recorded) and those to come."""
    standing = _standing(session, facts)
    found = {}
    for case_id, fact in facts.items():
        raised = []
        for flag in flags(fact, now):
            row = standing.get((case_id, flag.code.value))
            # Since the rule's time ran out (a plan: since the timer first saw it late).
            since = min(flag.due_at, as_utc(row.raised_at)) if row is not None else flag.due_at
            escalated = as_utc(row.escalated_at) if row and row.escalated_at else None
            raised.append(FlagPublic(code=flag.code, since=since,
                                     age_minutes=_minutes(now, since), escalated_at=escalated))
        coming = [UpcomingFlag(code=f.code, due_at=f.due_at,
                               in_minutes=_minutes(f.due_at, now) or 1)
                  for f in upcoming(fact, now)]
        found[case_id] = (raised, coming)
    return found


def case_flags(session: Session, *, case_id: int, now: datetime) -> CaseFlagsPublic:
    """One case's flags now and to come (none for a closed case)."""
    facts = open_case_facts(session, now=now, case_ids=[case_id])
    raised, coming = flags_of(session, facts=facts, now=now).get(case_id, ([], []))
    return CaseFlagsPublic(case_id=case_id, flags=raised, upcoming=coming)


def case_panel(session: Session, *, actor: Actor, case_id: int,
               now: datetime) -> CaseFlagsPublic | None:
    """The case page's warning strip: None when no flag stands."""
    found = case_flags(session, case_id=case_id, now=now)
    return found if found.flags else None


TIMELINE = (("raised", "raised_at"), ("escalated", "escalated_at"), ("cleared", "cleared_at"))


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """Each flag raised, escalated to the supervisors, and cleared, as the timer did it."""
    items = []
    for row in session.scalars(select(CaseFlag).where(CaseFlag.case_id == case_id)):
        for event, column in TIMELINE:
            at = getattr(row, column)
            if at is not None:
                items.append(TimelineItem(at=as_utc(at), kind="flag",
                                          label_key=f"flags.timeline.{event}.{row.flag}"))
    return sorted(items, key=lambda i: i.at)


# ---- rows of the lists -----------------------------------------------------------------


def _rows(session: Session, actor: Actor, cases: list[Case], now: datetime) -> list[CaseRow]:
    """The lists' rows: client names only of cases ``actor`` may open (need-to-know and
    restricted grants, as ``visible_cases``)."""
    seer = with_grants(session, actor)
    leads = users_of(session, {c.lead_user_id for c in cases if c.lead_user_id})
    facts = open_case_facts(session, now=now, case_ids=[c.id for c in cases])
    flagged = flags_of(session, facts=facts, now=now)
    rows = []
    for c in cases:
        seen = is_allowed(seer, Permission.view_case, case_resource(c))
        lead = leads.get(c.lead_user_id) if c.lead_user_id else None
        raised, coming = flagged.get(c.id, ([], []))
        rows.append(CaseRow(
            id=c.id, reference=c.reference, category=CaseCategory(c.category),
            restricted=c.restricted_category is not None, status=c.status, risk=c.risk,
            client_name=c.client.name if seen else None, lead_user_id=c.lead_user_id,
            lead=lead.full_name if lead else None, centre_id=c.centre_id,
            opened_at=as_utc(c.opened_at),
            last_contact_at=as_utc(c.last_contact_at) if c.last_contact_at else None,
            flags=raised, upcoming=coming))
    return rows


def _open_cases(session: Session, *conditions: object) -> list[Case]:
    query = (select(Case).where(Case.status != "closed", *conditions)  # type: ignore[arg-type]
             .options(selectinload(Case.team), selectinload(Case.client))
             .order_by(Case.id.desc()))
    return list(session.scalars(query))


def _on_team(user_id: int) -> object:
    return or_(Case.lead_user_id == user_id, Case.id.in_(
        select(CaseTeamMember.case_id).where(CaseTeamMember.user_id == user_id)))


# ---- the worker's list -----------------------------------------------------------------


def worker_list(session: Session, *, actor: Actor, now: datetime) -> WorkerList:
    """My open cases (lead or on the team) that I may open (a restricted category needs its
    grant, as ``visible_cases``), what is due on them today (Iran day), and their flags,
    oldest first."""
    rows = [r for r in _rows(session, actor, _open_cases(session, _on_team(actor.user_id)), now)
            if r.client_name is not None]
    day, start, end = iran_day(now)
    ids = [r.id for r in rows]
    visits = due_today(session, case_ids=ids, day_start=start, day_end=end) if ids else {}
    goals = goals_due(session, case_ids=ids, day_start=start, day_end=end) if ids else {}
    due = [DueItem(case_id=r.id, reference=r.reference, client_name=r.client_name,
                   appointments=visits.get(r.id, 0), goals=goals.get(r.id, 0))
           for r in rows if visits.get(r.id) or goals.get(r.id)]
    raised = sorted((FlaggedItem(case_id=r.id, reference=r.reference,
                                 client_name=r.client_name, flag=f)
                     for r in rows for f in r.flags), key=lambda i: i.flag.since)
    return WorkerList(day=day, mine=rows, due_today=due, flags=raised)


# ---- the supervisor's list -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SupervisionFilter:
    scope: ListScope = "province"
    flag: FlagCode | None = None
    worker: int | None = None
    province: str | None = None  # the national office's pick


def supervision_list(session: Session, *, actor: Actor, now: datetime,
                     wanted: SupervisionFilter) -> SupervisionList:
    """The open cases of the actor's centre or province (the national office: the province
    it picks), with their flags, filtered by flag and by worker (lead or team member)."""
    national = scope_of(actor) is Scope.nation
    province = wanted.province if national else actor.province_code
    centre = actor.centre_id if wanted.scope == "centre" else None
    conditions: list[object] = [Case.province_code == province]
    if wanted.scope == "centre":
        conditions.append(Case.centre_id == centre if centre is not None else false())
    rows = _rows(session, actor, _open_cases(session, *conditions), now) if province else []
    counts = {code.value: sum(1 for r in rows if any(f.code is code for f in r.flags))
              for code in FlagCode}
    escalated = sum(1 for r in rows if any(f.escalated_at for f in r.flags))
    if wanted.flag is not None:
        rows = [r for r in rows if any(f.code is wanted.flag for f in r.flags)]
    if wanted.worker is not None:
        members = _cases_of_worker(session, wanted.worker)
        rows = [r for r in rows if r.lead_user_id == wanted.worker or r.id in members]
    return SupervisionList(
        scope=wanted.scope, province_code=province, centre_id=centre, flag=wanted.flag,
        worker=wanted.worker, rows=rows, counts=counts, escalated=escalated,
        workers=_workers(session, province),
        provinces=_provinces(session) if national else [])


def _cases_of_worker(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(CaseTeamMember.case_id).where(
        CaseTeamMember.user_id == user_id)))


def _workers(session: Session, province: str | None) -> list[WorkerOption]:
    if province is None:
        return []
    users = session.scalars(select(User).where(
        User.province_code == province, User.role.in_(CASE_ROLES), User.disabled_at.is_(None))
        .order_by(User.full_name))
    return [WorkerOption(user_id=u.id, full_name=u.full_name, role=u.role) for u in users]


def _provinces(session: Session) -> list[ProvinceOption]:
    return [ProvinceOption(code=p.code, name_fa=p.name_fa, name_en=p.name_en)
            for p in session.scalars(select(Province).order_by(Province.code))]


# ---- the supervisor's home -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Escalation:
    case_id: int
    reference: str
    code: FlagCode
    raised_at: datetime
    escalated_at: datetime


def escalations(session: Session, *, actor: Actor, limit: int = 8) -> list[Escalation]:
    """Flags escalated and still standing in the actor's province, oldest first (no client
    names: the home glances, the list tells)."""
    rows = session.execute(
        select(CaseFlag, Case.province_code).join(Case, Case.id == CaseFlag.case_id)
        .where(CaseFlag.cleared_at.is_(None), CaseFlag.escalated_at.is_not(None),
               Case.province_code == actor.province_code, Case.status != "closed")
        .order_by(CaseFlag.raised_at, CaseFlag.id).limit(limit)).all()
    return [Escalation(case_id=f.case_id, reference=f"{province}-{f.case_id:06d}",
                       code=FlagCode(f.flag), raised_at=as_utc(f.raised_at),
                       escalated_at=as_utc(f.escalated_at or f.raised_at))
            for f, province in rows]
