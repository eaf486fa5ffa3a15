"""What each role is working on now, as the home pages show it: the queue at a glance, the
callbacks and follow-up calls due, the referrals a supervisor must chase, the incidents and
units of a board, the cases of a worker, a partner's referrals, and the figures of a
province or the nation.

Read only and without side effects: a home is looked at often, so looking at it never
marks a counsellor present (the queue page does) and never reads a partner's referral (the
inbox does, on the audit chain); it counts and names, and links to the page that does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from panah.cases.flags.queries import Escalation, escalations
from panah.cases.model import CaseStatus
from panah.cases.orm import Case
from panah.cases.queries import case_list
from panah.cases.schemas import CaseSummary
from panah.centres.shelters.queries import bed_count
from panah.core.clock import as_utc
from panah.dispatch.model import STATUS_LABELS, IncidentState, UnitStatus
from panah.dispatch.orm import Incident, Unit
from panah.dispatch.schemas import BoardPublic, IncidentPublic
from panah.geo.queries import RegionName
from panah.intake.model import ContactState, RiskLevel
from panah.intake.orm import Contact
from panah.intake.queries import province_names
from panah.intake.queue.model import QueueEntry, language_of, order_queue
from panah.intake.schemas import ContactSummary, summary
from panah.intake.service import waiting_for
from panah.security.policy import Actor
from panah.triage.followups.schemas import FollowUpPublic
from panah.triage.followups.service import list_follow_ups
from panah.triage.orm import Referral
from panah.triage.referrals.inbox import AgencyName, Handover, handovers_of
from panah.triage.referrals.model import AWAITING_DECISION
from panah.triage.referrals.queries import agencies_of, list_referrals, referrals_for_agency

DAY = timedelta(hours=24)
SHOWN = 5  # the first few of a list; its page has them all
CASES_SHOWN = 8
AVAILABLE = frozenset({UnitStatus.available_at_post.value, UnitStatus.available_on_move.value})
OPEN_INCIDENTS = (IncidentState.open.value, IncidentState.assigned.value)
AWAITING = [s.value for s in AWAITING_DECISION]


def _utc(now: datetime) -> datetime:
    return now.astimezone(UTC)  # stored times are UTC (SQLite keeps no zone)


# ---- the 123 line -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QueueGlance:
    """How many contacts wait in the actor's queues, and the first few in the order to
    answer them (the queue page holds them all, and who is present)."""

    waiting: int
    first: list[ContactSummary]
    provinces: dict[str, RegionName]


def queue_glance(session: Session, actor: Actor, now: datetime) -> QueueGlance:
    contacts = {str(c.id): c for c in waiting_for(session, actor)}
    entries = [QueueEntry(id=key, risk=RiskLevel(c.risk),
                          enqueued_at=as_utc(c.queued_at or c.offered_at),
                          language=language_of(c.language), wants_woman_counsellor=c.wants_woman)
               for key, c in contacts.items()]
    ordered = order_queue(entries, now=now)
    return QueueGlance(len(ordered), [summary(contacts[e.id], now) for e in ordered[:SHOWN]],
                       province_names(session))


def follow_ups_due(session: Session, actor: Actor, now: datetime) -> list[FollowUpPublic]:
    """Follow-up calls owed in the actor's province (and of contacts placed in none) that
    are due within a day, the overdue first."""
    rows = list_follow_ups(session, province_code=actor.province_code,
                           due_before=_utc(now) + DAY, with_unplaced=True)
    return [FollowUpPublic.of(row, now=now) for row in rows]


@dataclass(frozen=True, slots=True)
class ReferralAlarm:
    """A referral the partner has not decided by its deadline: the supervisor chases it."""

    id: int
    contact_id: int
    agency: AgencyName
    urgency: RiskLevel
    state: str
    ack_due_at: datetime
    escalated: bool


def referral_alarms(session: Session, actor: Actor, now: datetime) -> list[ReferralAlarm]:
    """The province's referrals still waiting for the partner's decision past their
    deadline, escalated first."""
    records = list_referrals(session, province_code=actor.province_code,
                             states=AWAITING_DECISION, now=now)
    return [ReferralAlarm(
        id=rec.referral.id, contact_id=rec.referral.contact_id,
        agency=AgencyName(rec.agency.code, rec.agency.name_fa, rec.agency.name_en,
                          rec.agency.province_code, rec.agency.county_key is None),
        urgency=RiskLevel(rec.referral.urgency), state=rec.referral.state,
        ack_due_at=as_utc(rec.referral.ack_due_at),
        escalated=rec.referral.escalated_at is not None)
        for rec in records if rec.overdue(now) or rec.referral.escalated_at is not None]


# ---- dispatch ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StatusCount:
    status: str
    label_fa: str
    label_en: str
    count: int


@dataclass(frozen=True, slots=True)
class BoardGlance:
    """A board's open incidents (the most urgent first), the mobile-team requests still
    waiting for a unit, and how many units stand in each status."""

    incidents: list[IncidentPublic]
    requests: int
    units_by_status: list[StatusCount]


def board_glance(board: BoardPublic) -> BoardGlance:
    counts = Counter(u.status for u in board.units)
    statuses = [StatusCount(s.value, STATUS_LABELS[s][1], STATUS_LABELS[s][0], counts[s.value])
                for s in UnitStatus if counts.get(s.value)]
    return BoardGlance(list(board.incidents), len(board.requests), statuses)


# ---- case work -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CaseGlance:
    """The open cases the actor may open (newest first), and how many there are."""

    open: int
    first: list[CaseSummary]


def case_glance(session: Session, actor: Actor) -> CaseGlance:
    mine = [c for c in case_list(session, actor=actor) if c.status != CaseStatus.closed]
    return CaseGlance(len(mine), mine[:CASES_SHOWN])


def case_escalations(session: Session, actor: Actor) -> list[Escalation]:
    """Case flags escalated to the supervisors of the actor's province and still standing
    (issue 16: unassigned, no contact, plan overdue), oldest first."""
    return escalations(session, actor=actor, limit=CASES_SHOWN)


# ---- a partner agency ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PartnerGlance:
    """A partner's agencies, how many referrals are open, wait for its decision, and are
    past their deadline, the next deadline, and its latest hand-overs to 123."""

    agencies: list[AgencyName]
    open: int
    awaiting: int
    overdue: int
    next_due_at: datetime | None
    handovers: list[Handover]
    provinces: dict[str, RegionName]


def partner_glance(session: Session, actor: Actor, now: datetime) -> PartnerGlance:
    agencies = agencies_of(session, actor)
    records = referrals_for_agency(session, agency_ids=[a.id for a in agencies])
    awaiting = [r for r in records if r.referral.state in AWAITING]
    return PartnerGlance(
        agencies=[AgencyName(a.code, a.name_fa, a.name_en, a.province_code,
                             a.county_key is None) for a in agencies],
        open=len(records), awaiting=len(awaiting),
        overdue=sum(r.overdue(now) for r in awaiting),
        next_due_at=min((as_utc(r.referral.ack_due_at) for r in awaiting), default=None),
        handovers=handovers_of(session, agencies=agencies, limit=SHOWN),
        provinces=province_names(session))


# ---- a province's or the nation's figures ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class Activity:
    """The figures that exist for a province (``province_code``) or the nation (``None``),
    now and over the last 24 hours. Shelter beds are the shelters' real beds in use
    (from the shelter tables, not the centres' declared figure)."""

    province_code: str | None
    waiting_now: int
    contacts_24h: int
    answered_24h: int
    lost_24h: int
    open_incidents: int
    units_available: int
    units_busy: int
    units_out: int
    referrals_awaiting: int
    referrals_overdue: int
    open_cases: int
    shelter_beds: int


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def _in(column: InstrumentedAttribute[Any],
        province_code: str | None) -> tuple[ColumnElement[bool], ...]:
    return () if province_code is None else (column == province_code,)


def activity(session: Session, province_code: str | None, now: datetime) -> Activity:
    now = _utc(now)
    since = now - DAY
    p = province_code
    contacts = select(func.count()).select_from(Contact).where(*_in(Contact.province_code, p))
    units = Counter(session.scalars(select(Unit.status).where(
        Unit.retired_at.is_(None), *_in(Unit.province_code, p))))
    available = sum(n for s, n in units.items() if s in AVAILABLE)
    out = units.get(UnitStatus.out_of_service.value, 0)
    referrals = (select(func.count()).select_from(Referral)
                 .join(Contact, Contact.id == Referral.contact_id)
                 .where(Referral.state.in_(AWAITING), *_in(Contact.province_code, p)))
    return Activity(
        province_code=p,
        waiting_now=_count(session, contacts.where(Contact.state == ContactState.queued.value)),
        contacts_24h=_count(session, contacts.where(Contact.offered_at >= since)),
        answered_24h=_count(session, contacts.where(Contact.answered_at >= since)),
        lost_24h=_count(session, contacts.where(Contact.abandoned_at >= since)),
        open_incidents=_count(session, select(func.count()).select_from(Incident).where(
            Incident.state.in_(OPEN_INCIDENTS), *_in(Incident.province_code, p))),
        units_available=available, units_busy=sum(units.values()) - available - out,
        units_out=out,
        referrals_awaiting=_count(session, referrals),
        referrals_overdue=_count(session, referrals.where(Referral.ack_due_at <= now)),
        open_cases=_count(session, select(func.count()).select_from(Case).where(
            Case.status != CaseStatus.closed.value, *_in(Case.province_code, p))),
        shelter_beds=bed_count(session, p))
