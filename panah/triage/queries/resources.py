"""What the access policy needs to know of triage's records: their province (and for a
referral, its contact's queues). ``None``: there is no such record."""

from __future__ import annotations

from sqlalchemy.orm import Session

from panah.intake.queries import contact_resource
from panah.security.policy import Resource
from panah.triage.orm import DispatchRequest, FollowUp, Referral


def follow_up_resource(session: Session, follow_up_id: int) -> Resource | None:
    row = session.get(FollowUp, follow_up_id)
    return Resource("follow_up", province_code=row.province_code) if row is not None else None


def referral_resource(session: Session, referral_id: int) -> Resource | None:
    """A referral's place is its contact's: the same province and queues reach it."""
    referral = session.get(Referral, referral_id)
    contact = contact_resource(session, referral.contact_id) if referral is not None else None
    if contact is None:
        return None
    return Resource("referral", province_code=contact.province_code,
                    offered_to=contact.offered_to)


def dispatch_request_resource(session: Session, request_id: int) -> Resource | None:
    row = session.get(DispatchRequest, request_id)
    return Resource("dispatch_request", province_code=row.province_code) if row else None
