"""Appointments in a real browser: Shirin (social worker) books Kaveh (psychologist) from
the case page in the Jalali calendar with Persian digits; a mistake comes back explained;
the booking shows on the centre's week calendar, linked to its case."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer, _offline_page, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_social_worker_books_from_the_case_page_and_sees_it_on_the_calendar(
    browser: Browser, live_server: LiveServer
) -> None:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, "social_worker")
        page.goto("/cases")
        page.locator("a", has_text="IR-02").first.wait_for()
        case_path = None
        hrefs = [link.get_attribute("href") or ""
                 for link in page.locator("a[href^='/cases/']").all()]
        for href in dict.fromkeys(h for h in hrefs if h.split("/")[-1].isdigit()):
            page.goto(href)
            if page.locator(".client-name", has_text="سارا محمدی").count():
                case_path = href
                break
        assert case_path, "the spouse-abuse case is on Shirin's list"
        form = page.locator("#appointment-form")
        form.locator("[name=worker_id]").select_option(label="کاوه روان")
        form.locator("[name=kind]").select_option("counselling_session")
        form.locator("[name=day]").fill("۱۴۰۵/۰۱/۰۷")  # a Friday: outside his hours
        form.locator("[name=time]").fill("۱۰:۳۰")
        form.locator("[name=minutes]").fill("45")
        form.locator("button[type=submit]").click()
        expect(page.locator("#appointments .alert-error")).to_contain_text("بیرون از ساعت کاری")
        form = page.locator("#appointment-form")
        expect(form.locator("[name=time]")).to_have_value("۱۰:۳۰")
        form.locator("[name=day]").fill("۱۴۰۵/۰۱/۰۴")  # Tuesday
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"**{case_path}#appointments")
        row = page.locator("table.appointments-table tr", has_text="کاوه روان").filter(
            has_text="۱۰:۳۰")
        expect(row).to_contain_text("جلسهٔ مشاوره")
        expect(row).to_contain_text("۱۴۰۵/۰۱/۰۴")
        screenshot(page, "case-appointments-fa.png")

        page.click("nav >> text=نوبت‌ها")
        calendar = page.locator("#week-calendar")
        expect(calendar.locator("th").first).to_contain_text("شنبه")
        expect(calendar.locator("th").first).to_contain_text("۱۴۰۵/۰۱/۰۱")
        slot = calendar.locator(".slot", has_text="۱۰:۳۰–۱۱:۱۵")
        expect(slot).to_contain_text("سارا محمدی")
        expect(calendar.locator(".slot-busy").first).to_contain_text("مشغول")
        page.locator("#calendar-filter [name=discipline]").select_option("psychologist")
        page.locator("#calendar-filter button").click()
        expect(calendar.locator(".slot", has_text="شیرین مددکار")).to_have_count(0)
        expect(calendar.locator(".slot", has_text="۱۰:۳۰–۱۱:۱۵")).to_have_count(1)
        screenshot(page, "appointments-calendar-fa.png")
        page.locator("#week-calendar .slot", has_text="۱۰:۳۰–۱۱:۱۵").locator("a").click()
        page.wait_for_url(f"**{case_path}#appointments")
