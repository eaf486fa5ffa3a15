"""The SMS outbox's timer: texts go out after the contact they are about is committed;
a failure stays pending and is tried again on the next round, up to a limit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.timers import Order, Outside, timer
from panah.intake.orm import Callback, OutboundSms
from panah.integrations.sms import SmsProvider

log = logging.getLogger("panah.intake")
MAX_SMS_ATTEMPTS = 5


@timer("sms_sent", order=Order.send)
def send_outbox(session: Session, *, now: datetime, outside: Outside) -> Mapping[str, int]:
    sent, failed = send_pending_sms(session, provider=outside.sms, now=now)
    return {"sms_sent": sent, "sms_failed": failed}


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
