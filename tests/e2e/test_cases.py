"""Case files in a real browser: need-to-know, break-glass with a reason, the supervisor's
review and "who saw this"; opening a new case from the form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, screenshot, sign_in

pytestmark = pytest.mark.e2e


@contextmanager
def person(browser: Browser, live_server: LiveServer, username: str) -> Iterator[Page]:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 800}) as page:
        sign_in(page, username)
        yield page


def test_break_glass_journey_is_reasoned_visible_and_reviewed(
    browser: Browser, live_server: LiveServer
) -> None:
    with person(browser, live_server, "social_worker") as worker:
        worker.goto("/cases")
        link = worker.locator("table.cases-table tr", has_text="کودک‌آزاری").locator("a")
        case_path = link.get_attribute("href")
        assert case_path and case_path.startswith("/cases/")

    with person(browser, live_server, "psychiatrist") as doctor:
        doctor.goto("/cases")
        expect(doctor.locator("table.cases-table tr", has_text="کودک‌آزاری")).to_have_count(0)
        response = doctor.goto(case_path)
        assert response is not None and response.status == 403
        expect(doctor.locator("h1")).to_contain_text("فقط برای افراد لازم")
        expect(doctor.locator("body")).not_to_contain_text("علی رضایی")
        doctor.fill("textarea[name=reason]", "مادر دوباره تماس گرفت؛ کودک امشب در خطر است")
        doctor.click(".break-glass-form button[type=submit]")
        doctor.wait_for_url(f"**{case_path}")
        expect(doctor.locator("#break-glass-banner")).to_be_visible()
        expect(doctor.locator(".client-name")).to_have_text("علی رضایی")
        screenshot(doctor, "case-break-glass-fa.png")

    with person(browser, live_server, "supervisor") as supervisor:
        supervisor.click("nav >> text=بازبینی دسترسی‌ها")
        row = supervisor.locator("table.break-glass-table tr", has_text="psychiatrist")
        expect(row).to_contain_text("کودک امشب در خطر است")
        row.locator("a").click()
        log = supervisor.locator("table.access-log")
        expect(log.locator("tr.audit-denied", has_text="psychiatrist")).to_have_count(1)
        expect(log.locator("tr.audit-break_glass", has_text="psychiatrist")).to_have_count(1)
        expect(log.locator("tr.audit-read", has_text="با دسترسی اضطراری")).to_have_count(1)
        screenshot(supervisor, "case-who-saw-fa.png")
        supervisor.go_back()
        supervisor.locator("table.break-glass-table tr", has_text="psychiatrist").locator(
            "button").click()
        expect(supervisor.locator("table.break-glass-table tr", has_text="psychiatrist")
               ).to_contain_text("بازبینی شد")


def test_counsellor_opens_a_case_from_the_form_and_a_mistake_comes_back_explained(
    browser: Browser, live_server: LiveServer
) -> None:
    with person(browser, live_server, "counsellor") as counsellor:
        counsellor.click("nav >> text=پرونده‌ها")
        form = counsellor.locator("#new-case")
        form.locator("[name=client_name]").fill("پریسا آزمون")
        form.locator("[name=category]").select_option("runaway")
        form.locator("[name=phone]").fill("12")
        form.locator("button[type=submit]").click()
        expect(counsellor.locator(".alert")).to_contain_text("شمارهٔ تلفن معتبری نیست")
        expect(form.locator("[name=client_name]")).to_have_value("پریسا آزمون")
        form.locator("[name=phone]").fill("۰۹۱۱ ۵۵۵ ۴۴۳۳")
        form.locator("button[type=submit]").click()
        counsellor.wait_for_url("**/cases/*")
        expect(counsellor.locator(".client-name")).to_have_text("پریسا آزمون")
        expect(counsellor.locator(".client-phone").first).to_have_text("+989115554433")
