"""A live Panah server and a real Chromium for the browser tests.

The server runs uvicorn in a background thread on a free local port, on a copy of the
demo database (with the OpenStreetMap boundaries when ``../shared`` is beside the checkout).
Chromium is Debian's ``/usr/bin/chromium``: where it is missing the tests skip with a
reason, except in CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright

from panah.config import Settings
from panah.core.clock import FrozenClock
from tests.conftest import (
    BOUNDARIES,
    DEMO_PASSWORD,
    NOWRUZ,
    TEST_ENCRYPTION_KEYS,
    TEST_HASH_KEY,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass(frozen=True)
class LiveServer:
    url: str
    with_boundaries: bool


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serve(template: Path, tmp_path_factory: pytest.TempPathFactory,
           database: Path | None = None, **overrides: Any) -> Iterator[str]:
    """Serve a copy of ``template`` (at ``database``, if given) on a free local port, with
    any other ``overrides`` of the settings; yield the base URL."""
    from panah.main import create_app

    database = database or tmp_path_factory.mktemp("e2e") / "panah.db"
    shutil.copyfile(template, database)
    settings = Settings(  # type: ignore[call-arg]
        database_url=f"sqlite:///{database}",
        environment="test",  # type: ignore[arg-type]
        secret_key="e" * 40,
        encryption_keys=TEST_ENCRYPTION_KEYS,
        hash_key=TEST_HASH_KEY,
        timers=False,  # tests run the timers themselves, at the clock's time they choose
        **overrides,
    )
    app = create_app(settings, clock=FrozenClock(NOWRUZ))
    port = _free_port()
    # ws="none": no websocket library is imported (and none of its deprecation warnings).
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", http="h11",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"panah-e2e-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the live Panah server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()


@contextmanager
def own_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The demo with OpenStreetMap boundaries where ``../shared`` exists, else without, in a
    server of its own (a module whose journey changes the demo's units takes one)."""
    with_boundaries = BOUNDARIES.is_dir()
    template = request.getfixturevalue(
        "template_db_with_boundaries" if with_boundaries else "template_db"
    )
    with _serve(template, tmp_path_factory) as url:
        yield LiveServer(url=url, with_boundaries=with_boundaries)


@pytest.fixture(scope="session")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="session")
def approximate_server(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The demo without imported boundaries: the map falls back to points."""
    with _serve(template_db, tmp_path_factory) as url:
        yield LiveServer(url=url, with_boundaries=False)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        reason = f"the browser tests need Debian's chromium at {CHROMIUM} (apt install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must have it")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@contextmanager
def _offline_page(browser: Browser, live_server: LiveServer, **options: Any) -> Iterator[Page]:
    """A page in a fresh context; any request that leaves the local server fails the test."""
    context = browser.new_context(base_url=live_server.url, **options)
    outside: list[str] = []

    def refuse(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(live_server.url), refuse)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert outside == [], f"the pages asked the internet for {outside}"


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 800}) as page:
        yield page


@pytest.fixture
def approximate_page(browser: Browser, approximate_server: LiveServer) -> Iterator[Page]:
    with _offline_page(
        browser, approximate_server, viewport={"width": 1280, "height": 800}
    ) as page:
        yield page


# A phone-sized browser context.
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, live_server, **PHONE) as page:
        yield page


def api(page: Page, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the API as the page's signed-in user: its session cookie, and for a change the
    CSRF token of the page it is on."""
    headers = {} if method == "GET" else {
        "X-CSRF-Token": page.locator('meta[name="csrf-token"]').get_attribute("content") or ""}
    answer = page.request.fetch(path, method=method, data=body, headers=headers)
    assert answer.ok, answer.text()
    return answer.json()


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/login"))


def screenshot(page: Page, name: str) -> None:
    """Save a screenshot for the docs, only when asked (PANAH_SCREENSHOTS=1)."""
    if os.environ.get("PANAH_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=False)
