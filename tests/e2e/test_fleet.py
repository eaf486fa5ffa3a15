"""Mazandaran's provincial manager sets up a Nowruz post by clicking the map — first
without its dates, refused — then a vehicle at it with its crew, and makes the vehicle's
tracker key, shown once; the tracker is heard with it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e
POST, CALL_SIGN = "MZN-N-E2E-DOHEZAR", "MZN-E2E-1"
PLACE = (36.6200, 51.3000)  # inland Chalus county, away from the demo's posts


def _click_map_at(page: Page, lat: float, lon: float) -> None:
    page.wait_for_function("window.panahPostsMap && window.panahPostsMap.ready")
    x, y = page.evaluate(
        "([lat, lon]) => { const p = window.panahPostsMap.map.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }", [lat, lon])
    page.locator("#map").click(position={"x": x, "y": y})


def test_a_manager_adds_a_nowruz_post_on_the_map_and_a_vehicle_at_it(page: Page) -> None:
    sign_in(page, "provincial_manager")
    page.goto("/admin/posts")
    expect(page.locator("h1")).to_contain_text("پایگاه‌ها")
    form = page.locator(".post-form")
    form.locator("#code").fill(POST)
    form.locator("#kind").select_option("nowruz")
    form.locator("#name_fa").fill("پایگاه نوروزی دوهزار")
    form.locator("#name_en").fill("Dohezar Nowruz post")
    chalus = form.locator("#county option", has_text="چالوس").first.get_attribute("value")
    form.locator("#county").select_option(chalus)
    _click_map_at(page, *PLACE)
    assert abs(float(form.locator("#lat").input_value()) - PLACE[0]) < 0.01
    assert abs(float(form.locator("#lon").input_value()) - PLACE[1]) < 0.01
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-error")).to_contain_text("پایگاه نوروزی تاریخ شروع و پایان")
    expect(page.locator("#code")).to_have_value(POST)  # the form as typed

    page.locator("#active_from").fill("۱۴۰۴/۱۲/۲۵")
    page.locator("#active_to").fill("۱۴۰۵/۰۱/۱۴")
    page.locator(".post-form button[type=submit]").click()
    page.wait_for_url(f"**/admin/posts?saved={POST}")
    row = page.locator(f".posts-table tr[data-code='{POST}']")
    expect(row).to_contain_text("پایگاه نوروزی دوهزار")
    expect(row.locator(".post-dates")).to_contain_text("۱۴۰۴/۱۲/۲۵")
    page.wait_for_function("window.panahPostsMap.ready")
    screenshot(page, "posts-map-fa.png")

    page.goto("/admin/vehicles")
    vehicle = page.locator(".vehicle-form")
    vehicle.locator("#call_sign").fill(CALL_SIGN)
    vehicle.locator("#kind").select_option("adapted_van")
    vehicle.locator("#home_centre_code").select_option("MZN-C-CHALUS")
    vehicle.locator("#post_code").select_option(POST)
    # The crew: the province's social worker and psychologist, by their accounts.
    vehicle.locator("#social_workers").select_option(["social_worker"])
    vehicle.locator("#psychologists").select_option(["psychologist"])
    vehicle.locator("button[type=submit]").click()
    page.wait_for_url(f"**/admin/vehicles?saved={CALL_SIGN}")
    unit = page.locator(f".vehicles-table tr[data-call-sign='{CALL_SIGN}']")
    expect(unit).to_contain_text("پایگاه نوروزی دوهزار")
    expect(unit).to_contain_text("آماده در پایگاه")
    expect(unit.locator(".unit-crew [data-username]")).to_have_count(2)
    expect(unit.locator(".unit-crew")).to_contain_text("مددکار اجتماعی")
    expect(unit.locator(".unit-crew")).to_contain_text("روان‌شناس")
    # Changing the vehicle keeps the crew the form shows.
    page.goto(f"/admin/vehicles?edit={CALL_SIGN}")
    expect(page.locator("#social_workers option[value=social_worker]")).to_have_attribute(
        "selected", "")

    unit.locator(".tracker-key-form button").click()
    key = page.locator(".tracker-key-text").inner_text()
    assert key.startswith("pnt_")
    heard = page.request.post("/api/fleet/tracker/positions", headers={"X-Tracker-Key": key},
                              data={"lat": PLACE[0], "lon": PLACE[1],
                                    "at": "2026-03-22T06:00:00Z"})
    assert heard.ok, heard.text()
    page.goto("/admin/vehicles")
    assert key.split("_", 2)[2] not in page.content()  # shown once
