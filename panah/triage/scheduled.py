"""Triage's timers, run by the line's ticker every second from due times in rows: a
referral the partner has not acknowledged by its deadline, and a follow-up call not made
by its due time, go to the supervisor, once each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.triage import followup_service, referral_service


def escalate_due(session: Session, *, now: datetime) -> tuple[int, int]:
    """(referrals escalated, follow-ups escalated) in this round."""
    return (referral_service.escalate_overdue(session, now=now),
            followup_service.escalate_overdue(session, now=now))
