"""The public help page in a real browser, for what the issue-14 tryout found:

* a flood of chats from one address leaves a handful in the queue, a real caller from
  another address stays first, and the visitor behind the flooded address is told, in
  Persian, which numbers to call now (links she can tap);
* the end of a chat: the visitor sees a counsellor arrive before the first word, and,
  when the counsellor closes it, that the conversation has ended, with a new one offered
  and the numbers to call; the counsellor's screen stops saying "live" and takes no more.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

from panah.intake.limits.model import LIMITS, Source
from tests.conftest import BOUNDARIES
from tests.e2e.conftest import LiveServer, _offline_page, _serve, screenshot, sign_in
from tests.e2e.test_line_chat import _with_websockets, visitor_phone

pytestmark = pytest.mark.e2e
CHALUS = {"lat": 36.6550, "lon": 51.4205, "accuracy_m": 30}


@pytest.fixture
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of this test's own (its frozen clock never ends a flood's window), with
    WebSockets for the chat."""
    with_boundaries = BOUNDARIES.is_dir()
    template = request.getfixturevalue(
        "template_db_with_boundaries" if with_boundaries else "template_db")
    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(uvicorn, "Config", _with_websockets)
            url = stack.enter_context(_serve(template, tmp_path_factory))
        yield LiveServer(url=url, with_boundaries=with_boundaries)


@contextmanager
def person(browser: Browser, server: LiveServer, username: str) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 800}) as page:
        sign_in(page, username)
        yield page


