"""The queue's timer: contacts not answered in time overflow to their line's backups and the
national pool.

Whichever process runs it, a contact overflows once: the offered queues are computed from
the time waited, not counted by calls.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.timers import Order, Outside, timer
from panah.intake.model import ContactState
from panah.intake.orm import Contact
from panah.intake.queue.overflow import next_overflow_at, overflow_steps, overflow_targets
from panah.intake.routing.context import load_lines
from panah.intake.routing.model import LineConfig
from panah.intake.service import step_row


@timer("overflowed", order=Order.route)
def overflow(session: Session, *, now: datetime, outside: Outside) -> int:
    return overflow_due(session, now=now, lines=load_lines(session))


def overflow_due(session: Session, *, now: datetime, lines: dict[str, LineConfig]) -> int:
    due = session.scalars(select(Contact).where(
        Contact.state == ContactState.queued.value, Contact.next_overflow_at.is_not(None),
        Contact.next_overflow_at <= now)).all()
    changed = 0
    for contact in due:
        line = lines.get(contact.province_code or "")
        queued_at = as_utc(contact.queued_at or contact.offered_at)
        if line is None:
            contact.next_overflow_at = None
            continue
        waited = now - queued_at
        steps = overflow_steps(line, waited, already=contact.offered_to.split(","))
        if steps:
            contact.offered_to = ",".join(overflow_targets(line, waited))
            start = len(contact.trail)
            contact.trail.extend(step_row(start + i, s, now) for i, s in enumerate(steps))
            changed += 1
        contact.next_overflow_at = next_overflow_at(line, offered_at=queued_at, now=now)
    return changed

