"""The flags' timer: once a minute (the timers tick every second; the minute is claimed in
the database, ``service.claim_round``, so it holds across server processes and restarts),
the case rules are checked; a flag is raised once, escalated to the province's supervisors
once, and cleared when it no longer holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.cases.flags.service import Round, claim_round, run_flags
from panah.core.timers import Done, Order, Outside, timer


@timer("case_flags_escalated", order=Order.escalate)
def escalate(session: Session, *, now: datetime, outside: Outside) -> Done:
    if not claim_round(session, now=now):
        return Round().counts()  # a round ran less than a minute ago
    return run_flags(session, now=now).counts()
