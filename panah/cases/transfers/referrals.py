"""A case's referral onward (the 1480 counselling line, a hospital, the police …): a
referral like any other, through the triage referral machinery, gated by the client's
consent record for a referral to that agency (or the immediate-danger override).

The referral goes through the case's originating 123 contact (the thread's link): the
referral table places a referral by its contact, and the partner inbox and exports read
the place from there. A case with no contact of its own province is told so.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.consent.model import REFERRAL, ConsentPurpose, ConsentStatus
from panah.cases.consent.service import case_of, gate
from panah.cases.thread.model import LinkKind
from panah.cases.thread.orm import CaseLink
from panah.cases.thread.schemas import LinkCreate
from panah.cases.thread.service import link_case
from panah.cases.transfers.schemas import CaseReferralCreate
from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.policy import Actor
from panah.triage.referrals.model import HandoverKind
from panah.triage.referrals.queries import record_of
from panah.triage.referrals.schemas import ReferralPublic, referral_public
from panah.triage.referrals.service import directory_agency, request_referral
from panah.triage.taxonomy import Category

CATEGORIES = frozenset(c.value for c in Category)


def originating_contact(session: Session, case_id: int, province_code: str) -> Contact | None:
    """The case's most recent linked 123 contact in its own province, if any."""
    return session.scalar(
        select(Contact).join(CaseLink, CaseLink.ref_id == Contact.id)
        .where(CaseLink.case_id == case_id, CaseLink.kind == LinkKind.contact.value,
               Contact.province_code == province_code)
        .order_by(CaseLink.linked_at.desc(), CaseLink.id.desc()).limit(1))


def refer_case(session: Session, *, actor: Actor, case_id: int, data: CaseReferralCreate,
               now: datetime) -> ReferralPublic:
    """Refer the case's client to a directory agency under their consent (or the override),
    and link the referral to the case (its timeline shows it)."""
    case = case_of(session, case_id)
    agency = directory_agency(session, data.agency_code)
    contact = originating_contact(session, case.id, case.province_code)
    if contact is None:
        raise InvalidInput(
            "This case has no 123 contact of its province to refer through: link the call "
            "that began it, or refer from the contact's screen.",
            "این پرونده تماسی از خط ۱۲۳ استان خود ندارد که ارجاع از راه آن برود: تماسی را که "
            "پرونده با آن آغاز شد پیوند دهید، یا از صفحهٔ تماس ارجاع دهید.", field="case_id")
    urgency = RiskLevel(case.risk) if case.risk else RiskLevel(contact.risk)
    consent_id, override = gate(
        session, actor=actor, case=case, purpose=ConsentPurpose.referral,
        recipient=agency.code, consent_id=data.consent_id,
        override_reason=data.override_reason, act=REFERRAL, subject="referral",
        urgency=urgency, now=now)
    referral = request_referral(
        session, contact=contact, agency_code=agency.code,
        urgency=urgency,
        consent=ConsentStatus.given if consent_id else ConsentStatus.not_asked,
        override_reason=override, kind=HandoverKind.handover,
        category=case.category if case.category in CATEGORIES else None, actor=actor, now=now)
    link_case(session, actor=actor, case_id=case.id,
              data=LinkCreate(kind=LinkKind.referral, ref_id=referral.id), now=now)
    return referral_public(record_of(session, referral), now)

