"""The team channels in real browsers: the dispatcher sends MZN-01 to Chalus and, on the
dispatch board, writes to the incident's channel; the crew reads it in the field app's
team conversation on a phone and answers; a voice note the crew sends shows on the board
as something to play. A text the crew types without a network waits on the phone and
reaches the board once when the network is back.

The test server has no websockets (``ws="none"``): everything here arrives by polling.
Recording is not driven here (the browser has no fake microphone); the API path covers a
voice note's storage and its playing on the board."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

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
CHALUS = {"lat": 36.6552, "lon": 51.4200, "priority": "high"}
POLLED = 15_000  # a few polls of 3 s
SYNC = 30_000  # the field app's outbox: sent within its 5 s round once online
VOICE = base64.b64encode(b"\x1aE\xdf\xa3 a tiny webm stand-in").decode()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the journey sends MZN-01 to an incident."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def incident_channel(browser: Browser, server: LiveServer) -> int:
    """MZN-01 sent to a family in Chalus: the id of the incident's channel."""
    with _offline_page(browser, server) as page:
        sign_in(page, "dispatcher")
        page.goto("/dispatch")
        units = api(page, "GET", "/api/dispatch/board")["units"]
        unit_id = next(u["id"] for u in units if u["call_sign"] == "MZN-01")
        incident = api(page, "POST", "/api/incidents", CHALUS)
        api(page, "POST", f"/api/incidents/{incident['id']}/assignments", {"unit_id": unit_id})
        channel = next(c for c in api(page, "GET", "/api/channels")
                       if c["kind"] == "incident" and c["incident_id"] == incident["id"])
        assert channel["units"] == ["MZN-01"]
        return int(channel["id"])


@pytest.fixture
def desk(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1366, "height": 900}) as page:
        sign_in(page, "dispatcher")
        yield page


@pytest.fixture
def phone(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, **PHONE) as page:
        sign_in(page, "field_crew")
        yield page


def _watch_errors(*pages: Page) -> list[str]:
    errors: list[str] = []
    for page in pages:
        page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _said(page: Page, text: str) -> Any:
    """The stored messages on the page that read ``text``."""
    return page.locator("#channel-messages li[data-message-id]", has_text=text)


def _open_board_channel(desk: Page, channel: int) -> None:
    desk.goto("/dispatch")
    tab = desk.locator(f'#board-channels [data-channel-id="{channel}"]')
    expect(tab).to_have_attribute("data-kind", "incident")
    expect(tab).to_contain_text("MZN-01")
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def _write(page: Page, text: str) -> None:
    page.locator("#channel-text").fill(text)
    page.locator("#channel-send").click()
    expect(page.locator("#channel-text")).to_have_value("")


def test_dispatcher_and_crew_talk_on_the_incident_channel_and_a_voice_note_plays_on_the_board(
    desk: Page, phone: Page, incident_channel: int,
) -> None:
    errors = _watch_errors(desk, phone)
    _open_board_channel(desk, incident_channel)
    _write(desk, "پلیس ۱۱۰ در راه است.")
    sent = _said(desk, "پلیس ۱۱۰ در راه است.")
    expect(sent).to_have_count(1)
    expect(sent).to_have_attribute("data-mine", "true")
    expect(sent.locator("time")).to_have_text("۱۰:۰۰")  # 06:30 UTC on Nowruz, on Tehran's clock
    expect(desk.locator("#channel-messages li[data-pending]")).to_have_count(0)

    phone.goto("/field")
    conversation = phone.locator("#field-channels")
    expect(conversation).to_contain_text("گفتگوی تیم")
    # The crew's first channel is its incident's, opened without a tap.
    expect(conversation.locator(f'[data-channel-id="{incident_channel}"]')).to_have_attribute(
        "aria-selected", "true")
    heard = _said(phone, "پلیس ۱۱۰ در راه است.")
    expect(heard).to_have_count(1)
    expect(heard).to_have_attribute("data-mine", "false")
    _write(phone, "رسیدیم.")
    reply = _said(desk, "رسیدیم.")
    expect(reply).to_have_count(1, timeout=POLLED)
    expect(reply.locator(".channel-callsign")).to_have_text("MZN-01")
    conversation.scroll_into_view_if_needed()
    screenshot(phone, "team-channels-field-fa.png")

    note = api(phone, "POST", f"/api/channels/{incident_channel}/voice", {
        "client_id": "phone-voice-e2e-1", "audio_base64": VOICE, "mime": "audio/webm",
        "seconds": 2})
    voice = desk.locator(f'#channel-messages li[data-message-id="{note["id"]}"]')
    expect(voice).to_have_attribute("data-kind", "voice", timeout=POLLED)
    expect(voice.locator("audio")).to_have_attribute("src", note["voice_url"])
    expect(voice.locator("audio")).to_be_visible()
    expect(voice).to_contain_text("۰:۰۲")
    desk.locator("#board-channels").scroll_into_view_if_needed()
    screenshot(desk, "team-channels-fa.png")
    assert errors == []


def test_a_text_the_crew_types_offline_waits_on_the_phone_and_reaches_the_board_once(
    desk: Page, phone: Page, incident_channel: int,
) -> None:
    errors = _watch_errors(desk, phone)
    _open_board_channel(desk, incident_channel)
    phone.goto("/field")
    expect(phone.locator(f'#field-channels [data-channel-id="{incident_channel}"]')
           ).to_have_attribute("aria-selected", "true")
    phone.evaluate("navigator.serviceWorker.ready")

    phone.context.set_offline(True)
    expect(phone.locator("#channel-state")).to_have_attribute("data-state", "offline")
    expect(phone.locator("#channel-record")).to_be_disabled()
    expect(phone.locator("#channel-voice-state")).to_contain_text("فقط با اینترنت")
    text = "مادر و کودک را به مرکز ساری می‌بریم."
    _write(phone, text)
    waiting = phone.locator("#channel-messages li[data-pending='waiting']", has_text=text)
    expect(waiting).to_contain_text("در صف ارسال")
    expect(phone.locator("#field-queue-count")).to_have_attribute("data-count", "1")
    expect(_said(desk, text)).to_have_count(0)  # nothing has left the phone

    phone.context.set_offline(False)
    expect(_said(phone, text)).to_have_count(1, timeout=SYNC)
    expect(phone.locator("#channel-messages li[data-pending]")).to_have_count(0)
    expect(phone.locator("#field-queue-count")).to_have_attribute("data-count", "0")
    expect(_said(desk, text)).to_have_count(1, timeout=POLLED)
    stored = [m for m in api(desk, "GET", f"/api/channels/{incident_channel}/messages")
              if m["text"] == text]
    assert len(stored) == 1
    assert stored[0]["sender_call_sign"] == "MZN-01"
    assert errors == []
