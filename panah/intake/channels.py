"""What each inbound event means for contacts: calls from the PBX, texts from the gateway."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.intake.aml import parse_aml
from panah.intake.model import Channel, ContactState, LocationFix, LocationSource
from panah.intake.orm import InboundEvent
from panah.intake.phones import to_e164
from panah.intake.service import (
    NewContact,
    abandon,
    add_location,
    find_contact,
    move,
    open_contact,
    recent_contact_of,
)


def is_aml(text: str) -> bool:
    return text.lstrip().upper().startswith(('A"ML', "A“ML", "AML="))


def process_call(session: Session, event: InboundEvent, payload: dict[str, Any],
                 now: datetime, context: object) -> int | None:
    kind, call_id = payload["kind"], payload["call_id"]
    contact = find_contact(session, Channel.voice, call_id)
    if kind == "call.offered":
        if contact is not None:
            return contact.id  # the PBX offered the same call twice
        fixes = [_network_fix(payload["location"], now)] if payload.get("location") else []
        caller = to_e164(payload["caller"]) if payload.get("caller") else None
        new = NewContact(Channel.voice, call_id, caller, payload.get("called"), fixes)
        return open_contact(session, new=new, context=context, now=now).id
    if contact is None:
        raise InvalidInput(
            f"No call {call_id!r} was offered; send call.offered first (the event is kept).",
            f"تماس {call_id!r} عرضه نشده است؛ نخست call.offered را بفرستید (رویداد نگه داشته شد).",
            call_id=call_id)
    if kind == "call.answered":
        if contact.state == ContactState.queued.value:
            move(contact, ContactState.assigned, now)
        move(contact, ContactState.answered, now)
    elif contact.state in (ContactState.answered.value, ContactState.wrap_up.value):
        move(contact, ContactState.wrap_up, now)
    elif contact.state in (ContactState.offered.value, ContactState.queued.value,
                           ContactState.assigned.value):
        abandon(session, contact=contact, now=now)
    return contact.id


def _network_fix(point: dict[str, Any], now: datetime) -> LocationFix:
    return LocationFix(LocationSource.network, point["lat"], point["lon"],
                       point.get("radius_m"), now)


def process_sms(session: Session, event: InboundEvent, payload: dict[str, Any],
                now: datetime, context: object) -> int | None:
    sender = to_e164(payload["sender"])
    text: str = payload["text"]
    if is_aml(text):
        fix = parse_aml(text).to_fix()  # a broken AML is refused here, the raw text kept
        contact = recent_contact_of(session, sender, now)
        if contact is None:
            return None  # kept: the call it belongs to will pick it up when offered
        if fix.has_point:
            add_location(session, contact=contact, fix=fix, context=context, now=now)
        return contact.id
    new = NewContact(Channel.sms, payload["message_id"], sender, payload.get("recipient"),
                     summary=text)
    return open_contact(session, new=new, context=context, now=now).id
