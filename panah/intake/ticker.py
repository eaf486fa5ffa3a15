"""The server's timer loop: every second, overflow what is due, escalate referrals and
follow-ups whose time has passed, alert dispatchers to crews on scene that missed their
safety check-in, send the SMS outbox and relay team-channel messages to MQTT and the
radio gateway.

The due times live in the database, so this loop holds no state: stopping it delays
timers, never loses them, and ``panah intake tick`` does the same work from a shell.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import Clock
from panah.core.db import exclusive, unit_of_work
from panah.dispatch.channels import relay_pending
from panah.dispatch.field import raise_missed_check_ins
from panah.intake.context import load_lines
from panah.intake.scheduled import TickReport, overflow_due, send_pending_sms
from panah.integrations.mqtt import MessageBus
from panah.integrations.radio import RadioGateway
from panah.integrations.sms import SmsProvider
from panah.triage.scheduled import escalate_due

log = logging.getLogger("panah.intake")


TIMERS_LOCK_ID = 0x50414E4148_0002  # "the 123 line's timers" among advisory locks


def tick(factory: sessionmaker[Session], *, clock: Clock, sms: SmsProvider,
         bus: MessageBus | None = None, radio: RadioGateway | None = None) -> TickReport:
    """One round of the timers. Every server process may run it: they take turns (see
    ``exclusive``), and each turn sees what the one before committed, so a contact
    overflows once and a text goes out once."""
    now = clock.now()
    with unit_of_work(factory) as session:
        exclusive(session, TIMERS_LOCK_ID)
        overflowed = overflow_due(session, now=now, lines=load_lines(session))
    with unit_of_work(factory) as session:
        exclusive(session, TIMERS_LOCK_ID)
        referrals, follow_ups = escalate_due(session, now=now)
        missed = raise_missed_check_ins(session, now=now)
    with unit_of_work(factory) as session:  # after the contacts' commit: texts go out last
        exclusive(session, TIMERS_LOCK_ID)
        sent, failed = send_pending_sms(session, provider=sms, now=now)
    relayed = 0
    if bus is not None and radio is not None:  # team channels on to MQTT and the radios
        relayed = relay_pending(factory, bus=bus, radio=radio, now=now)
    return TickReport(overflowed, sent, failed, referrals, follow_ups, missed, relayed)


async def run_forever(run: Callable[[], TickReport], *, interval_s: float = 1.0) -> None:
    while True:
        try:
            await asyncio.to_thread(run)
        except Exception:  # a bad tick must not stop the timers for good
            log.exception("intake tick failed; trying again in %s s", interval_s)
        await asyncio.sleep(interval_s)


def recover(factory: sessionmaker[Session], *, clock: Clock) -> int:
    """Process events that were stored but never processed (the server stopped in between).

    Runs at start-up and from ``panah intake tick``; returns how many it redid.
    """
    from panah.intake import channels, events
    from panah.intake.context import routing_context

    with unit_of_work(factory) as session:
        pending = events.pending_event_ids(session)
        context = routing_context(session) if pending else None
    for event_id in pending:
        try:
            events.reprocess(factory, event_id, now=clock.now(),
                             process=lambda s, items, now: channels.process_events(
                                 s, items, now, context))
        except events.RejectedEvent:
            log.warning("event %s refused on recovery; kept with its reason", event_id)
    return len(pending)
