"""Closed incidents stay visible (issue 14, journey 5): the board lists today's and this
week's closed incidents, and every incident has a page — open or closed — with what
happened in order, and its visit report, whose text only the unit's crew and the
province's supervisors read.

Named people: the Mazandaran dispatcher and supervisor, Maryam Rezaei on MZN-01
(``field_crew``), and the Gilan counsellor. The demo holds a visit by MZN-09 yesterday
(closed) and a false alarm cancelled this morning; the clock is the second day of Nowruz,
a Sunday, so yesterday is this week."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.dispatch.orm import Unit
from tests.api.conftest import HTML, People

CHALUS = {"lat": 36.6552, "lon": 51.4200}
VISIT = ("en_route", "on_scene", "available_at_post")
REPORT = "مادر و دو کودک با رضایت مادر به خانهٔ امن ساری رسیدند."


def _unit(app: FastAPI, call_sign: str) -> int:
    with unit_of_work(app.state.session_factory) as session:
        found = session.scalar(select(Unit.id).where(Unit.call_sign == call_sign))
        assert found is not None
        return found


def _status(crew: TestClient, unit: int, value: str, clock: FrozenClock) -> None:
    clock.advance(minutes=5)
    answer = crew.post(f"/api/units/{unit}/status",
                       json={"status": value, "at": clock.now().isoformat()})
    assert answer.status_code == 200, answer.text


@pytest.fixture
def visited(app: FastAPI, people: People, clock: FrozenClock) -> dict[str, Any]:
    """MZN-01 sent to Chalus; the crew goes, writes the report and is free again: closed."""
    desk, crew, mzn01 = people("dispatcher"), people("field_crew"), _unit(app, "MZN-01")
    made = desk.post("/api/incidents", json={**CHALUS, "priority": "high",
                                             "place": "چالوس، کوچهٔ اقاقیا"}).json()
    assert desk.post(f"/api/incidents/{made['id']}/assignments",
                     json={"unit_id": mzn01}).status_code == 201
    for value in VISIT[:2]:
        _status(crew, mzn01, value, clock)
    report = crew.post(f"/api/units/{mzn01}/reports", json={
        "incident_id": made["id"], "client_id": "phone-report-0001",
        "written_at": clock.now().isoformat(), "outcome": "taken_to_shelter", "text": REPORT,
        "people_seen": 3, "children_seen": 2})
    assert report.status_code == 201, report.text
    _status(crew, mzn01, VISIT[2], clock)
    assert desk.get(f"/api/incidents/{made['id']}").json()["state"] == "closed"
    return dict(made)


def test_the_board_lists_todays_and_this_weeks_closed_incidents(
    people: People, visited: dict[str, Any],
) -> None:
    board = people("dispatcher").get("/api/dispatch/board").json()

    today = {c["id"]: c for c in board["closed_today"]}
    assert today[visited["id"]]["units"] == ["MZN-01"]
    assert today[visited["id"]]["outcome"] == "taken_to_shelter"
    assert {c["state"] for c in board["closed_today"]} == {"closed", "cancelled"}
    earlier = board["closed_earlier"]
    assert [(c["units"], c["outcome"]) for c in earlier] == [(["MZN-09"], "resolved_on_scene")]
    assert visited["id"] not in {i["id"] for i in board["incidents"]}


def test_a_closed_incident_has_its_page_with_what_happened_in_order(
    people: People, visited: dict[str, Any],
) -> None:
    page = people("dispatcher").get(f"/api/incidents/{visited['id']}/timeline")

    assert page.status_code == 200, page.text
    body = page.json()
    assert body["incident"]["state"] == "closed"
    assert [(e["kind"], e["status"]) for e in body["entries"]] == [
        ("created", None), ("assigned", None), ("status", "en_route"), ("status", "on_scene"),
        ("report", None), ("status", "available_at_post"), ("closed", None)]
    assert {e["call_sign"] for e in body["entries"][1:-1]} == {"MZN-01"}
    assert body["reports"][0]["outcome"] == "taken_to_shelter"


def test_the_report_text_is_for_the_supervisor_not_the_dispatcher(
    people: People, visited: dict[str, Any],
) -> None:
    for_dispatcher = people("dispatcher").get(f"/api/incidents/{visited['id']}/timeline")
    for_supervisor = people("supervisor").get(f"/api/incidents/{visited['id']}/timeline")

    hidden, shown = for_dispatcher.json()["reports"][0], for_supervisor.json()["reports"][0]
    assert (hidden["text"], hidden["text_withheld"]) == (None, True)
    assert (hidden["people_seen"], hidden["children_seen"]) == (3, 2)
    assert (shown["text"], shown["text_withheld"]) == (REPORT, False)
    assert REPORT not in for_dispatcher.text


def test_the_incident_page_in_persian_shows_the_timeline_and_withholds_the_text(
    people: People, visited: dict[str, Any],
) -> None:
    page = people("dispatcher").get(f"/dispatch/incidents/{visited['id']}", headers=HTML)

    assert page.status_code == 200, page.text
    assert 'id="incident-timeline"' in page.text
    assert "بسته شد" in page.text and "به خانهٔ امن برده شد" in page.text
    assert '<bdi dir="ltr" class="call-sign">MZN-01</bdi>' in page.text
    assert "report-withheld" in page.text and REPORT not in page.text
    supervised = people("supervisor").get(f"/dispatch/incidents/{visited['id']}", headers=HTML)
    assert REPORT in supervised.text


def test_another_provinces_incident_page_is_refused_and_a_missing_one_is_not_found(
    people: People, visited: dict[str, Any],
) -> None:
    assert people("counsellor_gilan").get(f"/dispatch/incidents/{visited['id']}",
                                          headers=HTML).status_code == 403
    assert people("field_crew").get(f"/api/incidents/{visited['id']}/timeline"
                                    ).status_code == 403
    assert people("dispatcher").get("/api/incidents/999999/timeline").status_code == 404


def test_closing_an_incident_that_is_over_changes_nothing(
    people: People, visited: dict[str, Any], clock: FrozenClock,
) -> None:
    closed_at = people("dispatcher").get(f"/api/incidents/{visited['id']}").json()["closed_at"]
    clock.advance(hours=1)
    again = people("dispatcher").post(f"/api/incidents/{visited['id']}/close",
                                      json={"cancelled": True})
    assert again.status_code == 200
    assert (again.json()["state"], again.json()["closed_at"]) == ("closed", closed_at)
