"""Timers of the 123 line, run from due times stored in rows: overflow and the SMS outbox.

``run_due`` is called every second by the server's ticker and by ``panah intake tick``;
whichever process runs it, a contact overflows once (the offered queues are computed from
the time waited, not counted by calls).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.intake.model import ContactState
from panah.intake.orm import Callback, Contact, OutboundSms
from panah.intake.overflow import next_overflow_at, overflow_steps, overflow_targets
from panah.intake.routing import LineConfig
from panah.intake.service import step_row
from panah.integrations.sms import SmsProvider

log = logging.getLogger("panah.intake")
MAX_SMS_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class TickReport:
    overflowed: int
    sms_sent: int
    sms_failed: int
    referrals_escalated: int = 0  # not acknowledged by the partner in time
    follow_ups_escalated: int = 0  # follow-up calls not made in time
    check_ins_missed: int = 0  # crews on scene past their safety check-in
    channel_messages_relayed: int = 0  # team-channel messages sent on to MQTT and radio


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


def send_pending_sms(session: Session, *, provider: SmsProvider, now: datetime) -> tuple[int, int]:
    """Send what the outbox holds; failures stay pending and are retried, up to a limit."""
    sent = failed = 0
    pending = session.scalars(select(OutboundSms).where(OutboundSms.status == "pending")
                              .order_by(OutboundSms.id)).all()
    for sms in pending:
        sms.attempts += 1
        try:
            sms.provider_ref = provider.send(sms.to, sms.body)
        except Exception:  # any gateway failure: keep it for the next tick
            log.exception("SMS %s failed (attempt %s)", sms.id, sms.attempts)
            failed += 1
            if sms.attempts >= MAX_SMS_ATTEMPTS:
                sms.status = "failed"
            continue
        sms.status, sms.sent_at = "sent", now
        sent += 1
        callback = session.scalar(select(Callback).where(Callback.contact_id == sms.contact_id))
        if callback is not None and callback.sms_sent_at is None:
            callback.sms_sent_at = now
    return sent, failed

