"""Importing a file of the organisation (panah.org.service, ``panah org``) with a fake
domain: a tiny posts table and its save use case, so the bulk part's own promises are
tested on their own — all or nothing, --partial, --dry-run stores nothing, the domain's
refusals named by row and column, the audit event, the exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import Workbook
from pydantic import BaseModel
from sqlalchemy import Column, Date, Float, MetaData, String, Table, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.core.errors import Forbidden, InvalidInput
from panah.org.columns import Kind
from panah.org.ports import Port
from panah.org.report import Outcome
from panah.org.service import export, run_import, template
from panah.security.audit_orm import AuditEvent
from panah.security.policy import Actor
from panah.security.roles import Permission, Role

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
ADMIN = Actor(1, "admin", Role.admin)
MAZANDARAN_ADMIN = Actor(2, "admin_mzn", Role.admin, "IR-02")
MAZANDARAN_MANAGER = Actor(3, "manager_mzn", Role.provincial_manager, "IR-02")

fake = MetaData()
posts = Table("org_fake_post", fake, Column("code", String(40), primary_key=True),
              Column("kind", String(20)), Column("name_fa", String(80)),
              Column("name_en", String(80)),
              Column("county", String(80)), Column("lat", Float), Column("lon", Float),
              Column("active_from", Date), Column("active_to", Date))


class FakePostIn(BaseModel):
    code: str
    kind: str
    name_fa: str
    name_en: str = ""
    county: str
    lat: float
    lon: float
    active_from: date | None = None
    active_to: date | None = None


def save_fake_post(session: Session, *, actor: Actor, now: datetime,
                   data: FakePostIn) -> tuple[str, bool]:
    """Writes before it checks, so a refusal must be undone by the import's savepoint."""
    values = data.model_dump()
    exists = session.execute(select(posts.c.code).where(posts.c.code == data.code)).first()
    if exists:
        session.execute(posts.update().where(posts.c.code == data.code).values(values))
    else:
        session.execute(posts.insert().values(values))
    if data.kind == "nowruz" and data.active_from is None:
        raise InvalidInput("A Nowruz post needs its dates.", "پایگاه نوروزی تاریخ لازم دارد.",
                           field="active_from")
    return data.code, not exists


def fake_post_rows(session: Session, *, actor: Actor) -> list[FakePostIn]:
    return [FakePostIn(**dict(row._mapping))
            for row in session.execute(select(posts).order_by(posts.c.code))]


PORTS = {Kind.posts: Port(FakePostIn, save_fake_post, fake_post_rows,
                          Permission.manage_organisation),
         Kind.users: Port(FakePostIn, save_fake_post, fake_post_rows, Permission.manage_people)}
HEADER = ["کد", "نوع", "نام فارسی", "نام انگلیسی", "شهرستان", "عرض", "طول", "از تاریخ",
          "تا تاریخ"]
NUR = ["MZN-N-NUR", "نوروزی", "پایگاه نوروزی نور", "Nur post", "نور", "۳۶٫۵۸", "52.02",
       "۱۴۰۵/۱۲/۲۵", "1406-01-15"]
SARI = ["MZN-P-SARI", "دائمی", "پایگاه ساری", "Sari post", "Sari", 36.56, 53.06, None, None]


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
    fake.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _import(factory: sessionmaker[Session], data: bytes, *, actor: Actor = ADMIN,
            name: str = "posts.xlsx", **options: Any) -> Any:
    with unit_of_work(factory) as session:
        return run_import(session, actor=actor, now=NOW, kind=Kind.posts, file_name=name,
                          data=data, ports=PORTS, **options)


def _stored(factory: sessionmaker[Session]) -> dict[str, Any]:
    with unit_of_work(factory) as session:
        return {row.code: row for row in session.execute(select(posts))}


