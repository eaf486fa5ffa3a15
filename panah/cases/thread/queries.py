"""One thread from call to case: the timeline, visits awaiting a case, a contact's or an
incident's case (the read side).

The timeline merges this part's items (where the case began, its linked contacts with
their triage screens and referrals, its linked incidents with the crews' statuses and the
visit reports, its notes) with every other part's ``timeline_items``. It is shown only to
those who pass the case's own access (the team, the province's supervisors, break-glass),
so the visit report's text and the triage answers are theirs to read; a contact's
transcript is never in it (the contact's own page, behind its own access, is linked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.clients import queries as clients
from panah.cases.flags import queries as flags
from panah.cases.orm import Case, CaseNote
from panah.cases.service import case_resource, cases_of_phone_hash
from panah.cases.thread import model
from panah.cases.thread.items import TimelineItem
from panah.cases.thread.model import LinkKind, TimelineDay
from panah.cases.thread.orm import CaseLink
from panah.cases.thread.schemas import (
    TimelineDayPublic,
    TimelineItemPublic,
    TimelinePublic,
    VisitAwaitingPublic,
)
from panah.cases.transfers import queries as transfers
from panah.cases.workflow import queries as workflow
from panah.centres.appointments import queries as appointments
from panah.centres.beds import queries as beds
from panah.centres.community import queries as community
from panah.centres.stays import queries as stays
from panah.core.clock import as_utc
from panah.dispatch import timeline as incident_timeline
from panah.dispatch.orm import Incident, IncidentReport, Unit
from panah.intake.orm import Contact
from panah.security.access import audit, users_of, with_grants
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide, is_allowed
from panah.security.roles import ROLE_SCOPE, Permission, Scope
from panah.triage.orm import Agency, Referral, Screen
from panah.triage.schemas import stored_score

Items = Callable[..., list[TimelineItem]]


@dataclass(frozen=True, slots=True)
class TimelinePanel:
    case_id: int
    days: list[TimelineDay]


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime) -> TimelinePanel:
    """The case page's timeline: every part's items, newest first, by Iran's day."""
    items = timeline(session, actor=actor, case_id=case_id, now=now)
    return TimelinePanel(case_id=case_id, days=model.by_day(items, model.tehran()))


def timeline_public(session: Session, *, actor: Actor, case_id: int,
                    now: datetime) -> TimelinePublic:
    """The same timeline for the API."""
    panel = case_panel(session, actor=actor, case_id=case_id, now=now)
    return TimelinePublic(case_id=case_id, days=[
        TimelineDayPublic(day=d.day, items=[_item_public(i) for i in d.items])
        for d in panel.days])


def timeline(session: Session, *, actor: Actor, case_id: int, now: datetime
             ) -> list[TimelineItem]:
    parts: tuple[Items, ...] = (timeline_items, clients.timeline_items,
                                workflow.timeline_items, flags.timeline_items,
                                transfers.timeline_items, appointments.timeline_items,
                                stays.timeline_items, beds.timeline_items,
                                community.timeline_items)
    merged = [item for part in parts
              for item in part(session, actor=actor, case_id=case_id, now=now)]
    return model.newest_first(_aware(i) for i in merged)


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """This part's items: where the case began, its notes, and everything linked."""
    case = session.get(Case, case_id)
    if case is None:
        return []
    links = list(session.scalars(select(CaseLink).where(CaseLink.case_id == case_id)))
    ids = {kind: [lk.ref_id for lk in links if lk.kind == kind.value] for kind in LinkKind}
    notes = list(session.scalars(select(CaseNote).where(CaseNote.case_id == case_id)))
    names = _names(session, [case.opened_by, *(n.author_id for n in notes)])
    items = [TimelineItem(
        at=case.opened_at, kind="status", label_key="thread.item.opened",
        actor=names.get(case.opened_by or 0),
        facts=(("thread.fact.origin", f"t:thread.origin.{case.opened_from}"),))]
    items += [TimelineItem(at=n.at, kind="note", label_key="thread.item.note", text=n.text,
                           actor=names.get(n.author_id or 0)) for n in notes]
    items += _contact_items(session, ids[LinkKind.contact])
    items += _referral_items(session, ids[LinkKind.referral], ids[LinkKind.contact])
    for incident_id in ids[LinkKind.incident]:
        items += _incident_items(session, actor, incident_id, now)
    return items


# ---- contacts, their triage and referrals -----------------------------------------------


def _contact_items(session: Session, contact_ids: list[int]) -> list[TimelineItem]:
    if not contact_ids:
        return []
    contacts = list(session.scalars(select(Contact).where(Contact.id.in_(contact_ids))))
    names = _names(session, [c.assigned_to for c in contacts])
    items = []
    for c in contacts:
        facts = [("thread.fact.channel", f"t:line.channel.{c.channel}")]
        if c.assigned_to is not None:
            facts.append(("thread.fact.answered_by", names.get(c.assigned_to, "—")))
        minutes = model.minutes_between(c.answered_at, c.closed_at or c.wrap_up_at)
        if minutes is not None:
            facts.append(("thread.fact.minutes", str(minutes)))
        facts.append(("thread.fact.risk", f"t:line.risk.{c.risk}"))
        items.append(TimelineItem(at=c.offered_at, kind="contact", label_key="thread.item.contact",
                                  link=f"/line/contacts/{c.id}", facts=tuple(facts)))
    screens = session.scalars(select(Screen).where(Screen.contact_id.in_(contact_ids)))
    items += [_screen_item(s) for s in screens]
    return items


