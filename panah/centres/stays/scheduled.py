"""The stays' timer: once a minute (the minute claimed in the database, as the case flags'
is), the alerts of stays near or past their last day are raised, once each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.centres.stays.alerts import claim_round, raise_alerts
from panah.core.timers import Done, Order, Outside, timer


@timer("shelter_stay_alerts", order=Order.escalate)
def stay_alerts(session: Session, *, now: datetime, outside: Outside) -> Done:
    if not claim_round(session, now=now):
        return 0  # a round ran less than a minute ago
    return raise_alerts(session, now=now)
