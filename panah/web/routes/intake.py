"""The 123 line's HTTP API: inbound events from the PBX and the SMS gateway, the queue,
taking a contact and reading it.

Webhooks store the raw event and commit it before answering (see ``panah.intake.inbound.events``):
a 2xx means the event survives a crash; the same event id twice creates nothing new.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Request

from panah.core.errors import InvalidInput, NotAuthenticated
from panah.intake.channels import chat
from panah.intake.channels import inbound as channels
from panah.intake.inbound import events
from panah.intake.inbound.fast_offers import FastOffers
from panah.intake.inbound.writer import IntakeWriter
from panah.intake.queries import callbacks_due, counsellor_queue
from panah.intake.queue import callbacks
from panah.intake.routing.context import ContextCache
from panah.intake.routing.phones import to_e164
from panah.intake.schemas import (
    AttemptIn,
    CallbackPublic,
    ContactPublic,
    ContactSummary,
    EventReceipt,
    SmsIn,
    TelephonyEvent,
    summary,
)
from panah.intake.service import caller_hash, take
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage.queries.line import contact_public
from panah.web.access import contact_access
from panah.web.deps import Uow, get_clock, in_work, ingest_actor, presented_api_key, require

router = APIRouter(prefix="/api", tags=["123 line"])
# Webhooks: a key verified lately is not looked up again; the writer checks it as it stores.
Ingest = Annotated[Actor, Depends(require(Permission.ingest_events, actor_of=ingest_actor))]
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]


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
    data = await in_work(request.app, lambda work: chat.latest(work.session, contact_id))
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


@router.get("/line/queue", response_model=list[ContactSummary])
def line_queue(actor: Answer, uow: Uow) -> list[ContactSummary]:
    """Contacts waiting in your queues (your province's and the national pool), in the order
    to answer them: risk first, then waiting time, with ageing. Marks you present."""
    return counsellor_queue(uow.session, actor=actor, now=uow.now)


@router.post("/contacts/{contact_id}/take", response_model=ContactSummary)
def take_contact(request: Request, actor: Answer, contact_id: ContactAccess, uow: Uow,
                 background: BackgroundTasks) -> ContactSummary:
    """Take a waiting contact. If another counsellor took it first: 409, take the next one.
    A chat's visitor is told at once that a counsellor is with her."""
    taken = summary(take(uow.session, actor=actor, contact_id=contact_id, now=uow.now), uow.now)
    background.add_task(request.app.state.chat_hub.publish, contact_id,
                        chat.state_frame(taken.state))
    return taken


@router.get("/contacts/{contact_id}", response_model=ContactPublic)
def read_contact(request: Request, contact_id: ContactAccess, uow: Uow) -> ContactPublic:
    """One contact: caller, locations with their accuracy, the routing trail, and what to
    know of the number: its earlier contacts, its case files (the category only of those
    you may open) and flags raised from both. Looked up by the number's keyed hash; the
    read, and the look-up of case files, are audited."""
    return contact_public(uow.session, actor=request.state.actor, contact_id=contact_id,
                          now=uow.now)


@router.get("/line/callbacks", response_model=list[CallbackPublic])
def line_callbacks(actor: Answer, uow: Uow) -> list[CallbackPublic]:
    """Callers to call back (lost before anyone answered) that you may reach: escalated
    ones first (their attempts are used up), then by when they are due."""
    return callbacks_due(uow.session, actor=actor, now=uow.now)


@router.post("/contacts/{contact_id}/callback/attempts", response_model=CallbackPublic)
def callback_attempt(body: AttemptIn, actor: Answer, contact_id: ContactAccess,
                     uow: Uow) -> CallbackPublic:
    """Log one attempt to call the caller back: reached or wrong number ends the task; no
    answer or busy makes it due again (10 minutes for risk ≥ medium), until the attempts
    are used up and it goes to the supervisor. 409 when there is no open callback."""
    return CallbackPublic.model_validate(callbacks.log_attempt(
        uow.session, actor=actor, contact_id=contact_id, outcome=body.outcome, note=body.note,
        now=uow.now))
