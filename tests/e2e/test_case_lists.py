"""The worker's list and the supervisor's list in a real browser, in Persian (issue 16
item 7): Shirin the social worker sees a flag on a case of hers and a visit due today;
Mansoureh the shift supervisor sees the province's flagged cases, escalated, and filters
them by flag and by worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, screenshot, sign_in

pytestmark = pytest.mark.e2e


@contextmanager
def person(browser: Browser, live_server: LiveServer, username: str) -> Iterator[Page]:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, username)
        yield page


def test_the_worker_sees_her_flags_and_what_is_due_today_and_opens_the_case(
    browser: Browser, live_server: LiveServer
) -> None:
    with person(browser, live_server, "social_worker") as worker:
        worker.click("nav >> text=پرونده‌ها")
        flags = worker.locator("#worklist-flags li")
        expect(flags.first).to_contain_text("بدون مددکار مسئول")
        expect(flags.first).to_contain_text("پیش")  # its age: "… ساعت پیش"
        expect(flags.first).to_contain_text("به سرپرست ارجاع شد")
        # The appointments part's demo: Sara's outpatient visit today at 14:00 Tehran.
        due = worker.locator("#worklist-due li", has_text="سارا محمدی")
        expect(due).to_contain_text("نوبت")
        expect(worker.locator("#worklist-due h2")).to_contain_text("۱۴۰۵/۰۱/۰۲")
        expect(worker.locator("table.cases-table tr.flagged").first).to_be_visible()
        expect(worker.locator("#new-case")).to_be_visible()  # the form stays on the page
        screenshot(worker, "case-worklist-fa.png")
        reference = flags.first.locator("a").inner_text()
        flags.first.locator("a").click()
        worker.wait_for_url("**/cases/*")
        expect(worker.locator("h1")).to_contain_text(reference)
        expect(worker.locator("#case-flags")).to_contain_text("بدون مددکار مسئول")


def test_the_supervisor_sees_the_province_escalations_and_filters_them(
    browser: Browser, live_server: LiveServer
) -> None:
    with person(browser, live_server, "supervisor") as supervisor:
        expect(supervisor.locator("#home-case-flags li").first).to_contain_text(
            "بدون مددکار مسئول")
        supervisor.click("nav >> text=سرپرستی پرونده‌ها")
        table = supervisor.locator("table.supervision-table")
        expect(table.locator("tr.flagged").first).to_contain_text("به سرپرست ارجاع شد")
        expect(table).to_contain_text("علی رضایی")
        screenshot(supervisor, "case-supervision-fa.png")
        supervisor.select_option("#filter-flag", "no_contact")
        supervisor.click("#supervision-filters button[type=submit]")
        expect(supervisor.locator("table.supervision-table")).to_have_count(0)
        expect(supervisor.locator(".empty")).to_contain_text("پرونده‌ای با این شرایط نیست")
        supervisor.select_option("#filter-flag", "")
        supervisor.select_option("#filter-worker", label="کاوه روان (روانشناس)")
        supervisor.click("#supervision-filters button[type=submit]")
        expect(supervisor.locator("table.supervision-table")).not_to_contain_text("علی رضایی")
        supervisor.click("#tab-centre")
        expect(supervisor.locator("#tab-centre")).to_have_class("current")
