"""Read models of the 123 line's screens that need triage's or case files' facts: the queue
page (with a supervisor's referrals and mobile-team requests), one contact with what to know
of its number (earlier contacts, case files, repeat-caller flags), and the callbacks page
(with the follow-up calls owed). Intake cannot read these itself: it sits below triage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.model import CaseStatus
from panah.cases.orm import Case
from panah.cases.service import cases_of_phone_hash
from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.core.errors import NotFound
from panah.geo.orm import County
from panah.geo.queries import RegionName
from panah.intake.model import ContactState, RiskLevel
from panah.intake.orm import Contact
from panah.intake.queries import callbacks_due, counsellor_queue, province_names
from panah.intake.queue.loads import QueueLoad, queue_loads
from panah.intake.routing.context import RoutingContext
from panah.intake.schemas import (
    CallbackPublic,
    CaseHintPublic,
    ContactPublic,
    ContactSummary,
    EarlierContactPublic,
    LocationPublic,
    TrailStepPublic,
    summary,
)
from panah.intake.service import earlier_contacts
from panah.security.policy import Actor
from panah.security.roles import Role
from panah.triage import history
from panah.triage.followups.schemas import FollowUpPublic
from panah.triage.followups.service import list_follow_ups
from panah.triage.orm import ContactOutcome, DispatchRequest
from panah.triage.referrals.queries import ReferralRecord, list_referrals

SUPERVISED = 20  # referrals and mobile-team requests on the supervisor's queue page
FOLLOW_UPS_SHOWN = 50


# --- the queue page -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TeamRequest:
    """A mobile team asked for by triage, as the supervisor's list shows it."""

    id: int
    contact_id: int
    priority: str
    state: str
    requested_at: datetime
    cautions: str  # comma-separated: weapon, children_present …


@dataclass(frozen=True, slots=True)
class Supervision:
    """What only a supervisor sees on the queue page: every queue of the province and of
    its overflow, the province's referrals (escalated and overdue first) and its latest
    mobile-team requests."""

    loads: list[QueueLoad]
    referrals: list[ReferralRecord]
    dispatch_requests: list[TeamRequest]


@dataclass(frozen=True, slots=True)
class QueuePage:
    """The counsellor's queue page (and its live part, polled every few seconds)."""

    contacts: list[ContactSummary]
    provinces: dict[str, RegionName]
    province: RegionName | None  # the actor's
    supervision: Supervision | None  # a supervisor's only


def queue_page(session: Session, *, actor: Actor, context: RoutingContext,
               now: datetime) -> QueuePage:
    """The queue as the counsellor sees it (looking at it marks them present, see
    :func:`~panah.intake.queries.counsellor_queue`), with the names of the provinces it
    mentions; for a supervisor, the province's queues, referrals and mobile-team requests."""
    contacts = counsellor_queue(session, actor=actor, now=now)
    provinces = province_names(session)
    supervision = None
    if actor.role is Role.supervisor:
        line = context.lines.get(actor.province_code or "")
        supervision = Supervision(
            loads=queue_loads(contacts, line),
            referrals=list_referrals(session, province_code=actor.province_code, now=now,
                                     limit=SUPERVISED),
            dispatch_requests=team_requests(session, province_code=actor.province_code))
    return QueuePage(contacts, provinces, provinces.get(actor.province_code or ""),
                     supervision)


def team_requests(session: Session, *, province_code: str | None,
                  limit: int = SUPERVISED) -> list[TeamRequest]:
    """A province's latest mobile-team requests, newest first."""
    rows = session.scalars(select(DispatchRequest)
                           .where(DispatchRequest.province_code == province_code)
                           .order_by(DispatchRequest.id.desc()).limit(limit))
    return [TeamRequest(r.id, r.contact_id, r.priority, r.state, as_utc(r.requested_at),
                        r.cautions) for r in rows]


# --- one contact ----------------------------------------------------------------------------

