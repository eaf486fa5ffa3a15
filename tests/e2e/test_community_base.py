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


def test_parvin_opens_a_neighbourhood_starts_a_programme_and_sees_its_sessions_on_the_calendar(
    browser: Browser, live_server: LiveServer
) -> None:
    """All from the pages, on a tablet, typing Persian digits: a new neighbourhood from the
    calendar, a children's programme there, six weekly sessions from this Tuesday, one of
    the base's participants enrolled, and the sessions on this week's calendar."""
    with _offline_page(browser, live_server, viewport={"width": 800, "height": 1280},
                       has_touch=True) as page:
        sign_in(page, "community_worker")
        page.goto("/community")
        add = page.locator("#add-neighbourhood > summary")
        box = add.bounding_box()
        assert box and box["height"] >= 44, "a finger-sized heading to open the form"
        add.tap()
        form = page.locator("#neighbourhood-form")
        form.locator("[name=name]").fill("محلهٔ نارنجستان")
        form.locator("[name=kind]").select_option("deprived")
        form.locator("[name=households]").fill("۴۲۰")
        form.locator("input[name=issues][value=child_labour]").check()
        form.locator("input[name=amenities][value=school]").check()
        form.locator("button[type=submit]").tap()
        page.wait_for_url("**/community/neighbourhoods/*")
        expect(page.locator("h1")).to_have_text("محلهٔ نارنجستان")
        expect(page.locator("#profile")).to_contain_text("کار کودک")

        page.locator("#new-programme > summary").tap()
        form = page.locator("#programme-form")
        form.locator("[name=title]").fill("قصه و بازی برای کودکان کار")
        form.locator("[name=kind]").select_option("children_activities")
        form.locator("[name=audience]").select_option("children")
        form.locator("[name=starts_on]").fill("۱۴۰۵/۰۱/۰۴")
        form.locator("[name=ends_on]").fill("۱۴۰۵/۰۳/۳۱")
        form.locator("[name=capacity]").fill("۱۵")
        assert page.evaluate("document.documentElement.scrollWidth") <= 800, "no sideways scroll"
        screenshot(page, "community-new-programme.png")
        page.locator("#create-programme").tap()
        page.wait_for_url("**/community/programmes/*")
        expect(page.locator("h1")).to_have_text("قصه و بازی برای کودکان کار")
        expect(page.locator("#sessions")).to_contain_text("هنوز جلسه‌ای برنامه‌ریزی نشده است")

        sessions = page.locator("#sessions form")
        sessions.locator("[name=day]").fill("۱۴۰۵/۰۱/۰۴")
        sessions.locator("[name=time]").fill("۱۷:۰۰")
        sessions.locator("[name=weeks]").fill("۶")
        sessions.locator("[name=place]").fill("مدرسهٔ نارنجستان")
        sessions.locator("button[type=submit]").tap()
        page.wait_for_url("**#sessions")
        expect(page.locator("#sessions .cb-list li")).to_have_count(6)

        page.locator("#enrol-participant").select_option(index=1)
        page.locator("#enrol-button").tap()
        page.wait_for_url("**#participants")
        expect(page.locator("#participants .cb-list li")).to_have_count(1)

        page.locator(".page-title a.cb-tap").tap()
        page.wait_for_url("**/community?base_id=*")
        calendar = page.locator("#community-calendar")
        expect(calendar.locator(".cb-session", has_text="قصه و بازی برای کودکان کار")
               ).to_have_count(1)  # Tuesday 1405/01/04, this week
        expect(page.locator("#programmes")).to_contain_text("قصه و بازی برای کودکان کار")
        expect(page.locator("#neighbourhood-list")).to_contain_text("محلهٔ نارنجستان")
