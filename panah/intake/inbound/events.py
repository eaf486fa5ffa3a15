"""Inbound events: stored raw first (and committed), then processed; idempotent by key.

``receive`` is what every webhook calls. It commits the raw event in its own transaction
before anything else, so a 2xx answer means the event survives a crash. A repeated key
returns the first event's outcome and creates nothing. Processing failures caused by the
event itself (bad AML) are kept on the event with their reason.

An event about a call not offered yet (webhooks arrive out of order: a ``call.ended`` may
overtake its ``call.offered``) is *held*: kept with status "held" and a ``held_event`` row
naming the call, and applied when the call is offered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import deferred, table_of, unit_of_work
from panah.core.errors import InvalidInput, PanahError
from panah.intake.orm import HeldEvent, InboundEvent
from panah.security.apikeys import no_longer_valid, still_valid


@dataclass(frozen=True, slots=True)
class Held:
    """What processing says of an event about a call not offered yet: hold it for the call."""

    call_id: str


# Processes events in arrival order inside the caller's transaction; one contact id (or
# None, or Held) per event. Raises InvalidInput when an event cannot be acted on.
Outcome = int | Held | None
Processor = Callable[[Session, Sequence[tuple[str, dict[str, Any]]], datetime], list[Outcome]]


@dataclass(frozen=True, slots=True)
class Receipt:
    event_id: int
    status: str  # processed | held | rejected | received
    contact_id: int | None
    duplicate: bool
    error: dict[str, object] | None = None


_EVENTS = table_of(InboundEvent)
_MARK_PROCESSED = deferred(  # executemany: one pipelined statement for the batch
    _EVENTS.update().where(_EVENTS.c.id == bindparam("event"))
    .values(status="processed", contact_id=bindparam("contact"), processed_at=bindparam("at")))


REFUSED = -1  # the event id of an item refused before it was stored


@dataclass(frozen=True, slots=True)
class Inbound:
    """One event as a webhook received it, before it is stored."""

    source: str
    key: str
    kind: str
    payload: dict[str, Any]
    caller_hash: str | None
    received_at: datetime
    key_id: int | None = None  # the API key it came with, checked again where it is stored


def receive(
    factory: sessionmaker[Session], *, source: str, key: str, kind: str,
    payload: dict[str, Any], caller_hash: str | None, now: datetime, process: Processor,
) -> Receipt:
    """One event: stored and committed, then processed. Raises what processing raised."""
    outcome = receive_many(factory, [Inbound(source, key, kind, payload, caller_hash, now)],
                           now=now, process=process)[0]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def receive_many(
    factory: sessionmaker[Session], items: Sequence[Inbound], *, now: datetime,
    process: Processor,
) -> list[Receipt | Exception]:
    """Store a batch of events and process the new ones together, in one transaction; a
    receipt or the error, per item, in order. Nothing is answered before the commit, so
    a receipt means the event survives a crash.

    If processing fails (one event is refused, say), the whole transaction is rolled
    back; the events are then stored alone, committed as received, and each processed
    in a transaction of its own, so one bad event never holds back the others and a
    failing one stays stored for ``recover``. (Optimistic: a savepoint would cost two
    more statements on every batch for what is rare.)
    """
    try:
        with unit_of_work(factory, pipelined=True) as session:
            stored = _store_many(session, items)
            outcomes, todo = _sort_out(items, stored)
            done = _process_all(session, todo, now=now, process=process) if todo else {}
    except Exception as problem:
        with unit_of_work(factory) as session:
            stored = _store_many(session, items)
            outcomes, todo = _sort_out(items, stored)
        done = _after_failure(factory, todo, problem, now=now, process=process)
    for i, (event_id, duplicate, _) in enumerate(stored):
        if outcomes[i] is None:
            outcome = done[event_id]
            outcomes[i] = (Receipt(outcome.event_id, outcome.status, outcome.contact_id,
                                   duplicate) if isinstance(outcome, Receipt) else outcome)
    return [o for o in outcomes if o is not None]


Stored = tuple[int, bool, "InboundEvent | None"]
Todo = dict[int, tuple[str, dict[str, Any]]]  # event id → (kind, payload), in order


def _sort_out(items: Sequence[Inbound], stored: Sequence[Stored],
              ) -> tuple[list[Receipt | Exception | None], Todo]:
    """Outcomes known already (refused, duplicates of finished events) and what to process."""
    outcomes: list[Receipt | Exception | None] = [None] * len(items)
    todo: Todo = {}
    for i, (item, (event_id, _, earlier)) in enumerate(zip(items, stored, strict=True)):
        if event_id == REFUSED:
            outcomes[i] = no_longer_valid()
        elif earlier is not None and earlier.status != "received":
            outcomes[i] = _receipt(earlier, duplicate=True)
        elif event_id not in todo:
            payload = json.loads(earlier.payload) if earlier is not None else item.payload
            todo[event_id] = (earlier.kind if earlier is not None else item.kind, payload)
    return outcomes, todo


def _store_many(session: Session, items: Sequence[Inbound]) -> list[Stored]:
    """(event id, duplicate, the earlier event for a duplicate of one stored before) per item;
    the id is REFUSED, and nothing stored, for an item whose API key is no longer valid.

    One INSERT … ON CONFLICT DO NOTHING for the batch: a key stored before, or by another
    request at the same moment, inserts nothing and is read back instead.
    """
    keys = {item.key_id for item in items if item.key_id is not None}
    valid = still_valid(session.connection(), keys) if keys else set()
    rows: list[dict[str, Any]] = []
    result: list[tuple[int, bool, InboundEvent | None]] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        if item.key_id is not None and item.key_id not in valid:
            continue
        if (item.source, item.key) not in seen:
            seen.add((item.source, item.key))
            rows.append({
                "source": item.source, "key": item.key, "kind": item.kind,
                "received_at": item.received_at, "caller_hash": item.caller_hash,
                "payload": json.dumps(item.payload, ensure_ascii=False),
                "status": "received"})
    inserted = {(source, key): event_id for event_id, source, key
                in session.connection().execute(_insert_new(session), rows)} if rows else {}
    seen.clear()
    for item in items:
        if item.key_id is not None and item.key_id not in valid:
            result.append((REFUSED, False, None))
            continue
        pair = (item.source, item.key)
        if pair in inserted:
            result.append((inserted[pair], pair in seen, None))
        else:
            earlier = _find(session, item.source, item.key)
            assert earlier is not None  # noqa: S101 - the unique constraint just said so
            session.expunge(earlier)
            result.append((earlier.id, True, earlier))
        seen.add(pair)
    return result


def _insert_new(session: Session) -> Any:
    """INSERT that skips rows whose (source, key) is already stored, on either backend."""
    return _INSERT_NEW[session.get_bind().dialect.name == "postgresql"]


_INSERT_NEW = {  # built once per backend: postgresql?
    pg: dialect.insert(_EVENTS).on_conflict_do_nothing(index_elements=["source", "key"])
    .returning(_EVENTS.c.id, _EVENTS.c.source, _EVENTS.c.key)
    for pg, dialect in ((True, postgresql), (False, sqlite))
}


def _find(session: Session, source: str, key: str) -> InboundEvent | None:
    """The stored event, locked: a server recovering it at the same time waits, or is
    waited for, so an event is never processed twice."""
    return session.scalar(select(InboundEvent).where(
        InboundEvent.source == source, InboundEvent.key == key).with_for_update())


def _process_all(session: Session, todo: Todo, *, now: datetime,
                 process: Processor) -> dict[int, Receipt | Exception]:
    outcomes = dict(zip(todo, process(session, list(todo.values()), now), strict=True))
    done = [{"event": event_id, "contact": outcome, "at": now}
            for event_id, outcome in outcomes.items() if not isinstance(outcome, Held)]
    if done:
        session.connection().execute(_MARK_PROCESSED, done)
    held = {event_id: o for event_id, o in outcomes.items() if isinstance(o, Held)}
    if held:
        hold(session, held, now=now)
    return {event_id: _receipt_of(event_id, outcome) for event_id, outcome in outcomes.items()}


def _receipt_of(event_id: int, outcome: Outcome) -> Receipt:
    if isinstance(outcome, Held):
        return Receipt(event_id, "held", None, False)
    return Receipt(event_id, "processed", outcome, False)


def hold(session: Session, held: dict[int, Held], *, now: datetime) -> None:
    """Keep these events for the calls they are about (applied when a call is offered)."""
    session.execute(_EVENTS.update().where(_EVENTS.c.id.in_(list(held)))
                    .values(status="held", processed_at=now))
    session.add_all(HeldEvent(event_id=event_id, call_id=h.call_id, held_at=now)
                    for event_id, h in held.items())
    session.flush()


def _after_failure(factory: sessionmaker[Session], todo: Todo, failure: Exception, *,
                   now: datetime, process: Processor) -> dict[int, Receipt | Exception]:
    """The batch's processing failed: each event alone, in its own transaction."""
    if len(todo) > 1:
        return {event_id: _outcome(factory, event_id, now=now, process=process)
                for event_id in todo}
    event_id = next(iter(todo))
    if isinstance(failure, InvalidInput):  # no need to try again: keep the reason
        return {event_id: _reject(factory, event_id, failure, now=now)}
    return {event_id: failure}  # kept as received; recovery redoes it


