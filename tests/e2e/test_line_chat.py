"""The 123 line's Done-when in a real browser: a visitor on the public help page, on a phone
in Chalus, shares the location and starts a chat; the Mazandaran counsellor sees it at the
top of the queue, takes it, sees where the visitor is, and they write to each other.
And: two counsellors press "take" on the same contact; the slower one is told why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

from panah.intake.model import RiskLevel
from tests.conftest import BOUNDARIES
from tests.e2e.conftest import LiveServer, _offline_page, _serve, screenshot, sign_in

pytestmark = pytest.mark.e2e

# A villa in Chalus, as the phone's GPS reports it, with its accuracy in metres.
CHALUS = {"latitude": 36.6550, "longitude": 51.4205, "accuracy": 30}
_UVICORN_CONFIG = uvicorn.Config


def _with_websockets(app: Any, **options: Any) -> uvicorn.Config:
    # websockets' sans-I/O protocol: no deprecated legacy API, so no warnings (they are errors).
    return _UVICORN_CONFIG(app, **{**options, "ws": "websockets-sansio"})


@pytest.fixture(scope="module")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """This module's own live server, with WebSockets (the chat runs on them; the shared
    server of conftest.py serves none), on its own copy of the demo database."""
    with_boundaries = BOUNDARIES.is_dir()
    template = request.getfixturevalue(
        "template_db_with_boundaries" if with_boundaries else "template_db")
    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as patch:  # only while the server is configured
            patch.setattr(uvicorn, "Config", _with_websockets)
            url = stack.enter_context(_serve(template, tmp_path_factory))
        yield LiveServer(url=url, with_boundaries=with_boundaries)


@contextmanager
def visitor_phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone that may share its location, and is in Chalus."""
    with _offline_page(
        browser, live_server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
        is_mobile=True, has_touch=True, geolocation=CHALUS, permissions=["geolocation"],
    ) as page:
        yield page


@contextmanager
def person(browser: Browser, live_server: LiveServer, username: str) -> Iterator[Page]:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 800}) as page:
        sign_in(page, username)
        yield page


def start_chat(phone: Page, message: str, *, in_danger: bool) -> None:
    phone.goto("/help")
    phone.click("#share-location")
    expect(phone.locator("#location-status")).to_contain_text("30")
    phone.fill("#message", message)
    if in_danger:
        phone.check("#in-danger")
    phone.click("#start-chat")
    expect(phone.locator("#chat-log .msg[data-sender=caller]")).to_have_text(message)


