"""The public service figures: anyone may open them; per province and Jalali month the
answer rate, speed of answer and counts, every small cell hidden; nothing about anyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.db import unit_of_work
from panah.intake.orm import Contact
from tests.api.conftest import HTML

People = Callable[[str], TestClient]
NOWRUZ_MORNING = datetime(2026, 3, 21, 5, 30, tzinfo=UTC)  # 1405/01/01 09:00 Tehran
LAST_MINUTE_OF_ESFAND = datetime(2026, 3, 20, 20, 29, tzinfo=UTC)  # 1404/12/29 23:59 Tehran
LINE = {"contacts_offered", "contacts_answered", "answer_rate_pct",
        "answered_within_20s_pct", "average_speed_of_answer_s"}


def _contact(at: datetime, *, wait_s: int | None) -> Contact:
    """A Gilan voice call offered at ``at``: answered after ``wait_s``, or abandoned."""
    answered = at + timedelta(seconds=wait_s) if wait_s is not None else None
    return Contact(channel="voice", state="closed", queue="IR-01", province_code="IR-01",
                   offered_at=at, answered_at=answered, closed_at=at + timedelta(minutes=9),
                   abandoned_at=None if answered else at + timedelta(seconds=40))


@pytest.fixture
def gilans_nowruz(app: FastAPI) -> None:
    """Gilan's first days of Farvardin, hand-counted: 12 calls on Nowruz, 10 answered after
    10 s each, 2 abandoned (and the demo's one call waiting in Gilan's queue on the 2nd);
    and one call at the last minute of Esfand, which is not Farvardin's."""
    with unit_of_work(app.state.session_factory) as session:
        for i in range(12):
            session.add(_contact(NOWRUZ_MORNING + timedelta(minutes=i),
                                 wait_s=10 if i < 10 else None))
        session.add(_contact(LAST_MINUTE_OF_ESFAND, wait_s=5))


def test_anyone_opens_the_figures_without_signing_in(client: TestClient) -> None:
    page = client.get("/figures", headers=HTML)
    assert page.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page.text
    assert "آمار همگانی خدمات خط ۱۲۳" in page.text
    assert page.text.count('<option value="IR-') == 31  # the province selector
    assert 'name="month"' in page.text and "فروردین ۱۴۰۵" in page.text


@pytest.mark.usefixtures("gilans_nowruz")
def test_gilans_farvardin_shows_the_hand_counted_figures(client: TestClient) -> None:
    data = client.get("/api/figures?province=IR-01&month=1405-01").json()
    gilan = data["chosen"]
    assert (gilan["code"], data["month"]) == ("IR-01", "1405-01")
    assert gilan["contacts_offered"] == 13  # 12 + the demo's; not the Esfand call
    assert gilan["contacts_answered"] == 10
    assert gilan["answer_rate_pct"] == 76.9  # 10 of 13
    # 10 of 10 answered + 2 abandoned is 83.3, but it rests on 2 abandoned: a small cell.
    assert gilan["answered_within_20s_pct"] is None
    assert gilan["average_speed_of_answer_s"] == 10.0


@pytest.mark.usefixtures("gilans_nowruz")
def test_a_small_cell_is_hidden_and_so_is_every_rate_resting_on_it(
        client: TestClient) -> None:
    data = client.get("/api/figures?month=1404-12").json()
    assert data["suppressed_below"] == 10
    gilan = next(p for p in data["provinces"] if p["code"] == "IR-01")
    assert gilan["contacts_offered"] is None  # one call in Esfand: fewer than 10
    assert gilan["answer_rate_pct"] is None
    assert gilan["average_speed_of_answer_s"] is None
    assert data["chosen"]["code"] == "IR"  # no province asked: the nation


@pytest.mark.usefixtures("gilans_nowruz")
def test_the_page_shows_every_province_and_marks_the_chosen_one(client: TestClient) -> None:
    page = client.get("/figures?province=IR-01&month=1405-01", headers=HTML).text
    assert 'id="figures-chosen" data-province="IR-01"' in page
    assert '<tr data-province="IR-01" class="chosen">' in page
    assert "۷۶٫۹٪" in page  # Gilan's answer rate, in Persian digits
    assert "&lt;۱۰" in page  # Mazandaran's few calls, hidden


def test_nothing_about_a_person_is_published(client: TestClient) -> None:
    data = client.get("/api/figures?province=IR-02").json()
    for line in [data["chosen"], data["nation"], *data["provinces"]]:
        assert set(line) == {"code", "name_fa", "name_en", *LINE}


@pytest.mark.parametrize(("query", "field"), [
    ("month=1405-13", "month"), ("month=1405-1x", "month"), ("month=1406-01", "month"),
    ("province=IR-99", "province"), ("province=Gilan", "province"),
])
def test_bad_input_is_named_in_both_languages(client: TestClient, query: str,
                                              field: str) -> None:
    answer = client.get(f"/api/figures?{query}")
    assert answer.status_code == 422
    assert answer.json()["details"]["field"] == field
    page = client.get(f"/figures?{query}", headers=HTML)
    assert page.status_code == 422
    assert f'data-field="{field}"' in page.text


def test_the_figures_are_in_the_api_documentation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/figures" in spec["paths"]
    assert "PublicFiguresOut" in spec["components"]["schemas"]
