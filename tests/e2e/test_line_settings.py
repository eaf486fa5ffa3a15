"""A supervisor sets her province's 123 line in a real browser: hours, overflow time and
backups; a mistake comes back with the reason, then the settings are saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_a_supervisor_sets_the_hours_overflow_and_backups_of_her_line(page: Page) -> None:
    sign_in(page, "supervisor")
    page.click("nav >> text=تنظیمات خط")
    page.wait_for_url("**/line/settings/IR-02")
    expect(page.locator("h1")).to_contain_text("مازندران")
    expect(page.locator("#backup_1")).to_have_value("IR-27")

    page.fill("#hours", "8 to 20")
    page.fill("#overflow_after_s", "30")
    page.click(".line-settings button[type=submit]")
    expect(page.locator("#line-error")).to_contain_text("08:00-20:00")

    page.fill("#hours", "08:00-20:00")
    page.select_option("#backup_2", "IR-20")
    page.click(".line-settings button[type=submit]")
    expect(page.locator("#line-saved")).to_be_visible()
    expect(page.locator("#hours")).to_have_value("08:00-20:00")
    expect(page.locator("#overflow_after_s")).to_have_value("30")
    expect(page.locator("#backup_2")).to_have_value("IR-20")
    expect(page.locator("#line-state")).to_contain_text("تنظیمات ویژهٔ این استان")
    screenshot(page, "line-settings-fa.png")
