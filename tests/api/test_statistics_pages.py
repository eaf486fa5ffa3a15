"""The statistics page (issue 18), through HTTP. Mansoureh, Mazandaran's shift supervisor
(``supervisor``), reads her province's figures for Dey 1404 from a hand-counted fixture;
the analyst sees the same table with small counts hidden; Golnar, a Gilan supervisor, is
refused Mazandaran; a mistake in the form comes back as the form with the field named, in
Persian and English. Frozen clock: Sunday 1405/01/02, 10:00 Tehran.

The fixture (Dey 1404 holds none of the demo's contacts):
- Mazandaran, 1404/10/04: 12 contacts answered within 20 s (8 in Sari, 4 in Chalus);
- Mazandaran, 1404/10/01 00:15 Tehran (2025-12-21 20:45 UTC): 1 answered after 30 s, in
  Sari — Dey by Iran time although the UTC day is still Azar's;
- Mazandaran, 1404/09/30 23:45 Tehran (2025-12-21 20:15 UTC): 1 answered, Azar's;
- Mazandaran, 1404/10/10: 3 abandoned in Chalus;
- Gilan, 1404/10/05: 2 answered.
So Mazandaran's Dey: 16 offered, 13 answered, 3 abandoned, 12 within 20 s (75 %).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.db import unit_of_work
from tests.api.conftest import HTML
from tests.conftest import DEMO_PASSWORD, login

SARI, CHALUS, RASHT = "Q662960", "Q1282160", "Q1291688"
DEY = "from=1404/10/01&to=1404/10/30&grain=month"
PG_URL = os.environ.get("PANAH_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _contact(province: str, county: str, offered: datetime, *, wait_s: float | None,
             abandoned: bool = False) -> dict[str, Any]:
    answered = offered + timedelta(seconds=wait_s) if wait_s is not None else None
    return {"channel": "voice", "state": "abandoned" if abandoned else "closed",
            "queue": province, "province_code": province, "county_key": county,
            "offered_at": offered, "queued_at": offered, "answered_at": answered,
            "closed_at": (answered or offered) + timedelta(minutes=5),
            "abandoned_at": offered + timedelta(seconds=60) if abandoned else None,
            "risk": "medium", "offered_to": province}


def fixture_contacts() -> list[dict[str, Any]]:
    fourth = datetime(2025, 12, 25, 7, 0, tzinfo=UTC)  # 1404/10/04 10:30 Tehran
    rows = [_contact("IR-02", SARI if i < 8 else CHALUS, fourth + timedelta(minutes=i),
                     wait_s=10) for i in range(12)]
    rows.append(_contact("IR-02", SARI, datetime(2025, 12, 21, 20, 45, tzinfo=UTC), wait_s=30))
    rows.append(_contact("IR-02", SARI, datetime(2025, 12, 21, 20, 15, tzinfo=UTC), wait_s=5))
    tenth = datetime(2025, 12, 31, 9, 0, tzinfo=UTC)  # 1404/10/10
    rows += [_contact("IR-02", CHALUS, tenth + timedelta(minutes=i), wait_s=None,
                      abandoned=True) for i in range(3)]
    fifth = datetime(2025, 12, 26, 9, 0, tzinfo=UTC)  # 1404/10/05
    rows += [_contact("IR-01", RASHT, fifth + timedelta(minutes=i), wait_s=8) for i in range(2)]
    return rows


def _add_fixture(app: FastAPI) -> None:
    from panah.intake.orm import Contact
    from panah.security.orm import User
    from panah.security.passwords import hash_password

    with unit_of_work(app.state.session_factory) as session:
        for row in fixture_contacts():
            session.add(Contact(**row))
        session.add(User(username="golnar", full_name="گلنار سرپرست گیلانی", role="supervisor",
                         province_code="IR-01", password_hash=hash_password(DEMO_PASSWORD),
                         created_at=datetime(2026, 3, 1, tzinfo=UTC), is_woman=True))


@pytest.fixture(scope="module")
def postgres_app() -> Iterator[FastAPI]:
    """The demo on PostgreSQL with the fixture, built once for the module: every test here
    only reads."""
    from tests.conftest import NOWRUZ
    from tests.storage.conftest import postgres_demo_app

    with postgres_demo_app(NOWRUZ) as application:
        _add_fixture(application)
        yield application


@pytest.fixture(params=BACKENDS)
def stats_app(request: pytest.FixtureRequest) -> FastAPI:
    """The demo with the fixture added, on SQLite and (when configured) PostgreSQL."""
    if request.param == "postgresql":
        built: FastAPI = request.getfixturevalue("postgres_app")
        return built
    application: FastAPI = request.getfixturevalue("app")
    _add_fixture(application)
    return application


@pytest.fixture
def person(stats_app: FastAPI) -> Iterator[Any]:
    clients: list[TestClient] = []

    def signed_in(username: str) -> TestClient:
        client = TestClient(stats_app, follow_redirects=False)
        clients.append(client)
        return login(client, username)

    yield signed_in
    for client in clients:
        client.close()


def cell(page: str, figure: str, period: str | None = None) -> str:
    """The text of ``figure``'s cell in the row of ``period`` (the first row if None)."""
    rows = re.findall(r'<tr data-period="([^"]*)" data-group="[^"]*">(.*?)</tr>', page, re.S)
    assert rows, "the page has no table rows"
    body = next(b for p, b in rows if period is None or p == period)
    found = re.search(rf'<td class="num[^"]*" data-figure="{figure}"[^>]*>(.*?)</td>', body)
    assert found, f"no cell for {figure}"
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("&lt;", "<")


