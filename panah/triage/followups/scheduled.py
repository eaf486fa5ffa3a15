"""The follow-ups' timer: a follow-up call not made by its due time goes to the shift
supervisor, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.core.timers import Order, Outside, timer
from panah.triage.followups.service import escalate_overdue


@timer("follow_ups_escalated", order=Order.escalate)
def escalate(session: Session, *, now: datetime, outside: Outside) -> int:
    return escalate_overdue(session, now=now)
