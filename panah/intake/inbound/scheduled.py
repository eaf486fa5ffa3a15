"""The held events' timer: an answer or a hang-up that came before its call is applied when
the call is offered (see ``channels.inbound``); this job applies any whose call was offered
by another server process at the same moment (neither saw the other's uncommitted row),
and gives up on those whose call never came, keeping them refused with the reason."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.core.timers import Order, Outside, timer
from panah.intake.channels.inbound import apply_held
from panah.intake.model import Channel
from panah.intake.orm import Contact, HeldEvent, InboundEvent

HOLD_FOR = timedelta(hours=1)  # a call offered later than this after its hang-up never is


@timer("held_events", order=Order.route)
def settle_held(session: Session, *, now: datetime, outside: Outside) -> Mapping[str, int]:
    return {"held_events_applied": apply_waiting(session, now=now),
            "held_events_given_up": give_up(session, now=now)}


def apply_waiting(session: Session, *, now: datetime) -> int:
    """Apply the held events whose call has been offered meanwhile."""
    found = dict(session.execute(
        select(HeldEvent.call_id, Contact.id)
        .join(Contact, Contact.external_id == HeldEvent.call_id)
        .where(Contact.channel == Channel.voice.value)).all())
    return apply_held(session, found, now) if found else 0


def give_up(session: Session, *, now: datetime) -> int:
    """Held events whose call was not offered within ``HOLD_FOR``: refused, with why."""
    stale = session.execute(select(HeldEvent.event_id, HeldEvent.call_id).where(
        HeldEvent.held_at < now - HOLD_FOR)).all()
    for event_id, call_id in stale:
        reason = InvalidInput(
            f"No call {call_id!r} was offered within an hour of this event; it was not applied.",
            f"تماس {call_id!r} تا یک ساعت پس از این رویداد عرضه نشد؛ رویداد به کار بسته نشد.",
            call_id=call_id)
        session.execute(update(InboundEvent).where(InboundEvent.id == event_id).values(
            status="rejected", error=json.dumps(reason.as_dict(), ensure_ascii=False)))
    if stale:
        session.execute(delete(HeldEvent).where(HeldEvent.event_id.in_([s[0] for s in stale])))
    return len(stale)
