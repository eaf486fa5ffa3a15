"""The FastAGI resolver: a PBX asking "which queue?" opens (or finds) the call's contact.

The AGI request becomes the same *call offered* event the HTTP telephony API receives,
stored first and idempotent by the call's unique id, so a PBX that retries gets the same
contact and queue. The answer carries the queue, province, centre and contact id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import Clock
from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput
from panah.intake.channels import inbound as channels
from panah.intake.inbound import events
from panah.intake.orm import Contact
from panah.intake.routing.context import RoutingContext, routing_context
from panah.intake.routing.phones import to_e164
from panah.intake.service import caller_hash
from panah.integrations.fastagi import AgiAnswer, AgiRequest
from panah.integrations.telephony import offered_from_agi


class PanahResolver:
    """Routes each AGI request through the contact store (a :class:`Resolver`)."""

    def __init__(self, factory: sessionmaker[Session], clock: Clock) -> None:
        self.factory = factory
        self.clock = clock
        self._context: RoutingContext | None = None

    def context(self) -> RoutingContext:
        if self._context is None:
            with unit_of_work(self.factory) as session:
                self._context = routing_context(session)
        return self._context

    def resolve(self, request: AgiRequest) -> AgiAnswer:
        now = self.clock.now()
        event = offered_from_agi(request, at=now)
        caller = _e164_or_none(event.caller)
        payload: dict[str, Any] = {
            "event_id": event.event_id, "kind": "call.offered", "call_id": event.call_id,
            "caller": caller, "called": event.called, "at": now.isoformat(),
            "location": ({"lat": event.location.lat, "lon": event.location.lon,
                          "radius_m": event.location.radius_m} if event.location else None),
        }
        context = self.context()
        receipt = events.receive(
            self.factory, source="agi", key=event.event_id, kind="call.offered",
            payload=payload, caller_hash=caller_hash(caller) if caller else None, now=now,
            process=lambda s, items, at: channels.process_events(s, items, at, context))
        with unit_of_work(self.factory) as session:
            contact = session.get(Contact, receipt.contact_id) if receipt.contact_id else None
            if contact is None:
                return AgiAnswer({"PANAH_QUEUE": "national", "PANAH_APPROXIMATE": "1"})
            return AgiAnswer({
                "PANAH_QUEUE": contact.queue, "PANAH_PROVINCE": contact.province_code or "",
                "PANAH_CENTRE": contact.centre_code or "",
                "PANAH_APPROXIMATE": "1" if contact.approximate else "0",
                "PANAH_CONTACT": str(contact.id),
            })


def _e164_or_none(raw: str | None) -> str | None:
    """A withheld or unparseable caller id still gets a queue; it just has no number."""
    if not raw:
        return None
    try:
        return to_e164(raw)
    except InvalidInput:
        return None
