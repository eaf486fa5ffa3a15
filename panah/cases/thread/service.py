"""One thread from call to case: the ways a case opens, and linking its history to it.

A case opens from a 123 contact (a call, a chat, a partner's hand-over), from a mobile
team's visit report, or from a walk-in at a centre (a contact of channel walk_in made here).
Each way reuses :func:`panah.cases.service.open_case` and links what it came from, in the
caller's unit of work (nothing here commits). Access to the contact or incident itself is
decided before these run (``panah.web.access``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.model import CaseOrigin
from panah.cases.orm import Case
from panah.cases.schemas import CaseCreate, CaseSummary
from panah.cases.service import (
    cases_of_phone_hash,
    decide_case_access,
    mark_in_touch,
    normalise_phone,
    open_case,
)
from panah.cases.thread import model
from panah.cases.thread.model import LinkKind
from panah.cases.thread.orm import CaseLink
from panah.cases.thread.schemas import (
    CaseFromContact,
    CaseFromVisit,
    LinkCreate,
    LinkPublic,
    WalkInCreate,
)
from panah.core.clock import as_utc
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from panah.dispatch.orm import Incident, IncidentReport
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.intake.service import record_walk_in
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage.orm import Referral
from panah.triage.service import categories_of


def open_from_contact(session: Session, *, actor: Actor, contact_id: int,
                      data: CaseFromContact, now: datetime) -> CaseSummary:
    """Open a case from a contact the actor has taken, or one that has ended: the client's
    number from the contact, the category, types and risk from its triage, the counsellor
    on the team. If the number already has an open case, the actor is told so (and may link
    the contact to it instead: ``link_to_case_id``, or open one anyway: ``open_anyway``)."""
    contact = _contact(session, contact_id)
    if not model.may_open_from_contact(contact.state, contact.assigned_to, actor.user_id):
        raise InvalidInput(
            "A case opens from a contact you have taken, or from one that has ended; take "
            "the contact first, or wait until its counsellor ends it.",
            "پرونده از تماسی باز می‌شود که خودتان برداشته‌اید یا به پایان رسیده است؛ نخست "
            "تماس را بردارید یا صبر کنید کارشناسش آن را پایان دهد.",
            field="contact_id", state=contact.state)
    if data.link_to_case_id is not None:
        return _link_existing(session, actor=actor, case_id=data.link_to_case_id,
                              contact=contact, now=now)
    if not data.open_anyway:
        _refuse_if_open_case(session, actor, contact, now)
    kind = model.case_kind([c.value for c in categories_of(session, contact.id)], data.category)
    case = open_case(session, actor=actor, now=now, data=CaseCreate(
        client_name=data.client_name, phone=contact.caller, category=kind.category,
        types=list(kind.types), risk=RiskLevel(contact.risk),
        team_user_ids=_counsellor(session, actor, contact), lead_user_id=data.lead_user_id,
        first_note=data.first_note, opened_from=model.origin_of(contact.channel)))
    _link(session, actor=actor, case=case, kind=LinkKind.contact, ref_id=contact.id, now=now)
    _in_touch(case, contact)
    return CaseSummary.build(case)


def open_from_visit(session: Session, *, actor: Actor, incident_id: int, data: CaseFromVisit,
                    now: datetime) -> CaseSummary:
    """Open a case from an incident's visit report: linked to the incident and to the
    contact it came from, if any (the client's number from that contact)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident {incident_id}.",
                       f"رخدادی با شمارهٔ {incident_id} نیست.")
    report = session.scalar(select(IncidentReport.id).where(
        IncidentReport.incident_id == incident_id).limit(1))
    if report is None:
        raise InvalidInput(
            "This incident has no visit report yet; a case opens from a visit once the crew "
            "has written its report.",
            "این رخداد هنوز گزارش بازدید ندارد؛ پرونده پس از نوشتن گزارش تیم باز می‌شود.",
            field="incident_id")
    existing = cases_linked(session, LinkKind.incident, incident_id)
    if existing:
        raise Conflict(
            f"A case was already opened from this visit (case {existing[0]}); open that case.",
            f"از این بازدید پیش‌تر پرونده باز شده است (پروندهٔ {existing[0]})؛ همان را باز کنید.",
            case_id=existing[0])
    contact = session.get(Contact, incident.contact_id) if incident.contact_id else None
    codes = [c for c in incident.categories.split(",") if c]
    kind = model.case_kind(codes, data.category)
    case = open_case(session, actor=actor, now=now, data=CaseCreate(
        client_name=data.client_name, phone=contact.caller if contact else None,
        category=kind.category, types=list(kind.types), risk=_risk(incident.priority),
        lead_user_id=data.lead_user_id, first_note=data.first_note,
        opened_from=CaseOrigin.incident))
    _link(session, actor=actor, case=case, kind=LinkKind.incident, ref_id=incident.id, now=now)
    if contact is not None:
        _link(session, actor=actor, case=case, kind=LinkKind.contact, ref_id=contact.id, now=now)
    return CaseSummary.build(case)


def open_walk_in(session: Session, *, actor: Actor, data: WalkInCreate,
                 now: datetime) -> CaseSummary:
    """Someone walked into the actor's centre: a contact of channel walk_in in their
    province and the case opened from it, in one unit of work."""
    phone = normalise_phone(data.phone) if data.phone else None
    risk = data.risk or RiskLevel.medium
    contact = record_walk_in(session, actor=actor, caller=phone, summary=data.summary,
                             risk=risk, now=now)
    case = open_case(session, actor=actor, now=now, data=CaseCreate(
        client_name=data.client_name, phone=phone, category=data.category, risk=risk,
        lead_user_id=data.lead_user_id, first_note=data.first_note,
        opened_from=CaseOrigin.walk_in))
    _link(session, actor=actor, case=case, kind=LinkKind.contact, ref_id=contact.id, now=now)
    _in_touch(case, contact)
    return CaseSummary.build(case)


