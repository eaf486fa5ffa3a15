"""Migrations, reference data, demo data and the unit of work on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from panah.centres.orm import Centre, CountyService
from panah.core.db import Base, import_all_models, make_engine, make_session_factory, unit_of_work
from panah.core.migrate import current_heads, downgrade, upgrade
from panah.demo import COVERING, load_demo
from panah.dispatch.orm import CrewMember, Post, Unit
from panah.geo.orm import County, Province
from panah.geo.service import load_reference
from panah.security.orm import User
from panah.security.roles import Role
from tests.storage.conftest import demo_database

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
FOUNDATION_TABLES = {
    "province", "county", "boundary_import", "centre", "county_service", "post", "unit",
    "crew_member", "app_user", "web_session",
}


def test_migrations_create_every_table_and_downgrade_cleanly(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    assert set(inspect(engine).get_table_names()) >= FOUNDATION_TABLES
    downgrade(empty_database_url, "base")
    assert not FOUNDATION_TABLES & set(inspect(engine).get_table_names())
    upgrade(empty_database_url)
    assert current_heads(empty_database_url)
    engine.dispose()


def test_models_and_migrations_agree(empty_database_url: str) -> None:
    """A table or column added to the models without a migration fails here."""
    upgrade(empty_database_url)
    import_all_models()
    engine = make_engine(empty_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_reference_and_demo_load_twice_without_duplicates(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    factory = make_session_factory(engine)
    for _ in range(2):
        with unit_of_work(factory) as session:
            load_reference(session)
            load_demo(session, now=NOW, password="pw")
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Province)) == 31
        mazandaran = session.scalar(
            select(func.count()).select_from(County).where(County.province_code == "IR-02")
        )
        assert mazandaran == 22
        assert session.scalar(select(func.count()).select_from(County)) > 400
        assert session.scalar(select(func.count()).select_from(CountyService)) == 22
        roles = set(session.scalars(select(User.role)))
        assert roles == {r.value for r in Role}
        assert session.scalar(select(func.count()).select_from(Unit)) >= 10
        assert session.scalar(select(func.count()).select_from(CrewMember)) >= 20
    engine.dispose()


def test_counties_without_a_centre_are_served_by_their_covering_county(
    empty_database_url: str,
) -> None:
    engine, factory = demo_database(empty_database_url, NOW)
    with unit_of_work(factory) as session:
        for county_name, covering_name in COVERING.items():
            county = session.scalar(select(County).where(County.name_en == f"{county_name} County"))
            assert county is not None
            service = session.get(CountyService, county.id)
            assert service is not None and service.covering_county_id is not None
            covering = session.get(County, service.covering_county_id)
            assert covering is not None and covering.name_en == f"{covering_name} County"
            centre = session.get(Centre, service.centre_id)
            assert centre is not None and centre.county_id == covering.id
        nowruz = session.scalars(select(Post).where(Post.kind == "nowruz")).all()
        names = " ".join(p.name_en for p in nowruz)
        for hotspot in ("Chalus", "Ramsar", "Babolsar", "Kelardasht", "Haraz"):
            assert hotspot in names
        assert all(p.active_from and p.active_to and p.active_from < p.active_to for p in nowruz)
    engine.dispose()


def test_unit_of_work_rolls_back_everything_when_a_step_fails(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    factory = make_session_factory(engine)
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        load_reference(session)
        session.flush()
        raise RuntimeError("a later step failed")
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Province)) == 0
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()
