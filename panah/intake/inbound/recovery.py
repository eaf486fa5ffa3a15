"""Events stored but never processed (the server stopped in between) are processed when
the server starts again: a 2xx answered for an event is never lost."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import Clock
from panah.core.db import unit_of_work
from panah.intake.channels.inbound import process_events
from panah.intake.inbound import events
from panah.intake.routing.context import routing_context

log = logging.getLogger("panah.intake")


def recover(factory: sessionmaker[Session], *, clock: Clock) -> int:
    """Process what is pending, each event in its own transaction; how many it redid."""
    with unit_of_work(factory) as session:
        pending = events.pending_event_ids(session)
        if not pending:
            return 0
        context = routing_context(session)
    for event_id in pending:
        try:
            events.reprocess(factory, event_id, now=clock.now(),
                             process=lambda s, items, now: process_events(s, items, now,
                                                                          context))
        except events.RejectedEvent:
            log.warning("event %s refused on recovery; kept with its reason", event_id)
    return len(pending)
