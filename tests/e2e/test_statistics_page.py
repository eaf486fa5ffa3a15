"""Mansoureh, Mazandaran's shift supervisor, opens the statistics page in a real browser:
the line chart and the bars are drawn, the county map is coloured from the project's own
boundaries (or says in words that there are none), and choosing another period or split
changes the charts and the table without her typing a thing. Frozen clock: 1405/01/02.

The server is the module's own: a month and two days of invented history (contacts in six
of Mazandaran's counties over Esfand 1404 and Farvardin 1405) are written into its copy of
the demo before it starts, so the charts have something to draw."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import BOUNDARIES, NOWRUZ
from tests.e2e.conftest import LiveServer, _offline_page, _serve, screenshot, sign_in
from tests.e2e.test_content_security_policy import _watch

pytestmark = pytest.mark.e2e
COUNTIES = ("Q662960", "Q1282160", "Q1282247", "Q1282212", "Q1282260", "Q1286144")
CHANNELS = ("voice", "voice", "sms", "web_chat", "voice", "web_report")
ESFAND_FIRST = datetime(2026, 2, 20, 4, 0, tzinfo=UTC)  # 1404/12/01 07:30 Tehran


def _daily(day: int, county: int) -> int:
    """Contacts of a county on a day: Sari most, weekends quieter, the eve of Nowruz busy."""
    weekday = (day + 6) % 7  # 1404/12/01 is a Friday; 0 = Saturday
    base = (6, 4, 3, 3, 2, 2)[county] + (day * 5 + county * 3) % 4
    return base - (2 if weekday == 6 else 0) + (4 if day >= 26 else 0)


def _history(database: Path) -> int:
    """Closed and abandoned contacts of past days, a few per county a day."""
    from panah.core.db import make_engine, make_session_factory, unit_of_work
    from panah.intake.orm import Contact

    engine = make_engine(f"sqlite:///{database}")
    written = 0
    with unit_of_work(make_session_factory(engine)) as session:
        day = 0
        while ESFAND_FIRST + timedelta(days=day) < NOWRUZ - timedelta(hours=3):
            for c, county in enumerate(COUNTIES):
                for n in range(_daily(day, c)):
                    offered = ESFAND_FIRST + timedelta(days=day, minutes=37 * n + 11 * c)
                    lost = (n + day + c) % 7 == 0
                    wait = 6 + (n * 13 + day * 5 + c) % 40
                    session.add(Contact(
                        channel=CHANNELS[(n + c) % len(CHANNELS)],
                        state="abandoned" if lost else "closed", queue="IR-02",
                        province_code="IR-02", county_key=county, offered_to="IR-02",
                        risk=("low", "medium", "high")[(n + day) % 3],
                        offered_at=offered, queued_at=offered,
                        answered_at=None if lost else offered + timedelta(seconds=wait),
                        abandoned_at=offered + timedelta(seconds=50) if lost else None,
                        closed_at=offered + timedelta(minutes=9)))
                    written += 1
            day += 1
    engine.dispose()
    return written


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with_boundaries = BOUNDARIES.is_dir()
    template: Path = request.getfixturevalue(
        "template_db_with_boundaries" if with_boundaries else "template_db")
    with_history = tmp_path_factory.mktemp("stats") / "with-history.db"
    shutil.copyfile(template, with_history)
    assert _history(with_history) > 500
    with _serve(with_history, tmp_path_factory) as url:  # serves a copy of it
        yield LiveServer(url=url, with_boundaries=with_boundaries)


@pytest.fixture
def mansoureh(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1366, "height": 1400}) as page:
        sign_in(page, "supervisor")
        yield page


def _drawn(page: Page) -> None:
    # Polled with evaluate: wait_for_function compiles its predicate in the page, which
    # the Content-Security-Policy (no unsafe-eval) rightly forbids.
    for _ in range(200):
        if page.evaluate("!!(window.panahStats && window.panahStats.ready)"):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the statistics page never said its charts were drawn")
    assert page.evaluate("window.panahStats.error") is None


def _painted(page: Page, selector: str) -> bool:
    """Whether Chart.js drew on the canvas: some pixel is not transparent."""
    return bool(page.evaluate(
        """(sel) => { const c = document.querySelector(sel);
                      const chart = window.Chart && Chart.getChart(c);
                      if (!chart || !c.width) return false;
                      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      for (let i = 3; i < px.length; i += 4) { if (px[i]) return true; }
                      return false; }""", selector))


def test_mansoureh_changes_the_period_and_the_split_and_sees_charts_and_table_follow(
    mansoureh: Page, server: LiveServer,
) -> None:
    page = mansoureh
    console = _watch(page)  # Chart.js and Leaflet under the strict CSP: nothing blocked
    page.goto("/statistics")
    expect(page.locator("h1")).to_have_text("آمار خدمت")
    _drawn(page)
    assert page.evaluate("window.__violations") == [] and console == []
    assert _painted(page, "#stats-line") and _painted(page, "#stats-bars")
    rows = page.locator("table.stats-data tbody tr")
    expect(rows).to_have_count(31)  # Esfand 1404's 29 days and two of Farvardin, by day
    expect(rows.first.locator("th")).to_have_text("۱۴۰۴/۱۲/۰۱")

    if server.with_boundaries:
        assert page.evaluate("window.panahStats.map") == "drawn"
        assert page.evaluate("window.panahStats.counties") >= 20
        assert page.evaluate("window.panahStats.coloured") >= len(COUNTIES)
        expect(page.locator("#stats-map path.leaflet-interactive").first).to_be_visible()
        expect(page.locator("#stats-legend li").first).to_be_visible()
    else:
        assert page.evaluate("window.panahStats.map") == "no-boundaries"
        expect(page.locator("#stats-map-status")).to_contain_text("مرز شهرستان‌ها")
    screenshot(page, "statistics-fa.png")

    page.locator("#stats-grain").select_option("month")
    page.wait_for_url("**grain=month**")
    _drawn(page)
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("اسفند ۱۴۰۴")
    expect(rows.nth(1).locator("th")).to_have_text("فروردین ۱۴۰۵")
    assert page.evaluate("Chart.getChart(document.querySelector('#stats-line')).data.labels") \
        == ["اسفند ۱۴۰۴", "فروردین ۱۴۰۵"]

    page.locator("#stats-by").select_option("channel")
    page.wait_for_url("**by=channel**")
    _drawn(page)
    groups = page.locator("table.stats-data tbody tr[data-group='voice']")
    expect(groups).to_have_count(2)
    assert _painted(page, "#stats-bars")
    assert page.evaluate("window.panahStats.bars") >= 3  # voice, sms, web chat, web report
    assert page.evaluate("window.panahStats.line") >= 3  # a line per channel

    page.locator("#stats-figure").select_option("answered_within_20s_pct")
    page.wait_for_url("**figure=answered_within_20s_pct**")
    _drawn(page)
    expect(page.locator("th.chosen[data-figure='answered_within_20s_pct']")).to_be_visible()
    tick = page.evaluate(
        "Chart.getChart(document.querySelector('#stats-line')).scales.y.ticks[1].label")
    assert all(ch not in "0123456789" for ch in str(tick)), tick  # Persian digits on the axis
    assert page.evaluate("window.__violations") == [] and console == []


def test_a_mistyped_day_shows_the_form_with_the_problem_beside_the_field(
    mansoureh: Page,
) -> None:
    page = mansoureh
    page.goto("/statistics")
    page.locator("#stats-from").fill("۱۴۰۴/۱۳/۰۱")
    page.locator("#stats-filters button[type=submit]").click()
    page.wait_for_url("**from=**")
    problem = page.locator("#problem-from")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("روز درستی نیست")
    expect(problem).to_contain_text("is not a day")
    expect(page.locator("#stats-from")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("table.stats-data")).to_have_count(0)


def test_the_definitions_page_opens_at_the_figure_a_heading_links(mansoureh: Page) -> None:
    page = mansoureh
    page.goto("/statistics?grain=month")
    page.locator("th[data-figure='answered_within_20s_pct'] a").click()
    page.wait_for_url("**/statistics/definitions#answered_within_20s_pct")
    target = page.locator("#answered_within_20s_pct")
    expect(target).to_be_in_viewport()
    expect(target.locator("h2")).to_contain_text("سطح خدمت")


def test_without_imported_boundaries_the_map_says_so_in_words(approximate_page: Page) -> None:
    page = approximate_page
    sign_in(page, "supervisor")
    page.goto("/statistics")
    _drawn(page)
    assert page.evaluate("window.panahStats.map") == "no-boundaries"
    expect(page.locator("#stats-map")).to_be_hidden()
    expect(page.locator("#stats-map-status")).to_contain_text("مرز شهرستان‌ها هنوز")
    assert _painted(page, "#stats-line")  # the charts do not need boundaries


def test_the_english_page_reads_left_to_right_with_latin_digits(mansoureh: Page) -> None:
    page = mansoureh
    page.goto("/statistics?grain=month&by=risk&lang=en")
    _drawn(page)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("table.stats-data tbody tr").first.locator("th")).to_have_text(
        "Esfand 1404")
    tick = page.evaluate(
        "Chart.getChart(document.querySelector('#stats-line')).scales.y.ticks[1].label")
    assert any(ch in "0123456789" for ch in str(tick)), tick


def test_the_analyst_sees_small_cells_hidden_in_the_table_and_on_the_map(
    browser: Browser, server: LiveServer,
) -> None:
    with _offline_page(browser, server, viewport={"width": 1366, "height": 1400}) as page:
        sign_in(page, "analyst")
        page.goto("/statistics?province=IR-02&by=channel")
        _drawn(page)
        expect(page.locator("#stats-suppressed-note")).to_be_visible()
        hidden = page.locator("table.stats-data td.suppressed").first
        expect(hidden).to_have_text("<۱۰")
        expect(hidden).to_have_attribute("title", re.compile("کمتر از ۱۰"))
        expect(page.locator("th[data-figure='average_speed_of_answer_s']")).to_have_count(0)
        if server.with_boundaries:
            expect(page.locator("#stats-legend")).to_contain_text("پنهان")


def test_the_national_office_sees_the_provinces_in_bars_and_every_county_on_the_map(
    browser: Browser, server: LiveServer,
) -> None:
    with _offline_page(browser, server, viewport={"width": 1366, "height": 1400}) as page:
        sign_in(page, "national_office")
        page.goto("/statistics?grain=month")
        _drawn(page)
        expect(page.locator("#stats-province")).to_have_value("")  # the nation
        assert page.evaluate("window.panahStats.bars") == 25  # the 25 largest of 31
        labels = page.evaluate(
            "Chart.getChart(document.querySelector('#stats-bars')).data.labels")
        assert labels[0] == "مازندران"  # the history is Mazandaran's
        if server.with_boundaries:
            assert page.evaluate("window.panahStats.counties") > 400
