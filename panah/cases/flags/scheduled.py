"""The flags' timer: every round, the case rules are checked; a flag is raised once,
escalated to the province's supervisors once, and cleared when it no longer holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.cases.flags.service import run_flags
from panah.core.timers import Done, Order, Outside, timer


@timer("case_flags_escalated", order=Order.escalate)
def escalate(session: Session, *, now: datetime, outside: Outside) -> Done:
    return run_flags(session, now=now).counts()