def test_a_valid_xlsx_is_imported_and_a_second_time_updates(
        factory: sessionmaker[Session]) -> None:
    report = _import(factory, xlsx(HEADER, NUR, SARI))
    assert report.outcome is Outcome.imported and report.exit_code == 0
    assert (report.created, report.updated) == (2, 0)
    stored = _stored(factory)
    assert stored["MZN-N-NUR"].active_from == date(2027, 3, 16)
    assert stored["MZN-P-SARI"].county != "Sari"  # resolved to the county's key
    again = _import(factory, xlsx(HEADER, [*NUR[:2], "پایگاه نور", *NUR[3:]]))
    assert (again.created, again.updated) == (0, 1)
    assert _stored(factory)["MZN-N-NUR"].name_fa == "پایگاه نور"


def test_one_refused_row_keeps_nothing_and_names_its_row_and_rule(
        factory: sessionmaker[Session]) -> None:
    no_dates = ["MZN-N-CHALUS", "نوروزی", "پایگاه چالوس", "Chalus", "چالوس", 36.6, 51.4, None, None]
    report = _import(factory, xlsx(HEADER, NUR, no_dates, SARI))
    assert report.outcome is Outcome.refused and report.exit_code == 1
    [problem] = report.problems
    assert (problem.row, problem.column) == (3, "active_from")
    assert "Nowruz" in problem.message_en and "نوروزی" in problem.message_fa
    assert _stored(factory) == {}  # the good rows too: all or nothing


def test_an_unknown_county_is_refused_with_the_closest_names(
        factory: sessionmaker[Session]) -> None:
    report = _import(factory, xlsx(HEADER, [*NUR[:4], "نوشهرر", *NUR[5:]]))
    [problem] = report.problems
    assert problem.column == "county" and "Nowshahr" in problem.message_en


def test_partial_keeps_the_good_rows(factory: sessionmaker[Session]) -> None:
    broken = [*SARI[:5], "north", *SARI[6:]]
    report = _import(factory, xlsx(HEADER, NUR, broken), partial=True)
    assert report.outcome is Outcome.partly_imported and report.exit_code == 1
    assert report.refused_rows == (3,)
    assert set(_stored(factory)) == {"MZN-N-NUR"}


def test_a_dry_run_checks_through_the_use_case_and_stores_nothing(
        factory: sessionmaker[Session]) -> None:
    report = _import(factory, xlsx(HEADER, NUR, SARI), dry_run=True)
    assert report.outcome is Outcome.checked and report.exit_code == 0
    assert len(report.saved) == 2
    assert _stored(factory) == {}
    refused = _import(factory, xlsx(HEADER, [*NUR[:7], None, None]), dry_run=True)
    assert refused.refused_rows == (2,)  # the domain's own rule ran


def test_a_duplicate_code_in_the_file_is_refused(factory: sessionmaker[Session]) -> None:
    report = _import(factory, xlsx(HEADER, NUR, NUR))
    [problem] = report.problems
    assert problem.row == 3 and "row 2" in problem.message_en


def test_a_wrong_header_refuses_the_whole_file(factory: sessionmaker[Session]) -> None:
    report = _import(factory, xlsx([*HEADER, "رنگ"], NUR))
    assert report.outcome is Outcome.bad_file and report.exit_code == 2
    assert "«رنگ»" in report.file_problems[0].message_fa
    bad = _import(factory, b"not a workbook")
    assert bad.exit_code == 2 and bad.file_problems[0].message_en


def test_a_utf8_csv_with_a_byte_order_mark_is_imported(factory: sessionmaker[Session]) -> None:
    text = "\n".join(",".join(str(c or "") for c in row) for row in (HEADER, SARI))
    report = _import(factory, text.encode("utf-8-sig"), name="posts.csv")
    assert report.outcome is Outcome.imported, report.problems


