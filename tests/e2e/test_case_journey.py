"""One thread from the call to the case, and the case follows the traveller home (issue 16).

In real browsers: a neighbour reports violence in a Chalus villa; the Mazandaran counsellor
takes it, the Lethality Screen scores high and she asks for a mobile team; the dispatcher
sends MZN-01, whose crew goes and writes its visit report. Shirin, the crisis centre's
social worker, opens the case from the visit, sees the call and the report in the
timeline, assigns the psychologist, books his appointment, records the client's consent and
transfers the case to Tehran; Tehran's social worker accepts it and sees the whole history.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import NOWRUZ
from tests.e2e.conftest import LiveServer, _offline_page, api, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e
CHALUS = {"lat": 36.6550, "lon": 51.4205}
REPORT = "زن و دو کودک در ویلا؛ همسر تهدید کرده بود. به مرکز ساری رسانده شدند؛ پیگیری لازم است."
CLIENT = "مهسا کاظمی"
REASON = "مددجو ساکن تهران است و پس از تعطیلات نوروز به خانه برمی‌گردد."


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: a unit is sent and a case moves to Tehran."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@contextmanager
def person(browser: Browser, server: LiveServer, username: str) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, username)
        yield page


def _a_high_risk_contact_asks_for_a_team(page: Page) -> tuple[int, int]:
    """The counsellor's part, through her own screen: (contact id, dispatch request id)."""
    page.context.clear_cookies()  # the neighbour reports from the public page
    report = page.request.post("/api/help/reports", data={
        "what": "صدای کتک‌کاری و گریهٔ بچه‌ها از ویلای کناری می‌آید.", **CHALUS})
    assert report.status == 201, report.text()
    contact_id = int(report.json()["contact_id"])
    sign_in(page, "counsellor")
    page.goto(f"/line/contacts/{contact_id}")
    page.locator(".take-button").click()
    page.wait_for_url(f"**/line/contacts/{contact_id}")
    api(page, "PUT", f"/api/contacts/{contact_id}/categories", {"codes": ["spouse_abuse"]})
    screen = api(page, "POST", f"/api/contacts/{contact_id}/screens", {
        "protocol_id": "lethality_screen", "answers": {
            "danger_now": False, "q1_weapon": False, "q2_threat_to_kill": True,
            "q3_might_kill": True}})
    assert screen["contact_risk"] == "high", screen
    page.goto(f"/line/contacts/{contact_id}")
    form = page.locator("#triage-proposals li[data-kind=mobile_team] form")
    form.locator("textarea[name=summary]").fill("زن با دو کودک؛ همسر تهدید به کشتن کرده است.")
    form.locator("#request-mobile-team").click()
    taken = page.locator("#triage-taken li[data-dispatch]")
    expect(taken).to_have_count(1)
    return contact_id, int(taken.first.get_attribute("data-dispatch") or 0)


def _the_team_visits_and_reports(page: Page, request_id: int) -> int:
    """The dispatcher sends MZN-01; its crew arrives and writes the visit report."""
    page.context.clear_cookies()
    sign_in(page, "dispatcher")
    incident = api(page, "POST", f"/api/dispatch-requests/{request_id}/incident")
    unit = next(u["id"] for u in api(page, "GET", "/api/dispatch/board")["units"]
                if u["call_sign"] == "MZN-01")
    api(page, "POST", f"/api/incidents/{incident['id']}/assignments", {"unit_id": unit})
    page.context.clear_cookies()
    sign_in(page, "field_crew")
    page.goto("/field")
    for n, status in enumerate(("en_route", "on_scene", "transporting", "at_centre")):
        api(page, "POST", f"/api/units/{unit}/status", {
            "status": status, "client_id": f"journey-status-{n}"})
    api(page, "POST", f"/api/units/{unit}/reports", {
        "incident_id": incident["id"], "client_id": "journey-report-1",
        "written_at": NOWRUZ.isoformat(),
        "outcome": "taken_to_centre", "text": REPORT, "people_seen": 3, "children_seen": 2})
    return int(incident["id"])


