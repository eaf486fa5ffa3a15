"""The Content-Security-Policy breaks no page: every screen of each role, the public help
page, the crew's app and the API documentation load with no violation reported.

Chromium reports each blocked script, style or request as a ``securitypolicyviolation``
event (and on the console); a page that needed an inline script or style would be broken
under the policy and show up here.
"""

from __future__ import annotations

import contextlib

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import sign_in

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at "
                           + document.location.pathname);
});
"""


def _watch(page: Page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text
            else None)
    return seen


def _visit(page: Page, path: str) -> list[str]:
    """The violations the page reported once loaded and, as far as it ever is, quiet: a
    page that polls (the queue, the board) may never be quiet for long on a busy machine,
    and what it loads after the first few seconds is what it loaded before."""
    page.goto(path, wait_until="load")
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=5_000)
    return list(page.evaluate("window.__violations || []"))


def _nav(page: Page) -> list[str]:
    return [href for href in page.locator(".shell-nav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))") if href and href.startswith("/")]


def test_public_pages_and_the_api_docs_load_without_a_violation(page: Page) -> None:
    console = _watch(page)
    found = []
    for path in ("/help", "/login", "/docs"):
        found += _visit(page, path)
    page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI did render the operations
    assert page.locator(".swagger-ui .opblock").count() > 10
    found += list(page.evaluate("window.__violations || []"))
    assert not found and not console, found + console


def test_every_screen_of_each_role_loads_without_a_violation(page: Page) -> None:
    console = _watch(page)
    found = []
    for username in ("counsellor", "supervisor", "dispatcher", "social_worker", "admin"):
        page.context.clear_cookies()
        sign_in(page, username)
        found += _visit(page, "/")
        for path in _nav(page):
            found += _visit(page, path)
        found += _visit(page, "/account/second-factor")
    assert not found and not console, found + console


def test_the_crews_app_loads_without_a_violation(page: Page) -> None:
    console = _watch(page)
    sign_in(page, "field_crew")
    found = _visit(page, "/field")
    assert not found and not console, found + console
