"""Inbound events: stored raw first (and committed), then processed; idempotent by key.

``receive`` is what every webhook calls. It commits the raw event in its own transaction
before anything else, so a 2xx answer means the event survives a crash. A repeated key
returns the first event's outcome and creates nothing. Processing failures caused by the
event itself (bad AML, unknown call) are kept on the event with their reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput, PanahError
from panah.intake.orm import InboundEvent

Processor = Callable[[Session, InboundEvent, dict[str, Any], datetime], int | None]


@dataclass(frozen=True, slots=True)
class Receipt:
    event_id: int
    status: str  # processed | rejected | received
    contact_id: int | None
    duplicate: bool
    error: dict[str, object] | None = None


def receive(
    factory: sessionmaker[Session], *, source: str, key: str, kind: str,
    payload: dict[str, Any], caller_hash: str | None, now: datetime, process: Processor,
) -> Receipt:
    stored, duplicate = _store(factory, source=source, key=key, kind=kind, payload=payload,
                               caller_hash=caller_hash, now=now)
    if duplicate and stored.status != "received":
        return _receipt(stored, duplicate=True)
    return _process(factory, stored.id, now=now, process=process, duplicate=duplicate,
                    stored=None if duplicate else stored)


def _store(factory: sessionmaker[Session], *, source: str, key: str, kind: str,
           payload: dict[str, Any], caller_hash: str | None,
           now: datetime) -> tuple[InboundEvent, bool]:
    try:
        with unit_of_work(factory) as session:
            existing = _find(session, source, key)
            if existing is not None:
                session.expunge(existing)
                return existing, True
            event = InboundEvent(source=source, key=key, kind=kind, received_at=now,
                                 payload=json.dumps(payload, ensure_ascii=False),
                                 caller_hash=caller_hash, status="received")
            session.add(event)
            session.flush()
            session.expunge(event)
        return event, False
    except IntegrityError:  # the same key arrived twice at once: the other one won
        with unit_of_work(factory) as session:
            winner = _find(session, source, key)
            assert winner is not None  # noqa: S101 - the unique constraint just said so
            session.expunge(winner)
            return winner, True


def _find(session: Session, source: str, key: str) -> InboundEvent | None:
    return session.scalar(select(InboundEvent).where(InboundEvent.source == source,
                                                     InboundEvent.key == key))


def _process(factory: sessionmaker[Session], event_id: int, *, now: datetime,
             process: Processor, duplicate: bool,
             stored: InboundEvent | None = None) -> Receipt:
    try:
        with unit_of_work(factory) as session:
            event = _attach(session, stored) if stored else session.get(InboundEvent, event_id)
            assert event is not None  # noqa: S101 - stored above
            contact_id = process(session, event, json.loads(event.payload), now)
            event.status, event.contact_id, event.processed_at = "processed", contact_id, now
            return Receipt(event_id, "processed", contact_id, duplicate)
    except InvalidInput as problem:
        with unit_of_work(factory) as session:
            event = session.get(InboundEvent, event_id)
            assert event is not None  # noqa: S101
            event.status, event.processed_at = "rejected", now
            event.error = json.dumps(problem.as_dict(), ensure_ascii=False)
        raise RejectedEvent(problem, event_id) from problem


def _attach(session: Session, stored: InboundEvent) -> InboundEvent:
    """The event this request has just stored and committed, attached without reading it
    back: one SELECT (and one decryption of the payload) less per event."""
    session.add(stored)
    return stored


class RejectedEvent(InvalidInput):
    """The event was kept but could not be acted on; ``details`` carry the reason."""

    def __init__(self, problem: PanahError, event_id: int) -> None:
        super().__init__(problem.message_en, problem.message_fa, event_id=event_id,
                         **problem.details)


def _receipt(event: InboundEvent, *, duplicate: bool) -> Receipt:
    error = json.loads(event.error) if event.error else None
    return Receipt(event.id, event.status, event.contact_id, duplicate, error)


def pending_events_with_kind(session: Session) -> list[tuple[int, str]]:
    """Events stored but never processed (the process stopped in between): redo them."""
    rows = session.execute(select(InboundEvent.id, InboundEvent.kind)
                           .where(InboundEvent.status == "received").order_by(InboundEvent.id))
    return [(event_id, kind) for event_id, kind in rows]


def reprocess(factory: sessionmaker[Session], event_id: int, *, now: datetime,
              process: Processor) -> Receipt:
    return _process(factory, event_id, now=now, process=process, duplicate=True)
