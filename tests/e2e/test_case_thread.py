"""One thread from call to case in a real browser (issue 16, item 1): the high-risk call
from Chalus is triaged, MZN-01 visits and reports; the centre's social worker opens the
case from "visits awaiting a case" and sees the call and the report on the timeline; the
contact screen and the incident page then point to the case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import NOWRUZ
from tests.e2e.conftest import LiveServer, _offline_page, api, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e
REPORT = "مادر و دو کودک به خانهٔ امن ساری رسیدند؛ همسر در خانه نبود."


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: MZN-01 is sent, and a case opened."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@contextmanager
def person(browser: Browser, server: LiveServer, username: str, start: str = "/") -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, username)
        page.goto(start)
        yield page


def _call_visited_and_reported(browser: Browser, server: LiveServer) -> tuple[int, int]:
    """The counsellor takes the Chalus call and asks for a team; MZN-01 goes and reports."""
    with person(browser, server, "counsellor", "/line") as counsellor:
        call = next(c["id"] for c in api(counsellor, "GET", "/api/line/queue")
                    if c["risk"] == "high")
        api(counsellor, "POST", f"/api/contacts/{call}/take")
        api(counsellor, "PUT", f"/api/contacts/{call}/categories",
            {"codes": ["spouse_abuse", "child_abuse"]})
        asked = api(counsellor, "POST", f"/api/contacts/{call}/mobile-team",
                    {"cautions": ["children_present"]})
    with person(browser, server, "dispatcher", "/dispatch") as desk:
        incident = api(desk, "POST", f"/api/dispatch-requests/{asked['id']}/incident")["id"]
        units = {u["call_sign"]: u["id"] for u in api(desk, "GET", "/api/dispatch/board")["units"]}
        api(desk, "POST", f"/api/incidents/{incident}/assignments", {"unit_id": units["MZN-01"]})
    with person(browser, server, "field_crew", "/field") as crew:
        for step in ("en_route", "on_scene"):
            api(crew, "POST", f"/api/units/{units['MZN-01']}/status", {"status": step})
        api(crew, "POST", f"/api/units/{units['MZN-01']}/reports", {
            "incident_id": incident, "client_id": "e2e-thread-report",
            "written_at": NOWRUZ.isoformat(), "outcome": "taken_to_shelter", "text": REPORT,
            "people_seen": 3, "children_seen": 2})
    return call, incident


def test_the_social_worker_opens_the_case_from_the_visit_and_sees_the_call_and_the_report(
    browser: Browser, server: LiveServer,
) -> None:
    call, incident = _call_visited_and_reported(browser, server)

    with person(browser, server, "social_worker", "/cases/visits") as worker:
        visit = worker.locator(f"#visit-{incident}")
        expect(visit).to_contain_text(REPORT)
        screenshot(worker, "case-visits-awaiting-fa.png")
        visit.locator("input[name=client_name]").fill("لیلا")
        visit.locator("button[type=submit]").click()
        worker.wait_for_url("**/cases/*")
        case_path = worker.url.split(server.url)[-1]
        timeline = worker.locator("#timeline")
        expect(timeline.locator("h3.timeline-day").first).to_contain_text("۱۴۰۵/۰۱")
        expect(timeline.locator("li[data-kind=contact]")).to_contain_text("تماس با خط ۱۲۳")
        expect(timeline.locator("li[data-kind=contact] a")).to_have_attribute(
            "href", f"/line/contacts/{call}")
        expect(timeline.locator("li[data-kind=visit_report]")).to_contain_text(REPORT)
        expect(timeline.locator("li[data-kind=unit_status]").first).to_be_visible()
        worker.evaluate("document.getElementById('timeline').scrollIntoView()")
        screenshot(worker, "case-timeline-fa.png")
        expect(worker.locator("nav")).to_contain_text("بازدیدهای بی‌پرونده")
        worker.goto("/cases/visits")
        expect(worker.locator(f"#visit-{incident}")).to_have_count(0)

    case_id = case_path.rstrip("/").split("/")[-1]
    with person(browser, server, "supervisor", f"/dispatch/incidents/{incident}") as supervisor:
        expect(supervisor.locator(f'#incident-case li[data-case="{case_id}"] a')).to_have_attribute(
            "href", f"/cases/{case_id}")
    with person(browser, server, "counsellor", f"/line/contacts/{call}") as counsellor:
        # Not on the new case's team: told that a case exists, with nothing of it.
        expect(counsellor.locator(f'#contact-case li[data-case="{case_id}"]')).to_contain_text(
            "پرونده‌ای وجود دارد")
