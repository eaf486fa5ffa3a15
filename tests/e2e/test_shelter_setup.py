"""A shelter's setup in a real browser, tablet-sized: Farideh (the Sari shelter's manager)
finds her shelter on the list, opens its rooms and beds (she alone sees the address),
adds a room without saying whom it is for and is told, then adds it properly with a bed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer, _offline_page, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_farideh_adds_a_room_and_a_bed_to_her_shelter_on_a_tablet(
    browser: Browser, live_server: LiveServer
) -> None:
    with _offline_page(browser, live_server, viewport={"width": 800, "height": 1100}) as page:
        sign_in(page, "shelter_manager")
        page.goto("/shelters")
        row = page.locator("#shelters-list tr", has_text="خانهٔ امن ساری")
        expect(row).to_be_visible()
        row.locator("a", has_text="اتاق‌ها و تخت‌ها").click()
        expect(page.locator("#details [name=address]")).to_have_value(
            "کوچهٔ نارنج‌زار، پلاک ۴۱۷ (نشانی ساختگی)")
        expect(page.locator("#rooms .shelter-room")).to_have_count(3)
        form = page.locator("#add-room")
        form.locator("[name=name]").fill("اتاق ۴")
        form.locator("button[type=submit]").click()
        expect(page.locator(".alert-error")).to_contain_text("بگویید اتاق برای کیست")
        form = page.locator("#add-room")
        form.locator("[name=name]").fill("اتاق ۴")
        form.locator("[name=suits][value=woman_alone]").check()
        form.locator("button[type=submit]").click()
        room = page.locator(".shelter-room", has_text="اتاق ۴")
        expect(room).to_contain_text("زن تنها")
        room.locator("[name=label]").fill("تخت ۱۳")
        room.locator("[name=accessible]").check()
        room.locator("button", has_text="افزودن تخت").click()
        room = page.locator(".shelter-room", has_text="اتاق ۴")
        expect(room.locator("tbody tr")).to_have_count(1)
        expect(room).to_contain_text("مناسب افراد دارای معلولیت")
        screenshot(page, "shelter-setup-fa.png")


def test_the_national_office_sees_the_shelters_but_no_setup_and_no_address(
    browser: Browser, live_server: LiveServer
) -> None:
    with _offline_page(browser, live_server) as page:
        sign_in(page, "national_office")
        page.goto("/shelters")
        expect(page.locator("#shelters-list")).to_contain_text("خانهٔ امن ساری")
        expect(page.locator("#shelters-list a", has_text="اتاق‌ها و تخت‌ها")).to_have_count(0)
        assert "نارنج‌زار" not in page.content()
