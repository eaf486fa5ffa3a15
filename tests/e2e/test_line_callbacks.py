"""The callback work list in a real browser: a Mazandaran counsellor finds the caller from
Sari who hung up (demo), logs a missed attempt and then reaching them; HTMX swaps the list
in place each time."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_a_counsellor_calls_back_the_caller_who_hung_up(page: Page) -> None:
    sign_in(page, "counsellor")
    page.click("nav >> text=بازتماس‌ها")
    page.wait_for_url("**/line/callbacks")
    task = page.locator("li.callback", has=page.locator("a[href='tel:+989111112233']"))
    expect(task).to_have_count(1)
    expect(task).to_contain_text("خطر بالا")
    expect(task.locator(".callback-number")).to_have_text("+989111112233")
    screenshot(page, "line-callbacks-fa.png")

    task.locator("input[value=no_answer]").check()
    task.locator("input[name=note]").fill("گوشی خاموش بود")
    task.locator("button[type=submit]").click()
    expect(page.locator("#callbacks-logged")).to_be_visible()
    task = page.locator("li.callback", has=page.locator("a[href='tel:+989111112233']"))
    expect(task.locator(".callback-attempts li")).to_have_count(1)
    expect(task.locator(".callback-attempts")).to_contain_text("پاسخ نداد")
    expect(task.locator(".callback-attempts")).to_contain_text("گوشی خاموش بود")

    task.locator("input[value=reached]").check()
    task.locator("button[type=submit]").click()
    expect(page.locator("li.callback", has=page.locator(
        "a[href='tel:+989111112233']"))).to_have_count(0)
    page.reload()
    expect(page.locator("a[href='tel:+989111112233']")).to_have_count(0)
