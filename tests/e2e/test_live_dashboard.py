"""The live dashboard's Done-when in a real browser: the Mazandaran supervisor has the
dashboard open; a teenager in Chalus opens the help page and types that they want to end
their life, "in danger now"; the dashboard's tiles change and, once the chat has waited
past the province's threshold, the immediate-danger alert shows, all without a reload
(pushed over the WebSocket)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

import tests.e2e.conftest as e2e
from panah.core.clock import FrozenClock
from tests.conftest import BOUNDARIES
from tests.e2e.conftest import LiveServer, _serve, screenshot
from tests.e2e.test_line_chat import _with_websockets, person, start_chat, visitor_phone

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """This module's own server, with WebSockets, on its own copy of the demo, and a hold
    of the server's frozen clock (it runs in this process) so a wait can grow."""
    with_boundaries = BOUNDARIES.is_dir()
    template = request.getfixturevalue(
        "template_db_with_boundaries" if with_boundaries else "template_db")
    clocks: list[FrozenClock] = []

    def recorded(at: Any) -> FrozenClock:
        clocks.append(FrozenClock(at))
        return clocks[-1]

    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(uvicorn, "Config", _with_websockets)
            patch.setattr(e2e, "FrozenClock", recorded)
            url = stack.enter_context(_serve(template, tmp_path_factory))
        server = LiveServer(url=url, with_boundaries=with_boundaries)
        yield server, clocks[0]


def until(page: Page, expression: str, timeout_s: float = 15) -> None:
    for _ in range(int(timeout_s * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"never true in the page: {expression}")


def tile(page: Page, key: str) -> Any:
    return page.locator(f'[data-tile="{key}"]')


def test_a_new_immediate_danger_chat_changes_the_tiles_and_alerts_without_a_reload(
    browser: Browser, live_server: tuple[LiveServer, FrozenClock]
) -> None:
    server, clock = live_server
    with person(browser, server, "supervisor") as supervisor, \
            visitor_phone(browser, server) as phone:
        supervisor.goto("/dashboard")
        expect(supervisor.locator("h1")).to_contain_text("مازندران")
        until(supervisor, "window.panahDashboard.socket === 'open'")
        until(supervisor, "window.panahDashboard.mapReady")
        supervisor.evaluate("window.__stillTheSamePage = true")
        waiting_before = int(tile(supervisor, "waiting").locator(".tile-value")
                             .get_attribute("data-value") or "0")  # as the server wrote it
        expect(tile(supervisor, "immediate_wait_s")).to_have_attribute("data-level", "none")
        expect(supervisor.locator("#danger-alerts")).to_be_hidden()

        start_chat(phone, "نمی‌توانم حرف بزنم. می‌خواهم به زندگی‌ام پایان بدهم.",
                   in_danger=True)

        # Pushed: the queue's tiles change on the open page.
        expect(tile(supervisor, "waiting").locator(".tile-value")).to_have_attribute(
            "data-value", str(waiting_before + 1), timeout=10_000)
        expect(tile(supervisor, "immediate_wait_s")).to_have_attribute("data-level", "ok")
        expect(supervisor.locator('#waiting-by-risk [data-risk="immediate"] .count')
               ).to_have_text("۱")
        expect(supervisor.locator("#danger-alerts")).to_be_hidden()  # 0 s: not yet

        clock.advance(seconds=12)  # nobody has taken it: 12 s, past the 10 s threshold
        banner = supervisor.locator("#danger-alerts")
        expect(banner).to_be_visible(timeout=10_000)
        expect(banner).to_contain_text("گفتگوی وب")
        expect(banner).to_contain_text("۱۲ ثانیه")
        expect(tile(supervisor, "immediate_wait_s")).to_have_attribute("data-level", "red")
        expect(tile(supervisor, "immediate_wait_s").locator(".tile-value")).to_contain_text("۱۲")
        contact = banner.locator("li").first.get_attribute("data-contact")
        expect(banner.locator(f'a[href="/line/contacts/{contact}"]')).to_be_visible()

        # The alert stands while the contact waits.
        clock.advance(seconds=5)
        expect(banner).to_contain_text("۱۷ ثانیه", timeout=10_000)
        assert supervisor.evaluate("window.__stillTheSamePage") is True  # never reloaded
        live = supervisor.evaluate("window.panahDashboard")
        assert live["pushes"] >= 3 and live["polls"] == 0 and live["error"] is None
        expect(supervisor.locator("#dashboard-live")).to_have_attribute("data-state", "live")
        supervisor.evaluate("window.scrollTo(0, 0)")
        screenshot(supervisor, "dashboard-fa.png")
        supervisor.locator("#units-card").scroll_into_view_if_needed()
        screenshot(supervisor, "dashboard-units-fa.png")


def test_the_national_office_picks_a_province_and_sees_the_nation_first(
    browser: Browser, live_server: tuple[LiveServer, FrozenClock]
) -> None:
    server, _ = live_server
    with person(browser, server, "national_office") as office:
        office.goto("/dashboard")
        expect(office.locator("h1")).to_contain_text("کشور")
        until(office, "window.panahDashboard.socket === 'open'")
        office.select_option("#province", "IR-02")
        office.wait_for_url("**/dashboard?province=IR-02")
        expect(office.locator("h1")).to_contain_text("مازندران")
        until(office, "window.panahDashboard.socket === 'open'")
        assert office.evaluate("window.panahDashboard.board.province.code") == "IR-02"


def test_without_websockets_the_page_keeps_itself_live_by_asking(approximate_page: Page) -> None:
    """A proxy that drops WebSockets (the shared test server serves none) costs the page its
    push, not its figures: it asks for the dashboard every few seconds instead."""
    from tests.e2e.conftest import sign_in

    sign_in(approximate_page, "supervisor")
    approximate_page.goto("/dashboard")
    until(approximate_page, "window.panahDashboard.polls >= 1")
    state = approximate_page.evaluate("window.panahDashboard")
    assert state["socket"] == "closed" and state["error"] is None and state["renders"] >= 1
    expect(approximate_page.locator("#dashboard-live")).to_have_attribute("data-state",
                                                                          "polling")
    until(approximate_page, "window.panahDashboard.mapReady")  # units on points, no outlines


def test_the_supervisor_sets_a_threshold_and_a_mistake_is_named_in_both_languages(
    browser: Browser, live_server: tuple[LiveServer, FrozenClock]
) -> None:
    server, _ = live_server
    with person(browser, server, "supervisor") as supervisor:
        supervisor.goto("/dashboard")
        supervisor.click("#dashboard-settings")
        supervisor.wait_for_url("**/dashboard/settings/IR-02")
        supervisor.fill("#longest_wait_s_amber", "۹۰")
        supervisor.click(".thresholds-form button[type=submit]")
        error = supervisor.locator("#thresholds-error")
        expect(error).to_contain_text("طولانی‌ترین انتظار (ثانیه) — زرد")
        expect(error).to_contain_text("Longest wait (seconds) — amber")
        expect(supervisor.locator("#longest_wait_s_amber")).to_have_attribute(
            "aria-invalid", "true")
        expect(supervisor.locator("#longest_wait_s_amber")).to_have_value("۹۰")
        screenshot(supervisor, "dashboard-settings-fa.png")
        supervisor.fill("#longest_wait_s_amber", "۱۵")
        supervisor.click(".thresholds-form button[type=submit]")
        expect(supervisor.locator("#thresholds-saved")).to_be_visible()
        expect(supervisor.locator("#longest_wait_s_amber")).to_have_value("۱۵")
