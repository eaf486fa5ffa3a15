"""Importing through the domains' own use cases on the demo database, every kind: the
current list exported and read back changes nothing; a valid file adds its rows; a broken
one names the row and the rule and stores nothing; a dry run stores nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.org.columns import Kind
from panah.org.ports import find_port
from panah.org.report import Outcome
from panah.org.service import export, run_import
from panah.security.policy import Actor
from panah.security.roles import Role

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
ADMIN = Actor(0, "operator", Role.admin)  # as the command acts
MAZANDARAN_ADMIN = Actor(0, "admin_mzn", Role.admin, "IR-02")

# Per kind: a header, a new valid row and a broken row with the column it is refused in.
CASES: dict[Kind, tuple[list[str], list[Any], list[Any], str]] = {
    Kind.users: (
        ["نام کاربری", "نام و نام خانوادگی", "نقش", "استان", "کد مرکز", "زبان‌ها", "زن", "تلفن"],
        ["n.karimi", "نگار کریمی", "مددکار اجتماعی", "مازندران", "MZN-CIC-SARI",
         "فارسی، مازندرانی", "بله", "9121234567"],
        ["x.national", "ستاد تازه", "ستاد ملی", "مازندران", "", "", "", ""],
        "province_code"),  # a national role has no province
    Kind.centres: (
        ["کد", "نوع", "نام فارسی", "نام انگلیسی", "استان", "شهرستان"],
        ["MZN-CB-NUR", "پایگاه خدمات اجتماعی", "پایگاه نور", "Nur base", "مازندران", "نور"],
        ["MZN-C-BAD", "مرکز شهرستان", "مرکز بد", "Bad centre", "مازندران", "نوشهرر"],
        "county"),
    Kind.vehicles: (
        ["شناسهٔ رادیویی", "نوع", "کد مرکز"],
        ["MZN-99", "ون", "MZN-C-CHALUS"],
        ["MZN-98", "ون", "NO-SUCH-CENTRE"],
        "home_centre_code"),
    Kind.posts: (
        ["کد", "نوع", "نام فارسی", "نام انگلیسی", "شهرستان", "عرض", "طول", "از تاریخ",
         "تا تاریخ"],
        ["MZN-N-NUR2", "نوروزی", "پایگاه نوروزی نور", "Nur Nowruz post", "نور", "۳۶٫۵۸",
         "52.02", "1405-12-25", "1406-01-15"],
        ["MZN-N-BAD", "نوروزی", "پایگاه بی‌تاریخ", "Undated post", "نور", "36.58", "52.02",
         "", ""],
        "active_from"),
    Kind.agencies: (
        ["کد", "حوزه", "نام فارسی", "استان", "شهرستان", "تلفن"],
        ["mzn-police-nur", "پلیس", "کلانتری نور", "مازندران", "نور", "110"],
        ["mzn-bad", "آتش‌نشانی", "دستگاه بد", "مازندران", "نور", ""],
        "domain"),
    Kind.resources: (
        ["کد", "نام فارسی", "نیازها", "استان", "شهرستان", "تلفن"],
        ["mzn-shelter-line", "خط خانهٔ امن", "", "مازندران", "ساری", "01133334444"],
        ["mzn-bad-line", "خط بد", "", "مازندران", "رشت", ""],
        "county"),
}


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    for row in rows:
        book.worksheets[0].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _import(factory: sessionmaker[Session], kind: Kind, data: bytes, *,
            actor: Actor = ADMIN, **options: Any) -> Any:
    with unit_of_work(factory) as session:
        return run_import(session, actor=actor, now=NOW, kind=kind, file_name="f.xlsx",
                          data=data, **options)


def _keys(factory: sessionmaker[Session], kind: Kind) -> set[str]:
    port = find_port(kind)
    assert port is not None
    with unit_of_work(factory) as session:
        rows = port.rows(session, actor=ADMIN)
    key = {Kind.users: "username", Kind.vehicles: "call_sign"}.get(kind, "code")
    return {getattr(row, key) for row in rows}


def _export(factory: sessionmaker[Session], kind: Kind, fmt: str = "xlsx") -> bytes:
    with unit_of_work(factory) as session:
        return export(session, actor=ADMIN, now=NOW, kind=kind, fmt=fmt)


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_is_offered_by_its_domain(kind: Kind) -> None:
    assert find_port(kind) is not None


@pytest.mark.parametrize("kind", list(Kind))
def test_the_exported_list_reads_back_unchanged(factory: sessionmaker[Session],
                                                kind: Kind) -> None:
    before = _keys(factory, kind)
    report = _import(factory, kind, _export(factory, kind), dry_run=True)
    assert report.problems == (), [p.message_en for p in report.problems]
    assert report.created == 0 and report.updated == report.rows == len(before)
    assert _keys(factory, kind) == before


@pytest.mark.parametrize("kind", list(Kind))
def test_a_valid_file_adds_its_row_and_a_dry_run_stores_nothing(
        factory: sessionmaker[Session], kind: Kind) -> None:
    header, good, _, _ = CASES[kind]
    key = str(good[0])
    checked = _import(factory, kind, xlsx(header, good), dry_run=True)
    assert checked.outcome is Outcome.checked, [p.message_en for p in checked.problems]
    assert key not in _keys(factory, kind)
    report = _import(factory, kind, xlsx(header, good))
    assert report.outcome is Outcome.imported and report.created == 1
    assert key in _keys(factory, kind)


@pytest.mark.parametrize("kind", list(Kind))
def test_a_broken_row_names_its_row_and_rule_and_nothing_is_kept(
        factory: sessionmaker[Session], kind: Kind) -> None:
    header, good, bad, column = CASES[kind]
    report = _import(factory, kind, xlsx(header, good, bad))
    assert report.outcome is Outcome.refused and report.refused_rows == (3,)
    assert column in {p.column for p in report.problems}, report.problems
    assert all(p.message_en and p.message_fa for p in report.problems)
    assert str(good[0]) not in _keys(factory, kind)  # the good row neither


def test_a_provincial_admin_cannot_create_a_national_role(
        factory: sessionmaker[Session]) -> None:
    header = ["username", "full_name", "role"]
    report = _import(factory, Kind.users, xlsx(header, ["x.national", "ستاد تازه", "ستاد ملی"]),
                     actor=MAZANDARAN_ADMIN)
    assert report.refused_rows == (2,), report.saved
    assert "x.national" not in _keys(factory, Kind.users)


def test_a_fresh_province_is_set_up_from_files_in_order(empty_database_url: str) -> None:
    """No demo: the reference geography only. Centres, then posts, vehicles and staff,
    each file through the command's operator; the counsellor and the dispatcher are at
    the 123 centre, the vehicle at its post."""
    from panah.core.migrate import upgrade
    from panah.geo.service import load_reference

    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
    files = [
        (Kind.centres, [["کد", "نوع", "نام فارسی", "نام انگلیسی", "استان", "شهرستان",
                         "شهرستان‌های تحت پوشش"],
                        ["MZN-123", "مرکز ۱۲۳", "مرکز ۱۲۳ مازندران", "Mazandaran 123",
                         "مازندران", "ساری", ""],
                        ["MZN-C-CHALUS", "مرکز شهرستان", "مرکز چالوس", "Chalus centre",
                         "مازندران", "چالوس", "کلاردشت، عباس‌آباد"]]),
        (Kind.posts, [CASES[Kind.posts][0], CASES[Kind.posts][1]]),
        (Kind.vehicles, [["شناسهٔ رادیویی", "نوع", "کد مرکز", "کد پایگاه"],
                         ["MZN-12", "ون", "MZN-C-CHALUS", "MZN-N-NUR2"]]),
        (Kind.users, [["نام کاربری", "نام و نام خانوادگی", "نقش", "استان", "کد مرکز"],
                      ["c.karimi", "نگار کریمی", "کارشناس خط ۱۲۳", "مازندران", "MZN-123"],
                      ["d.ahmadi", "بهرام احمدی", "اعزام", "مازندران", "MZN-123"]]),
    ]
    for kind, rows in files:
        report = _import(factory, kind, xlsx(*rows))
        assert report.outcome is Outcome.imported, (kind, report.problems, report.file_problems)
    assert _keys(factory, Kind.users) == {"c.karimi", "d.ahmadi"}
    assert _keys(factory, Kind.vehicles) == {"MZN-12"}
    engine.dispose()


def _crew(factory: sessionmaker[Session], call_sign: str) -> tuple[list[str], list[str]]:
    port = find_port(Kind.vehicles)
    assert port is not None
    with unit_of_work(factory) as session:
        row = next(r for r in port.rows(session, actor=ADMIN) if r.call_sign == call_sign)
    return list(row.social_workers or []), list(row.psychologists or [])


VEHICLE_CREW = ["شناسهٔ رادیویی", "نوع", "کد مرکز", "مددکاران اجتماعی", "روان‌شناسان"]


def test_a_vehicles_file_seats_its_crew_by_username_and_a_blank_cell_keeps_the_roster(
        factory: sessionmaker[Session]) -> None:
    report = _import(factory, Kind.vehicles, xlsx(
        VEHICLE_CREW, ["MZN-99", "ون", "MZN-C-CHALUS", "social_worker، field_crew",
                       "psychologist"]))
    assert report.outcome is Outcome.imported, [p.message_en for p in report.problems]
    assert _crew(factory, "MZN-99") == (["social_worker", "field_crew"], ["psychologist"])
    again = _import(factory, Kind.vehicles, xlsx(VEHICLE_CREW,
                                                 ["MZN-99", "سواری", "MZN-C-CHALUS", "", ""]))
    assert again.outcome is Outcome.imported and again.updated == 1
    assert _crew(factory, "MZN-99") == (["social_worker", "field_crew"], ["psychologist"])


def test_a_vehicles_file_naming_an_unknown_or_ineligible_person_is_refused_whole(
        factory: sessionmaker[Session]) -> None:
    report = _import(factory, Kind.vehicles, xlsx(
        VEHICLE_CREW, ["MZN-99", "ون", "MZN-C-CHALUS", "social_worker", "psychologist"],
        ["MZN-98", "ون", "MZN-C-CHALUS", "no.such.person", ""],
        ["MZN-97", "ون", "MZN-C-CHALUS", "", "counsellor"]))
    assert report.outcome is Outcome.refused and report.refused_rows == (3, 4)
    columns = {p.row: p.column for p in report.problems}
    assert columns == {3: "social_workers", 4: "psychologists"}, report.problems
    assert any("no.such.person" in p.message_fa for p in report.problems)
    assert not {"MZN-99", "MZN-98", "MZN-97"} & _keys(factory, Kind.vehicles)