def problem_of(page: str, field: str) -> str:
    found = re.search(rf'id="problem-{field}" role="alert">(.*?)</span>\s*</span>', page, re.S)
    assert found, f"no problem shown beside {field}"
    return found.group(1)


# ---- what Mansoureh sees ----------------------------------------------------------------


def test_mansoureh_reads_mazandarans_dey_as_hand_counted(person: Any) -> None:
    page = person("supervisor").get(f"/statistics?{DEY}", headers=HTML)
    assert page.status_code == 200, page.text
    text = page.text
    assert cell(text, "contacts_offered", "1404-10") == "۱۶"
    assert cell(text, "contacts_answered", "1404-10") == "۱۳"
    assert cell(text, "abandoned", "1404-10") == "۳"
    assert cell(text, "answered_within_20s", "1404-10") == "۱۲"
    assert cell(text, "answered_within_20s_pct", "1404-10") == "۷۵٪"
    assert "دی ۱۴۰۴" in text


def test_a_contact_at_0015_on_1_dey_belongs_to_dey_in_iran_time(person: Any) -> None:
    page = person("supervisor").get(
        "/statistics?from=1404/09/30&to=1404/10/01&grain=day", headers=HTML).text
    assert cell(page, "contacts_offered", "1404-09-30") == "۱"
    assert cell(page, "contacts_offered", "1404-10-01") == "۱"
    assert cell(page, "answered_within_20s", "1404-10-01") == "۰"


def test_split_by_county_gives_sari_and_chalus_their_own_rows(person: Any) -> None:
    page = person("supervisor").get(f"/statistics?{DEY}&by=county", headers=HTML).text
    rows = dict(re.findall(r'<tr data-period="1404-10" data-group="([^"]+)">(.*?)</tr>',
                           page, re.S))
    assert cell(f'<tr data-period="x" data-group="">{rows[SARI]}</tr>',
                "contacts_offered") == "۹"
    assert cell(f'<tr data-period="x" data-group="">{rows[CHALUS]}</tr>',
                "contacts_offered") == "۷"


def test_the_page_opens_on_this_month_so_far_by_day_with_its_charts(person: Any) -> None:
    page = person("supervisor").get("/statistics", headers=HTML).text
    # 1405/01/02: Farvardin is two days old, so the page reaches back into Esfand.
    assert 'value="۱۴۰۴/۱۲/۰۱"' in page and 'value="۱۴۰۵/۰۱/۰۲"' in page
    assert 'data-period="1405-01-02"' in page
    data = re.search(r'<script type="application/json" id="stats-chart-data">(.*?)</script>',
                     page, re.S)
    assert data and '"figure": {"key": "contacts_offered"' in data.group(1)
    assert 'src="/static/vendor/chartjs-4.6.1/chart.umd.min.js"' in page
    assert "<script>" not in page  # the CSP allows no inline script: data is JSON


def test_every_figure_heading_links_to_its_definition(person: Any) -> None:
    page = person("supervisor").get(f"/statistics?{DEY}", headers=HTML).text
    for key in ("contacts_offered", "answered_within_20s_pct", "average_speed_of_answer_s"):
        assert f'href="/statistics/definitions#{key}"' in page
    definitions = person("supervisor").get("/statistics/definitions", headers=HTML).text
    assert 'id="answered_within_20s_pct"' in definitions
    assert "سطح خدمت" in definitions


def test_the_definitions_speak_english_on_the_english_page(person: Any) -> None:
    from panah.reports.statistics.model import FIGURES

    page = person("supervisor").get("/statistics/definitions?lang=en", headers=HTML).text
    for figure in FIGURES.values():
        assert f'id="{figure.key}"' in page
    assert "Service level" in page and 'dir="ltr"' in page


def test_the_download_links_give_the_same_table_as_csv_and_xlsx(person: Any) -> None:
    page = person("supervisor").get(f"/statistics?{DEY}", headers=HTML).text
    csv_link = re.search(r'href="([^"]+)" download id="stats-csv"', page)
    xlsx_link = re.search(r'href="([^"]+)" download id="stats-xlsx"', page)
    assert csv_link and xlsx_link
    href = csv_link.group(1).replace("&amp;", "&")
    assert href.startswith("/api/statistics.csv?") and "from=2025-12-22" in href
    assert "province=IR-02" in href and "grain=month" in href


# ---- the analyst: counts only, small cells hidden ------------------------------------------