def _screen_item(screen: Screen) -> TimelineItem:
    score = stored_score(screen)
    return TimelineItem(
        at=screen.at, kind="triage", label_key="thread.item.triage",
        text="\n".join(f"{a.question_fa}: {a.answer_fa}" for a in score.answers),
        text_en="\n".join(f"{a.question_en}: {a.answer_en}" for a in score.answers),
        link=f"/line/contacts/{screen.contact_id}",
        facts=(("thread.fact.protocol", f"t:triage.protocol.{screen.protocol_id}"),
               ("thread.fact.risk", f"t:line.risk.{screen.level}")))


def _referral_items(session: Session, referral_ids: list[int],
                    contact_ids: list[int]) -> list[TimelineItem]:
    if not referral_ids and not contact_ids:
        return []
    rows = session.execute(select(Referral, Agency).join(Agency, Agency.id == Referral.agency_id)
                           .where(Referral.id.in_(referral_ids)
                                  | Referral.contact_id.in_(contact_ids)))
    items = []
    for referral, agency in rows:
        state = (("thread.fact.state", f"t:triage.referral_state.{referral.state}"),)
        items.append(TimelineItem(at=referral.requested_at, kind="referral",
                                  label_key="thread.item.referral", text=agency.name_fa,
                                  text_en=agency.name_en, facts=state))
        if referral.received_at is not None:
            items.append(TimelineItem(at=referral.received_at, kind="referral",
                                      label_key="thread.item.referral_acknowledged",
                                      text=agency.name_fa, text_en=agency.name_en))
    return items


# ---- incidents: the crews' statuses and the visit report --------------------------------

_ENTRY_LABELS = {"assigned": "thread.item.unit_assigned", "status": "thread.item.unit_status",
                 "closed": "thread.item.incident_closed",
                 "cancelled": "thread.item.incident_cancelled"}


def _incident_items(session: Session, actor: Actor, incident_id: int,
                    now: datetime) -> list[TimelineItem]:
    incident = session.get(Incident, incident_id)
    if incident is None:
        return []
    found = incident_timeline.timeline(session, actor=actor, incident=incident, now=now)
    link = f"/dispatch/incidents/{incident.id}"
    items = [TimelineItem(at=incident.created_at, kind="incident", label_key="thread.item.incident",
                          text=incident.place or "", link=link,
                          facts=(("thread.fact.risk", f"t:line.risk.{incident.priority}"),))]
    for entry in found.entries:
        if entry.kind not in _ENTRY_LABELS or not entry.applied:
            continue
        facts = (("thread.fact.unit", entry.call_sign),) if entry.call_sign else ()
        items.append(TimelineItem(at=entry.at, kind="unit_status",
                                  label_key=_ENTRY_LABELS[entry.kind], text=entry.status_fa or "",
                                  text_en=entry.status_en, link=link, facts=facts))
    return items + _report_items(session, actor, incident, now)


def _report_items(session: Session, actor: Actor, incident: Incident,
                  now: datetime) -> list[TimelineItem]:
    """The visit reports in full: the timeline's reader passed the case's own access."""
    reports = list(session.scalars(select(IncidentReport).where(
        IncidentReport.incident_id == incident.id)))
    signs = _call_signs(session, {r.unit_id for r in reports})
    names = _names(session, [r.by_user for r in reports])
    items = []
    for r in reports:
        audit(session, actor, AuditAction.read, "incident_report", r.id, now=now,
              reason="case timeline")
        items.append(TimelineItem(
            at=r.written_at, kind="visit_report", label_key="thread.item.visit_report",
            text=r.text, actor=names.get(r.by_user or 0), link=f"/dispatch/incidents/{incident.id}",
            facts=(("thread.fact.outcome", f"t:field.outcome.{r.outcome}"),
                   ("thread.fact.unit", signs.get(r.unit_id, "—")),
                   ("thread.fact.people_seen", str(r.people_seen)),
                   ("thread.fact.children_seen", str(r.children_seen)))))
    return items


# ---- visits awaiting a case -------------------------------------------------------------


def visit_resource(session: Session, incident_id: int) -> Resource | None:
    """An incident as a visit to open a case from: offered to every centre of its province
    (like a contact to its province's queue), so a centre's social worker reaches it."""
    row = session.get(Incident, incident_id)
    if row is None:
        return None
    return Resource("visit", province_code=row.province_code,
                    offered_to=frozenset({row.province_code}))


