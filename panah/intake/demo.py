"""Demo contacts (invented callers), so the console has work to show: three waiting in the
queues, and a caller from Sari who hung up before anyone answered, to be called back."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.intake.model import Channel, LocationFix, LocationSource, RiskLevel
from panah.intake.orm import Contact
from panah.intake.routing.context import routing_context
from panah.intake.service import NewContact, abandon, open_contact

CHALUS_VILLA = (36.6550, 51.4205)
SARI = (36.5633, 53.0601)


def load_demo_contacts(session: Session, *, now: datetime) -> int:
    """Three waiting contacts (Chalus by handset location, Rasht by area code, one unlocated);
    a second load changes nothing. Returns contacts opened."""
    if session.scalar(select(func.count()).select_from(Contact)):
        return 0
    context = routing_context(session)
    handset = LocationFix(LocationSource.aml, *CHALUS_VILLA, radius_m=25,
                          at=now - timedelta(seconds=40))
    demo = (
        (NewContact(Channel.voice, "demo-call-1", "+989121234567", "123", (handset,),
                    risk=RiskLevel.high, wants_woman=True), 40),
        (NewContact(Channel.voice, "demo-call-2", "+981333334444", "123",
                    risk=RiskLevel.medium), 25),
        (NewContact(Channel.sms, "demo-sms-1", "+989359876543", "123",
                    risk=RiskLevel.low, summary="سلام، می‌خواهم با مشاور صحبت کنم."), 10),
    )
    for new, seconds_ago in demo:
        open_contact(session, new=new, context=context, now=now - timedelta(seconds=seconds_ago))
    lost_at = now - timedelta(minutes=3)
    cell = LocationFix(LocationSource.network, *SARI, radius_m=800, at=lost_at)
    lost = open_contact(session, new=NewContact(Channel.voice, "demo-call-lost",
                                                "+989111112233", "123", (cell,),
                                                risk=RiskLevel.high), context=context, now=lost_at)
    abandon(session, contact=lost, now=lost_at)  # a callback due 7 minutes from now
    return len(demo) + 1
