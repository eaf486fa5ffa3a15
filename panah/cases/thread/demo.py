"""Demo: the Mazandaran spouse-abuse case began with the high-risk call from Chalus."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.thread.model import LinkKind
from panah.cases.thread.orm import CaseLink
from panah.intake.demo import load_demo_contacts
from panah.intake.orm import Contact


def load_demo(session: Session, *, now: datetime) -> int:
    """Link the demo spouse-abuse case to the demo call it began with; returns links made.

    The demo contacts are loaded after the cases: load them here (their loader does nothing
    the second time), so the link has a contact to point at."""
    load_demo_contacts(session, now=now)
    case = session.scalar(select(Case).where(Case.category == "spouse_abuse",
                                             Case.province_code == "IR-02"))
    call = session.scalar(select(Contact).where(Contact.external_id == "demo-call-1"))
    if case is None or call is None or session.scalar(
            select(CaseLink.id).where(CaseLink.case_id == case.id)) is not None:
        return 0
    session.add(CaseLink(case_id=case.id, kind=LinkKind.contact.value, ref_id=call.id,
                         linked_at=case.opened_at, linked_by=case.opened_by))
    case.opened_from = "contact"
    session.flush()
    return 1
