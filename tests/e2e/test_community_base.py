"""A community base in a real browser, on a tablet (800×1280, then 1280×800): Parvin
(community worker at the Sari base) opens her base's calendar from her home, opens this
morning's children's workshop (09:00, already begun at 10:00 Tehran), marks it held and
takes attendance with large toggles, saves; then refers one child to case work from her
record, and sees the case's reference."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer, _offline_page, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_parvin_holds_a_session_takes_attendance_on_a_tablet_and_refers_a_child(
    browser: Browser, live_server: LiveServer
) -> None:
    with _offline_page(browser, live_server, viewport={"width": 800, "height": 1280},
                       has_touch=True) as page:
        sign_in(page, "community_worker")
        expect(page.locator("#home-today")).to_contain_text("کارگاه نقاشی و بازی کودکان")
        page.click("#open-calendar")
        page.wait_for_url("**/community?base_id=*")
        calendar = page.locator("#community-calendar")
        expect(calendar).to_contain_text("فرزندپروری مثبت برای مادران")
        expect(page.locator(".cb-week-nav")).to_contain_text("۱۴۰۵/۰۱/۰۱")
        assert page.evaluate("document.documentElement.scrollWidth") <= 800, "no sideways scroll"
        screenshot(page, "community-calendar.png")

        page.locator(".cb-today .cb-session.kind-children_activities").click()
        page.wait_for_url("**/community/sessions/*")
        expect(page.locator("#session-status")).to_have_text("برنامه‌ریزی‌شده")
        rows = page.locator(".cb-row")
        assert rows.count() >= 3
        present = rows.nth(0).locator("label.mark-present")
        box = present.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, "a finger-sized toggle"
        present.tap()
        rows.nth(1).locator("label.mark-absent").tap()
        rows.nth(2).locator("label.mark-excused").tap()
        expect(page.locator("#mark-held")).to_be_checked()
        screenshot(page, "community-attendance.png")
        page.click("#save-attendance")
        expect(page.locator("#saved")).to_be_visible()
        expect(page.locator("#session-status")).to_have_text("برگزار شد")
        expect(rows.nth(0).locator("input[value=present]")).to_be_checked()
        expect(rows.nth(1).locator("input[value=absent]")).to_be_checked()

        child = rows.nth(1).locator(".cb-person")
        name = child.inner_text().split("\n")[0].strip()
        child.click()
        page.wait_for_url("**/community/participants/*")
        expect(page.locator("h1")).to_contain_text(name)
        form = page.locator("#referral-form")
        form.locator("[name=category]").select_option("child_abuse")
        form.locator("[name=risk]").select_option("high")
        form.locator("[name=reason]").fill("در کارگاه از کتک خوردن در خانه گفت")
        page.click("#refer-button")
        page.wait_for_url("**#referral")
        reference = page.locator("#case-reference")
        expect(reference).to_contain_text("IR-02-")
        case_ref = reference.inner_text().strip()
        reference.click()
        page.wait_for_url("**/cases/*")
        expect(page.locator("body")).to_contain_text(case_ref)

    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 800}) as page:
        sign_in(page, "community_worker")
        page.goto("/community")
        expect(page.locator("#community-calendar .cb-day")).to_have_count(7)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        screenshot(page, "community-calendar-landscape.png")