def link_case(session: Session, *, actor: Actor, case_id: int, data: LinkCreate,
              now: datetime) -> LinkPublic:
    """Link a contact, incident or referral of the case's province to the case (linking
    the same one again changes nothing)."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
    province = _province_of(session, data.kind, data.ref_id)
    if province is not None and province != case.province_code:
        raise InvalidInput(
            f"That {data.kind.value} belongs to {province}, not to the case's province "
            f"{case.province_code}; link only what happened in the case's province, or "
            "transfer the case first.",
            f"آن {data.kind.value} از آنِ {province} است، نه استان پرونده "
            f"({case.province_code})؛ فقط آنچه در استان پرونده رخ داده پیوند می‌شود، یا نخست "
            "پرونده را منتقل کنید.", field="ref_id")
    link = _link(session, actor=actor, case=case, kind=data.kind, ref_id=data.ref_id, now=now)
    if data.kind is LinkKind.contact:
        _in_touch(case, session.get_one(Contact, data.ref_id))
    return LinkPublic(id=link.id, case_id=case.id, kind=LinkKind(link.kind),
                      ref_id=link.ref_id, linked_at=link.linked_at)


def cases_linked(session: Session, kind: LinkKind, ref_id: int) -> list[int]:
    """The cases a contact, incident or referral is linked to, oldest first."""
    return list(session.scalars(select(CaseLink.case_id).where(
        CaseLink.kind == kind.value, CaseLink.ref_id == ref_id).order_by(CaseLink.case_id)))


# ---- helpers ----------------------------------------------------------------------------


def _contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.", f"تماسی با شمارهٔ {contact_id} نیست.")
    return contact


def _refuse_if_open_case(session: Session, actor: Actor, contact: Contact,
                         now: datetime) -> None:
    if not contact.caller_hash:
        return
    found = cases_of_phone_hash(session, actor=actor, hashed=contact.caller_hash, now=now)
    open_ids = model.open_case_ids((c.id, c.status) for c, _ in found)
    if not open_ids:
        return
    yours = [c.id for c, seen in found if seen and c.id in open_ids]
    raise Conflict(
        "This number already has an open case. Link the contact to it (link_to_case_id) "
        "rather than opening a second file, or open a new case anyway (open_anyway) if it "
        "is someone else calling from the same phone.",
        "این شماره پروندهٔ بازی دارد. به جای پروندهٔ دوم، تماس را به همان پرونده پیوند "
        "دهید، یا اگر فرد دیگری از همین تلفن تماس گرفته، پروندهٔ تازه باز کنید.",
        open_cases=yours, hidden_open_cases=len(open_ids) - len(yours))


def _link_existing(session: Session, *, actor: Actor, case_id: int, contact: Contact,
                   now: datetime) -> CaseSummary:
    found = decide_case_access(session, actor=actor, case_id=case_id,
                               permission=Permission.edit_case, need_to_know=True, now=now)
    if not found.decision:
        raise Forbidden(
            "You may not add to that case: you are not on its team. Ask its lead worker to "
            "link the contact.",
            "نمی‌توانید به آن پرونده چیزی بیفزایید: عضو تیم آن نیستید. از مددکار مسئول "
            "بخواهید تماس را پیوند دهد.", case_id=case_id)
    link_case(session, actor=actor, case_id=case_id,
              data=LinkCreate(kind=LinkKind.contact, ref_id=contact.id), now=now)
    return CaseSummary.build(session.get_one(Case, case_id))


def _link(session: Session, *, actor: Actor, case: Case, kind: LinkKind, ref_id: int,
          now: datetime) -> CaseLink:
    found = session.scalar(select(CaseLink).where(
        CaseLink.case_id == case.id, CaseLink.kind == kind.value, CaseLink.ref_id == ref_id))
    if found is not None:
        return found
    link = CaseLink(case_id=case.id, kind=kind.value, ref_id=ref_id, linked_at=now,
                    linked_by=actor.user_id)
    session.add(link)
    session.flush()
    audit(session, actor, AuditAction.update, "case", case.id, now=now,
          reason=f"link {kind.value} {ref_id}")
    return link


def _province_of(session: Session, kind: LinkKind, ref_id: int) -> str | None:
    """Where the linked thing belongs (None: unlocated); NotFound-like refusal if missing."""
    if kind is LinkKind.incident:
        incident = session.get(Incident, ref_id)
        if incident is not None:
            return incident.province_code
    elif kind is LinkKind.contact:
        contact = session.get(Contact, ref_id)
        if contact is not None:
            return contact.province_code
    else:
        referral = session.get(Referral, ref_id)
        if referral is not None:
            return _contact(session, referral.contact_id).province_code
    raise InvalidInput(f"There is no {kind.value} {ref_id}; check the number.",
                       f"{kind.value} با شمارهٔ {ref_id} نیست؛ شماره را بررسی کنید.",
                       field="ref_id")


def _counsellor(session: Session, actor: Actor, contact: Contact) -> list[int]:
    """The counsellor who took the contact joins the team if they work in the case's
    province (a backup province's counsellor does not)."""
    if contact.assigned_to is None or contact.assigned_to == actor.user_id:
        return []
    user = session.get(User, contact.assigned_to)
    return [user.id] if user is not None and user.province_code == actor.province_code else []


def _in_touch(case: Case, contact: Contact) -> None:
    if contact.answered_at is not None:
        mark_in_touch(case, as_utc(contact.answered_at))


def _risk(priority: str) -> RiskLevel | None:
    try:
        return RiskLevel(priority)
    except ValueError:
        return None
