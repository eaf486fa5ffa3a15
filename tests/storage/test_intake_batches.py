"""Inbound events in batches (group commit) on every backend: what a batch stores, what
each sender hears, and that nothing is lost when processing fails half-way."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from panah.core.clock import FrozenClock
from panah.core.db import insert_rows, make_engine, make_session_factory, table_of, unit_of_work
from panah.core.errors import NotAuthenticated
from panah.intake.inbound.events import Receipt, RejectedEvent, receive_many
from panah.intake.inbound.recovery import recover
from panah.intake.inbound.writer import IntakeWriter
from panah.intake.orm import Contact, InboundEvent
from panah.security.audit import AuditAction
from panah.security.audit_orm import AuditEvent, Entry, append, append_many, verify
from panah.security.orm import ApiKey
from tests.storage.intake_line import CHALUS, MINE, NOW, Line, broken_aml, call


def test_a_mixed_batch_answers_each_sender_and_one_bad_event_spoils_nothing(
    line: Line,
) -> None:
    items = [
        call("call.offered", "c1", location=CHALUS),
        call("call.offered", "c2"),
        call("call.offered", "c1", location=CHALUS),  # the same event again, same batch
        call("call.answered", "c1"),  # answers the call offered two lines above
        broken_aml("bad-aml"),  # cannot be read: refused, and kept with its reason
        call("call.offered", "c3"),
    ]
    outcomes = receive_many(line.factory, items, now=NOW, process=line.process)

    c1, c2, again, answered, bad, c3 = outcomes
    assert isinstance(c1, Receipt) and isinstance(c2, Receipt) and isinstance(c3, Receipt)
    assert (c1.status, c1.duplicate) == ("processed", False)
    assert isinstance(again, Receipt)
    assert (again.event_id, again.contact_id, again.duplicate) == (c1.event_id, c1.contact_id, True)
    assert isinstance(answered, Receipt) and answered.contact_id == c1.contact_id
    assert isinstance(bad, RejectedEvent) and bad.details["field"] == "pm"
    assert len({c1.contact_id, c2.contact_id, c3.contact_id}) == 3
    with unit_of_work(line.factory) as session:
        states = dict(session.execute(select(Contact.external_id, Contact.state).where(MINE)).all())
        assert states == {"c1": "answered", "c2": "queued", "c3": "queued"}
        assert session.get_one(Contact, c1.contact_id).province_code == "IR-02"
        kept = dict(session.execute(select(InboundEvent.key, InboundEvent.status)).all())
    assert kept == {"c1-call.offered": "processed", "c2-call.offered": "processed",
                    "c1-call.answered": "processed", "bad-aml": "rejected",
                    "c3-call.offered": "processed"}
    with unit_of_work(line.factory) as session:
        assert verify(session) == []
        audited = set(session.scalars(select(AuditEvent.subject_id).where(
            AuditEvent.subject_type == "contact", AuditEvent.action == "create")))
    assert {str(r.contact_id) for r in (c1, c2, c3)} <= audited


def test_a_second_batch_with_the_same_events_creates_nothing(line: Line) -> None:
    items = [call("call.offered", "c1"), call("call.offered", "c2")]
    first = receive_many(line.factory, items, now=NOW, process=line.process)
    second = receive_many(line.factory, items, now=NOW, process=line.process)
    assert [r.contact_id for r in first] == [r.contact_id for r in second]  # type: ignore[union-attr]
    assert all(r.duplicate for r in second)  # type: ignore[union-attr]
    assert line.count(Contact, MINE) == 2 and line.count(InboundEvent) == 2


def test_a_failure_while_processing_keeps_the_events_for_recovery(line: Line) -> None:
    def broken(*_: object) -> list[int | None]:
        raise RuntimeError("a bug in processing")

    items = [call("call.offered", "c1", location=CHALUS), call("call.offered", "c2")]
    outcomes = receive_many(line.factory, items, now=NOW, process=broken)
    assert all(isinstance(o, RuntimeError) for o in outcomes)  # each sender hears of it
    assert line.count(InboundEvent, InboundEvent.status == "received") == 2
    assert line.count(Contact, MINE) == 0  # nothing half-made

    assert recover(line.factory, clock=FrozenClock(NOW)) == 2
    assert line.count(InboundEvent, InboundEvent.status == "processed") == 2
    assert line.count(Contact, MINE) == 2


def test_an_event_whose_key_was_revoked_meanwhile_is_refused_and_not_stored(
    line: Line,
) -> None:
    with unit_of_work(line.factory) as session:
        session.execute(update(ApiKey).values(revoked_at=NOW))
    outcomes = receive_many(
        line.factory, [call("call.offered", "c1", key_id=line.key_id), call("call.offered", "c2")],
        now=NOW, process=line.process)
    assert isinstance(outcomes[0], NotAuthenticated)
    assert isinstance(outcomes[1], Receipt)  # an event with no key (the AGI's) goes on
    assert line.count(InboundEvent) == 1 and line.count(Contact, MINE) == 1


def test_the_writer_batches_what_waits_and_answers_each_future(line: Line) -> None:
    gate, started = threading.Event(), threading.Event()

    def held(session: Session, items: Sequence[tuple[str, dict[str, Any]]],
             now: datetime) -> list[int | None]:
        started.set()
        gate.wait(10)  # the first batch is being written while the others arrive
        return line.process(session, items, now)

    writer = IntakeWriter(line.factory, FrozenClock(NOW), held, idle_s=0.5)
    first = writer.submit(call("call.offered", "c0"))
    assert started.wait(10)
    rest = [writer.submit(call("call.offered", f"c{i}")) for i in range(1, 6)]
    gate.set()
    receipts = [f.result(timeout=20) for f in (first, *rest)]

    assert (writer.batches, writer.largest_batch) == (2, 5)
    assert len({r.contact_id for r in receipts}) == 6
    with unit_of_work(line.factory) as session:
        by_call = dict(session.execute(select(Contact.external_id, Contact.id).where(MINE)).all())
    assert [r.contact_id for r in receipts] == [by_call[f"c{i}"] for i in range(6)]


def test_a_batch_that_cannot_be_stored_answers_every_sender_with_the_error() -> None:
    engine = make_engine("sqlite://")  # an empty database: not even the inbound_event table
    factory = make_session_factory(engine)
    writer = IntakeWriter(factory, FrozenClock(NOW), lambda *_: [], idle_s=0.5)
    futures = [writer.submit(call("call.offered", f"c{i}")) for i in range(3)]
    for future in futures:
        with pytest.raises(Exception, match="inbound_event"):
            future.result(timeout=20)
    engine.dispose()


def test_rows_come_back_with_their_ids_in_order(line: Line) -> None:
    rows = [{"channel": "walk_in", "external_id": f"w{i}", "state": "queued", "version": 1,
             "queue": "national", "offered_at": NOW, "offered_to": "national",
             "risk": "medium", "language": "fa", "wants_woman": False,
             "location_source": "unknown", "approximate": True} for i in range(5)]
    with unit_of_work(line.factory) as session:
        ids = insert_rows(session, table_of(Contact), rows)
    with unit_of_work(line.factory) as session:
        stored = dict(session.execute(select(Contact.id, Contact.external_id).where(MINE)).all())
    assert [stored[i] for i in ids] == [f"w{i}" for i in range(5)]


def test_appending_several_audit_events_at_once_makes_the_same_chain(line: Line) -> None:
    entries = [Entry(None, AuditAction.create, "contact", str(i), "voice") for i in range(4)]
    with unit_of_work(line.factory) as session:
        together = append_many(session, now=NOW, entries=entries)
        session.rollback()
    with unit_of_work(line.factory) as session:
        one_by_one = [append(session, now=NOW, actor=e.actor, action=e.action,
                             subject_type=e.subject_type, subject_id=e.subject_id,
                             reason=e.reason) for e in entries]
    assert [r.hash for r in together] == [r.hash for r in one_by_one]
    with unit_of_work(line.factory) as session:
        assert verify(session) == []


def test_the_writer_goes_on_when_the_database_drops_its_connections(
    line: Line,
) -> None:
    if line.factory.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite has no server that could drop the writer's connection")
    writer = IntakeWriter(line.factory, FrozenClock(NOW), line.process, idle_s=5)
    first = writer.submit(call("call.offered", "c1")).result(timeout=20)
    url = line.factory.kw["bind"].url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        # As a restarted server would: every connection of the app's pool is gone.
        dropped = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    assert dropped and dropped >= 1
    second = writer.submit(call("call.offered", "c2")).result(timeout=20)
    third = writer.submit(call("call.offered", "c3")).result(timeout=20)
    assert all(isinstance(r, Receipt) and r.status == "processed"
               for r in (first, second, third))
    assert line.count(Contact, MINE) == 3
