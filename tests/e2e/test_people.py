"""People in a real browser: the administrator adds a counsellor on the people page and
makes her one-time link; she opens it, sets her password (a weak one is refused with its
reason in Persian) and signs in to the 123 line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e
SOUND = "violet tractor harbour pencil"


@pytest.fixture(scope="module")
def people_server(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: this journey adds a person."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture
def admin_page(browser: Browser, people_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, people_server, viewport={"width": 1280, "height": 900}) as page:
        yield page


@pytest.fixture
def newcomer_page(browser: Browser, people_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, people_server, viewport={"width": 390, "height": 844}) as page:
        yield page


def _add_counsellor(page: Page) -> None:
    sign_in(page, "admin")
    page.goto("/")
    page.click("a[href='/admin/people']")
    expect(page.locator("h1")).to_have_text("کاربران")
    form = page.locator("form.people-form")
    form.locator("#username").fill("s.nikoo")
    form.locator("#full_name").fill("سارا نیکو")
    form.locator("#role").select_option("counsellor")
    form.locator("#province_code").select_option("IR-02")
    form.locator("#centre").select_option("MZN-123")
    form.locator("input[name=languages][value=mazandarani]").check()
    form.locator("input[name=is_woman]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/people/s.nikoo")
    expect(page.locator(".page-title")).to_contain_text("هنوز گذرواژه ندارد")


def _make_link(page: Page) -> str:
    page.locator("form.people-link-form button[type=submit]").click()
    url = page.locator("#people-link-url").inner_text().strip()
    assert "/access/" in url
    screenshot(page, "people-link.png")
    return url


def test_admin_adds_a_counsellor_who_sets_her_password_and_signs_in(
        admin_page: Page, newcomer_page: Page) -> None:
    _add_counsellor(admin_page)
    url = _make_link(admin_page)

    newcomer_page.goto(url)
    expect(newcomer_page.locator("h1")).to_have_text("گذاشتن گذرواژه")
    newcomer_page.fill("#password", "password1234")
    newcomer_page.fill("#password_again", "password1234")
    newcomer_page.click("form.access-link-form button[type=submit]")
    expect(newcomer_page.locator(".alert-error")).to_contain_text("گذرواژه‌ای رایج")
    newcomer_page.fill("#password", SOUND)
    newcomer_page.fill("#password_again", SOUND)
    newcomer_page.click("form.access-link-form button[type=submit]")
    expect(newcomer_page.locator(".alert-success")).to_be_visible()

    sign_in(newcomer_page, "s.nikoo", SOUND)
    expect(newcomer_page.locator("a[href='/line']").first).to_be_visible()

    newcomer_page.goto(url)  # used: says so, and what to do
    expect(newcomer_page.locator(".alert-error")).to_contain_text("پیوند تازه")

    admin_page.reload()
    expect(admin_page.locator(".page-title")).to_contain_text("فعال")