def contact_public(session: Session, *, actor: Actor, contact_id: int,
                   now: datetime) -> ContactPublic:
    """One contact: caller, locations with their accuracy, the routing trail, and what to
    know of the number: its earlier contacts, its case files (the category only of those
    the actor may open) and flags raised from both. Looked up by the number's keyed hash;
    the look-up of case files is audited."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("The contact is gone.", "تماس دیگر نیست.")
    count, earlier = earlier_contacts(session, contact) if contact.caller_hash else (0, [])
    cases = (cases_of_phone_hash(session, actor=actor, hashed=contact.caller_hash, now=now)
             if contact.caller_hash else [])
    raised = repeat_caller_flags(session, earlier, cases, now)
    return ContactPublic(
        **summary(contact, now).model_dump(), caller=contact.caller,
        county_key=contact.county_key, centre_code=contact.centre_code,
        locations=[LocationPublic(source=loc.source, lat=loc.lat, lon=loc.lon,
                                  radius_m=loc.radius_m, province_code=loc.province_code)
                   for loc in contact.locations],
        trail=[TrailStepPublic(seq=s.seq, step=s.step, outcome=s.outcome,
                               detail_en=s.detail_en, detail_fa=s.detail_fa)
               for s in contact.trail],
        earlier_contacts=count,
        earlier=[EarlierContactPublic(
            id=c.id, channel=c.channel, offered_at=as_utc(c.offered_at),
            risk=RiskLevel(c.risk), state=c.state, lost=c.abandoned_at is not None)
            for c in earlier],
        cases=[CaseHintPublic(
            id=c.id, status=c.status, opened_at=as_utc(c.opened_at),
            category=c.category if may_open else None,
            restricted=c.restricted_category is not None, may_open=may_open)
            for c, may_open in cases],
        flags=[f.value for f in raised])


def repeat_caller_flags(session: Session, earlier: list[Contact],
                        cases: list[tuple[Case, bool]], now: datetime) -> list[history.Flag]:
    """What to raise about a number from its earlier contacts and its case files."""
    nuisance = nuisance_contacts(session, [c.id for c in earlier])
    return history.flags(
        [history.Earlier(c.id, as_utc(c.offered_at), RiskLevel(c.risk),
                         ContactState(c.state), c.abandoned_at is not None, c.id in nuisance)
         for c in earlier],
        [history.CaseFact(c.id, c.status != CaseStatus.closed, c.restricted_category is not None)
         for c, _ in cases], now)


def nuisance_contacts(session: Session, contact_ids: list[int]) -> set[int]:
    """Of these contacts, those closed with the outcome "nuisance"."""
    if not contact_ids:
        return set()
    return set(session.scalars(select(ContactOutcome.contact_id).where(
        ContactOutcome.contact_id.in_(contact_ids), ContactOutcome.outcome == "nuisance")))


@dataclass(frozen=True, slots=True)
class CentreName:
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class ContactPage:
    """The contact screen: the contact as the API gives it, and the names of where it
    was routed (its province, county and centre, and every province, to name queues)."""

    contact: ContactPublic
    provinces: dict[str, RegionName]
    contact_province: RegionName | None
    county: RegionName | None
    centre: CentreName | None


def contact_page(session: Session, *, actor: Actor, contact_id: int,
                 now: datetime) -> ContactPage:
    """What the counsellor's screen for one contact shows (see :func:`contact_public`)."""
    contact = contact_public(session, actor=actor, contact_id=contact_id, now=now)
    provinces = province_names(session)
    county = (session.scalar(select(County).where(County.key == contact.county_key))
              if contact.county_key else None)
    centre = (session.scalar(select(Centre).where(Centre.code == contact.centre_code))
              if contact.centre_code else None)
    return ContactPage(
        contact, provinces, provinces.get(contact.province_code or ""),
        RegionName(county.key, county.name_fa, county.name_en)
        if county is not None else None,
        CentreName(centre.code, centre.name_fa, centre.name_en) if centre is not None else None)


# --- callbacks and follow-ups ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CallbacksPage:
    """The counsellor's work list: callers lost before anyone answered, to call back, and
    the follow-up calls owed in their province (and of contacts never placed in one)."""

    tasks: list[CallbackPublic]
    follow_ups: list[FollowUpPublic]
    provinces: dict[str, RegionName]


def callbacks_page(session: Session, *, actor: Actor, now: datetime) -> CallbacksPage:
    """What the callbacks page (and the list its forms answer with) shows."""
    follow_ups = list_follow_ups(session, province_code=actor.province_code, due_before=None,
                                 with_unplaced=True, limit=FOLLOW_UPS_SHOWN)
    return CallbacksPage(callbacks_due(session, actor=actor, now=now),
                         [FollowUpPublic.of(row, now=now) for row in follow_ups],
                         province_names(session))
