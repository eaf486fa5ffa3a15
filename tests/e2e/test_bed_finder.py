"""The bed finder in a real browser: Shirin (social worker) finds a free bed for Sara and
her 6-year-old son from the case page — "a shelter in Sari, Mazandaran", never an address
— and asks Sari's shelter; Fereshteh (shelter manager) accepts on her board; the case page
shows the request accepted. They arrive: Fereshteh checks them in, the board shows their two
beds taken, and she checks them out to a relative's home with a safety plan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, api, screenshot, sign_in

pytestmark = pytest.mark.e2e
ADDRESS_WORDS = ("نارنج‌زار", "3391-4072", "نشانی ساختگی")


def _sara_case(page: Page) -> str:
    page.goto("/cases")
    page.locator("a", has_text="IR-02").first.wait_for()
    hrefs = [link.get_attribute("href") or ""
             for link in page.locator("a[href^='/cases/']").all()]
    for href in dict.fromkeys(h for h in hrefs if h.split("/")[-1].isdigit()):
        page.goto(href)
        if page.locator(".client-name", has_text="سارا محمدی").count():
            return href
    raise AssertionError("the spouse-abuse case is on Shirin's list")


def _stay_of(page: Page, request_id: str | None) -> int:
    """The stay the accepted request planned (the shelter's accepted requests)."""
    shelter = page.url.split("#")[0].rstrip("/").split("/")[-1]
    accepted = api(page, "GET", f"/api/shelter-requests?shelter_id={shelter}&status=accepted")
    return int(next(r["stay_id"] for r in accepted if str(r["id"]) == request_id))


def test_a_social_worker_finds_a_bed_for_a_mother_and_child_they_stay_and_leave_to_family(
    browser: Browser, live_server: LiveServer
) -> None:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, "social_worker")
        case_path = _sara_case(page)
        finder = page.locator("#shelter")
        finder.locator("[name=client_age]").fill("۳۱")
        finder.locator("[name=children]").fill("۶m")
        finder.locator("#bed-finder-form button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/beds\?.*"))
        sari = page.locator(".bed-result", has_text="خانهٔ امن ساری")
        expect(sari.locator(".bed-where")).to_contain_text("ساری")
        expect(sari.locator(".bed-where")).to_contain_text("مازندران")
        expect(sari.locator(".bed-count")).to_contain_text("تخت مناسب")
        for word in ADDRESS_WORDS:
            assert word not in page.content()
        page.locator("#shelter").scroll_into_view_if_needed()
        screenshot(page, "bed-finder-fa.png")
        sari.locator(".bed-request-more summary").click()
        sari.locator("[name=note]").fill("همسرش امشب برمی‌گردد.")
        sari.locator(".bed-request-button").click()
        page.wait_for_url(f"**{case_path}#shelter")
        mine = page.locator("#shelter .bed-request").first
        expect(mine).to_contain_text("در انتظار پاسخ")
        request_id = mine.get_attribute("data-request")

    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, "shelter_manager")
        page.goto("/shelters")
        page.locator("a[href^='/shelters/']", has_text="ساری").first.click()
        waiting = page.locator(f"#shelter-requests [data-request='{request_id}']")
        expect(waiting).to_contain_text("۳۱")
        expect(waiting).to_contain_text("همسرش امشب برمی‌گردد.")
        waiting.locator(".accept-request").click()
        page.wait_for_url(re.compile(r".*/shelters/\d+#shelter-requests"))
        expect(page.locator(f"#shelter-requests [data-request='{request_id}']")).to_have_count(0)
        board = page.url.split("#")[0]
        stay_id = _stay_of(page, request_id)
        # They arrive today: the board has them to check in, then in their beds.
        arriving = page.locator("#arriving .stay-line").filter(
            has=page.locator(f"a[href='/shelters/stays/{stay_id}']"))
        occupied = page.locator(".bed-occupied").count()
        arriving.locator("button", has_text="ثبت ورود").click()
        page.wait_for_url(f"{board}#arriving")
        expect(page.locator(".bed-occupied")).to_have_count(occupied + 2)
        stay = page.locator(f".bed-occupied a[href='/shelters/stays/{stay_id}']")
        expect(stay).to_have_count(2)  # Sara and her son, each in a bed
        expect(stay.filter(has_text="سارا محمدی")).to_have_count(1)
        screenshot(page, "shelter-journey-board-fa.png")
        # Some days later she leaves for her brother's home, with a safety plan.
        stay.first.click()
        form = page.locator("#check-out-form")
        form.locator("[name=destination]").select_option("relative_home")
        form.locator("[name=safety_plan]").fill("کلید خانهٔ برادر؛ اگر همسر آمد با ۱۲۳ تماس بگیرد.")
        form.locator("button[type=submit]").click()
        expect(page.locator("#stay-status")).to_have_text("خارج‌شده")
        expect(page.locator("#destination")).to_have_text("منزل بستگان")
        page.goto(board)
        expect(page.locator(".bed-occupied")).to_have_count(occupied)

    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, "social_worker")
        page.goto(case_path)
        done = page.locator(f"#shelter [data-request='{request_id}']")
        expect(done.locator(".request-status")).to_have_text("پذیرفته شد")
        expect(page.locator(".timeline-shelter").first).to_be_visible()
