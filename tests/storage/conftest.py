"""Storage tests run on SQLite always and on PostgreSQL when PANAH_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.intake.routing.context import ContextCache
from panah.security.apikeys import create_key
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.storage.intake_line import NOW, Line

PG_URL = os.environ.get("PANAH_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'storage.db'}"
        return
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    reset_postgres(url)
    yield url
    reset_postgres(url)


def test_postgres_is_configured_in_ci() -> None:
    """In CI the PostgreSQL half must run, not silently vanish."""
    if os.environ.get("CI") and not PG_URL:
        pytest.fail("CI must set PANAH_TEST_DATABASE_URL so storage tests run on PostgreSQL")


def demo_database(url: str, now: datetime) -> tuple[Engine, sessionmaker[Session]]:
    """Migrate ``url`` and load the reference geography and the demo; its engine and
    session factory (dispose of the engine when done)."""
    from panah.core.migrate import upgrade
    from panah.demo import load_demo
    from panah.geo.service import load_reference

    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
        load_demo(session, now=now, password="pw")
    return engine, factory


@contextmanager
def postgres_demo_app(now: datetime) -> Iterator[FastAPI]:
    """The demo on the PostgreSQL of PANAH_TEST_DATABASE_URL, served by an app whose clock
    is frozen at ``now``, every demo user's password the demo's; emptied afterwards."""
    from panah.config import Settings
    from panah.core.clock import FrozenClock
    from panah.main import create_app
    from panah.security.passwords import hash_password
    from tests.conftest import DEMO_PASSWORD, TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    reset_postgres(url)
    engine, _ = demo_database(url, now)
    engine.dispose()
    settings = Settings(  # type: ignore[call-arg]
        database_url=url, environment="test",  # type: ignore[arg-type]
        secret_key="x" * 40, encryption_keys=TEST_ENCRYPTION_KEYS, hash_key=TEST_HASH_KEY,
        timers=False)
    application = create_app(settings, clock=FrozenClock(now))
    with unit_of_work(application.state.session_factory) as session:  # demo_database's "pw"
        for user in session.query(User).all():
            user.password_hash = hash_password(DEMO_PASSWORD)
    try:
        yield application
    finally:
        application.state.engine.dispose()
        reset_postgres(url)


@pytest.fixture
def line(empty_database_url: str) -> Iterator[Line]:
    """The demo database with an API key for an "integration" agency account."""
    engine, factory = demo_database(empty_database_url, NOW)
    with unit_of_work(factory) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        key, _ = create_key(session, actor=actor_of(admin), username="integration",
                            label="PBX", province_code=None, now=NOW)
        key_id = key.id
    yield Line(factory, ContextCache(), key_id)
    engine.dispose()