def wait_until(page: Page, expression: str, timeout_s: float = 10) -> None:
    """Poll ``expression`` in the page until it is true. (``wait_for_function`` compiles
    its predicate in the page, which the pages' Content-Security-Policy rightly forbids.)"""
    for _ in range(int(timeout_s * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"never true in the page: {expression}")


def queue_rows(page: Page) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page.locator("#line-queue-table tbody tr").evaluate_all(
        "rows => rows.map(r => ({id: Number(r.dataset.contact), risk: r.dataset.risk,"
        " channel: r.dataset.channel}))")
    return rows


def test_a_visitor_in_chalus_chats_with_the_mazandaran_counsellor_who_takes_it_first(
    browser: Browser, live_server: LiveServer
) -> None:
    words = "نمی‌توانم حرف بزنم. می‌خواهم به زندگی‌ام پایان بدهم."
    with visitor_phone(browser, live_server) as phone, \
            person(browser, live_server, "counsellor") as counsellor:
        counsellor.goto("/line")
        before = {row["id"] for row in queue_rows(counsellor)}
        start_chat(phone, words, in_danger=True)

        # The queue refreshes by itself: the new chat arrives without a reload, first.
        first = counsellor.locator("#line-queue-table tbody tr").first
        expect(first).to_have_attribute("data-channel", "web_chat", timeout=10_000)
        rows = queue_rows(counsellor)
        chat_id = rows[0]["id"]
        assert chat_id not in before
        # "I am in danger right now" makes it immediate: above the demo's high-risk Chalus
        # call and every other, because the queue orders by risk first.
        assert rows[0]["risk"] == "immediate"
        ranks = [RiskLevel(row["risk"]).rank for row in rows]
        assert ranks == sorted(ranks) and ranks[1:] and min(ranks[1:]) > ranks[0]
        assert "high" in [row["risk"] for row in rows[1:]], "the demo's high-risk Chalus call"
        expect(first).to_contain_text("گفتگوی وب")
        expect(first).to_contain_text("خطر فوری")
        expect(first).to_contain_text("موقعیت مرورگر")
        expect(first).to_contain_text("مازندران")
        timer = first.locator(".wait-timer")
        shown = timer.inner_text()
        expect(timer).not_to_have_text(shown, timeout=5_000)  # the wait timer counts up
        assert all(ch in "۰۱۲۳۴۵۶۷۸۹:" for ch in timer.inner_text())
        screenshot(counsellor, "line-queue-fa.png")

        first.locator("[data-take]").click()
        counsellor.wait_for_url(f"**/line/contacts/{chat_id}")
        expect(counsellor.locator("#contact-state")).to_have_attribute("data-state", "answered")
        expect(counsellor.locator("#routing-trail")).to_contain_text("موقعیت مرورگر")
        expect(counsellor.locator("#location-source")).to_contain_text("۳۰ متر")

        # The map: the province and county outlines, the location and its accuracy circle.
        wait_until(counsellor, "window.panahLine.map && window.panahLine.map.ready")
        drawn = counsellor.evaluate("window.panahLine.map")
        assert drawn["error"] is None
        assert drawn["province"]
        assert drawn["county"] or not live_server.with_boundaries
        circle = next(c for c in drawn["circles"] if c["used"])
        assert (circle["source"], circle["radius_m"]) == ("browser", 30)
        assert abs(circle["lat"] - CHALUS["latitude"]) < 1e-6
        assert abs(circle["lon"] - CHALUS["longitude"]) < 1e-6
        expect(counsellor.locator("#line-map path.accuracy-used")).to_have_count(1)
        zoom = counsellor.locator("#line-map-zoom")
        zoom.click()  # up close the circle is drawn to scale: 30 m around the point
        box = counsellor.locator("#line-map path.accuracy-used").bounding_box()
        assert box is not None and box["width"] > 20, box
        zoom.click()  # back to the county

        # History first: the visitor's opening words, then both ways, live.
        log = counsellor.locator("#line-chat-log")
        expect(log.locator(".msg[data-sender=caller] .msg-text").first).to_have_text(words)
        expect(counsellor.locator("#line-chat-status")).to_have_text("گفتگو زنده است.")
        hello = "سلام، من نگار هستم، کارشناس ۱۲۳. کجا هستی؟ الان امن هستی؟"
        counsellor.fill("#line-chat-input", hello)
        counsellor.press("#line-chat-input", "Enter")
        expect(phone.locator("#chat-log .msg[data-sender=counsellor]")).to_contain_text(
            "من نگار هستم")
        phone.fill("#chat-input", "در ویلا در چالوس. تنها هستم.")
        phone.click("#chat-send")
        expect(log.locator(".msg[data-sender=caller] .msg-text").last).to_have_text(
            "در ویلا در چالوس. تنها هستم.")
        expect(log.locator(".msg[data-sender=counsellor] .msg-text")).to_have_text([hello])
        expect(counsellor.locator("#line-chat-input")).to_have_value("")
        counsellor.evaluate("window.scrollTo(0, 0)")
        counsellor.mouse.move(0, 300)  # no button left under the pointer
        screenshot(counsellor, "line-contact-fa.png")


def test_the_slower_of_two_counsellors_is_told_another_took_the_contact(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor_phone(browser, live_server) as phone, \
            person(browser, live_server, "counsellor") as slow, \
            person(browser, live_server, "supervisor") as fast:
        start_chat(phone, "کمک می‌خواهم.", in_danger=False)
        for page in (slow, fast):
            page.goto("/line")
            expect(page.locator("tr[data-channel=web_chat]")).to_have_count(1)
        chat_id = slow.locator("tr[data-channel=web_chat]").get_attribute("data-contact")
        # The slow counsellor's list does not refresh in time (its polls are held back).
        slow.route("**/line/queue", lambda route: route.abort())
        expect(fast.locator("#line-queues tr[data-queue=IR-02]")).to_be_visible()
        fast.locator(f"[data-take='{chat_id}']").click()
        fast.wait_for_url(f"**/line/contacts/{chat_id}")
        slow.locator(f"[data-take='{chat_id}']").click()
        notice = slow.locator("#line-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("همکار دیگری همین حالا این تماس را برداشت")
        expect(notice).to_contain_text("Another counsellor has just taken this contact")
        slow.unroute("**/line/queue")
        expect(slow.locator(f"tr[data-contact='{chat_id}']")).to_have_count(0, timeout=10_000)
        expect(notice).to_be_visible()  # the refresh does not hide the reason
