"""The monthly provincial report and the public figures in a real browser: Mazandaran's
supervisor opens the printable report, sees its charts in Persian, chooses another month,
and downloads the PDF; a visitor, signed in or not, opens the public figures.

The server's database has the demo and two months of synthetic history for Mazandaran
and Gilan (``panah demo history``'s writer), so the charts have something to show.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from panah.core.db import make_engine, make_session_factory, unit_of_work
from tests.conftest import BOUNDARIES, NOWRUZ, TEST_ENCRYPTION_KEYS, TEST_HASH_KEY
from tests.e2e.conftest import LiveServer, _offline_page, _serve, screenshot, sign_in
from tests.e2e.test_content_security_policy import WATCH

pytestmark = pytest.mark.e2e
DESK = {"viewport": {"width": 1280, "height": 900}}


def _with_history(path: Path) -> None:
    """Two Jalali months (Esfand 1404, Farvardin so far) of history for IR-02 and IR-01."""
    from panah.demo_history.service import write_history
    from panah.security.crypto import KeyRing, configure_keyring

    configure_keyring(KeyRing.parse(TEST_ENCRYPTION_KEYS, hash_key=TEST_HASH_KEY))
    engine = make_engine(f"sqlite:///{path}")
    for code in ("IR-02", "IR-01"):
        with unit_of_work(make_session_factory(engine)) as session:
            write_history(session, code=code, months=2, seed=1405, now=NOWRUZ)
    engine.dispose()
    with sqlite3.connect(path) as conn:  # fold the WAL into the file before it is copied
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="module")
def history_server(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with_boundaries = BOUNDARIES.is_dir()
    template = request.getfixturevalue(
        "template_db_with_boundaries" if with_boundaries else "template_db")
    prepared = tmp_path_factory.mktemp("monthly") / "history.db"
    shutil.copyfile(template, prepared)
    _with_history(prepared)
    with _serve(prepared, tmp_path_factory) as url:
        yield LiveServer(url=url, with_boundaries=with_boundaries)


@pytest.fixture
def desk(browser: Browser, history_server: LiveServer) -> Iterator[Page]:
    """A desk browser whose pages must raise no Content-Security-Policy violation."""
    with _offline_page(browser, history_server, **DESK) as page:
        page.add_init_script(WATCH)
        yield page
        assert page.evaluate("window.__violations || []") == []


def test_mansoureh_reads_esfands_report_in_persian_and_downloads_the_pdf(desk: Page) -> None:
    sign_in(desk, "supervisor")
    desk.goto("/reports/monthly")
    report = desk.locator("#monthly-report")
    expect(report).to_have_attribute("data-month", "1405-01")  # this month by default
    expect(desk.locator("#report-so-far")).to_be_visible()  # Farvardin runs on
    desk.select_option("#report-month", "1404-12")
    desk.click("#report-form button[type=submit]")
    expect(report).to_have_attribute("data-month", "1404-12")
    expect(desk.locator("h1")).to_have_text("گزارش ماهانهٔ استان مازندران")
    expect(desk.locator("html")).to_have_attribute("dir", "rtl")
    expect(desk.locator("#report-so-far")).to_have_count(0)  # Esfand is over
    expect(desk.locator(".report-tile")).to_have_count(10)
    offered = desk.locator('.report-tile[data-figure="contacts_offered"] .tile-value')
    assert offered.inner_text().strip()[0] in "۰۱۲۳۴۵۶۷۸۹"  # Persian digits
    expect(desk.locator("svg.chart")).to_have_count(2)
    assert desk.locator("#chart-daily svg.chart rect").count() > 20  # a bar for each day
    expect(desk.locator("#chart-channel table.table-chart tr").first).to_be_visible()
    font = desk.evaluate("getComputedStyle(document.querySelector('#monthly-report h1'))"
                         ".fontFamily")
    assert "Vazirmatn" in font
    screenshot(desk, "monthly-report-fa.png")
    desk.emulate_media(media="print")  # the printed report: no header, no form
    expect(desk.locator(".shell-header")).to_be_hidden()
    expect(desk.locator("#report-choose")).to_be_hidden()
    screenshot(desk, "monthly-report-print-fa.png")
    desk.emulate_media(media="screen")
    href = desk.locator("#download-pdf").get_attribute("href") or ""
    assert href == "/reports/monthly.pdf?province=IR-02&month=1404-12"
    pdf = desk.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_a_visitor_opens_the_public_figures_and_picks_gilan(desk: Page) -> None:
    desk.goto("/figures?month=1404-12")  # nobody signed in
    expect(desk.locator("h1")).to_have_text("آمار همگانی خدمات خط ۱۲۳")
    expect(desk.locator("#figures-chosen")).to_have_attribute("data-province", "IR")
    desk.select_option("#figures-province", "IR-01")
    desk.click("#figures-form button[type=submit]")
    expect(desk.locator("#figures-chosen")).to_have_attribute("data-province", "IR-01")
    rate = desk.locator('#figures-chosen [data-figure="answer_rate_pct"] .tile-value')
    assert rate.inner_text().strip().endswith("٪")  # enough calls: the rate is shown
    expect(desk.locator('tr[data-province="IR-01"]')).to_have_class("chosen")
    desk.select_option("#figures-province", "IR-02")
    desk.click("#figures-form button[type=submit]")
    expect(desk.locator("#figures-chosen")).to_have_attribute("data-province", "IR-02")
    screenshot(desk, "public-figures-fa.png")
