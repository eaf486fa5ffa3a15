"""The statistics API (issue 18) through HTTP: Mansoureh, Mazandaran's shift supervisor
(``supervisor``), reads her province; the analyst reads the nation with small counts hidden,
in JSON, CSV and XLSX alike; Golbahar, a Gilan supervisor, is refused Mazandaran; a
counsellor has no statistics at all; every mistake is a 4xx naming its field.
Frozen clock: 1405/01/02 10:00 Tehran.

The fixture (Dey 1404 holds none of the demo's contacts):
- Mazandaran, 1404/10/04: 12 contacts answered after 10 s, in Sari;
- Mazandaran, 1404/10/10: 3 abandoned, in Sari;
- Gilan, 1404/10/05: 2 answered after 8 s, in Rasht.
Mazandaran's Dey: 15 offered, 12 answered, 3 abandoned, 80 % within 20 s. The nation: 17.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from panah.core.db import unit_of_work
from tests.api.conftest import People
from tests.conftest import DEMO_PASSWORD, NOWRUZ, login

SARI, RASHT = "Q662960", "Q1291688"
DEY = "from=۱۴۰۴/۱۰/۰۱&to=1404/10/30&grain=month"
PG_URL = os.environ.get("PANAH_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _contact(province: str, county: str, offered: datetime, wait_s: float | None) -> Any:
    from panah.intake.orm import Contact

    answered = offered + timedelta(seconds=wait_s) if wait_s is not None else None
    return Contact(channel="voice", state="closed" if answered else "abandoned",
                   queue=province, province_code=province, county_key=county,
                   offered_at=offered, answered_at=answered, risk="medium",
                   abandoned_at=None if answered else offered + timedelta(seconds=50))


def _postgres_app() -> Iterator[FastAPI]:
    """The demo on PostgreSQL, served with the frozen clock."""
    from tests.storage.conftest import postgres_demo_app

    with postgres_demo_app(NOWRUZ) as application:
        yield application


@pytest.fixture(params=BACKENDS)
def stats_app(request: pytest.FixtureRequest) -> Iterator[FastAPI]:
    if request.param == "sqlite":
        yield request.getfixturevalue("app")
        return
    yield from _postgres_app()


@pytest.fixture
def people_with_figures(stats_app: FastAPI) -> Iterator[People]:
    """``people_with_figures("analyst")``: a signed-in client per user, over the fixture."""
    from panah.security.orm import User
    from panah.security.passwords import hash_password

    app = stats_app

    fourth = datetime(2025, 12, 25, 7, 0, tzinfo=UTC)  # 1404/10/04 10:30 Tehran
    tenth = datetime(2025, 12, 31, 9, 0, tzinfo=UTC)  # 1404/10/10
    fifth = datetime(2025, 12, 26, 9, 0, tzinfo=UTC)  # 1404/10/05
    with unit_of_work(app.state.session_factory) as session:  # type: ignore[attr-defined]
        session.add_all([_contact("IR-02", SARI, fourth + timedelta(minutes=i), 10)
                         for i in range(12)])
        session.add_all([_contact("IR-02", SARI, tenth + timedelta(minutes=i), None)
                         for i in range(3)])
        session.add_all([_contact("IR-01", RASHT, fifth + timedelta(minutes=i), 8)
                         for i in range(2)])
        session.add(User(username="golbahar", full_name="گلبهار سرپرست گیلان", role="supervisor",
                         province_code="IR-01", password_hash=hash_password(DEMO_PASSWORD),
                         created_at=datetime(2026, 3, 1, tzinfo=UTC), is_woman=True))
    clients: dict[str, TestClient] = {}

    def person(username: str) -> TestClient:
        if username not in clients:
            clients[username] = login(TestClient(app, follow_redirects=False), username)
        return clients[username]

    yield person
    for client in clients.values():
        client.close()


def get(client: TestClient, query: str, path: str = "/api/statistics") -> Any:
    return client.get(f"{path}?{query}")


def test_mansoureh_reads_mazandarans_dey_when_she_asks_for_the_nation(
        people_with_figures: People) -> None:
    answer = get(people_with_figures("supervisor"), DEY)
    assert answer.status_code == 200
    table = answer.json()
    assert table["province"] == "IR-02"
    assert [r["period"]["key"] for r in table["rows"]] == ["1404-10"]
    assert table["rows"][0]["period"]["label_fa"] == "دی ۱۴۰۴"
    values = table["rows"][0]["values"]
    assert (values["contacts_offered"], values["contacts_answered"], values["abandoned"],
            values["answered_within_20s_pct"], values["average_speed_of_answer_s"]) == (
        15, 12, 3, 80.0, 10.0)
    assert table["suppressed_below"] is None


def test_mansoureh_splits_by_county_for_the_map(people_with_figures: People) -> None:
    table = get(people_with_figures("supervisor"),
                f"{DEY}&by=county&figures=contacts_offered,abandoned").json()
    sari = next(r for r in table["group_totals"] if r["group"] == SARI)
    assert sari["values"] == {"contacts_offered": 15, "abandoned": 3}
    assert sari["group_en"] == "Sari County"
    assert [f["key"] for f in table["figures"]] == ["contacts_offered", "abandoned"]


def test_the_analyst_sees_counts_and_rates_with_small_cells_hidden(
        people_with_figures: People) -> None:
    table = get(people_with_figures("analyst"), DEY).json()
    assert table["province"] is None and table["suppressed_below"] == 10
    assert {f["unit"] for f in table["figures"]} == {"number", "pct"}
    values = table["rows"][0]["values"]
    assert values["contacts_offered"] == 17
    assert values["contacts_answered"] == 14
    assert values["abandoned"] is None  # 3 contacts
    assert values["abandoned_pct"] is None  # would give the 3 away
    assert values["answered_within_20s_pct"] is None
    assert values["overflow_out"] == 0  # nothing to hide in zero
    refused = get(people_with_figures("analyst"), f"{DEY}&figures=average_speed_of_answer_s")
    assert refused.status_code == 403 and refused.json()["details"]["field"] == "figures"


def test_the_analysts_csv_and_xlsx_are_suppressed_too(people_with_figures: People) -> None:
    analyst = people_with_figures("analyst")
    query = f"{DEY}&figures=contacts_offered,abandoned"
    answer = get(analyst, query, "/api/statistics.csv")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["دوره", "کلید دوره", "گروه", "کد گروه", "تماس‌های عرضه‌شده",
                       "تماس‌های رهاشده"]
    assert rows[1] == ["دی ۱۴۰۴", "1404-10", "همه", "", "17", ""]
    book = get(analyst, query, "/api/statistics.xlsx")
    assert book.headers["content-disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(book.content))
    sheet = workbook.worksheets[0]
    assert sheet.sheet_view.rightToLeft
    assert [c.value for c in sheet[2]][4:] == [17, None]
    definitions = workbook["definitions"]
    assert [c.value for c in definitions[2]][:3] == ["contacts_offered", "تماس‌های عرضه‌شده",
                                                     "Contacts offered"]


def test_a_gilan_supervisor_asking_for_mazandaran_is_refused(
        people_with_figures: People) -> None:
    for path in ("/api/statistics", "/api/statistics.csv", "/api/statistics.xlsx"):
        refused = get(people_with_figures("golbahar"), f"{DEY}&province=IR-02", path)
        assert refused.status_code == 403
        assert refused.json()["details"]["field"] == "province"
        assert refused.json()["message_fa"]
    own = get(people_with_figures("golbahar"), f"{DEY}&figures=contacts_offered").json()
    assert own["province"] == "IR-01" and own["totals"] == {"contacts_offered": 2}


def test_a_counsellor_has_no_statistics(people_with_figures: People) -> None:
    assert get(people_with_figures("counsellor"), DEY).status_code == 403
    assert people_with_figures("counsellor").get("/api/statistics/figures").status_code == 403


@pytest.mark.parametrize(("query", "field"), [
    ("from=1404/13/01&to=1404/10/30", "from"),
    ("from=1404/10/01&to=30 Dey", "to"),
    ("from=1404/10/30&to=1404/10/01", "to"),
    ("from=1395/01/01&to=1404/10/30&grain=day", "to"),
    ("province=IR-99", "province"),
    ("province=IR-02&county=Q1291688", "county"),
    ("grain=fortnight", "grain"),
    ("by=colour", "by"),
    ("figures=answer_rate", "figures"),
    ("by=channel&figures=cases_opened", "by"),
])
def test_bad_input_is_a_4xx_naming_the_field(people_with_figures: People, query: str,
                                             field: str) -> None:
    answer = get(people_with_figures("national_office"), query)
    assert answer.status_code == 422
    body = answer.json()
    assert body["details"]["field"] == field
    assert body["message"].startswith(field) and body["message_fa"]


def test_the_catalogue_lists_every_figure_with_its_definition(
        people_with_figures: People) -> None:
    figures = people_with_figures("provincial_manager").get("/api/statistics/figures").json()
    offered = next(f for f in figures if f["key"] == "contacts_offered")
    assert offered["name_fa"] == "تماس‌های عرضه‌شده" and offered["unit"] == "number"
    assert "category" in offered["dimensions"]
    assert len(figures) >= 26


def test_the_statistics_routes_are_in_the_openapi_document(app: FastAPI) -> None:
    paths = TestClient(app).get("/openapi.json").json()["paths"]
    for path in ("/api/statistics", "/api/statistics.csv", "/api/statistics.xlsx",
                 "/api/statistics/figures"):
        assert path in paths
    schema = paths["/api/statistics"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["$ref"].endswith("StatsTablePublic")
