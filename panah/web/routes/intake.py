"""The 123 line's HTTP API: inbound events from the PBX and the SMS gateway, the queue,
taking a contact and reading it.

Webhooks store the raw event and commit it before answering (see ``panah.intake.inbound.events``):
a 2xx means the event survives a crash; the same event id twice creates nothing new.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy.orm import Session

from panah.cases.service import cases_of_phone_hash
from panah.core.clock import as_utc
from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput, NotAuthenticated, NotFound
from panah.intake.channels import chat
from panah.intake.channels import inbound as channels
from panah.intake.inbound import events
from panah.intake.inbound.fast_offers import FastOffers
from panah.intake.inbound.writer import IntakeWriter
from panah.intake.model import ContactState, RiskLevel
from panah.intake.orm import Contact
from panah.intake.queue import callbacks, presence
from panah.intake.queue.model import QueueEntry, held_for, language_of, order_queue
from panah.intake.routing.context import ContextCache, RoutingContext
from panah.intake.routing.phones import to_e164
from panah.intake.schemas import (
    AttemptIn,
    CallbackPublic,
    CaseHintPublic,
    ContactPublic,
    ContactSummary,
    EarlierContactPublic,
    EventReceipt,
    LocationPublic,
    SmsIn,
    TelephonyEvent,
    TrailStepPublic,
)
from panah.intake.service import caller_hash, earlier_contacts, take, waiting_for
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage import history
from panah.web.access import contact_access
from panah.web.deps import get_clock, ingest_actor, presented_api_key, require

router = APIRouter(prefix="/api", tags=["123 line"])
# Webhooks: a key verified lately is not looked up again; the writer checks it as it stores.
Ingest = Annotated[Actor, Depends(require(Permission.ingest_events, actor_of=ingest_actor))]
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]


def intake_context(request: Request, session: Session) -> RoutingContext:
    """The routing inputs, rebuilt when new boundaries are imported (see ContextCache)."""
    cache: ContextCache = request.app.state.intake_context
    return cache.get(session)


def intake_writer(app: FastAPI) -> IntakeWriter:
    """The process's writer: the webhooks' events are stored and processed in batches."""
    cache: ContextCache = app.state.intake_context
    writer: IntakeWriter = app.state.intake_writer
    return writer if writer is not None else _new_writer(app, cache)


def _new_writer(app: FastAPI, cache: ContextCache) -> IntakeWriter:
    factory = app.state.session_factory
    postgres = factory.kw["bind"].dialect.name == "postgresql"
    app.state.intake_writer = IntakeWriter(
        factory, app.state.clock,
        process=lambda s, items, now: channels.process_events(s, items, now, cache.get(s)),
        fast=FastOffers(factory, cache) if postgres else None)
    return app.state.intake_writer  # type: ignore[no-any-return]


def _receipt(receipt: events.Receipt) -> EventReceipt:
    if receipt.status == "rejected" and receipt.error:
        raise events.RejectedEvent(_from_dict(receipt.error), receipt.event_id)
    return EventReceipt(event_id=receipt.event_id, status=receipt.status,
                        contact_id=receipt.contact_id, duplicate=receipt.duplicate)


def _from_dict(error: dict[str, object]) -> InvalidInput:
    details = error.get("details") or {}
    return InvalidInput(str(error.get("message", "")), str(error.get("message_fa", "")),
                               **(details if isinstance(details, dict) else {}))


@router.post("/telephony/events", response_model=EventReceipt)
async def telephony_event(request: Request, body: TelephonyEvent, actor: Ingest) -> EventReceipt:
    """A PBX adapter reports a call offered, answered or ended. Stored before answering."""
    hashed = caller_hash(to_e164(body.caller)) if body.caller else None
    return await _received(request, events.Inbound(
        source=f"telephony:{actor.user_id}", key=body.event_id, kind=body.kind,
        payload=body.model_dump(mode="json"), caller_hash=hashed,
        received_at=get_clock(request).now(), key_id=request.state.api_key))


@router.post("/sms/inbound", response_model=EventReceipt)
async def sms_inbound(request: Request, body: SmsIn, actor: Ingest) -> EventReceipt:
    """The SMS gateway delivers a text; Advanced Mobile Location messages locate the caller."""
    kind = "sms.aml" if channels.is_aml(body.text) else "sms.text"
    receipt = await _received(request, events.Inbound(
        source=f"sms:{actor.user_id}", key=body.message_id, kind=kind,
        payload=body.model_dump(mode="json"), caller_hash=caller_hash(to_e164(body.sender)),
        received_at=get_clock(request).now(), key_id=request.state.api_key))
    if kind == "sms.text" and receipt.contact_id and not receipt.duplicate:
        await _push_latest(request, receipt.contact_id)  # to a counsellor's open page
    return receipt


async def _push_latest(request: Request, contact_id: int) -> None:
    def load() -> dict[str, Any] | None:
        with unit_of_work(request.app.state.session_factory) as session:
            return chat.latest(session, contact_id)

    data = await asyncio.to_thread(load)
    if data is not None:
        await request.app.state.chat_hub.publish(contact_id, data)


async def _received(request: Request, item: events.Inbound) -> EventReceipt:
    """Hand the event to the writer and wait until it is committed and processed."""
    try:
        receipt = await asyncio.wrap_future(intake_writer(request.app).submit(item))
    except NotAuthenticated:  # revoked since this process last saw the key
        request.app.state.key_hints.drop(presented_api_key(request) or "")
        raise
    return _receipt(receipt)


def summary(contact: Contact, now: datetime) -> ContactSummary:
    queued = as_utc(contact.queued_at) if contact.queued_at else None
    return ContactSummary(
        id=contact.id, channel=contact.channel, state=contact.state,
        risk=RiskLevel(contact.risk), queue=contact.queue,
        offered_to=[q for q in contact.offered_to.split(",") if q],
        province_code=contact.province_code, location_source=contact.location_source,
        approximate=contact.approximate, queued_at=queued,
        waited_s=int((now - queued).total_seconds()) if queued else 0,
        language=contact.language, wants_woman=contact.wants_woman)


@router.get("/line/queue", response_model=list[ContactSummary])
def line_queue(request: Request, actor: Answer) -> list[ContactSummary]:
    """Contacts waiting in your queues (your province's and the national pool), in the order
    to answer them: risk first, then waiting time, with ageing."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        presence.seen(session, actor.user_id, now)
        me = presence.counsellor_of(session.get_one(User, actor.user_id))
        around = [*presence.online(session, actor.province_code, now), me]
        contacts = {str(c.id): c for c in waiting_for(session, actor)}
        entries = [QueueEntry(id=k, risk=RiskLevel(c.risk),
                              enqueued_at=as_utc(c.queued_at or c.offered_at),
                              language=language_of(c.language),
                              wants_woman_counsellor=c.wants_woman)
                   for k, c in contacts.items()]
        return [summary(contacts[e.id], now).model_copy(update={
                    "held_for": held_for(me, e, now=now, online=around)})
                for e in order_queue(entries, now=now)]


@router.post("/contacts/{contact_id}/take", response_model=ContactSummary)
def take_contact(request: Request, actor: Answer, contact_id: ContactAccess) -> ContactSummary:
    """Take a waiting contact. If another counsellor took it first: 409, take the next one."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        return summary(take(session, actor=actor, contact_id=contact_id, now=now), now)


@router.get("/contacts/{contact_id}", response_model=ContactPublic)
def read_contact(request: Request, contact_id: ContactAccess) -> ContactPublic:
    """One contact: caller, locations with their accuracy, the routing trail, and what to
    know of the number: its earlier contacts, its case files (the category only of those
    you may open) and flags raised from both. Looked up by the number's keyed hash; the
    read, and the look-up of case files, are audited."""
    now = get_clock(request).now()
    actor: Actor = request.state.actor
    with unit_of_work(request.app.state.session_factory) as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound("The contact is gone.", "تماس دیگر نیست.")
        count, earlier = earlier_contacts(session, contact) if contact.caller_hash else (0, [])
        cases = (cases_of_phone_hash(session, actor=actor, hashed=contact.caller_hash, now=now)
                 if contact.caller_hash else [])
        nuisance = nuisance_contacts(session, [c.id for c in earlier])
        raised = history.flags(
            [history.Earlier(c.id, as_utc(c.offered_at), RiskLevel(c.risk),
                             ContactState(c.state), c.abandoned_at is not None,
                             c.id in nuisance)
             for c in earlier],
            [history.CaseFact(c.id, c.status == "open", c.restricted_category is not None)
             for c, _ in cases], now)
        return ContactPublic(
            **summary(contact, now).model_dump(), caller=contact.caller,
            county_key=contact.county_key, centre_code=contact.centre_code,
            locations=[LocationPublic(source=loc.source, lat=loc.lat, lon=loc.lon,
                                      radius_m=loc.radius_m, province_code=loc.province_code)
                       for loc in contact.locations],
            trail=[TrailStepPublic(seq=s.seq, step=s.step, outcome=s.outcome,
                                   detail_en=s.detail_en, detail_fa=s.detail_fa)
                   for s in contact.trail],
            earlier_contacts=count,
            earlier=[EarlierContactPublic(
                id=c.id, channel=c.channel, offered_at=as_utc(c.offered_at),
                risk=RiskLevel(c.risk), state=c.state, lost=c.abandoned_at is not None)
                for c in earlier],
            cases=[CaseHintPublic(
                id=c.id, status=c.status, opened_at=as_utc(c.opened_at),
                category=c.category if may_open else None,
                restricted=c.restricted_category is not None, may_open=may_open)
                for c, may_open in cases],
            flags=[f.value for f in raised])




def nuisance_contacts(session: Session, contact_ids: list[int]) -> set[int]:
    """Of these contacts, those closed with the outcome "nuisance"."""
    from sqlalchemy import select

    from panah.triage.orm import ContactOutcome

    if not contact_ids:
        return set()
    return set(session.scalars(select(ContactOutcome.contact_id).where(
        ContactOutcome.contact_id.in_(contact_ids), ContactOutcome.outcome == "nuisance")))


def callback_public(task: callbacks.CallbackTask) -> CallbackPublic:
    return CallbackPublic.model_validate(task)


@router.get("/line/callbacks", response_model=list[CallbackPublic])
def line_callbacks(request: Request, actor: Answer) -> list[CallbackPublic]:
    """Callers to call back (lost before anyone answered) that you may reach: escalated
    ones first (their attempts are used up), then by when they are due."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        return [callback_public(t) for t in callbacks.open_callbacks(session, actor, now)]


@router.post("/contacts/{contact_id}/callback/attempts", response_model=CallbackPublic)
def callback_attempt(request: Request, body: AttemptIn, actor: Answer,
                     contact_id: ContactAccess) -> CallbackPublic:
    """Log one attempt to call the caller back: reached or wrong number ends the task; no
    answer or busy makes it due again (10 minutes for risk ≥ medium), until the attempts
    are used up and it goes to the supervisor. 409 when there is no open callback."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        return callback_public(callbacks.log_attempt(
            session, actor=actor, contact_id=contact_id, outcome=body.outcome, note=body.note,
            now=now))
