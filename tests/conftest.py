"""Shared fixtures: a migrated SQLite database per test, the app, a client, named users.

Tests that read ``../shared/data`` use the ``shared_data`` fixture, which skips with a clear
reason in a clone that has no ``../shared`` beside it (CI always has it).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from panah.config import Settings
from panah.core.clock import FrozenClock

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
BOUNDARIES = SHARED_DATA / "iran-boundaries"
DEMO_PASSWORD = "panah-demo"
# Fixed test keys (never used outside tests): current key first, and a separate lookup key.
TEST_ENCRYPTION_KEYS = (
    "t2:MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI=,"
    "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="
)
TEST_HASH_KEY = "SEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISEg="
# 1405-01-02 10:00 Tehran: the second day of Nowruz.
NOWRUZ = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say up front which real parts this run exercises, so a CI log shows it."""
    import os

    pg = os.environ.get("PANAH_TEST_DATABASE_URL", "")
    return [
        "panah storage backends: sqlite" + (" + postgresql" if pg else " (PostgreSQL: unset)"),
        "panah ../shared/data: " + ("present" if BOUNDARIES.is_dir() else "absent (tests skip)"),
        f"panah chromium: {'present' if Path('/usr/bin/chromium').exists() else 'absent'}",
        f"panah mqtt broker 127.0.0.1:1883: {'present' if _broker() else 'absent'}"
        + (" (PANAH_TEST_MQTT set: required)" if os.environ.get("PANAH_TEST_MQTT") else ""),
    ]


def _broker() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def test_keyring() -> object:
    """The fixed test key ring (create_app installs the same from the test settings)."""
    from panah.security.crypto import KeyRing

    return KeyRing.parse(TEST_ENCRYPTION_KEYS, hash_key=TEST_HASH_KEY)


@pytest.fixture(autouse=True)
def _install_test_keyring(test_keyring: object) -> Iterator[None]:
    """Every test starts with the test ring installed, whatever an earlier test did to it,
    and no audit seal keys (create_app installs them from its settings)."""
    from panah.security.audit_orm import configure_seal_keys
    from panah.security.crypto import configure_keyring

    configure_keyring(test_keyring)  # type: ignore[arg-type]
    configure_seal_keys(None)
    yield
    configure_keyring(test_keyring)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not BOUNDARIES.is_dir():
        pytest.skip(
            f"needs ../shared/data beside the checkout (looked in {SHARED_DATA}); "
            "CI provides it, a plain clone does not"
        )
    return SHARED_DATA


def _build_template(path: Path, *, boundaries: Path | None) -> None:
    from panah.core.db import make_engine, make_session_factory, unit_of_work
    from panah.core.migrate import upgrade
    from panah.demo import load_demo
    from panah.geo.service import import_boundaries, load_reference
    from panah.security.crypto import KeyRing, configure_keyring

    # Session fixtures are set up before the per-test ring is installed: install it here.
    configure_keyring(KeyRing.parse(TEST_ENCRYPTION_KEYS, hash_key=TEST_HASH_KEY))
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
    if boundaries is not None:
        with unit_of_work(factory) as session:
            import_boundaries(session, boundaries, now=NOWRUZ)
    with unit_of_work(factory) as session:
        load_demo(session, now=NOWRUZ, password=DEMO_PASSWORD)
    engine.dispose()
    with sqlite3.connect(path) as conn:  # fold the WAL into the file before copying it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated, with reference geography and demo data; no imported boundaries."""
    path = tmp_path_factory.mktemp("template") / "panah.db"
    _build_template(path, boundaries=None)
    return path


@pytest.fixture(scope="session")
def template_db_with_boundaries(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Path:
    path = tmp_path_factory.mktemp("template-osm") / "panah.db"
    _build_template(path, boundaries=shared_data / "iran-boundaries")
    return path


def _copy(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "panah.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOWRUZ)


@pytest.fixture
def database_url(template_db: Path, tmp_path: Path) -> str:
    return _copy(template_db, tmp_path)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_url=database_url,
        environment="test",  # type: ignore[arg-type]
        secret_key="x" * 40,
        encryption_keys=TEST_ENCRYPTION_KEYS,
        hash_key=TEST_HASH_KEY,
        timers=False,  # tests run the timers themselves, at the clock's time they choose
    )


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Iterator[object]:
    from panah.main import create_app

    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: object) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:  # type: ignore[arg-type]
        yield test_client


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> TestClient:
    """Sign ``client`` in through the real login form."""
    response = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client


def csrf(client: TestClient) -> str:
    """The CSRF token of ``client``'s session, read from the page's meta tag as a script would."""
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert found, "the page has no csrf-token meta tag"
    return found.group(1)
