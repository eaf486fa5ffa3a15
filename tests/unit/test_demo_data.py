"""The demo's organisation is data files imported through the bulk import (issue 15, item 5):
every file passes the import's rules, loading twice changes nothing, and a broken file is
refused by the same rules a province's file is."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from panah import demo
from panah.core.db import Base, make_engine, make_session_factory, unit_of_work
from panah.core.errors import InvalidInput
from panah.org.service import run_import
from panah.security.audit_orm import AuditEvent
from tests.conftest import DEMO_PASSWORD, NOWRUZ, ROOT

ORGANISATION = ("centre", "county_service", "post", "unit", "crew_seat", "crew_member",
                "app_user", "agency", "agency_staff", "resource")
DEMO_FILES = sorted((ROOT / "panah" / "demo_data").glob("*/*.csv"))


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as opened:
        yield opened
    engine.dispose()


def _snapshot(session: Session) -> dict[str, list[tuple[object, ...]]]:
    """Every column of every organisation row (ids, revisions, password hashes included)."""
    tables = Base.metadata.tables
    return {name: sorted((tuple(row) for row in session.execute(select(tables[name]))), key=repr)
            for name in ORGANISATION}


# ---- pure: the files, the Nowruz dates, what other tests read from the data --------------


def test_the_demo_files_ship_with_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "demo_data/*/*.csv" in pyproject["tool"]["setuptools"]["package-data"]["panah"]
    assert {f"{p.parent.name}/{p.name}" for p in DEMO_FILES} >= {
        f"mazandaran/{name}" for _, name in demo.FILES}


def test_nowruz_posts_take_the_next_nowruz_dates_and_permanent_posts_none() -> None:
    data = demo.data_file("mazandaran", "posts.csv")
    assert data is not None
    shifted = demo.shift_nowruz(data, date(2026, 12, 7)).decode("utf-8").splitlines()
    chalus = next(line for line in shifted if line.startswith("MZN-N-CHALUS,"))
    sari = next(line for line in shifted if line.startswith("MZN-P-SARI,"))
    assert chalus.endswith(",1405-12-25,1406-01-15")
    assert sari.endswith(",,")
    during = demo.shift_nowruz(data, NOWRUZ.date()).decode("utf-8")
    assert ",1404-12-25,1405-01-15" in during  # the Nowruz of 1405, still on


def test_coverage_read_from_the_centres_file() -> None:
    assert len(demo.COUNTY_CENTRES) == 15 and "Chalus" in demo.COUNTY_CENTRES
    assert demo.COVERING["Kelardasht"] == "Chalus"
    assert demo.COVERING["Abbasabad"] == "Tonekabon"
    assert not set(demo.COVERING) & set(demo.COUNTY_CENTRES)


# ---- through the bulk import, on the demo database --------------------------------------


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_demo_file_passes_the_import_rules_and_matches_the_demo(
        session: Session, path: Path) -> None:
    """A dry run of the file on the loaded demo: no row refused, every row already there."""
    kind = next(kind for kind, name in demo.FILES if name == path.name)
    province = dict(demo.REGIONS)[path.parent.name]
    data = path.read_bytes()
    if path.name == "posts.csv":
        data = demo.shift_nowruz(data, NOWRUZ.date())
    before = _snapshot(session)
    report = run_import(session, actor=demo.OPERATOR, now=NOWRUZ, kind=kind,
                        file_name=path.name, data=data, province=province, dry_run=True)
    assert report.problems == () and report.file_problems == ()
    assert report.rows > 0 and report.created == 0 and report.updated == report.rows
    assert _snapshot(session) == before


def test_loading_the_demo_twice_changes_nothing(session: Session) -> None:
    before = _snapshot(session)
    logins = demo.load_demo(session, now=NOWRUZ + timedelta(days=1), password="another-one")
    session.flush()
    assert _snapshot(session) == before  # passwords kept too
    assert ("counsellor", "counsellor") in logins and len(logins) == 21  # Tehran's two: issue 16


def test_the_demo_is_imported_by_the_bulk_import_and_audited(session: Session) -> None:
    imports = session.scalars(select(AuditEvent.subject_id)
                              .where(AuditEvent.subject_type == "org_import")).all()
    assert set(imports) == {"centres", "posts", "vehicles", "users", "agencies", "resources"}


def test_a_broken_demo_file_is_refused_by_the_import_rules_and_leaves_nothing(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Mazandaran centre placed in a Gilan county: refused like a province's own file."""
    real = demo.data_file

    def broken(folder: str, name: str) -> bytes | None:
        data = real(folder, name)
        if (folder, name) == ("mazandaran", "centres.csv") and data is not None:
            text_ = data.decode("utf-8").replace(
                "MZN-C-NUR,مرکز اورژانس اجتماعی شهرستان,مرکز اورژانس اجتماعی نور,"
                "Nur social emergency centre,IR-02,Nur County",
                "MZN-C-NEW,مرکز اورژانس اجتماعی شهرستان,مرکز تازه,New centre,IR-02,Rasht")
            assert "MZN-C-NEW" in text_
            return text_.encode("utf-8")
        return data

    monkeypatch.setattr(demo, "data_file", broken)
    with pytest.raises(InvalidInput) as refused:
        demo.load_demo(session, now=NOWRUZ, password=DEMO_PASSWORD)
    assert "mazandaran/centres.csv" in refused.value.message_en
    assert "row 17" in refused.value.message_en
    assert "centres.csv" in refused.value.message_fa
    assert session.scalar(text("SELECT count(*) FROM centre WHERE code = 'MZN-C-NEW'")) == 0
