"""The shelter's board in a real browser, on a tablet (issue 17): the Sari shelter's manager
sees who arrives today and checks her in; takes a mother and her son in from their case;
the board shows their beds occupied; she checks them out to a relative's home, first
refused without a safety plan, and the case shows the stay; a Mazandaran supervisor extends
a stay near its end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, api, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True}  # portrait


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: this journey checks people in and out."""
    with own_server(request, tmp_path_factory) as live:
        yield live


def _sari(page: Page) -> int:
    shelters = api(page, "GET", "/api/shelters")
    return int(next(s["id"] for s in shelters if s["name_en"] == "Sari shelter"))


def test_shelter_manager_runs_the_day_on_the_board(browser: Browser, server: LiveServer) -> None:
    with _offline_page(browser, server, **TABLET) as page:
        sign_in(page, "shelter_manager")
        sari = _sari(page)
        page.goto(f"/shelters/{sari}")
        expect(page.locator("h1")).to_contain_text("تابلوی خانهٔ امن")
        arriving = page.locator("#arriving .stay-line", has_text="فاطمه قاسمی")
        expect(arriving).to_have_count(1)
        expect(page.locator("#near-end")).to_contain_text("مریم احمدی")
        occupied_before = page.locator(".bed-occupied").count()
        screenshot(page, "shelter-board-fa.png")

        arriving.locator("button", has_text="ثبت ورود").click()
        page.wait_for_url(f"**/shelters/{sari}#arriving")
        expect(page.locator("#arriving")).to_contain_text("امروز کسی برای ورود")
        expect(page.locator(".bed-occupied")).to_have_count(occupied_before + 1)

        case = api(page, "POST", "/api/cases", {"client_name": "سمیرا کاظمی",
                                                  "category": "spouse_abuse",
                                                  "gender": "female"})
        page.locator("#take-in summary").click()
        form = page.locator("#take-in-form")
        form.locator("[name=case_id]").fill(str(case["id"]))
        form.locator("[name=client_name]").fill("سمیرا")
        form.locator("[name=client_age]").fill("۳۲")
        form.locator("[name=children]").fill("۶")
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/shelters/stays/*")
        expect(page.locator("#stay-status")).to_have_text("ساکن")
        people = page.locator("#stay-people tbody tr")
        expect(people).to_have_count(2)
        expect(people.nth(1)).to_contain_text("کودک")

        page.goto(f"/shelters/{sari}")
        expect(page.locator(".bed-occupied", has_text="سمیرا")).to_have_count(1)
        expect(page.locator(".bed-occupied", has_text="کودک")).to_have_count(2)
        page.locator(".bed-occupied a", has_text="سمیرا").click()

        form = page.locator("#check-out-form")
        form.locator("[name=destination]").select_option("relative_home")
        form.locator("button[type=submit]").click()
        expect(page.locator("#stay-error")).to_contain_text("برنامهٔ ایمنی")
        page.locator("#check-out-form [name=safety_plan]").fill(
            "اگر همسر پیدا شد با ۱۲۳ تماس بگیرد؛ برادرش کلید دارد.")
        page.locator("#check-out-form button[type=submit]").click()
        expect(page.locator("#stay-status")).to_have_text("خارج‌شده")
        expect(page.locator("#destination")).to_have_text("منزل بستگان")
        screenshot(page, "shelter-stay-checked-out-fa.png")

        page.goto(f"/shelters/{sari}")
        expect(page.locator(".bed-occupied", has_text="سمیرا")).to_have_count(0)
        page.goto(f"/cases/{case['id']}")
        panel = page.locator("#stays .stay-line")
        expect(panel).to_contain_text("خانهٔ امن ساری")
        expect(panel).to_contain_text("منزل بستگان")
        expect(page.locator("#timeline")).to_contain_text("خروج از خانهٔ امن")


def test_a_supervisor_extends_a_stay_near_its_end(browser: Browser, server: LiveServer) -> None:
    with _offline_page(browser, server, **TABLET) as page:
        sign_in(page, "supervisor")
        sari = _sari(page)
        page.goto(f"/shelters/{sari}")
        near = page.locator("#near-end .stay-line", has_text="مریم احمدی")
        near.locator("a", has_text="تمدید اسکان").click()
        form = page.locator("#extend-form")
        form.locator("[name=until]").fill("۱۴۰۵/۰۱/۰۱")
        form.locator("[name=reason]").fill("جلسهٔ دادگاه هنوز برگزار نشده است")
        form.locator("button[type=submit]").click()
        expect(page.locator("#stay-error")).to_contain_text("روز دیرتری")
        page.locator("#extend-form [name=until]").fill("۱۴۰۵/۰۴/۱۰")
        page.locator("#extend-form button[type=submit]").click()
        expect(page.locator("#last-day")).to_contain_text("۱۴۰۵/۰۴/۱۰")
        screenshot(page, "shelter-stay-extended-fa.png")