def visits_awaiting(session: Session, *, actor: Actor, now: datetime
                    ) -> list[VisitAwaitingPublic]:
    """The province's incidents with a visit report and no case yet, newest report first.
    The social worker reads each report to decide; each reading is on the audit chain."""
    linked = select(CaseLink.ref_id).where(CaseLink.kind == LinkKind.incident.value)
    query = (select(IncidentReport, Incident)
             .join(Incident, Incident.id == IncidentReport.incident_id)
             .where(Incident.id.not_in(linked))
             .order_by(IncidentReport.written_at.desc(), IncidentReport.id.desc()))
    if ROLE_SCOPE[actor.role] is not Scope.nation or actor.province_code:
        query = query.where(Incident.province_code == actor.province_code)
    rows: dict[int, tuple[IncidentReport, Incident]] = {}
    for report, incident in session.execute(query):
        rows.setdefault(incident.id, (report, incident))  # the latest report of each
    signs = _call_signs(session, {r.unit_id for r, _ in rows.values()})
    found = []
    for report, incident in rows.values():
        audit(session, actor, AuditAction.read, "incident_report", report.id, now=now,
              reason="visits awaiting a case")
        found.append(VisitAwaitingPublic(
            incident_id=incident.id, report_id=report.id, written_at=as_utc(report.written_at),
            place=incident.place, outcome=report.outcome, people_seen=report.people_seen,
            children_seen=report.children_seen, call_sign=signs.get(report.unit_id),
            text=report.text, categories=[c for c in incident.categories.split(",") if c],
            priority=incident.priority))
    return found


# ---- a contact's or an incident's case --------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseRef:
    case_id: int
    reference: str
    status: str
    may_open: bool  # else the page says only that a case exists


@dataclass(frozen=True, slots=True)
class ThreadCase:
    """What a contact or incident page shows of the case: the linked cases, the open cases
    of the caller's number it could be linked to, and whether a case may be opened here."""

    ref_id: int
    linked: list[CaseRef]
    offer_link: list[CaseRef]
    can_open: bool
    reason_key: str | None = None  # why a case cannot be opened here (i18n key)


def contact_case(session: Session, *, actor: Actor, contact_id: int,
                 now: datetime) -> ThreadCase:
    contact = session.get(Contact, contact_id)
    if contact is None:
        return ThreadCase(contact_id, [], [], False)
    actor = with_grants(session, actor)
    linked = _refs(session, actor, _linked(session, LinkKind.contact, contact_id))
    offer: list[CaseRef] = []
    if contact.caller_hash and is_allowed(actor, Permission.create_case):
        found = cases_of_phone_hash(session, actor=actor, hashed=contact.caller_hash, now=now)
        mine = {r.case_id for r in linked}
        offer = [CaseRef(c.id, c.reference, c.status, True) for c, seen in found
                 if seen and c.status != "closed" and c.id not in mine]
    openable = model.may_open_from_contact(contact.state, contact.assigned_to, actor.user_id)
    can = is_allowed(actor, Permission.create_case) and openable
    reason = None if openable else "thread.contact.take_first"
    return ThreadCase(contact_id, linked, offer, can, reason)


def incident_case(session: Session, *, actor: Actor, incident_id: int,
                  now: datetime) -> ThreadCase:
    actor = with_grants(session, actor)
    linked = _refs(session, actor, _linked(session, LinkKind.incident, incident_id))
    reported = session.scalar(select(IncidentReport.id).where(
        IncidentReport.incident_id == incident_id).limit(1)) is not None
    resource = visit_resource(session, incident_id)
    may = resource is not None and bool(decide(actor, Permission.create_case, resource))
    reason = None if reported else "thread.incident.no_report"
    return ThreadCase(incident_id, linked, [], may and reported and not linked, reason)


def _linked(session: Session, kind: LinkKind, ref_id: int) -> list[Case]:
    return list(session.scalars(select(Case).join(CaseLink, CaseLink.case_id == Case.id).where(
        CaseLink.kind == kind.value, CaseLink.ref_id == ref_id).order_by(Case.id)))


def _refs(session: Session, actor: Actor, cases: Iterable[Case]) -> list[CaseRef]:
    return [CaseRef(c.id, c.reference, c.status,
                    bool(decide(actor, Permission.view_case, case_resource(c))))
            for c in cases]


# ---- helpers ----------------------------------------------------------------------------


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    return {uid: u.full_name for uid, u in users_of(session, {i for i in ids if i}).items()}


def _call_signs(session: Session, unit_ids: set[int]) -> dict[int, str]:
    if not unit_ids:
        return {}
    return {uid: sign for uid, sign in session.execute(
        select(Unit.id, Unit.call_sign).where(Unit.id.in_(unit_ids)))}


def _aware(item: TimelineItem) -> TimelineItem:
    return item if item.at.tzinfo else replace(item, at=as_utc(item.at))


def _item_public(item: TimelineItem) -> TimelineItemPublic:
    return TimelineItemPublic(at=item.at, kind=item.kind, label_key=item.label_key,
                              text=item.text, text_en=item.text_en, actor=item.actor,
                              link=item.link, facts=list(item.facts))