def test_a_provincial_admin_may_not_import_another_provinces_rows(
        factory: sessionmaker[Session]) -> None:
    rasht = ["GLN-P-RASHT", "دائمی", "پایگاه رشت", "Rasht", "رشت", 37.28, 49.58, None, None]
    report = _import(factory, xlsx(HEADER, SARI, rasht), actor=MAZANDARAN_ADMIN)
    assert report.refused_rows == (3,)
    assert report.problems[0].column == "province_code"
    with pytest.raises(Forbidden):
        _import(factory, xlsx(HEADER, SARI), actor=MAZANDARAN_ADMIN, province="IR-01")
    operator = _import(factory, xlsx(HEADER, SARI, rasht), province="IR-02")  # --province
    assert operator.refused_rows == (3,)


def test_a_provincial_manager_may_not_import_people(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session, pytest.raises(Forbidden):
        run_import(session, actor=MAZANDARAN_MANAGER, now=NOW, kind=Kind.users,
                   file_name="u.xlsx", data=b"", ports=PORTS)


def test_the_import_is_audited_with_counts_and_no_row_data(
        factory: sessionmaker[Session]) -> None:
    _import(factory, xlsx(HEADER, NUR, SARI), dry_run=True)
    with unit_of_work(factory) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event is not None and event.subject_type == "org_import"
    assert "rows=2" in (event.reason or "") and "dry_run=True" in (event.reason or "")
    assert "نور" not in (event.reason or "")


def test_the_export_reads_back_as_the_same_rows(factory: sessionmaker[Session]) -> None:
    _import(factory, xlsx(HEADER, NUR, SARI))
    with unit_of_work(factory) as session:
        data = export(session, actor=ADMIN, now=NOW, kind=Kind.posts, fmt="xlsx", ports=PORTS)
    before = _stored(factory)
    report = _import(factory, data, name="export.xlsx")
    assert (report.created, report.updated, report.problems) == (0, 2, ())
    assert _stored(factory) == before
    assert template(Kind.posts, "csv").startswith("\ufeff".encode())


# ---- the command --------------------------------------------------------------------------


@pytest.fixture
def cli(factory: sessionmaker[Session], database_url: str,
        monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PANAH_DATABASE_URL", database_url)
    monkeypatch.setenv("PANAH_ENVIRONMENT", "development")
    monkeypatch.setattr("panah.org.ports.find_port", PORTS.get)
    return CliRunner()


def _run(cli: CliRunner, *args: str) -> Any:
    from panah.cli import app

    return cli.invoke(app, ["org", *args])


def test_the_command_exits_0_1_or_2_and_prints_json(cli: CliRunner, tmp_path: Any,
                                                    factory: sessionmaker[Session]) -> None:
    good, bad, wrong = tmp_path / "good.xlsx", tmp_path / "bad.xlsx", tmp_path / "wrong.xlsx"
    good.write_bytes(xlsx(HEADER, NUR))
    bad.write_bytes(xlsx(HEADER, [*SARI[:5], "north", *SARI[6:]]))
    wrong.write_bytes(xlsx(["colour"], ["red"]))
    checked = _run(cli, "import", str(good), "--kind", "posts", "--dry-run", "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["outcome"] == "checked"
    assert _stored(factory) == {}
    refused = _run(cli, "import", str(bad), "--kind", "posts")
    assert refused.exit_code == 1 and "north" in refused.output
    assert _run(cli, "import", str(wrong), "--kind", "posts").exit_code == 2
    assert _run(cli, "import", str(good), "--kind", "posts").exit_code == 0
    assert set(_stored(factory)) == {"MZN-N-NUR"}


def test_the_command_writes_a_template_and_an_export(cli: CliRunner, tmp_path: Any) -> None:
    out = tmp_path / "posts.csv"
    assert _run(cli, "template", "--kind", "posts", "--output", str(out)).exit_code == 0
    assert "کد" in out.read_text(encoding="utf-8-sig")
    xl = tmp_path / "posts.xlsx"
    result = _run(cli, "export", "--kind", "posts", "--output", str(xl))
    assert result.exit_code == 0, result.output
    assert xl.read_bytes().startswith(b"PK")
    assert _run(cli, "template", "--kind", "cars", "--output", str(out)).exit_code == 2

