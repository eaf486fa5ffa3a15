"""What each inbound event means for contacts: calls from the PBX, texts from the gateway.

Webhooks arrive out of order: an answer or a hang-up may come before its call is offered.
Such an event is held (``events.Held``; its event stays stored with status "held") and is
applied as soon as the call is offered, in the same batch or a later one, so a caller who
hung up never stays in the queue. Texts count against their sender's limit
(``panah.intake.limits``): past it, they are kept as events but reach no one, and the
sender is told once, by text, which numbers to call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from panah.core.db import unprepared
from panah.intake.channels import chat
from panah.intake.inbound.events import Held, Outcome
from panah.intake.limits.service import admit_text, texts_limited_sms
from panah.intake.model import Channel, ContactState, LocationFix, LocationSource
from panah.intake.orm import Contact, HeldEvent, InboundEvent, OutboundSms
from panah.intake.routing.aml import parse_aml
from panah.intake.routing.context import RoutingContext
from panah.intake.routing.phones import to_e164
from panah.intake.service import (
    NewContact,
    abandon,
    add_location,
    caller_hash,
    find_contact,
    move,
    open_contact,
    open_contacts,
    open_sms_conversation,
    recent_contact_of,
)

# An answer is applied before a hang-up, whatever order they came in.
_PROGRESS_ORDER = {"call.answered": 0, "call.ended": 1}


def is_aml(text: str) -> bool:
    return text.lstrip().upper().startswith(('A"ML', "A“ML", "AML="))


def process_events(session: Session, items: Sequence[tuple[str, dict[str, Any]]],
                   now: datetime, context: RoutingContext) -> list[Outcome]:
    """Every inbound event of a batch, in arrival order; one contact id (or None, or
    ``Held`` for an event about a call not offered yet) each.

    Runs of offered calls are opened together (one look-up, one flush, one audit append);
    anything else is applied one by one, so an answer or a hang-up finds the call offered
    before it, even in the same batch; one that comes first waits for its call.
    """
    results: list[Outcome] = []
    offered: list[dict[str, Any]] = []
    early: dict[str, list[tuple[int, str]]] = {}  # call id → (position, kind), this batch
    for kind, payload in items:
        if kind == "call.offered":
            offered.append(payload)
            continue
        results.extend(_offer_calls(session, offered, now, context, results, early))
        offered = []
        if kind.startswith("call."):
            outcome = _call_progress(session, payload, now)
            if isinstance(outcome, Held):
                early.setdefault(outcome.call_id, []).append((len(results), kind))
            results.append(outcome)
        else:
            results.append(process_sms(session, payload, now, context))
    results.extend(_offer_calls(session, offered, now, context, results, early))
    return results


def _offer_calls(session: Session, payloads: Sequence[dict[str, Any]], now: datetime,
                 context: RoutingContext, results: list[Outcome],
                 early: dict[str, list[tuple[int, str]]]) -> list[Outcome]:
    """Open the calls not offered before; then apply what came early for them (earlier in
    this batch: its result becomes the contact; in an earlier batch: its held event)."""
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
    opened = dict(zip(news, open_contacts(session, news=list(news.values()), context=context,
                                          now=now), strict=True))
    known.update(opened)
    if opened:
        _apply_early(session, opened, now, results, early)
    return [known[p["call_id"]] for p in payloads]


def _apply_early(session: Session, opened: dict[str, int], now: datetime,
                 results: list[Outcome], early: dict[str, list[tuple[int, str]]]) -> None:
    waiting = [(call_id, position, kind) for call_id in opened
               for position, kind in early.pop(call_id, ())]
    for call_id, position, kind in sorted(waiting, key=lambda w: _PROGRESS_ORDER[w[2]]):
        _progress(session, session.get_one(Contact, opened[call_id]), kind, now)
        results[position] = opened[call_id]
    apply_held(session, opened, now)


def apply_held(session: Session, contacts_by_call: dict[str, int], now: datetime) -> int:
    """Apply the held events of these calls (by call id → contact id), in a call's order
    (answered before ended), mark them processed for their contact; how many."""
    held = session.execute(
        select(HeldEvent.event_id, HeldEvent.call_id, InboundEvent.kind)
        .join(InboundEvent, InboundEvent.id == HeldEvent.event_id)
        .where(HeldEvent.call_id.in_(list(contacts_by_call)))).all()
    if not held:
        return 0
    for event_id, call_id, kind in sorted(held, key=lambda h: (_PROGRESS_ORDER.get(h[2], 9),
                                                               h[0])):
        contact_id = contacts_by_call[call_id]
        _progress(session, session.get_one(Contact, contact_id), kind, now)
        session.execute(update(InboundEvent).where(InboundEvent.id == event_id).values(
            status="processed", contact_id=contact_id, processed_at=now))
    session.execute(delete(HeldEvent).where(HeldEvent.event_id.in_([h[0] for h in held])))
    return len(held)


# Built once: asked for every batch of offered calls.
_CALLS_SEEN = unprepared(select(Contact.external_id, Contact.id).where(
    Contact.channel == Channel.voice.value,
    Contact.external_id.in_(bindparam("call_ids", expanding=True))))


def _call_progress(session: Session, payload: dict[str, Any], now: datetime) -> int | Held:
    """An answer or a hang-up, applied to its call; held when the call is not offered yet."""
    contact = find_contact(session, Channel.voice, payload["call_id"])
    if contact is None:
        return Held(payload["call_id"])
    _progress(session, contact, payload["kind"], now)
    return contact.id


def _progress(session: Session, contact: Contact, kind: str, now: datetime) -> None:
    if kind == "call.answered":
        if contact.state == ContactState.queued.value:
            move(contact, ContactState.assigned, now)
        move(contact, ContactState.answered, now)
    elif contact.state in (ContactState.answered.value, ContactState.wrap_up.value):
        move(contact, ContactState.wrap_up, now)
    elif contact.state in (ContactState.offered.value, ContactState.queued.value,
                           ContactState.assigned.value):
        abandon(session, contact=contact, now=now)


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
    """An AML text locates its caller's call; any other text joins its sender's open
    conversation or opens one, unless the sender is over the limit for texts."""
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
    admission = admit_text(session, sender_hash=caller_hash(sender), now=now)
    if not admission.admitted:  # kept as an event; the sender is told once, by text
        if admission.first_refusal:
            session.add(OutboundSms(contact_id=None, to=sender, created_at=now,
                                    body=texts_limited_sms(admission.retry_after_s or 60)))
        return None
    ongoing = open_sms_conversation(session, sender, now)
    if ongoing is not None:  # the same person writing again: one conversation, not a new call
        chat.post(session, contact=ongoing, sender="caller", text=text[:chat.MAX_TEXT], now=now)
        return ongoing.id
    new = NewContact(Channel.sms, payload["message_id"], sender, payload.get("recipient"),
                     summary=text)
    contact = open_contact(session, new=new, context=context, now=now)
    chat.post(session, contact=contact, sender="caller", text=text[:chat.MAX_TEXT], now=now)
    return contact.id