def test_a_call_becomes_a_case_that_follows_the_traveller_home_to_tehran(
    browser: Browser, server: LiveServer
) -> None:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 900}) as desk:
        contact_id, request_id = _a_high_risk_contact_asks_for_a_team(desk)
        incident_id = _the_team_visits_and_reports(desk, request_id)

    with person(browser, server, "social_worker") as worker:
        worker.goto("/cases/visits")
        visit = worker.locator(f"#visit-{incident_id}")
        expect(visit).to_contain_text(REPORT)
        visit.locator("input[name=client_name]").fill(CLIENT)
        visit.locator("button[type=submit]").click()
        worker.wait_for_url("**/cases/*")
        case_id = int(worker.url.rstrip("/").split("/")[-1].split("#")[0])

        # The call and the visit report are in the case's timeline.
        timeline = worker.locator("#timeline")
        expect(timeline).to_contain_text(REPORT)
        expect(timeline.locator(f"a[href='/line/contacts/{contact_id}']").first).to_be_visible()
        expect(timeline.locator(f"a[href='/dispatch/incidents/{incident_id}']").first
               ).to_be_visible()
        expect(timeline).to_contain_text("MZN-01")

        # The psychologist joins the team, and his first appointment is booked (Tuesday
        # 4 Farvardin 1405, inside his hours).
        team = worker.locator("#team-form")
        team.locator("select[name=user_id]").select_option(label="کاوه روان — روانشناس")
        team.locator("button[type=submit]").click()
        expect(worker.locator("#work")).to_contain_text("کاوه روان")
        booking = worker.locator("#appointment-form")
        booking.locator("[name=worker_id]").select_option(label="کاوه روان")
        booking.locator("[name=kind]").select_option("counselling_session")
        booking.locator("[name=day]").fill("۱۴۰۵/۰۱/۰۴")
        booking.locator("[name=time]").fill("۱۰:۳۰")
        booking.locator("[name=minutes]").fill("45")
        booking.locator("button[type=submit]").click()
        expect(worker.locator("#appointments")).to_contain_text("کاوه روان")
        worker.locator("h1").scroll_into_view_if_needed()
        screenshot(worker, "case-journey-timeline-fa.png")

        # She asks to go home: her written consent, then the transfer to Tehran.
        panel = worker.locator("#transfers")
        panel.locator("summary", has_text="ثبت رضایت").click()
        consent = worker.locator("#consent-form")
        consent.locator("#consent-purpose").select_option("transfer")
        consent.locator("#consent-recipient").select_option("IR-23")
        consent.locator("#consent-method").select_option("written")
        consent.locator("button[type=submit]").click()
        worker.locator("#transfers summary", has_text="درخواست انتقال").click()
        transfer = worker.locator("#transfer-form")
        transfer.locator("#transfer-province").select_option("IR-23")
        transfer.locator("#transfer-reason").fill(REASON)
        transfer.locator("button[type=submit]").click()
        expect(worker.locator("#pending-transfer")).to_be_visible()

    with person(browser, server, "social_worker_tehran") as tehran:
        tehran.goto("/cases/transfers")
        card = tehran.locator("#incoming-transfers article", has_text=REASON)
        transfer_id = card.get_attribute("data-transfer")
        tehran.click(f"#accept-transfer-{transfer_id}")
        tehran.wait_for_url(f"**/cases/{case_id}")
        expect(tehran.locator("h1")).to_contain_text("IR-23-")
        expect(tehran.locator(".client-name")).to_have_text(CLIENT)
        # The whole history came with it: the call, the visit report, the psychologist's
        # appointment, the consent and the transfer.
        timeline = tehran.locator("#timeline")
        expect(timeline).to_contain_text(REPORT)
        expect(timeline.locator(f"a[href='/line/contacts/{contact_id}']").first).to_be_visible()
        expect(timeline).to_contain_text("MZN-01")
        expect(timeline).to_contain_text("کاوه روان")
        expect(timeline).to_contain_text(REASON)
        tehran.locator("h1").scroll_into_view_if_needed()
        screenshot(tehran, "case-journey-tehran-fa.png")

    with person(browser, server, "social_worker") as worker:
        answer = worker.goto(f"/cases/{case_id}")
        assert answer is not None and answer.status == 403
