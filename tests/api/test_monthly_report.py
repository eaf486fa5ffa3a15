"""The monthly provincial report through HTTP: the JSON (every stable key, the engine's own
figures), the printable page, the PDF and the workbook; who may read which province; bad
input named in both languages before anything is counted."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from panah.core.db import unit_of_work
from panah.reports.periods import Grain
from panah.reports.statistics.model import StatsQuery
from panah.reports.statistics.queries import statistics
from tests.api.conftest import HTML
from tests.conftest import NOWRUZ

People = Callable[[str], TestClient]
# The demo's people: Mansoureh supervises Mazandaran's line, Davoud manages the province,
# the national office and the analyst see the nation, Negar answers Mazandaran's line.
MANSOUREH, DAVOUD, NATIONAL, ANALYST, NEGAR = ("supervisor", "provincial_manager",
                                               "national_office", "analyst", "counsellor")
FARVARDIN = "/api/reports/monthly?province=IR-02&month=1405-01"
ISSUE_KEYS = ("contacts_offered", "contacts_answered", "answered_within_20s_pct", "abandoned",
              "average_speed_of_answer_s", "by_channel", "by_category", "team_requests",
              "arrival_p90_min", "referrals", "cases_opened", "cases_closed")


def test_mansoureh_reads_mazandarans_farvardin_with_every_stable_key(people: People,
                                                                     app: FastAPI) -> None:
    answer = people(MANSOUREH).get(FARVARDIN)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert set(ISSUE_KEYS) <= set(data)
    assert (data["province"], data["month"], data["complete"]) == ("IR-02", "1405-01", False)
    assert data["counted_until"] == "2026-03-22"  # the e2e clock's 1405/01/02
    with unit_of_work(app.state.session_factory) as session:  # the engine's own answer
        engine = statistics(session, actor=None, now=NOWRUZ, query=StatsQuery(
            "IR-02", NOWRUZ.date().replace(day=21), NOWRUZ.date(), Grain.day))
    for key in ("contacts_offered", "contacts_answered", "abandoned", "cases_opened",
                "callbacks", "answered_within_20s_pct"):
        assert data[key] == engine.totals[key], key
    assert data["contacts_offered"] >= 1  # the demo's contacts of today are in it
    assert sum(c["contacts_offered"] for c in data["by_channel"]) == data["contacts_offered"]


def test_a_provinces_people_get_their_own_province_by_default(people: People) -> None:
    data = people(DAVOUD).get("/api/reports/monthly?month=1405-01").json()
    assert data["province"] == "IR-02"


def test_mansoureh_may_not_read_gilans_report(people: People) -> None:
    for path in ("/api/reports/monthly?province=IR-01&month=1405-01",
                 "/reports/monthly.pdf?province=IR-01&month=1405-01",
                 "/reports/monthly.xlsx?province=IR-01&month=1405-01"):
        answer = people(MANSOUREH).get(path)
        assert answer.status_code == 403, path
        assert answer.json()["details"]["field"] == "province"


def test_the_national_office_names_a_province_and_may_read_any(people: People) -> None:
    missing = people(NATIONAL).get("/api/reports/monthly?month=1405-01")
    assert missing.status_code == 422
    assert missing.json()["details"]["field"] == "province"
    assert "استان" in missing.json()["message_fa"]
    gilan = people(NATIONAL).get("/api/reports/monthly?province=IR-01&month=1405-01")
    assert gilan.status_code == 200
    assert gilan.json()["province_name_fa"] == "گیلان"


@pytest.mark.parametrize(("query", "field"), [
    ("province=IR-02&month=1405-13", "month"),
    ("province=IR-02&month=1405-1x", "month"),
    ("province=IR-02&month=1405-03", "month"),  # has not begun on 1405/01/02
    ("province=IR-99&month=1405-01", "province"),
    ("province=Mazandaran&month=1405-01", "province"),
])
def test_bad_input_is_refused_naming_the_field_in_both_languages(
        people: People, query: str, field: str) -> None:
    answer = people(NATIONAL).get(f"/api/reports/monthly?{query}")
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["details"]["field"] == field
    assert body["message"].startswith(f"{field}:")
    assert body["message_fa"].startswith("ماه:" if field == "month" else "استان:")


def test_the_analyst_gets_counts_and_rates_only_with_small_cells_hidden(
        people: People) -> None:
    data = people(ANALYST).get(FARVARDIN).json()
    assert data["suppressed_below"] == 10
    assert data["average_speed_of_answer_s"] is None  # no times for an analyst
    assert data["arrival_p90_min"] is None
    assert data["contacts_offered"] is None  # the demo's few contacts: a small cell
    assert data["contacts_answered"] in (0, None)


def test_a_counsellor_and_a_stranger_are_refused(people: People, client: TestClient) -> None:
    assert people(NEGAR).get(FARVARDIN).status_code == 403
    assert client.get(FARVARDIN).status_code == 401


def test_the_pdf_opens_and_reads_back_the_province_in_persian(people: People) -> None:
    answer = people(MANSOUREH).get("/reports/monthly.pdf?province=IR-02&month=1405-01")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "panah-IR-02-1405-01.pdf" in answer.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert "مازندران" in text and "فروردین" in text


def test_the_workbook_opens_and_holds_the_jsons_figures(people: People) -> None:
    mansoureh = people(MANSOUREH)
    data = mansoureh.get(FARVARDIN).json()
    answer = mansoureh.get("/reports/monthly.xlsx?province=IR-02&month=1405-01")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    cells = {row[0]: row[3] for row in book.worksheets[0].iter_rows(min_row=6,
                                                                   values_only=True)}
    for key in ("contacts_offered", "abandoned", "cases_opened", "callbacks"):
        assert cells[key] == data[key], key


def test_the_printable_page_is_persian_with_charts_and_downloads(people: People) -> None:
    page = people(MANSOUREH).get("/reports/monthly?province=IR-02&month=1405-01",
                                 headers=HTML)
    assert page.status_code == 200
    html = page.text
    assert '<html lang="fa" dir="rtl">' in html
    assert "گزارش ماهانهٔ استان مازندران" in html
    assert html.count('<svg class="chart"') == 2  # the days' contacts, within 20 s
    assert 'href="/reports/monthly.pdf?province=IR-02&amp;month=1405-01"' in html
    assert 'href="/reports/monthly.xlsx?province=IR-02&amp;month=1405-01"' in html
    assert "ماه هنوز تمام نشده است" in html  # Farvardin runs on


def test_the_page_shows_a_bad_month_beside_the_form_in_both_languages(people: People) -> None:
    page = people(MANSOUREH).get("/reports/monthly?month=1405-13", headers=HTML)
    assert page.status_code == 422
    assert 'data-field="month"' in page.text
    assert "ماه شمسی نیست" in page.text and "is not a Jalali month" in page.text


def test_the_national_office_chooses_a_province_first(people: People) -> None:
    page = people(NATIONAL).get("/reports/monthly", headers=HTML)
    assert page.status_code == 200
    assert 'id="report-choose-province"' in page.text
    assert page.text.count("<option value=\"IR-") == 31


def test_the_report_is_in_the_api_documentation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schema = spec["paths"]["/api/reports/monthly"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert schema["$ref"].endswith("/MonthlyReportPublic")
    assert "contacts_offered" in spec["components"]["schemas"]["MonthlyReportPublic"][
        "properties"]


def test_the_page_reads_in_english_too(people: People) -> None:
    page = people(DAVOUD).get("/reports/monthly?month=1405-01&lang=en", headers=HTML)
    assert page.status_code == 200
    assert '<html lang="en" dir="ltr">' in page.text
    assert "Monthly report: Mazandaran" in page.text and "Farvardin 1405" in page.text


def test_the_analysts_page_hides_small_cells_and_says_why(people: People) -> None:
    page = people(ANALYST).get("/reports/monthly?province=IR-02&month=1405-01", headers=HTML)
    assert page.status_code == 200
    offered = page.text.split('data-figure="contacts_offered"')[1].split("</span>")[0]
    assert "&lt;۱۰" in offered
    assert 'id="report-suppressed"' in page.text
    assert "میانگین سرعت پاسخ" in page.text  # a time the analyst does not get keeps its name
    assert ">average_speed_of_answer_s<" not in page.text  # never a key on the screen
