"""Mazandaran's provincial manager adds a safe house to the directory in a real browser —
a misspelt county first, refused with the closest name — and a counsellor's directory
search finds it at once."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, api, screenshot, sign_in

pytestmark = pytest.mark.e2e
CODE = "res-ir02-nowshahr-e2e-safe-house"


def test_a_manager_adds_a_service_and_a_counsellor_finds_it(
    page: Page, browser: Browser, live_server: LiveServer,
) -> None:
    sign_in(page, "provincial_manager")
    page.click("nav.shell-nav >> text=سازمان")  # the organisation pages, then their tab
    page.wait_for_url("**/admin/centres")
    page.click("nav.org-tabs >> text=فهرست خدمات")
    page.wait_for_url("**/admin/directory")
    expect(page.locator("h1")).to_contain_text("سازمان‌های همکار و خدمات")
    expect(page.locator(".directory-agencies")).to_contain_text("police-110-ir02-chalus")

    form = page.locator(".service-form")
    form.locator("#service-code").fill(CODE)
    form.locator("#service-name-fa").fill("خانه امن ستاره نوشهر")
    form.locator("#service-name-en").fill("Setareh safe house, Nowshahr")
    form.locator("input[name=needs][value=spouse_abuse]").check()
    form.locator("input[name=needs][value=housing]").check()
    form.locator("#service-county").fill("Nowshar")  # misspelt
    form.locator("#service-phone").fill("1480")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-error")).to_contain_text("نوشهر")  # the closest name
    expect(page.locator("#service-code")).to_have_value(CODE)  # the form as typed

    page.locator("#service-county").fill("نوشهر")
    page.locator(".service-form button[type=submit]").click()
    page.wait_for_url("**/admin/directory*")
    expect(page.locator(f".directory-services tr[data-code='{CODE}']")).to_contain_text(
        "خانه امن ستاره نوشهر")
    screenshot(page, "directory-admin-fa.png")

    with _offline_page(browser, live_server) as counsellor:
        sign_in(counsellor, "counsellor")
        found = api(counsellor, "GET",
                    f"/api/directory/resources?q={quote('خانه امن')}&county={quote('نوشهر')}")
        assert found[0]["code"] == CODE
