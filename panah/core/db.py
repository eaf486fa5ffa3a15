"""Database engine, declarative base and the unit of work.

SQLite is the embedded default (WAL, a busy timeout, foreign keys on, and write
transactions that take the lock up front with ``BEGIN IMMEDIATE`` so that two writers
queue rather than fail half-way). PostgreSQL is the production store. Only portable
column types are used, so the same models and migrations run on both.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData, Table, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.base import Executable

_IRAN = ZoneInfo("Asia/Tehran")
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url``; for SQLite make the folder and set the pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, echo=echo, pool_pre_ping=True, future=True)
        _send_in_pipeline(engine)
        return engine
    database = parsed.database or ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, echo=echo, future=True, connect_args={"check_same_thread": False, "timeout": 30}
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # The Iran day of a stored (UTC) time, as PostgreSQL's AT TIME ZONE gives it: the
        # statistics group by it (panah.reports.sql.iran_day).
        dbapi_connection.create_function("panah_iran_day", 1, _iran_day_text,
                                         deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _iran_day_text(stored: str | None) -> str | None:
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_IRAN).date().isoformat()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, pipelined: bool = False,
                 ) -> Iterator[Session]:
    """One use case, one transaction: commit if the block finishes, roll back if it raises.

    ``pipelined``: on PostgreSQL, statements marked :func:`deferred` inside the block are
    sent without waiting for their answers, which travel back with the next statement
    that is waited for (see :func:`pipeline`); elsewhere nothing changes.
    """
    session = factory()
    try:
        with pipeline(session, commit=True) if pipelined else nullcontext():
            yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Execution option of a statement whose answer no one reads (an INSERT without RETURNING,
# an UPDATE whose row count does not matter, taking a lock): see ``pipeline``.
DEFERRED = "panah_deferred"
E = TypeVar("E", bound=Executable)
# The psycopg pipeline in use on a driver connection, while ``pipeline`` holds one.
_PIPELINES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def deferred(statement: E) -> E:
    """``statement``, marked to be sent without waiting for its answer in a pipeline."""
    return statement.execution_options(**{DEFERRED: True})


@contextmanager
def pipeline(session: Session, *, commit: bool = False) -> Iterator[None]:
    """PostgreSQL's pipeline mode for the block (one per transaction; else nothing).

    A statement marked :func:`deferred` is queued and the block goes on; any other
    statement is sent with what is queued and waited for, as usual. So a batch that
    inserts into several tables, takes a lock and reads the audit chain's head waits
    on the database once for all of that instead of once per statement. A deferred
    statement's error surfaces at the next wait, which fails the transaction as usual
    (the unit of work rolls back). Leaving the block waits for whatever is queued;
    with ``commit``, the COMMIT goes out with it when the block succeeds (the session's
    own commit then finds nothing left to do).
    """
    connection = session.connection()
    driver = connection.connection.driver_connection
    if driver is None or connection.dialect.name != "postgresql" or driver in _PIPELINES:
        yield
        return
    with driver.pipeline() as queue:
        _PIPELINES[driver] = queue
        try:
            yield
            if commit:
                session.flush()
                driver.execute("COMMIT")
        finally:
            del _PIPELINES[driver]


# Execution option of a look-up whose best plan changes as its table grows (a search by a
# list of values): psycopg must not prepare it, or PostgreSQL keeps the generic plan made
# while the table was small, a sequential scan, for as long as nothing runs ANALYZE.
UNPREPARED = "panah_unprepared"


def unprepared(statement: E) -> E:
    """``statement``, planned by PostgreSQL each time it runs (never a prepared statement)."""
    return statement.execution_options(**{UNPREPARED: True})


def _send_in_pipeline(engine: Engine) -> None:
    """Inside :func:`pipeline`, queue deferred statements and wait for the others; run the
    :func:`unprepared` ones unprepared, in a pipeline or not."""

    def send(cursor: Any, statement: str, parameters: Any, context: Any, *,
             many: bool) -> bool:
        queue = _PIPELINES.get(cursor.connection)
        if not many and context.execution_options.get(UNPREPARED):
            cursor.execute(statement, parameters, prepare=False)
            if queue is not None:
                queue.sync()
            return True
        if queue is None:
            return False  # SQLAlchemy executes it as usual
        (cursor.executemany if many else cursor.execute)(statement, parameters)
        # A one-row INSERT reads back its new id (RETURNING), deferred or not.
        returning = getattr(context.compiled, "effective_returning", None)
        if returning or not context.execution_options.get(DEFERRED):
            queue.sync()  # its answer (and those of the deferred before it) is needed now
        return True

    event.listen(engine, "do_execute", lambda *a: send(*a, many=False))
    event.listen(engine, "do_executemany", lambda *a: send(*a, many=True))


def exclusive(session: Session, lock_id: int) -> None:
    """Hold ``lock_id`` until the transaction ends, so that one transaction at a time does
    what follows (appending to the audit chain, running the timers) whichever server
    process it is in. PostgreSQL: an advisory lock. SQLite needs none: every transaction
    begins with ``BEGIN IMMEDIATE`` and so already runs alone."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_LOCK, {"lock_id": lock_id})


# Deferred: in a pipeline, the lock and the statements after it go out together; each
# statement sees what was committed before it started, so a read after the lock sees
# what the previous holder wrote.
_LOCK = deferred(text("SELECT pg_advisory_xact_lock(:lock_id)"))


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class: Core statements skip the ORM's bulk machinery."""
    table = model.__table__
    assert isinstance(table, Table)  # noqa: S101 - every model here maps one table
    return table


_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into a table with an integer ``id``; their new ids, in order.

    On PostgreSQL the ids are drawn from the table's sequence in one query and the rows
    sent as one pipelined executemany of a short statement, which psycopg prepares once;
    a multi-row ``INSERT … RETURNING`` would be a new, long statement for every batch size,
    parsed again each time. On SQLite the multi-row INSERT with RETURNING is the fast way.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.connection().scalars(_NEXT_IDS, {"table": table.name, "n": len(rows)}))
        session.connection().execute(deferred(table.insert()),
                        [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
        return [int(i) for i in ids]
    result = session.connection().execute(
        table.insert().returning(table.c.id, sort_by_parameter_order=True), list(rows))
    return [int(i) for i in result.scalars()]


def import_all_models() -> None:
    """Import every domain's tables so ``Base.metadata`` is complete (Alembic, tests)."""
    from panah.cases import orm as _cases  # noqa: F401
    from panah.cases.clients import orm as _clients  # noqa: F401
    from panah.cases.consent import orm as _consent  # noqa: F401
    from panah.cases.flags import orm as _case_flags  # noqa: F401
    from panah.cases.thread import orm as _case_thread  # noqa: F401
    from panah.cases.transfers import orm as _transfers  # noqa: F401
    from panah.cases.workflow import orm as _case_workflow  # noqa: F401
    from panah.centres import orm as _centres  # noqa: F401
    from panah.centres.appointments import orm as _appointments  # noqa: F401
    from panah.centres.community import orm as _community  # noqa: F401
    from panah.centres.shelters import orm as _shelters  # noqa: F401
    from panah.centres.stays import orm as _stays  # noqa: F401
    from panah.dispatch import orm as _dispatch  # noqa: F401
    from panah.geo import orm as _geo  # noqa: F401
    from panah.intake import orm as _intake  # noqa: F401
    from panah.reports.live import orm as _live  # noqa: F401
    from panah.security import access_orm as _access  # noqa: F401
    from panah.security import audit_orm as _audit  # noqa: F401
    from panah.security import orm as _security  # noqa: F401
    from panah.triage import orm as _triage  # noqa: F401