def post_chat(server: LiveServer, body: dict[str, Any],
              from_address: str | None = None) -> tuple[int, dict[str, Any]]:
    """POST /api/help/chats from a given local address (127.0.0.2 is "another address")."""
    where = urlsplit(server.url)
    connection = http.client.HTTPConnection(
        where.hostname or "127.0.0.1", where.port, timeout=30,
        source_address=(from_address, 0) if from_address else None)
    try:
        connection.request("POST", "/api/help/chats", body=json.dumps(body),
                           headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


def queue_rows(page: Page) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page.locator("#line-queue-table tbody tr").evaluate_all(
        "rows => rows.map(r => ({id: Number(r.dataset.contact), risk: r.dataset.risk,"
        " channel: r.dataset.channel}))")
    return rows


def test_a_flood_leaves_a_real_caller_first_and_shows_the_limited_visitor_whom_to_call(
    browser: Browser, server: LiveServer
) -> None:
    status, real = post_chat(server, {"message": "شوهرم در ویلا مرا می‌زند.",
                                      "in_danger": True, **CHALUS}, from_address="127.0.0.2")
    assert status == 201, real
    flood_body = {"message": "!!!", "in_danger": True, **CHALUS}
    with ThreadPoolExecutor(16) as pool:  # 150 chats at once, from this machine's address
        answers = list(pool.map(lambda _: post_chat(server, flood_body), range(150)))
    admitted = [body for code, body in answers if code == 201]
    assert len(admitted) <= LIMITS[Source.address].most <= 6
    assert {code for code, _ in answers} == {201, 429}

    with person(browser, server, "counsellor") as counsellor:
        counsellor.goto("/line")
        rows = [row for row in queue_rows(counsellor) if row["channel"] == "web_chat"]
        assert rows[0]["id"] == real["contact_id"] and rows[0]["risk"] == "immediate"
        assert len(rows) == 1 + len(admitted)
        assert [row["risk"] for row in rows].count("immediate") <= 2

    # A visitor behind the flooded address: her chat is not queued, and she is told why
    # and whom to call, in Persian, with numbers she can tap.
    with visitor_phone(browser, server) as phone:
        phone.goto("/help")
        phone.fill("#message", "کمک کنید، در خطرم.")
        phone.check("#in-danger")
        phone.click("#start-chat")
        limited = phone.locator("#limited")
        expect(limited).to_be_visible()
        expect(limited).to_contain_text("این درخواست به صف نرسید")
        expect(limited.locator("#limited-message")).to_contain_text("۱۲۳")
        links = limited.locator("a.call-link")
        expect(links).to_have_count(3)
        assert [links.nth(i).get_attribute("href") for i in range(3)] == [
            "tel:123", "tel:110", "tel:115"]
        expect(links.nth(0)).to_contain_text("۱۲۳")
        expect(links.nth(1)).to_contain_text("پلیس")
        expect(links.nth(2)).to_contain_text("اورژانس پزشکی")
        expect(phone.locator("#chat")).to_be_hidden()  # no chat that no one will read
        expect(phone.locator("#start-chat")).to_be_enabled()
        assert phone.evaluate("window.panahHelp.limited.error") == "too_many_contacts"
        screenshot(phone, "help-limited-fa.png")


def test_the_visitor_sees_the_counsellor_arrive_and_the_chat_end_with_what_to_do_next(
    browser: Browser, server: LiveServer
) -> None:
    words = "نمی‌توانم حرف بزنم. کسی هست؟"
    with visitor_phone(browser, server) as phone, \
            person(browser, server, "counsellor") as counsellor:
        phone.goto("/help")
        top = phone.locator("#call-now-top a.call-link")
        assert [top.nth(i).get_attribute("href") for i in range(3)] == [
            "tel:123", "tel:110", "tel:115"]
        phone.click("#share-location")
        phone.fill("#message", words)
        phone.click("#start-chat")
        expect(phone.locator("#chat-log .msg[data-sender=caller]")).to_have_text(words)
        expect(phone.locator("#chat-status")).to_have_attribute("data-state", "queued")
        chat_id = phone.evaluate("window.panahHelp.chat")

        counsellor.goto("/line")
        counsellor.locator(f"[data-take='{chat_id}']").click()
        counsellor.wait_for_url(f"**/line/contacts/{chat_id}")
        # At the take, before a word from the counsellor, the visitor knows she is not alone.
        expect(phone.locator("#chat-status")).to_have_text("کارشناس با شماست.")
        expect(phone.locator("#chat-log .msg[data-sender=counsellor]")).to_have_count(0)

        expect(counsellor.locator("#line-chat-status")).to_have_text("گفتگو زنده است.")
        counsellor.fill("#line-chat-input", "سلام، من نگار هستم. اینجا هستم.")
        counsellor.press("#line-chat-input", "Enter")
        expect(phone.locator("#chat-log .msg[data-sender=counsellor]")).to_have_count(1)

        panel = counsellor.locator("#triage-panel")
        panel.locator("input[name=outcome][value=counselled]").check()
        panel.locator("textarea[name=note]").fill("گفت‌وگو کردیم؛ آرام شد و برنامهٔ ایمنی دارد.")
        panel.locator("#close-contact").click()
        expect(counsellor.locator("#triage-closed")).to_be_visible()

        # The counsellor's screen: no longer live, nothing more to send.
        expect(counsellor.locator("#line-chat-status")).to_have_text("گفتگو پایان یافته است.")
        expect(counsellor.locator("#line-chat-input")).to_be_disabled()
        expect(counsellor.locator("#line-chat-send")).to_be_disabled()
        expect(counsellor.locator("#contact-state")).to_have_attribute("data-state", "closed")

        # The visitor's page: the end said, a new conversation offered, the numbers to call.
        ended = phone.locator("#chat-ended")
        expect(ended).to_be_visible()
        expect(phone.locator("#chat-status")).to_have_text("گفت‌وگو پایان یافت.")
        expect(ended).to_contain_text("گفت‌وگوی تازه‌ای آغاز کنید")
        links = ended.locator("a.call-link")
        assert [links.nth(i).get_attribute("href") for i in range(3)] == [
            "tel:123", "tel:110", "tel:115"]
        expect(phone.locator("#chat-input")).to_be_disabled()
        expect(phone.locator("#chat-send")).to_be_disabled()
        ended.scroll_into_view_if_needed()
        screenshot(phone, "help-chat-ended-fa.png")

        # A reload of the counsellor's screen says the same, without a socket.
        counsellor.reload()
        expect(counsellor.locator("#line-chat-status")).to_have_text("گفتگو پایان یافته است.")
        expect(counsellor.locator("#line-chat-input")).to_be_disabled()

        phone.click("#chat-again")
        expect(phone.locator("#chat-start")).to_be_visible()
        expect(phone.locator("#chat")).to_be_hidden()
        expect(phone.locator("#chat-log .msg")).to_have_count(0)