def test_the_analyst_sees_small_counts_hidden_and_no_times(person: Any) -> None:
    page = person("analyst").get(f"/statistics?province=IR-02&{DEY}", headers=HTML)
    assert page.status_code == 200, page.text
    text = page.text
    assert cell(text, "contacts_offered", "1404-10") == "۱۶"
    assert cell(text, "abandoned", "1404-10") == "<۱۰"
    hidden = re.search(r'<td class="num suppressed" data-figure="abandoned" title="([^"]+)"',
                       text)
    assert hidden and "۱۰" in hidden.group(1)
    assert 'data-figure="average_speed_of_answer_s"' not in text
    assert 'id="stats-suppressed-note"' in text


def test_the_analyst_tells_a_hidden_rate_from_one_with_nothing_to_divide(person: Any) -> None:
    text = person("analyst").get(
        "/statistics?province=IR-02&from=1404/10/01&to=1404/10/02&grain=day", headers=HTML).text
    assert cell(text, "contacts_offered", "1404-10-01") == "<۱۰"  # one contact
    assert cell(text, "abandoned_pct", "1404-10-01") == "<۱۰"  # rests on that one
    assert cell(text, "contacts_offered", "1404-10-02") == "۰"  # nobody: nothing to hide
    assert cell(text, "abandoned_pct", "1404-10-02") == "—"


def test_the_analyst_sees_the_suppression_in_english_too(person: Any) -> None:
    text = person("analyst").get(f"/statistics?province=IR-02&{DEY}&lang=en",
                                 headers=HTML).text
    assert cell(text, "abandoned", "1404-10") == "<10"


# ---- Golnar, a Gilan supervisor --------------------------------------------------------------


def test_golnar_of_gilan_cannot_see_mazandaran(person: Any) -> None:
    page = person("golnar").get(f"/statistics?province=IR-02&{DEY}", headers=HTML)
    assert page.status_code == 403
    assert "data-figure=" not in page.text.split('id="stats-filters"')[1]
    assert "استان" in problem_of(page.text, "province")


def test_golnar_sees_gilan_by_default(person: Any) -> None:
    page = person("golnar").get(f"/statistics?{DEY}", headers=HTML)
    assert page.status_code == 200
    assert cell(page.text, "contacts_offered", "1404-10") == "۲"
    assert '<option value="IR-02"' not in page.text  # her province only


# ---- mistakes in the form ---------------------------------------------------------------------


@pytest.mark.parametrize(("query", "field"), [
    ("from=1404/13/01&to=1405/01/02", "from"),
    ("from=1405/01/02&to=1404/12/01", "to"),
    ("from=1404/10/01&to=1404/10/30&grain=fortnight", "grain"),
    ("from=1404/10/01&to=1404/10/30&by=mood", "by"),
    (f"from=1404/10/01&to=1404/10/30&county={RASHT}", "county"),
    ("from=1404/10/01&to=1404/10/30&figure=happiness", "figure"),
])
def test_a_mistake_comes_back_as_the_form_with_the_field_named(
    person: Any, query: str, field: str
) -> None:
    page = person("supervisor").get(f"/statistics?{query}", headers=HTML)
    assert page.status_code == 422
    problem = problem_of(page.text, field)
    assert 'lang="fa"' in problem and 'lang="en"' in problem
    assert 'data-figure="contacts_offered">' not in page.text  # nothing computed
    assert "Traceback" not in page.text


def test_a_day_range_over_a_year_asks_for_a_longer_period(person: Any) -> None:
    page = person("national_office").get(
        "/statistics?from=1403/01/01&to=1405/01/01&grain=day", headers=HTML)
    assert page.status_code == 422
    assert "month" in problem_of(page.text, "to")


def test_the_national_office_chooses_the_nation_or_a_province(person: Any) -> None:
    page = person("national_office").get(f"/statistics?{DEY}", headers=HTML)
    assert page.status_code == 200
    assert cell(page.text, "contacts_offered", "1404-10") == "۱۸"  # Mazandaran + Gilan
    assert '<option value="IR-01"' in page.text and '<option value="IR-02"' in page.text


# ---- the page's small pure parts -------------------------------------------------------------


@pytest.mark.parametrize(("today", "first"), [
    ("1405/01/02", "1404/12/01"),  # Farvardin two days old: from the start of Esfand
    ("1405/01/07", "1405/01/01"),  # a week old: this month alone
    ("1405/07/30", "1405/07/01"),
])
def test_the_default_range_starts_this_month_or_last_while_this_one_is_young(
    today: str, first: str
) -> None:
    from panah.core.days import read_day
    from panah.web.routes.statistics_pages import default_first, jalali_text

    assert jalali_text(default_first(read_day(today))) == first


def test_numbers_are_written_as_a_persian_reader_writes_them() -> None:
    from panah.reports.statistics.model import Unit
    from panah.web.routes.statistics_pages import number_text

    assert number_text(1234, Unit.number, "fa") == "۱٬۲۳۴"
    assert number_text(47.14, Unit.pct, "fa") == "۴۷٫۱"
    assert number_text(75.0, Unit.pct, "fa") == "۷۵"
    assert number_text(1234.5, Unit.seconds, "en") == "1,234.5"
