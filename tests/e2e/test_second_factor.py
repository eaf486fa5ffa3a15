"""The second factor in a real browser: an admin sets up an app, then signs in with its code.

The server requires the second factor through ``PANAH_SECOND_FACTOR``, as an operator
would set it. pyotp plays the phone's authenticator app, at the server's frozen clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DEMO_PASSWORD, NOWRUZ
from tests.e2e.conftest import LiveServer, _offline_page, _serve, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def strict_server(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as env:  # only while the settings are read
            env.setenv("PANAH_SECOND_FACTOR", "required")
            url = stack.enter_context(_serve(template_db, tmp_path_factory))
        yield LiveServer(url=url, with_boundaries=False)


@pytest.fixture
def strict_page(browser: Browser, strict_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, strict_server, viewport={"width": 390, "height": 844}) as page:
        yield page


def _password(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/login/second-factor")


def _code(page: Page, code: str) -> None:
    page.fill("#code", code)
    page.click(".second-factor-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_admin_sets_up_an_authenticator_app_and_signs_in_with_its_codes(
    strict_page: Page,
) -> None:
    page = strict_page
    _password(page, "admin")
    expect(page.locator("h1")).to_have_text("راه‌اندازی عامل دوم ورود")
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator(".totp-secret").get_attribute("data-secret")
    assert secret, "the page shows no secret to type into the app"
    expect(page.locator(".totp-secret")).to_contain_text(secret[:4] + " " + secret[4:8])
    screenshot(page, "second-factor-enrol-fa.png")
    app = pyotp.TOTP(secret)
    _code(page, app.at(NOWRUZ))
    expect(page.locator("h1")).to_contain_text("خوش آمدید")
    expect(page.locator(".whoami-role")).to_have_text("مدیر سامانه")

    page.click(".logout-form button")
    page.wait_for_url("**/login")
    _password(page, "admin")
    expect(page.locator("h1")).to_have_text("کد برنامهٔ احرازگر")
    expect(page.locator(".totp-secret")).to_have_count(0)
    # The code just used is refused; the next one (the app a step ahead) lets the admin in.
    page.fill("#code", app.at(NOWRUZ))
    page.click(".second-factor-form button[type=submit]")
    expect(page.locator(".alert-error")).to_contain_text("پیش‌تر به کار رفته")
    _code(page, app.at(NOWRUZ + timedelta(seconds=30)))
    expect(page.locator("h1")).to_contain_text("خوش آمدید")
