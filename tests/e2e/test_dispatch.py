"""The dispatch journey in real browsers: a neighbour reports violence in Chalus; the
counsellor asks for a mobile team; on the dispatch board the request becomes an incident,
the board recommends MZN-01 at the Chalus Nowruz post and the dispatcher sends it. The
crew's phone (a second browser context, phone-sized) receives it, loses the network, sets
every status of the visit and writes the report offline, comes back online, and the board
shows every status in the order it happened."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    PHONE,
    LiveServer,
    _offline_page,
    api,
    own_server,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e
CHALUS = {"lat": 36.6550, "lon": 51.4205}
VISIT = ["en_route", "on_scene", "transporting", "at_centre", "available_at_post"]
SYNC = 30_000


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the journey moves MZN-01 through a whole visit."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture
def desk(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1366, "height": 900}) as page:
        yield page


@pytest.fixture
def phone(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, **PHONE) as page:
        yield page


def _team_requested(page: Page) -> int:
    """The counsellor's part (triage has its own browser test): a report from Chalus and a
    mobile team asked for it, with the cautions the crew must see."""
    report = page.request.post("/api/help/reports", data={
        "what": "صدای کتک‌کاری و گریهٔ بچه‌ها از ویلای کناری می‌آید.", **CHALUS,
        "when": "همین حالا"})
    assert report.status == 201, report.text()
    contact_id = int(report.json()["contact_id"])
    sign_in(page, "counsellor")
    page.goto("/line")
    asked = api(page, "POST", f"/api/contacts/{contact_id}/mobile-team",
                 {"cautions": ["children_present", "violent_person"]})
    return int(asked["id"])


def test_the_dispatcher_sends_the_recommended_unit_and_sees_the_crews_offline_visit_in_order(
    desk: Page, phone: Page,
) -> None:
    request_id = _team_requested(desk)
    desk.context.clear_cookies()
    sign_in(desk, "dispatcher")
    desk.goto("/dispatch")
    request = desk.locator(f'#board-requests li[data-request="{request_id}"]')
    expect(request).to_be_visible()
    request.locator("button").click()
    incident = desk.locator("#board-incidents li.board-incident").first
    expect(incident).to_be_visible()
    expect(incident.locator(".caution")).to_have_count(2)
    incident.locator("[data-recommend]").click()
    first = incident.locator("li.pick").first
    expect(first).to_contain_text("MZN-01")
    expect(first).to_contain_text("دقیقه")
    expect(first).to_contain_text("پایگاه نوروزی ساحل چالوس")
    first.locator("[data-assign]").click()
    expect(desk.locator("#board-message")).to_contain_text("MZN-01")
    row = desk.locator('#board-units tr[data-unit="MZN-01"]')
    expect(row.locator("[data-unit-status]")).to_have_attribute("data-unit-status", "dispatched")
    assert desk.evaluate("window.panahBoard.board.units.find(u => u.call_sign === 'MZN-01').lat")
    screenshot(desk, "dispatch-board-fa.png")

    sign_in(phone, "field_crew")
    phone.goto("/field")
    expect(phone.locator("#field-status")).to_have_attribute("data-status", "dispatched")
    expect(phone.locator("#field-cautions")).to_contain_text("کودکان حاضرند")
    phone.evaluate("navigator.serviceWorker.ready")
    phone.context.set_offline(True)
    expect(phone.locator("#field-sync-state")).to_have_attribute("data-state", "offline")
    for status in VISIT[:-1]:
        phone.locator(f'button[data-status="{status}"]').click()
        expect(phone.locator("#field-status")).to_have_attribute("data-status", status)
    form = phone.locator("#field-report-form")
    form.locator("#field-outcome").select_option("taken_to_shelter")
    form.locator("#field-text").fill("مادر و دو کودک با رضایت مادر به خانهٔ امن رسیدند.")
    form.locator("#field-report-submit").click()
    expect(phone.locator("#field-report-done")).to_be_visible()
    phone.locator(f'button[data-status="{VISIT[-1]}"]').click()
    expect(phone.locator("#field-queue-count")).not_to_have_attribute("data-count", "0")
    trail = desk.locator('[data-trail="MZN-01"] li')
    expect(trail).to_have_count(1)  # nothing has reached the server while the phone is offline

    phone.context.set_offline(False)
    expect(phone.locator("#field-queue-count")).to_have_attribute("data-count", "0",
                                                                  timeout=SYNC)
    steps = [f'[data-status="{s}"]' for s in ["dispatched", *VISIT]]
    expect(trail).to_have_count(len(steps), timeout=SYNC)
    shown = [trail.nth(i).get_attribute("data-status") for i in range(len(steps))]
    assert shown == ["dispatched", *VISIT]
    expect(row.locator("[data-unit-status]")).to_have_attribute("data-unit-status",
                                                                VISIT[-1])
    expect(desk.locator("#board-incidents li.board-incident")).to_have_count(0)
    row.scroll_into_view_if_needed()
    screenshot(desk, "dispatch-board-after-visit-fa.png")


def test_a_false_alarm_is_cancelled_from_the_board_once_confirmed(desk: Page) -> None:
    """The confirmation is in the page and in Persian (issue 14: it was the browser's own
    dialog); saying no keeps the incident open."""
    sign_in(desk, "dispatcher")
    desk.goto("/dispatch")
    made = api(desk, "POST", "/api/incidents", {**CHALUS, "priority": "low",
                                                  "place": "تماس اشتباه"})
    item = desk.locator(f'#board-incidents li[data-incident="{made["id"]}"]')
    expect(item).to_be_visible()
    confirm = item.locator("[data-confirm-cancel]")
    expect(confirm).to_be_hidden()
    item.locator("[data-cancel-incident]").click()
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("لغو شود؟")
    confirm.locator("[data-cancel-no]").click()
    expect(confirm).to_be_hidden()
    assert api(desk, "GET", f"/api/incidents/{made['id']}")["state"] == "open"
    item.locator("[data-cancel-incident]").click()
    confirm.locator("[data-cancel-yes]").click()
    expect(item).to_have_count(0)
    assert api(desk, "GET", f"/api/incidents/{made['id']}")["state"] == "cancelled"
    closed = desk.locator(f'#board-closed-today li[data-closed-incident="{made["id"]}"]')
    expect(closed).to_contain_text("لغو شد")
