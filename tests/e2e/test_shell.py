"""The web shell in a real browser: sign in, Persian RTL home, the map, English, sign out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from panah.security.roles import Role
from tests.e2e.conftest import LiveServer, screenshot, sign_in

pytestmark = pytest.mark.e2e

MAZANDARAN_COUNTIES = 22
PROVINCES = 31
RAW_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*\b")


def _map_state(page: Page) -> dict[str, object]:
    # Polled with evaluate: wait_for_function compiles its predicate in the page, which
    # the Content-Security-Policy (no unsafe-eval) rightly forbids.
    for _ in range(200):
        if page.evaluate("!!(window.panahMap && (window.panahMap.ready || window.panahMap.error))"):
            break
        page.wait_for_timeout(100)
    state: dict[str, object] = page.evaluate("window.panahMap")
    assert state["error"] is None, state["error"]
    return state


def test_counsellor_signs_in_to_a_persian_rtl_home(page: Page) -> None:
    sign_in(page, "counsellor")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "fa")
    expect(page.locator("h1")).to_contain_text("نگار کارشناس")
    expect(page.locator(".whoami-role")).to_have_text("کارشناس خط ۱۲۳")
    expect(page.locator(".shell-date time")).to_have_text("۱۴۰۵/۰۱/۰۲ ۱۰:۰۰")
    expect(page.locator("table.coverage-table tbody tr")).to_have_count(MAZANDARAN_COUNTIES)
    # The Persian font is the vendored Vazirmatn, loaded from this server.
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'پناه')")
    header = page.locator(".shell-header").bounding_box()
    brand = page.locator(".brand").bounding_box()
    assert header and brand and brand["x"] > header["width"] / 2, "RTL: the brand sits right"
    _no_horizontal_overflow(page)
    screenshot(page, "home-fa.png")


def test_map_draws_the_provinces_and_mazandarans_counties(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, "counsellor")
    page.click("nav a[href='/map']")
    page.wait_for_url("**/map")
    state = _map_state(page)
    assert state["provinces"] == PROVINCES
    assert state["counties"] == MAZANDARAN_COUNTIES
    assert state["centres"] and state["posts"]
    drawn = page.locator("#map path.leaflet-interactive").count()
    assert drawn >= PROVINCES + MAZANDARAN_COUNTIES  # outlines or points, plus the markers
    banner = page.locator("#approximate-banner")
    if live_server.with_boundaries:
        assert state["approximate"] is False
        expect(banner).to_be_hidden()
    else:
        assert state["approximate"] is True
        expect(banner).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("۳۱ استان")
    page.locator(".map-legend h2").hover()  # no tooltip in the picture
    screenshot(page, "map-fa.png")


def test_map_without_boundaries_draws_points_under_a_clear_banner(approximate_page: Page) -> None:
    sign_in(approximate_page, "counsellor")
    approximate_page.goto("/map")
    state = _map_state(approximate_page)
    assert state["approximate"] is True
    assert state["provinces"] == PROVINCES
    assert state["counties"] == MAZANDARAN_COUNTIES
    banner = approximate_page.locator("#approximate-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("جغرافیا تقریبی است")


def test_hovering_a_county_names_it_in_persian_and_english(page: Page) -> None:
    sign_in(page, "counsellor")
    page.goto("/map")
    _map_state(page)
    # Provinces are drawn first, then the counties: the path after the provinces is a county.
    county = page.locator("#map path.leaflet-interactive").nth(PROVINCES)
    county.dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("شهرستان")
    expect(tooltip).to_contain_text("County")


def test_switching_to_english_gives_ltr_and_back(page: Page) -> None:
    sign_in(page, "dispatcher")
    page.click("a.lang-switch")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".whoami-role")).to_have_text("Dispatcher")
    expect(page.locator(".shell-date time")).to_have_text("2026-03-22 10:00")
    expect(page.locator("table.units-table")).to_contain_text("Chalus beach Nowruz post")
    page.click("a.lang-switch")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_logout_ends_the_session(page: Page) -> None:
    sign_in(page, "supervisor")
    page.click(".logout-form button")
    page.wait_for_url("**/login")
    page.goto("/")
    assert "/login" in page.url
    expect(page.locator("h1")).to_have_text("ورود به پناه")


def test_wrong_password_shows_the_message_in_both_languages(page: Page) -> None:
    page.goto("/login")
    page.fill("#username", "counsellor")
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    alert = page.locator(".alert-error")
    expect(alert).to_contain_text("نام کاربری یا گذرواژه نادرست است")
    expect(alert).to_contain_text("Wrong username or password")


def test_field_crew_home_fits_a_phone(phone: Page) -> None:
    sign_in(phone, "field_crew")
    expect(phone.locator(".my-unit h2")).to_contain_text("MZN-01")
    expect(phone.locator(".my-unit")).to_contain_text("پایگاه نوروزی ساحل چالوس")
    _no_horizontal_overflow(phone)
    screenshot(phone, "field-crew-fa.png")


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_roles_home_fits_a_phone_and_shows_no_raw_keys(phone: Page, role: str) -> None:
    sign_in(phone, role)
    expect(phone.locator("h1")).to_contain_text("خوش آمدید")
    text = phone.locator("body").inner_text()
    assert not RAW_KEY.findall(text), f"untranslated keys on {role}'s home"
    _no_horizontal_overflow(phone)


def _no_horizontal_overflow(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
