"""The national administrator opens the province's centres, adds a county centre for
Kelardasht with a click on the map, and sees the county answered by it in the coverage
table (it was answered by Chalus's centre, its covering county)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e
CODE = "MZN-C-KELARDASHT"
PLACE = (36.5200, 51.1500)  # Kelardasht, away from the demo's centres
KELARDASHT_ROW = ".coverage-table tr[data-county='IR-02:Kelardasht County']"


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the new centre changes where Kelardasht's callers go."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture
def admin(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1366, "height": 900}) as page:
        sign_in(page, "admin")
        yield page


def _click_map_at(page: Page, lat: float, lon: float) -> None:
    page.wait_for_function("window.panahCentresMap && window.panahCentresMap.ready")
    x, y = page.evaluate(
        "([lat, lon]) => { const p = window.panahCentresMap.map.latLngToContainerPoint("
        "[lat, lon]); return [p.x, p.y]; }", [lat, lon])
    page.locator("#centres-map").click(position={"x": x, "y": y})


def test_an_admin_adds_a_county_centre_on_the_map_and_sees_it_answer_for_its_county(
    admin: Page,
) -> None:
    admin.goto("/admin/centres?province=IR-02")
    expect(admin.locator("h1")).to_contain_text("مراکز")
    expect(admin.locator(".org-tabs a[aria-current=page]")).to_have_text("مراکز")
    expect(admin.locator(KELARDASHT_ROW)).to_contain_text("چالوس")
    admin.wait_for_function("window.panahCentresMap.centres > 10")

    admin.locator("a.new-centre").click()
    admin.wait_for_url("**/admin/centres/new?province=IR-02")
    form = admin.locator("#centre-form")
    form.locator("[name=code]").fill(CODE)
    form.locator("[name=kind]").select_option("county_centre")
    form.locator("[name=name_fa]").fill("مرکز اورژانس اجتماعی کلاردشت")
    form.locator("[name=name_en]").fill("Kelardasht social emergency centre")
    form.locator("[name=county]").select_option("IR-02:Kelardasht County")
    _click_map_at(admin, *PLACE)
    assert abs(float(form.locator("#centre-lat").input_value()) - PLACE[0]) < 0.01
    assert abs(float(form.locator("#centre-lon").input_value()) - PLACE[1]) < 0.01
    form.locator("button[type=submit]").click()

    admin.wait_for_url("**/admin/centres?province=IR-02")
    row = admin.locator(KELARDASHT_ROW)
    expect(row).to_contain_text("مرکز اورژانس اجتماعی کلاردشت")
    expect(row).to_have_class("coverage-answered")
    expect(admin.locator(".coverage-summary")).not_to_have_class("coverage-summary gaps")
    centre = admin.locator(f".centres-admin-table tr[data-code='{CODE}']")
    expect(centre).to_contain_text("کلاردشت")
    admin.wait_for_function("window.panahCentresMap.ready")
    screenshot(admin, "centres-coverage-fa.png")
