"""The intake writer's fast path for offered calls on PostgreSQL: it stores exactly what the
general path stores, leaves every unusual batch to it with nothing stored, and keeps the
audit chain whole when two server processes write at once. And on both paths, the look-ups
whose plan depends on the table's size are planned for the table as it is."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, update

from panah.core.clock import FrozenClock
from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.intake.inbound.events import Inbound, Receipt, receive_many
from panah.intake.inbound.fast_offers import _CALLS_SEEN, FastOffers
from panah.intake.inbound.writer import IntakeWriter
from panah.intake.orm import Contact, ContactLocation, InboundEvent, RoutingStep
from panah.intake.service import caller_hash
from panah.security.audit_orm import AuditEvent, verify
from panah.security.orm import ApiKey
from tests.storage.conftest import BACKENDS, PG_URL, reset_postgres
from tests.storage.intake_line import CHALUS, MINE, NOW, Line, call

AML_CHALUS = 'A"ML=1;lt=+36.65490;lg=+51.42050;rd=25;top=20260322062950;lc=68;pm=G'
TEHRAN = {"lat": 35.6892, "lon": 51.3890, "radius_m": 500}


@pytest.fixture(params=[b for b in BACKENDS if b == "postgresql"])
def empty_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """PostgreSQL only: the fast path exists for it alone (SQLite takes the general path)."""
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    reset_postgres(url)
    yield url
    reset_postgres(url)


@pytest.fixture
def fast(line: Line) -> Iterator[FastOffers]:
    path = FastOffers(line.factory, line.cache)
    yield path
    path.close()


def offered(call_id: str, **extra: object) -> Inbound:
    return call("call.offered", call_id, **extra)


def aml_text(message_id: str) -> Inbound:
    payload = {"message_id": message_id, "sender": "+989121112222", "text": AML_CHALUS}
    return Inbound("sms:1", message_id, "sms.aml", payload, caller_hash("+989121112222"), NOW)


def stored_rows(line: Line, call_ids: list[str]) -> list[dict[str, Any]]:
    """Everything the contacts of these calls left in the database, minus ids and the call
    id itself, read back through the ORM (so encrypted columns are decrypted)."""
    out = []
    with unit_of_work(line.factory) as session:
        for call_id in call_ids:
            contact = session.scalars(select(Contact).where(Contact.external_id == call_id)).one()
            event = session.scalars(select(InboundEvent).where(
                InboundEvent.contact_id == contact.id)).one()
            audit = session.scalars(select(AuditEvent).where(
                AuditEvent.subject_type == "contact",
                AuditEvent.subject_id == str(contact.id))).one()
            out.append({
                "contact": _columns(contact, skip={"id", "external_id"}),
                "locations": [_columns(row, skip={"id", "contact_id"})
                              for row in session.scalars(select(ContactLocation).where(
                                  ContactLocation.contact_id == contact.id)
                                  .order_by(ContactLocation.id))],
                "trail": [_columns(row, skip={"id", "contact_id"})
                          for row in session.scalars(select(RoutingStep).where(
                              RoutingStep.contact_id == contact.id).order_by(RoutingStep.seq))],
                "event": _columns(event, skip={"id", "key", "contact_id", "payload"}),
                "audit": (audit.actor_id, audit.actor_role, audit.action, audit.reason),
            })
    return out


def _columns(row: object, *, skip: set[str]) -> dict[str, Any]:
    table = row.__table__  # type: ignore[attr-defined]
    return {c.key: getattr(row, c.key) for c in table.columns if c.key not in skip}


def test_the_fast_path_stores_what_the_general_path_stores(line: Line, fast: FastOffers) -> None:
    earlier = receive_many(line.factory, [aml_text("m1")], now=NOW, process=line.process)
    assert isinstance(earlier[0], Receipt)  # an AML text from the caller, before the calls

    general = receive_many(line.factory, [offered("g1", location=TEHRAN), offered("g2"),
                                          offered("g3", caller="+982112345678")],
                           now=NOW, process=line.process)
    quick = fast([offered("f1", location=TEHRAN), offered("f2"),
                  offered("f3", caller="+982112345678")], NOW)

    assert quick is not None and fast.batches == 1
    assert all(isinstance(r, Receipt) and r.status == "processed" and not r.duplicate
               for r in (*general, *quick))
    fast_rows, general_rows = stored_rows(line, ["f1", "f2", "f3"]), stored_rows(
        line, ["g1", "g2", "g3"])
    assert fast_rows == general_rows
    # What the comparison covers: the network point, the AML fix and the area code.
    assert [r["contact"]["location_source"] for r in fast_rows] == ["aml", "aml",
                                                                    "area_code"]
    assert {loc["source"] for r in fast_rows for loc in r["locations"]} >= {
        "network", "aml", "area_code"}
    assert fast_rows[0]["contact"]["caller"] == "+989121112222"  # encrypted, read back
    with unit_of_work(line.factory) as session:
        assert verify(session) == []
        raw = session.scalars(select(InboundEvent.payload).where(
            InboundEvent.key == "f1-call.offered")).one()
    assert '"call_id": "f1"' in raw  # the raw event as it came


def test_the_receipts_name_each_calls_own_contact(line: Line, fast: FastOffers) -> None:
    receipts = fast([offered(f"c{i}", location=CHALUS) for i in range(6)], NOW)
    assert receipts is not None
    with unit_of_work(line.factory) as session:
        by_call = dict(session.execute(select(Contact.external_id, Contact.id).where(MINE)).all())
        events = dict(session.execute(select(InboundEvent.id, InboundEvent.key)).all())
    assert [r.contact_id for r in receipts] == [by_call[f"c{i}"] for i in range(6)]
    assert [events[r.event_id] for r in receipts] == [f"c{i}-call.offered" for i in range(6)]


@pytest.mark.parametrize("case", ["stored before", "call offered before", "key revoked",
                                  "same event twice", "not only offers"])
def test_an_unusual_batch_is_left_to_the_general_path_with_nothing_stored(
    line: Line, fast: FastOffers, case: str,
) -> None:
    assert fast([offered("c1")], NOW) is not None
    batch = {
        "stored before": [offered("c2"), offered("c1")],
        "call offered before": [offered("c2"), offered("c1", key="c1-again")],
        "key revoked": [offered("c2"), offered("c3", key_id=line.key_id)],
        "same event twice": [offered("c2"), offered("c2")],
        "not only offers": [offered("c2"), call("call.answered", "c1")],
    }[case]
    if case == "key revoked":
        with unit_of_work(line.factory) as session:
            session.execute(update(ApiKey).values(revoked_at=NOW))

    assert fast(batch, NOW) is None
    assert line.count(InboundEvent) == 1 and line.count(Contact, MINE) == 1
    # …and the general path then answers it as it always has.
    outcomes = receive_many(line.factory, batch, now=NOW, process=line.process)
    assert isinstance(outcomes[0], Receipt) and outcomes[0].status == "processed"
    assert line.count(Contact, MINE) == 2


def test_the_writer_takes_the_fast_path_and_answers_duplicates_the_general_way(
    line: Line,
) -> None:
    fast = FastOffers(line.factory, line.cache)
    writer = IntakeWriter(line.factory, FrozenClock(NOW), line.process, idle_s=0.5, fast=fast)
    first = writer.submit(offered("c1", location=CHALUS)).result(timeout=20)
    again = writer.submit(offered("c1", location=CHALUS)).result(timeout=20)
    assert (first.status, first.duplicate) == ("processed", False)
    assert (again.event_id, again.contact_id, again.duplicate) == (
        first.event_id, first.contact_id, True)
    assert (fast.batches, fast.declined) == (1, 1)
    fast.close()  # the writer, idle now, would give its connection back only after idle_s
    with unit_of_work(line.factory) as session:
        assert session.get_one(Contact, first.contact_id).province_code == "IR-02"


def test_two_processes_writing_at_once_keep_one_audit_chain(line: Line) -> None:
    """Two writers (as two uvicorn workers have), each on its own connection, at once."""
    paths = [FastOffers(line.factory, line.cache) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[list[Receipt] | None] = []

    def run(n: int) -> None:
        barrier.wait()
        for batch in range(10):
            results.append(paths[n]([offered(f"p{n}-{batch}-{i}") for i in range(3)], NOW))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for path in paths:
        path.close()
    assert len(results) == 20 and all(r is not None for r in results)
    assert line.count(Contact, MINE) == 60
    with unit_of_work(line.factory) as session:
        assert verify(session) == []


def test_a_dropped_connection_costs_one_batch_the_general_way_and_nothing_else(
    line: Line,
) -> None:
    fast = FastOffers(line.factory, line.cache)
    writer = IntakeWriter(line.factory, FrozenClock(NOW), line.process, idle_s=5, fast=fast)
    first = writer.submit(offered("c1")).result(timeout=20)
    url = line.factory.kw["bind"].url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    second = writer.submit(offered("c2")).result(timeout=20)
    third = writer.submit(offered("c3")).result(timeout=20)
    assert all(r.status == "processed" and not r.duplicate for r in (first, second, third))
    assert (fast.batches, fast.declined) == (2, 1)  # c2 went the general way, c3 fast again
    fast.close()
    assert line.count(Contact, MINE) == 3


def test_the_look_up_of_calls_seen_is_one_index_probe_even_without_statistics(
    line: Line, fast: FastOffers,
) -> None:
    """Autovacuum may be off, or behind a table that grew fast: the plan must not care."""
    assert fast([offered(f"c{i}") for i in range(50)], NOW) is not None
    url = line.factory.kw["bind"].url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("DELETE FROM pg_statistic WHERE starelid = 'contact'::regclass")
        conn.execute("SET plan_cache_mode = force_generic_plan")
        conn.execute(f"PREPARE seen(text, text) AS {_CALLS_SEEN % ('$1', '$2')}")
        plan = "\n".join(row[0] for row in conn.execute("EXPLAIN EXECUTE seen('voice', 'c1')"))
    assert "using uq_contact_channel" in plan, plan
    assert "external_id" in plan.split("Index Cond:")[1] and "Filter" not in plan, plan


def test_the_look_up_of_aml_texts_is_planned_for_the_table_as_it_is(
    line: Line, fast: FastOffers,
) -> None:
    """Prepared, its plan would be the one made while inbound_event was small."""
    for batch in range(8):  # psycopg prepares a statement on its 5th run
        assert fast([offered(f"c{batch}-{i}") for i in range(2)], NOW) is not None
    prepared = [row[0] for row in fast._connection().execute(
        "SELECT statement FROM pg_prepared_statements")]
    fast._connection().rollback()
    assert any("INSERT INTO contact" in s for s in prepared)  # the others are prepared…
    assert not any("sms.aml" in s for s in prepared)  # …this one is not


def test_the_general_paths_look_ups_by_a_list_are_not_prepared_either(line: Line) -> None:
    engine = make_engine(line.factory.kw["bind"].url.render_as_string(hide_password=False))
    factory = make_session_factory(engine)  # used from one thread: one connection
    for batch in range(8):
        outcomes = receive_many(factory, [offered(f"c{batch}-{i}") for i in range(2)],
                                now=NOW, process=line.process)
        assert all(isinstance(o, Receipt) for o in outcomes)
    with engine.connect() as conn:
        prepared = list(conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements")
                        .scalars())
    engine.dispose()
    assert any("INSERT INTO contact (" in s for s in prepared)  # the others are prepared
    assert not any("sms.aml" in s or "contact.external_id IN" in s for s in prepared)


def test_an_offer_whose_hang_up_came_first_goes_the_general_way_and_leaves_no_ghost(
    line: Line, fast: FastOffers,
) -> None:
    """The hang-up overtook the offer: the fast path must not queue a caller who is gone."""
    (held,) = receive_many(line.factory, [call("call.ended", "gone")], now=NOW,
                           process=line.process)
    assert isinstance(held, Receipt) and held.status == "held"
    batch = [offered("gone", location=CHALUS), offered("here")]
    assert fast(batch, NOW) is None and fast.declined == 1
    assert line.count(Contact, MINE) == 0  # nothing stored by the fast path
    outcomes = receive_many(line.factory, batch, now=NOW, process=line.process)
    assert all(isinstance(o, Receipt) and o.status == "processed" for o in outcomes)
    with unit_of_work(line.factory) as session:
        states = dict(session.execute(select(Contact.external_id, Contact.state)
                                      .where(MINE)).all())
    assert states == {"gone": "callback_due", "here": "queued"}
    # Plain offers take the fast path again.
    assert fast([offered("next")], NOW) is not None and fast.batches == 1
