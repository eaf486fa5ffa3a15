"""What triage knows of a contact, for its screen and the API: the categories, the risk
screens, the actions proposed from them, the mobile teams asked for and the outcomes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.triage.orm import ContactOutcome, DispatchRequest, Screen
from panah.triage.schemas import (
    TriagePublic,
    dispatch_public,
    outcome_public,
    proposal_public,
    stored_score,
)
from panah.triage.service import categories_of, contact_of, proposals_for
from panah.triage.taxonomy import suggested_protocols


def contact_triage(session: Session, *, contact_id: int) -> TriagePublic:
    """The contact's triage (NotFound if the contact is gone)."""
    return triage_of(session, contact_of(session, contact_id))


def triage_of(session: Session, contact: Contact) -> TriagePublic:
    chosen = categories_of(session, contact.id)
    screens = session.scalars(select(Screen).where(Screen.contact_id == contact.id)
                              .order_by(Screen.id)).all()
    requests = session.scalars(select(DispatchRequest).where(
        DispatchRequest.contact_id == contact.id).order_by(DispatchRequest.id)).all()
    outcomes = session.scalars(select(ContactOutcome).where(
        ContactOutcome.contact_id == contact.id).order_by(ContactOutcome.id)).all()
    return TriagePublic(
        contact_id=contact.id, risk=RiskLevel(contact.risk), categories=[c.value for c in chosen],
        suggested_protocols=[p.value for p in suggested_protocols(chosen)],
        screens=[stored_score(s) for s in screens],
        proposals=[proposal_public(p) for p in proposals_for(session, contact)],
        dispatch_requests=[dispatch_public(r) for r in requests],
        outcomes=[outcome_public(o) for o in outcomes])
