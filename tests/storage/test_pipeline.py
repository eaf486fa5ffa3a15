"""The pipelined unit of work on every backend: deferred statements land with the commit,
a failing one rolls the whole block back, reads after a lock see the previous holder's
rows, and a one-row INSERT still reads back its id."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import (
    deferred,
    exclusive,
    insert_rows,
    make_engine,
    make_session_factory,
    unit_of_work,
)
from panah.security.audit import AuditAction
from panah.security.audit_orm import AuditEvent, Entry, append_many, verify
from tests.storage.conftest import demo_database

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
METADATA = MetaData()
PARENT = Table("pipe_parent", METADATA, Column("id", Integer, primary_key=True),
               Column("name", String(20), unique=True))
CHILD = Table("pipe_child", METADATA, Column("id", Integer, primary_key=True),
              Column("parent_id", ForeignKey("pipe_parent.id"), nullable=False))


@pytest.fixture
def factory(empty_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(empty_database_url)
    METADATA.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def count(factory: sessionmaker[Session], table: Table) -> int:
    with unit_of_work(factory) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_deferred_rows_land_with_the_commit(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory, pipelined=True) as session:
        ids = insert_rows(session, PARENT, [{"name": f"p{i}"} for i in range(5)])
        session.connection().execute(deferred(CHILD.insert()),
                                     [{"parent_id": i} for i in ids])
        # A statement that is waited for sees what was queued before it.
        seen = session.scalar(select(func.count()).select_from(CHILD))
    assert seen == 5
    assert (count(factory, PARENT), count(factory, CHILD)) == (5, 5)


def test_a_one_row_insert_still_reads_back_its_new_id(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory, pipelined=True) as session:
        result = session.connection().execute(deferred(PARENT.insert()), {"name": "alone"})
        new_id = result.inserted_primary_key[0]
    with unit_of_work(factory) as session:
        assert session.scalar(select(PARENT.c.name).where(PARENT.c.id == new_id)) == "alone"


def test_a_failing_deferred_statement_rolls_back_the_whole_block(
    factory: sessionmaker[Session],
) -> None:
    with pytest.raises(IntegrityError), unit_of_work(factory, pipelined=True) as session:
        session.connection().execute(deferred(PARENT.insert()),
                                     [{"name": "first"}, {"name": "second"}])
        # No such parent: refused by the database, though nothing waits for this row.
        session.connection().execute(deferred(CHILD.insert()), [{"parent_id": 999}])
    assert (count(factory, PARENT), count(factory, CHILD)) == (0, 0)
    with unit_of_work(factory, pipelined=True) as session:  # the connection is fine after
        insert_rows(session, PARENT, [{"name": "again"}])
    assert count(factory, PARENT) == 1


def test_a_read_after_a_deferred_lock_sees_what_the_holder_before_committed(
    factory: sessionmaker[Session],
) -> None:
    """Two writers take turns by the lock; each reads the other's row after taking it."""
    holding, done = threading.Event(), threading.Event()

    def first() -> None:
        with unit_of_work(factory, pipelined=True) as session:
            exclusive(session, 4242)
            session.scalar(select(func.count()).select_from(PARENT))  # the lock is held now
            holding.set()
            done.wait(2)  # the second writer queues behind the lock meanwhile
            session.connection().execute(deferred(PARENT.insert()), {"name": "from first"})

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(10)
    threading.Timer(0.3, done.set).start()
    with unit_of_work(factory, pipelined=True) as session:
        exclusive(session, 4242)
        names = list(session.scalars(select(PARENT.c.name)))
    thread.join(10)
    backend = factory.kw["bind"].dialect.name
    # SQLite runs one write transaction at a time anyway (BEGIN IMMEDIATE).
    assert names == ["from first"], backend


def test_pipelined_audit_appends_from_several_threads_keep_one_chain(
    empty_database_url: str,
) -> None:
    engine, factory = demo_database(empty_database_url, NOW)
    errors: list[BaseException] = []

    def appender(n: int) -> None:
        try:
            for batch in range(5):
                with unit_of_work(factory, pipelined=True) as session:
                    append_many(session, now=NOW, entries=[
                        Entry(None, AuditAction.create, "contact", f"{n}-{batch}-{i}", "test")
                        for i in range(3)])
        except BaseException as problem:  # handed to the test's thread
            errors.append(problem)

    threads = [threading.Thread(target=appender, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with unit_of_work(factory) as session:
        assert verify(session) == []
        appended = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.subject_type == "contact", AuditEvent.reason == "test"))
    assert appended == 4 * 5 * 3
    engine.dispose()
