"""The dispatch board in a real browser, in Persian (issue 14, journeys 5 and 7): the
recommendation reads in the right order right to left, with Persian numbers and every
reason in words; the map's units carry their call signs; where positions come from is
said in a user's words; and the incidents closed today and earlier this week are listed,
each opening its page with what happened in order.

The demo's closed incidents: MZN-09's visit yesterday (with its report) and a false alarm
cancelled this morning."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, api, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e
CHALUS = {"lat": 36.6552, "lon": 51.4200}
RAMSAR = {"lat": 36.9100, "lon": 50.6700}


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: a unit is sent somewhere to be left out of a recommendation."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture
def desk(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1366, "height": 900}) as page:
        sign_in(page, "dispatcher")
        yield page


def _units(desk: Page) -> dict[str, int]:
    return {u["call_sign"]: u["id"] for u in api(desk, "GET", "/api/dispatch/board")["units"]}


def test_the_recommendation_reads_right_to_left_with_persian_numbers_and_words(
    desk: Page,
) -> None:
    units = _units(desk)
    busy = api(desk, "POST", "/api/incidents", {**RAMSAR, "priority": "medium"})
    api(desk, "POST", f"/api/incidents/{busy['id']}/assignments", {"unit_id": units["MZN-02"]})
    made = api(desk, "POST", "/api/incidents", {**CHALUS, "priority": "high",
                                                  "place": "چالوس، ساحل"})
    desk.goto("/dispatch")
    item = desk.locator(f'#board-incidents li[data-incident="{made["id"]}"]')
    item.locator("[data-recommend]").click()
    first = item.locator("li.pick").first
    expect(first).to_contain_text("دقیقه")

    sign = first.locator("strong bdi.call-sign")
    expect(sign).to_have_attribute("dir", "ltr")
    # The minutes' first digit is left of the call sign, as a right-to-left reader meets
    # them: call sign first, then "۷ دقیقه …". Without the isolation the digit joined the
    # call sign's left-to-right run and sat at its right.
    digit_right, sign_left = first.evaluate("""row => {
        const text = row.querySelector('.pick-explain').firstChild;
        const range = document.createRange();
        range.setStart(text, 0); range.setEnd(text, 1);
        return [range.getBoundingClientRect().right,
                row.querySelector('strong bdi').getBoundingClientRect().left];
    }""")
    assert digit_right <= sign_left + 0.5
    assert first.locator(".pick-explain").inner_text()[0] in "۰۱۲۳۴۵۶۷۸۹"
    marker = item.locator("ol.picks").evaluate("list => getComputedStyle(list).listStyleType")
    assert marker == "persian"  # ۱. ۲. ۳., not 1. 2. 3.
    left_out = item.locator(".board-excluded")
    expect(left_out).to_contain_text("آماده نیست (اعزام شد)")  # MZN-02, sent to Ramsar
    assert "not_available" not in left_out.inner_text()
    expect(left_out.locator("bdi.call-sign").first).to_have_attribute("dir", "ltr")
    screenshot(desk, "dispatch-board-picks-fa.png")


def test_every_unit_on_the_map_carries_its_call_sign(desk: Page) -> None:
    desk.goto("/dispatch")
    labels = desk.locator("#board-map .leaflet-tooltip.board-unit-label")
    expect(labels.filter(has_text="MZN-01")).to_be_visible()  # without hovering
    units = api(desk, "GET", "/api/dispatch/board")["units"]
    expect(labels).to_have_count(len([u for u in units if u["lat"] is not None]))


def test_the_board_says_where_positions_come_from_in_a_users_words(desk: Page) -> None:
    desk.goto("/dispatch")
    bus = desk.locator("#board-bus")
    expect(bus).to_have_text(
        "موقعیت خودروها از گوشی تیم‌ها می‌رسد و گفتگوی تیم در همین صفحه کار می‌کند.")
    body = desk.locator("body").inner_text()
    assert "PANAH_" not in body and "/api/" not in body and "MQTT" not in body


def test_the_board_lists_closed_incidents_and_each_opens_its_page(
    browser: Browser, server: LiveServer, desk: Page,
) -> None:
    desk.goto("/dispatch")
    today = desk.locator("#board-closed-today li[data-closed-incident]")
    earlier = desk.locator("#board-closed-earlier li[data-closed-incident]")
    expect(today.first).to_contain_text("لغو شد")
    expect(earlier).to_have_count(1)
    expect(earlier.first).to_contain_text("بسته شد")
    expect(earlier.first).to_contain_text("در محل حل شد")
    expect(earlier.first.locator("bdi.call-sign")).to_have_text("MZN-09")
    desk.locator("#board-closed").scroll_into_view_if_needed()
    screenshot(desk, "board-closed-incidents-fa.png")

    earlier.first.locator("a.incident-link").click()
    desk.wait_for_url("**/dispatch/incidents/*")
    expect(desk.locator("#incident-state")).to_have_attribute("data-state", "closed")
    steps = desk.locator("#incident-timeline li")
    kinds = steps.evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds == ["created", "assigned", "status", "status", "report", "status", "closed"]
    expect(desk.locator("#incident-timeline")).to_contain_text("در محل")
    expect(desk.locator(".report-withheld")).to_be_visible()  # a dispatcher: not the text

    with _offline_page(browser, server, viewport={"width": 1366, "height": 900}) as boss:
        sign_in(boss, "supervisor")
        boss.goto(desk.url)
        expect(boss.locator(".report-text")).to_contain_text("پیگیری مددکار فردا")
        screenshot(boss, "incident-page-fa.png")