def _outcome(factory: sessionmaker[Session], event_id: int, *, now: datetime,
             process: Processor) -> Receipt | Exception:
    try:
        return _process(factory, event_id, now=now, process=process, duplicate=False)
    except Exception as problem:  # handed to the event's own request
        return problem


def _process(factory: sessionmaker[Session], event_id: int, *, now: datetime,
             process: Processor, duplicate: bool) -> Receipt:
    try:
        with unit_of_work(factory) as session:
            # Locked, and looked at again: another server may have just processed it.
            event = session.get(InboundEvent, event_id, with_for_update=True)
            assert event is not None  # noqa: S101 - stored before
            if event.status != "received":
                return _receipt(event, duplicate=duplicate)
            outcome = process(session, [(event.kind, json.loads(event.payload))], now)[0]
            if isinstance(outcome, Held):
                hold(session, {event_id: outcome}, now=now)
                return Receipt(event_id, "held", None, duplicate)
            event.status, event.contact_id, event.processed_at = "processed", outcome, now
            return Receipt(event_id, "processed", outcome, duplicate)
    except InvalidInput as problem:
        raise _reject(factory, event_id, problem, now=now) from problem


def _reject(factory: sessionmaker[Session], event_id: int, problem: InvalidInput, *,
            now: datetime) -> RejectedEvent:
    """Keep the reason with the event; the error to hand to its sender."""
    with unit_of_work(factory) as session:
        event = session.get(InboundEvent, event_id)
        assert event is not None  # noqa: S101 - stored before
        event.status, event.processed_at = "rejected", now
        event.error = json.dumps(problem.as_dict(), ensure_ascii=False)
    return RejectedEvent(problem, event_id)


class RejectedEvent(InvalidInput):
    """The event was kept but could not be acted on; ``details`` carry the reason."""

    def __init__(self, problem: PanahError, event_id: int) -> None:
        super().__init__(problem.message_en, problem.message_fa, event_id=event_id,
                         **problem.details)


def _receipt(event: InboundEvent, *, duplicate: bool) -> Receipt:
    error = json.loads(event.error) if event.error else None
    return Receipt(event.id, event.status, event.contact_id, duplicate, error)


def pending_event_ids(session: Session) -> list[int]:
    """Events stored but never processed (the process stopped in between): redo them."""
    query = select(InboundEvent.id).where(InboundEvent.status == "received")
    return list(session.scalars(query.order_by(InboundEvent.id)))


def reprocess(factory: sessionmaker[Session], event_id: int, *, now: datetime,
              process: Processor) -> Receipt:
    return _process(factory, event_id, now=now, process=process, duplicate=True)
