"""The 123 line's read side: what screens and the API show of contacts and lines, each a
function of ``(session, *, actor, now, …)`` inside the caller's unit of work."""

from __future__ import annotations

from sqlalchemy.orm import Session

from panah.geo.orm import Province
from panah.intake.orm import Contact
from panah.security.policy import Resource


def contact_resource(session: Session, contact_id: int) -> Resource | None:
    """What the policy needs to know of a contact: its province and the queues it is
    offered on (``None``: there is no such contact)."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    offered = frozenset(q for q in contact.offered_to.split(",") if q)
    return Resource("contact", province_code=contact.province_code, offered_to=offered)


def line_resource(session: Session, province_code: str) -> Resource | None:
    """A province's 123 line, as the policy sees it (``None``: no such province)."""
    found = session.get(Province, province_code)
    return Resource("line", province_code=found.code) if found is not None else None
