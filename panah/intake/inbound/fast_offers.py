"""Offered calls on PostgreSQL in two waits on the database: the intake writer's fast path.

A batch of new ``call.offered`` events, what the webhooks carry at load, is stored, routed
and committed here over the driver's own connection (psycopg, pipeline mode) instead of
through SQLAlchemy's execution machinery:

1. one round trip inserts the raw events, checks their API keys, asks which calls were
   offered before, reads the callers' recent AML texts, draws the contacts' ids and takes
   the audit chain's lock and head;
2. routing runs in Python (the same :func:`panah.intake.service.plan_contacts` as always);
3. one round trip inserts the contacts, their locations, trails and audit records, marks
   the events processed, and commits.

The general path (:func:`panah.intake.inbound.events.receive_many`) waits on the database seven or
eight times a batch and spends about three times the CPU in SQLAlchemy and psycopg; at 300
calls a second that fixed cost per batch is most of the latency.

Anything out of the ordinary rolls the transaction back and returns None, and the writer
runs the general path, which knows what to answer: an event stored before or twice in the
batch, a key no longer valid, a call offered before, a call whose answer or hang-up came
before its offer and waits for it (``held_event``), any database error. Nothing is
acknowledged before the COMMIT, so the guarantee is unchanged.

The rows are the general path's, column for column: the column lists come from the same
tables, the values pass through the same column types (encryption included), and
``tests/storage/test_fast_offers.py`` compares what both paths store.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import Engine, Table
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

from panah.core.db import table_of, unit_of_work
from panah.intake.channels.inbound import offered_call
from panah.intake.inbound.events import Inbound, Receipt
from panah.intake.model import Channel
from panah.intake.orm import Contact, ContactLocation, InboundEvent, RoutingStep
from panah.intake.routing.context import ContextCache, RoutingContext
from panah.intake.service import (
    AML_WINDOW,
    aml_fixes,
    caller_hash,
    children_of,
    created_entries,
    plan_contacts,
)
from panah.security.audit_orm import (
    AUDIT_LOCK_ID,
    COLUMNS,
    AuditEvent,
    record_of,
    sealed,
    values_of,
)
from panah.security.roles import KEY_ROLES

log = logging.getLogger(__name__)

_EVENTS = table_of(InboundEvent)


class _Insert:
    """``INSERT INTO table (columns) VALUES (…)`` with each value passed through its column's
    type for this dialect, as SQLAlchemy would (EncryptedText encrypts), and the columns'
    scalar defaults filled in where a row leaves them out."""

    def __init__(self, table: Table, columns: Sequence[str], engine: Engine,
                 suffix: str = "") -> None:
        quote = engine.dialect.identifier_preparer.quote
        defaulted = [c.name for c in table.columns if c.name not in columns
                     and c.default is not None and c.default.is_scalar]
        self.columns = [*columns, *defaulted]
        self.defaults = {name: table.c[name].default.arg  # type: ignore[union-attr]
                         for name in defaulted}
        self.processors = [table.c[name].type.bind_processor(engine.dialect)
                           for name in self.columns]
        names, marks = ", ".join(map(quote, self.columns)), ", ".join(["%s"] * len(self.columns))
        # Names from the table's metadata, values as parameters.
        self.sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks}){suffix}"  # noqa: S608

    def params(self, rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
        out = []
        for row in rows:
            values = {**self.defaults, **row}
            out.append(tuple(values[name] if process is None else process(values[name])
                             for name, process in zip(self.columns, self.processors,
                                                      strict=True)))
        return out


_VALID_KEYS = (
    "SELECT api_key.id FROM api_key JOIN app_user ON app_user.id = api_key.user_id"
    " WHERE api_key.id = ANY(%s) AND api_key.revoked_at IS NULL AND app_user.is_active"
    " AND app_user.role = ANY(%s)")
# One call id per statement: an equality on both columns of the unique index is planned as
# one index probe whatever the table's statistics say. With ``external_id = ANY(…)`` a
# generic plan made while the statistics are stale (autovacuum off, or a table that grew
# fast) read every voice contact of the index's first column: 4 ms a batch at 12,000.
_CALLS_SEEN = "SELECT 1 FROM contact WHERE channel = %s AND external_id = %s"
# Never prepared: a generic plan made while inbound_event was small stays a sequential scan
# as the table grows when nothing runs ANALYZE (seen: 3 ms a batch at 8,000 events, growing).
# Planned each time, PostgreSQL sizes the table as it is and takes the caller_hash index.
_RECENT_AML = (
    "SELECT caller_hash, payload FROM inbound_event WHERE caller_hash = ANY(%s)"
    " AND kind = 'sms.aml' AND received_at >= %s ORDER BY id")
# Calls of the batch with an early event waiting (a hang-up that overtook its offer): the
# general path applies it. ``held_event`` holds only what waits, so it stays tiny; one
# statement for the batch, in the same round trip.
_HELD = "SELECT 1 FROM held_event WHERE call_id = ANY(%s) LIMIT 1"
_NEXT_IDS = "SELECT nextval(pg_get_serial_sequence('contact', 'id')) FROM generate_series(1, %s)"
_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_LAST = (f"SELECT {', '.join(c.key for c in COLUMNS)} FROM audit_event"  # noqa: S608 - column names
         " ORDER BY seq DESC LIMIT 1")
_MARK_PROCESSED = ("UPDATE inbound_event SET status = 'processed', contact_id = %s,"
                   " processed_at = %s WHERE id = %s")
_EVENT_COLUMNS = ("source", "key", "kind", "received_at", "caller_hash", "payload", "status")


class FastOffers:
    """The fast path of one intake writer; used from the writer's thread only.

    Holds one connection of the engine's pool while the writer runs (``close`` gives it
    back): no checkout, and no liveness ping, per batch. A connection found broken is
    dropped, that batch goes the general way, and the next batch takes a fresh one.
    """

    def __init__(self, factory: sessionmaker[Session], cache: ContextCache) -> None:
        engine = factory.kw["bind"]
        assert engine.dialect.name == "postgresql"  # noqa: S101 - the caller checks
        self.factory, self.cache, self.engine = factory, cache, engine
        self._pooled: PoolProxiedConnection | None = None
        self._events = _Insert(_EVENTS, _EVENT_COLUMNS, engine,
                               " ON CONFLICT (source, key) DO NOTHING RETURNING id")
        self._inserts: dict[tuple[Table, tuple[str, ...]], _Insert] = {}
        decrypt = _EVENTS.c.payload.type.result_processor(engine.dialect, None)
        assert decrypt is not None  # noqa: S101 - EncryptedText decrypts what it reads
        self._decrypt = decrypt
        self.batches = 0  # written here, for tests and the benchmark
        self.declined = 0  # handed to the general path

    def __call__(self, items: Sequence[Inbound], now: datetime) -> list[Receipt] | None:
        """Store and open a batch of new offered calls; their receipts, or None when the
        batch is not for this path (nothing is then stored)."""
        if not _plain(items):
            return None
        try:
            receipts = self._write(self._connection(), items, now, self._context())
        except Exception:  # the general path will meet it again, and answer for it
            log.warning("the fast intake path failed; the batch goes the general way",
                        exc_info=True)
            self._recover()
            receipts = None
        if receipts is None:
            self.declined += 1
        else:
            self.batches += 1
        return receipts

    def close(self) -> None:
        if self._pooled is not None:
            pooled, self._pooled = self._pooled, None
            pooled.close()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._pooled is None:
            self._pooled = self.engine.raw_connection()
        driver = self._pooled.driver_connection
        assert isinstance(driver, psycopg.Connection)  # noqa: S101 - the psycopg dialect
        return driver

    def _recover(self) -> None:
        """After an error: roll back, or drop a connection that is broken."""
        if self._pooled is None:
            return
        driver = self._pooled.driver_connection
        try:
            if driver is not None and not driver.broken:
                driver.rollback()
                return
        except psycopg.Error:
            pass
        pooled, self._pooled = self._pooled, None
        pooled.invalidate()

    def _context(self) -> RoutingContext:
        context = self.cache.current()
        if context is None:  # due for its check of new boundaries (about once a second)
            with unit_of_work(self.factory) as session:
                context = self.cache.get(session)
        return context

    def _insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> _Insert:
        columns = tuple(rows[0])
        insert = self._inserts.get((table, columns))
        if insert is None:
            insert = self._inserts[(table, columns)] = _Insert(table, columns, self.engine)
        return insert

    def _write(self, conn: psycopg.Connection[Any], items: Sequence[Inbound], now: datetime,
               context: RoutingContext) -> list[Receipt] | None:
        news = [offered_call(item.payload, now) for item in items]
        hashes = [caller_hash(new.caller) if new.caller else None for new in news]
        keys = list({item.key_id for item in items if item.key_id is not None})
        # Routed before the audit chain is locked, so the lock is held only for the writes;
        # routed again in the (rare) case that a caller sent an AML text moments before.
        plans = plan_contacts(news, hashes, {}, context, now)
        with conn.pipeline() as pipeline:
            valid = conn.execute(_VALID_KEYS, (keys, [r.value for r in KEY_ROLES]))
            stored = conn.cursor()
            stored.executemany(self._events.sql, self._events.params(
                {"source": item.source, "key": item.key, "kind": item.kind,
                 "received_at": item.received_at, "caller_hash": item.caller_hash,
                 "payload": json.dumps(item.payload, ensure_ascii=False),
                 "status": "received"} for item in items), returning=True)
            seen = conn.cursor()
            seen.executemany(_CALLS_SEEN, [(Channel.voice.value, new.external_id)
                                           for new in news], returning=True)
            aml = conn.execute(_RECENT_AML, (list({h for h in hashes if h}), now - AML_WINDOW),
                               prepare=False)  # planned for the table as it is now
            held = conn.execute(_HELD, ([new.external_id for new in news],), prepare=False)
            ids = conn.execute(_NEXT_IDS, (len(items),))
            conn.execute(_LOCK, (AUDIT_LOCK_ID,))
            head = conn.cursor(row_factory=namedtuple_row).execute(_LAST)
            pipeline.sync()
            event_ids = _returned_ids(stored)
            if (len(valid.fetchall()) < len(keys) or len(event_ids) < len(items)
                    or _any_row(seen) or held.fetchone() is not None):
                conn.rollback()  # a refused key, an event or a call seen before, a held event
                return None
            fixes = aml_fixes((hashed, self._decrypt(payload)) for hashed, payload in aml)
            if fixes:
                plans = plan_contacts(news, hashes, fixes, context, now)
            contact_ids = [int(row[0]) for row in ids.fetchall()]
            last = head.fetchone()
            contacts = [{**plan.contact, "id": i} for plan, i in zip(plans, contact_ids,
                                                                      strict=True)]
            locations, steps = children_of(plans, contact_ids)
            records = sealed(record_of(last) if last else None,
                             created_entries(contact_ids, news), now=now)
            cursor = conn.cursor()
            for table, rows in ((table_of(Contact), contacts),
                                (table_of(ContactLocation), locations),
                                (table_of(RoutingStep), steps),
                                (table_of(AuditEvent), [values_of(r) for r in records])):
                if rows:
                    insert = self._insert(table, rows)
                    cursor.executemany(insert.sql, insert.params(rows))
            cursor.executemany(_MARK_PROCESSED, [
                (contact_id, now, event_id)
                for contact_id, event_id in zip(contact_ids, event_ids, strict=True)])
            conn.commit()
        return [Receipt(event_id, "processed", contact_id, False)
                for event_id, contact_id in zip(event_ids, contact_ids, strict=True)]


def _plain(items: Sequence[Inbound]) -> bool:
    """Only new-looking offered calls, each event and each call once."""
    if not items or any(item.kind != "call.offered" for item in items):
        return False
    events = {(item.source, item.key) for item in items}
    calls = {item.payload.get("call_id") for item in items}
    return len(events) == len(items) == len(calls)


def _returned_ids(cursor: psycopg.Cursor[Any]) -> list[int]:
    """The ids an ``executemany(…, returning=True)`` inserted, one result per row; a row that
    met a conflict returns none (and the list is then short)."""
    ids = []
    while True:
        row = cursor.fetchone()
        if row is not None:
            ids.append(int(row[0]))
        if not cursor.nextset():
            return ids


def _any_row(cursor: psycopg.Cursor[Any]) -> bool:
    """Whether any statement of an ``executemany(…, returning=True)`` returned a row."""
    while True:
        if cursor.fetchone() is not None:
            return True
        if not cursor.nextset():
            return False
