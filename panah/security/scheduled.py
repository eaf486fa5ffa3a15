"""Security's timers: the audit chain's head anchored outside the database on a schedule
(PANAH_AUDIT_ANCHOR_FILE, at most every PANAH_AUDIT_ANCHOR_MINUTES, only when it moved)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.core.timers import Order, Outside, timer
from panah.security.anchors import anchor_if_due


@timer("audit_anchored", order=Order.relay + 1)
def anchor(session: Session, *, now: datetime, outside: Outside) -> int:
    """Last in a round: the head then includes what the round's other jobs audited."""
    return anchor_if_due(session, now=now)
