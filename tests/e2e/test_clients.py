"""Clients in a real browser: from the case page's client panel to the client page, a
possible duplicate spelled with the Arabic yeh (a record made at a centre's desk), merged by
the province's supervisor with a reason, and the merge listed with its undo."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer, _offline_page, api, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_supervisor_sees_a_duplicate_of_a_client_and_merges_it(
    browser: Browser, live_server: LiveServer
) -> None:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, "supervisor")
        case = min(c["id"] for c in api(page, "GET", "/api/cases")
                   if c["category"] == "spouse_abuse")
        page.goto(f"/cases/{case}")
        panel = page.locator("#client")
        expect(panel.locator(".client-name")).to_have_text("سارا محمدی")
        expect(panel).to_contain_text("۱۳۷۰/۰۶/۱۲")
        badge = panel.locator(".badge-duplicates")
        expect(badge).to_contain_text("۱")
        badge.click()
        page.wait_for_url("**/clients/*#duplicates")
        row = page.locator("table.duplicates-table tr.duplicate", has_text="سارا  محمدي")
        expect(row).to_contain_text("قوی")
        expect(row).to_contain_text("نام و سال تولد یکسان")
        screenshot(page, "client-duplicates-fa.png")
        row.locator("input[name=reason]").fill("همان تاریخ تولد؛ خودش تأیید کرد یک نفر است")
        row.locator("button[type=submit]").click()
        page.wait_for_url("**/clients/*#merges")
        expect(page.locator("#duplicates .empty")).to_be_visible()
        merge = page.locator("#merges li.merge")
        expect(merge).to_contain_text("خودش تأیید کرد")
        expect(page.locator("ul.client-cases li")).to_have_count(1)  # the desk record had none
        expect(merge.locator("form.undo-form")).to_be_visible()
