"""What each inbound event means for contacts: calls from the PBX, texts from the gateway."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from panah.core.db import unprepared
from panah.core.errors import InvalidInput
from panah.intake.channels import chat
from panah.intake.model import Channel, ContactState, LocationFix, LocationSource
from panah.intake.orm import Contact
from panah.intake.routing.aml import parse_aml
from panah.intake.routing.context import RoutingContext
from panah.intake.routing.phones import to_e164
from panah.intake.service import (
    NewContact,
    abandon,
    add_location,
    find_contact,
    move,
    open_contact,
    open_contacts,
    open_sms_conversation,
    recent_contact_of,
)


def is_aml(text: str) -> bool:
    return text.lstrip().upper().startswith(('A"ML', "A“ML", "AML="))


def process_events(session: Session, items: Sequence[tuple[str, dict[str, Any]]],
                   now: datetime, context: RoutingContext) -> list[int | None]:
    """Every inbound event of a batch, in arrival order; one contact id (or None) each.

    Runs of offered calls are opened together (one look-up, one flush, one audit append);
    anything else is applied one by one, so an answer or a hang-up always finds the call
    offered before it, even in the same batch.
    """
    results: list[int | None] = []
    offered: list[dict[str, Any]] = []
    for kind, payload in items:
        if kind == "call.offered":
            offered.append(payload)
            continue
        results.extend(_offer_calls(session, offered, now, context))
        offered = []
        if kind.startswith("call."):
            results.append(_call_progress(session, payload, now))
        else:
            results.append(process_sms(session, payload, now, context))
    results.extend(_offer_calls(session, offered, now, context))
    return results


def _offer_calls(session: Session, payloads: Sequence[dict[str, Any]], now: datetime,
                 context: RoutingContext) -> list[int | None]:
    if not payloads:
        return []
    call_ids = list({p["call_id"] for p in payloads})
    known: dict[str | None, int] = {
        call_id: contact_id for call_id, contact_id
        in session.connection().execute(_CALLS_SEEN, {"call_ids": call_ids})}
    news: dict[str, NewContact] = {}
    for payload in payloads:
        call_id = payload["call_id"]
        if call_id in known or call_id in news:
            continue  # the PBX offered the same call twice
        news[call_id] = offered_call(payload, now)
    opened = open_contacts(session, news=list(news.values()), context=context, now=now)
    known.update(zip(news, opened, strict=True))
    return [known[p["call_id"]] for p in payloads]


# Built once: asked for every batch of offered calls.
_CALLS_SEEN = unprepared(select(Contact.external_id, Contact.id).where(
    Contact.channel == Channel.voice.value,
    Contact.external_id.in_(bindparam("call_ids", expanding=True))))


def _call_progress(session: Session, payload: dict[str, Any], now: datetime) -> int:
    kind, call_id = payload["kind"], payload["call_id"]
    contact = find_contact(session, Channel.voice, call_id)
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


def offered_call(payload: dict[str, Any], now: datetime) -> NewContact:
    """The contact a ``call.offered`` event opens: the caller, and the network's point."""
    fixes = [_network_fix(payload["location"], now)] if payload.get("location") else []
    caller = to_e164(payload["caller"]) if payload.get("caller") else None
    return NewContact(Channel.voice, payload["call_id"], caller, payload.get("called"), fixes)


def _network_fix(point: dict[str, Any], now: datetime) -> LocationFix:
    return LocationFix(LocationSource.network, point["lat"], point["lon"],
                       point.get("radius_m"), now)


def process_sms(session: Session, payload: dict[str, Any], now: datetime,
                context: RoutingContext) -> int | None:
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
    ongoing = open_sms_conversation(session, sender, now)
    if ongoing is not None:  # the same person writing again: one conversation, not a new call
        chat.post(session, contact=ongoing, sender="caller", text=text[:chat.MAX_TEXT], now=now)
        return ongoing.id
    new = NewContact(Channel.sms, payload["message_id"], sender, payload.get("recipient"),
                     summary=text)
    contact = open_contact(session, new=new, context=context, now=now)
    chat.post(session, contact=contact, sender="caller", text=text[:chat.MAX_TEXT], now=now)
    return contact.id
