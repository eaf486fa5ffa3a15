"""The referrals' timer: a referral the partner has not acknowledged by its deadline goes to
the shift supervisor, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.core.timers import Order, Outside, timer
from panah.triage.referrals.service import escalate_overdue


@timer("referrals_escalated", order=Order.escalate)
def escalate(session: Session, *, now: datetime, outside: Outside) -> int:
    return escalate_overdue(session, now=now)
