"""A transfer in a real browser: the Chalus social worker records Sara's consent, asks
Tehran to take her case; Tehran's social worker accepts it from the inbox and opens the
case with its history; Mazandaran no longer opens it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, api, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the demo's traveller case leaves Mazandaran here."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@contextmanager
def person(browser: Browser, server: LiveServer, username: str) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, username)
        yield page


def test_a_case_goes_home_to_tehran_with_consent_and_tehran_takes_it(
    browser: Browser, server: LiveServer
) -> None:
    with person(browser, server, "social_worker") as worker:
        cases = api(worker, "GET", "/api/cases")
        case_id = next(c["id"] for c in cases if c["category"] == "spouse_abuse")
        worker.goto(f"/cases/{case_id}")
        panel = worker.locator("#transfers")
        # Without consent the request comes back explained, and nothing is sent.
        panel.locator("summary", has_text="درخواست انتقال").click()
        transfer = worker.locator("#transfer-form")
        transfer.locator("#transfer-province").select_option("IR-23")
        transfer.locator("#transfer-reason").fill("مددجو ساکن تهران است و پس از نوروز برمی‌گردد.")
        transfer.locator("button[type=submit]").click()
        expect(worker.locator("#transfer-error")).to_contain_text("رضایت")
        # Record her written consent to a transfer to Tehran, then ask again.
        consent = worker.locator("#consent-form")
        consent.locator("#consent-purpose").select_option("transfer")
        consent.locator("#consent-recipient").select_option("IR-23")
        consent.locator("#consent-method").select_option("written")
        consent.locator("button[type=submit]").click()
        expect(worker.locator("#consents tr", has_text="انتقال پرونده")).to_contain_text("معتبر")
        worker.locator("#transfers summary", has_text="درخواست انتقال").click()
        transfer = worker.locator("#transfer-form")
        transfer.locator("#transfer-province").select_option("IR-23")
        transfer.locator("#transfer-reason").fill("مددجو ساکن تهران است و پس از نوروز برمی‌گردد.")
        transfer.locator("button[type=submit]").click()
        expect(worker.locator("#pending-transfer")).to_contain_text("در انتظار پاسخ استان گیرنده")
        screenshot(worker, "case-transfer-requested-fa.png")

    with person(browser, server, "social_worker_tehran") as tehran:
        tehran.click("nav >> text=انتقال پرونده‌ها")
        card = tehran.locator("#incoming-transfers article", has_text="IR-02")
        expect(card).to_contain_text("پس از نوروز برمی‌گردد")
        expect(tehran.locator("body")).not_to_contain_text("سارا محمدی")  # no name before
        screenshot(tehran, "transfers-inbox-fa.png")
        transfer_id = card.get_attribute("data-transfer")
        tehran.click(f"#accept-transfer-{transfer_id}")
        tehran.wait_for_url(f"**/cases/{case_id}")
        expect(tehran.locator("h1")).to_contain_text("IR-23-")
        expect(tehran.locator(".client-name")).to_have_text("سارا محمدی")
        expect(tehran.locator("#notes")).to_contain_text("ویلای اجاره‌ای چالوس")
        expect(tehran.locator("#transfer-history")).to_contain_text("پذیرفته شد")
        screenshot(tehran, "case-transferred-fa.png")

    with person(browser, server, "social_worker") as worker:
        response = worker.goto(f"/cases/{case_id}")
        assert response is not None and response.status == 403
        expect(worker.locator("body")).not_to_contain_text("سارا محمدی")
