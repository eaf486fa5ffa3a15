"""The crew arrives knowing why (issue 14, journey 4), in real browsers: the Mazandaran
counsellor asks for a mobile team from the triage panel with a short summary for the crew,
the place in words, who called and a woman worker; the dispatcher sends MZN-01; Maryam
Rezaei's phone shows the risk, what it is about, who called, the summary, the cautions
and the place in words above the map and the navigate button, its numbers in Persian."""

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
SUMMARY = "زن جوان با دو کودک؛ همسرش تهدید به کشتن کرده و اکنون بیرون از ویلاست."
PLACE = "چالوس، خیابان ساحلی، کوچهٔ اقاقیا، ویلای سفید"


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: MZN-01 is sent."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture
def desk(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 900}) as page:
        yield page


@pytest.fixture
def phone(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, **PHONE) as page:
        yield page


def _counsellor_asks_for_a_team(page: Page) -> int:
    report = page.request.post("/api/help/reports", data={
        "what": "صدای کتک‌کاری و گریهٔ بچه‌ها از ویلای کناری می‌آید.", **CHALUS})
    assert report.status == 201, report.text()
    contact_id = int(report.json()["contact_id"])
    sign_in(page, "counsellor")
    page.goto(f"/line/contacts/{contact_id}")
    page.locator(".take-button").click()
    page.wait_for_url(f"**/line/contacts/{contact_id}")
    expect(page.locator("#triage-panel")).to_have_attribute("data-state", "assigned")
    api(page, "PUT", f"/api/contacts/{contact_id}/categories",
        {"codes": ["spouse_abuse", "child_abuse"]})
    api(page, "POST", f"/api/contacts/{contact_id}/screens", {
        "protocol_id": "lethality_screen", "answers": {
            "danger_now": False, "q1_weapon": False, "q2_threat_to_kill": True,
            "q3_might_kill": True}})
    page.goto(f"/line/contacts/{contact_id}")
    form = page.locator("#triage-proposals li[data-kind=mobile_team] form")
    expect(form.locator("input[name=caller_kind][value=third_party]")).to_be_checked()
    for caution in ("violent_person", "children_present"):
        form.locator(f"input[name=caution][value={caution}]").check()
    form.locator("textarea[name=summary]").fill(SUMMARY)
    form.locator("input[name=place]").fill(PLACE)
    form.locator("input[name=prefer_woman]").check()
    form.locator("#request-mobile-team").click()
    taken = page.locator("#triage-taken li[data-dispatch]")
    expect(taken).to_have_count(1)
    return int(taken.first.get_attribute("data-dispatch") or 0)


def test_the_crews_phone_shows_why_they_go_beside_the_map(desk: Page, phone: Page) -> None:
    request_id = _counsellor_asks_for_a_team(desk)
    desk.context.clear_cookies()
    sign_in(desk, "dispatcher")
    incident = api(desk, "POST", f"/api/dispatch-requests/{request_id}/incident")
    assert incident["prefer_woman"] is True
    unit = next(u["id"] for u in api(desk, "GET", "/api/dispatch/board")["units"]
                if u["call_sign"] == "MZN-01")
    api(desk, "POST", f"/api/incidents/{incident['id']}/assignments", {"unit_id": unit})

    sign_in(phone, "field_crew")
    phone.goto("/field")
    card = phone.locator("#field-incident")
    expect(card).to_be_visible()
    expect(phone.locator("#field-priority")).to_have_text("بالا")
    expect(phone.locator("#field-about")).to_have_text("همسرآزاری، کودک‌آزاری")
    expect(phone.locator("#field-caller")).to_contain_text("فرد دیگری")
    expect(phone.locator("#field-woman")).to_be_visible()
    expect(phone.locator("#field-summary")).to_have_text(SUMMARY)
    expect(phone.locator("#field-cautions")).to_contain_text("فرد خشن")
    expect(phone.locator("#field-place")).to_have_text(PLACE)
    expect(phone.locator("#field-area")).to_contain_text("مازندران")
    expect(phone.locator("#field-geo")).to_be_visible()
    distance = phone.locator("#field-distance")
    expect(distance).to_contain_text("کیلومتر")
    shown = distance.inner_text()
    assert "٫" in shown and "." not in shown  # ۱٫۱, the Persian decimal separator
    assert not any(ch in "0123456789" for ch in shown)
    # The place in words sits above the map, in the same card.
    place_box = phone.locator("#field-place").bounding_box()
    map_box = phone.locator("#field-map").bounding_box()
    assert place_box and map_box and place_box["y"] < map_box["y"]
    card.scroll_into_view_if_needed()
    screenshot(phone, "field-assignment-context-fa.png")
