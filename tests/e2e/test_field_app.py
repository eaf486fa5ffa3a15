"""The mobile crew's field app on a phone: a dispatcher sends MZN-01 to a family in Chalus;
the crew sees the assignment with its cautions in Persian, loses the network, works the
whole visit offline (statuses, a safety check-in, the report), and when the network comes
back every change reaches the server in the order it was made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    PHONE,
    LiveServer,
    _offline_page,
    api,
    own_server,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e
CHALUS_FAMILY = {"lat": 36.6552, "lon": 51.4200, "priority": "high",
                 "cautions": ["children_present", "violent_person"],
                 "place": "چالوس، خیابان ساحلی، کوچهٔ ۱۲",
                 "note": "همسایه صدای فریاد کودک شنیده است."}
VISIT = ["en_route", "on_scene", "transporting", "at_centre", "available_at_post"]
SYNC_TIMEOUT = 30_000


@pytest.fixture(scope="module")
def field_server(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the journey moves MZN-01 through a whole visit."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture
def dispatcher(browser: Browser, field_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, field_server, viewport={"width": 1280, "height": 800}) as page:
        sign_in(page, "dispatcher")
        yield page


@pytest.fixture
def crew_phone(browser: Browser, field_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, field_server, **PHONE) as page:
        yield page


def _send_mzn01(dispatcher: Page) -> tuple[int, int]:
    board = api(dispatcher, "GET", "/api/dispatch/board")
    unit_id = next(u["id"] for u in board["units"] if u["call_sign"] == "MZN-01")
    incident = api(dispatcher, "POST", "/api/incidents", CHALUS_FAMILY)
    api(dispatcher, "POST", f"/api/incidents/{incident['id']}/assignments", {"unit_id": unit_id})
    return unit_id, int(incident["id"])


def _visit_history(dispatcher: Page, unit_id: int, incident_id: int) -> list[dict[str, Any]]:
    return [e for e in api(dispatcher, "GET", f"/api/units/{unit_id}/history")
            if e["incident_id"] == incident_id]


def _tap_status(phone: Page, status: str) -> None:
    phone.locator(f'button[data-status="{status}"]').click()
    expect(phone.locator("#field-status")).to_have_attribute("data-status", status)


def test_crew_works_offline_and_every_status_reaches_the_server_in_order(
    dispatcher: Page, crew_phone: Page
) -> None:
    unit_id, incident_id = _send_mzn01(dispatcher)
    phone = crew_phone
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(phone, "field_crew")
    phone.goto("/field")
    expect(phone.locator("#field-callsign")).to_contain_text("MZN-01")
    expect(phone.locator("#field-status")).to_have_attribute("data-status", "dispatched")
    expect(phone.locator("#field-status")).to_contain_text("اعزام شد")
    cautions = phone.locator("#field-cautions .field-caution")
    expect(cautions).to_have_count(2)
    expect(phone.locator("#field-cautions")).to_contain_text("کودکان حاضرند")
    expect(phone.locator("#field-cautions")).to_contain_text("فرد خشن")
    expect(phone.locator("#field-place")).to_contain_text("چالوس")
    expect(phone.locator("#field-map path.field-point-incident")).to_have_count(1)
    # No position has come from the unit yet: the map shows where it starts from, its post.
    expect(phone.locator("#field-map path.field-point-post")).to_have_count(1)
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/field")

    phone.context.set_offline(True)
    expect(phone.locator("#field-sync-state")).to_have_attribute("data-state", "offline")
    _tap_status(phone, "en_route")
    expect(phone.locator("#field-status")).to_have_attribute("data-pending", "true")
    _tap_status(phone, "on_scene")
    expect(phone.locator("#field-safety")).to_be_visible()
    expect(phone.locator("#field-safety")).to_have_attribute("data-overdue", "false")
    expect(phone.locator('button[data-status="transporting"]')).to_be_enabled()
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "field-app-fa.png")
    phone.locator("#field-check-in").click()
    form = phone.locator("#field-report-form")
    form.locator("#field-outcome").select_option("taken_to_centre")
    form.locator("#field-people").fill("۳")
    form.locator("#field-children").fill("۲")
    form.locator("#field-text").fill("مادر و دو کودک را با رضایت مادر به مرکز مداخله بردیم.")
    form.locator("#field-report-submit").click()
    expect(phone.locator("#field-report-done")).to_be_visible()
    phone.reload()  # from the service worker's cache; the queue is still on the phone
    expect(phone.locator("#field-status")).to_have_attribute("data-status", "on_scene")
    expect(phone.locator("#field-queue-count")).to_have_attribute("data-count", "4")
    expect(phone.locator("#field-report-done")).to_be_visible()
    for status in VISIT[2:]:
        _tap_status(phone, status)
    expect(phone.locator("#field-incident")).to_be_hidden()  # cleared on the phone

    queue = phone.locator("#field-queue-count")
    expect(queue).to_have_attribute("data-count", str(len(VISIT) + 2))  # + check-in, report
    assert phone.evaluate("window.panahField.queued()") > 0
    assert [e["status"] for e in _visit_history(dispatcher, unit_id, incident_id)] == [
        "dispatched"]

    phone.context.set_offline(False)
    expect(queue).to_have_attribute("data-count", "0", timeout=SYNC_TIMEOUT)
    expect(phone.locator("#field-sync-state")).to_have_attribute("data-state", "online")
    expect(phone.locator("#field-status")).to_have_attribute("data-pending", "false")
    expect(phone.locator("#field-status")).to_have_attribute("data-status", "available_at_post")
    expect(phone.locator("#field-notices li")).to_have_count(0)
    expect(phone.locator("#field-failed")).to_be_hidden()
    assert phone.evaluate("window.panahField.synced") == len(VISIT) + 2

    history = _visit_history(dispatcher, unit_id, incident_id)
    assert [e["status"] for e in history] == ["dispatched", *VISIT]
    assert all(e["applied"] for e in history)
    times = [datetime.fromisoformat(e["at"]) for e in history]
    assert times == sorted(times)
    assert all(e["source"] == "field" for e in history[1:])
    # The report came before the crew cleared: the visit is closed, not waiting again.
    assert api(dispatcher, "GET", f"/api/incidents/{incident_id}")["state"] == "closed"
    assert errors == []


def test_an_account_without_a_unit_is_told_to_ask_the_shift_supervisor(
    dispatcher: Page,
) -> None:
    dispatcher.goto("/field")
    expect(dispatcher.locator("#field-unlinked")).to_contain_text("به هیچ خودرویی وصل نیست")
    expect(dispatcher.locator("#field-unlinked")).to_contain_text("سرپرست شیفت")
    dispatcher.goto("/field?lang=en")
    expect(dispatcher.locator("#field-unlinked")).to_contain_text("not linked to a unit")


def test_a_dispatcher_may_follow_a_unit_of_the_province_by_its_number(
    dispatcher: Page,
) -> None:
    board = api(dispatcher, "GET", "/api/dispatch/board")
    unit_id = next(u["id"] for u in board["units"] if u["call_sign"] == "MZN-02")
    dispatcher.goto(f"/field?unit={unit_id}")
    expect(dispatcher.locator("#field-callsign")).to_contain_text("MZN-02")
    expect(dispatcher.locator("button[data-status]")).not_to_have_count(0)
    assert dispatcher.request.get("/field?unit=999999").status == 404


def test_the_app_installs_with_a_worker_scoped_to_field(dispatcher: Page) -> None:
    worker = dispatcher.request.get("/field/sw.js")
    assert worker.ok
    assert worker.headers["content-type"].startswith("application/javascript")
    assert worker.headers["service-worker-allowed"] == "/field"
    manifest = dispatcher.request.get("/field/manifest.webmanifest").json()
    assert (manifest["start_url"], manifest["display"], manifest["dir"], manifest["lang"]) == (
        "/field", "standalone", "rtl", "fa")


def test_a_crew_cannot_open_another_units_app(dispatcher: Page, crew_phone: Page) -> None:
    board = api(dispatcher, "GET", "/api/dispatch/board")
    other = next(u["id"] for u in board["units"] if u["call_sign"] == "MZN-02")
    sign_in(crew_phone, "field_crew")
    assert crew_phone.request.get(f"/field?unit={other}").status == 403


def test_a_queued_change_the_radio_overtook_is_dropped_and_the_crew_told(
    dispatcher: Page, browser: Browser, field_server: LiveServer
) -> None:
    board = api(dispatcher, "GET", "/api/dispatch/board")
    unit_id = next(u["id"] for u in board["units"] if u["call_sign"] == "MZN-03")
    incident = api(dispatcher, "POST", "/api/incidents", {"lat": 36.7000, "lon": 52.6500})
    api(dispatcher, "POST", f"/api/incidents/{incident['id']}/assignments", {"unit_id": unit_id})
    with _offline_page(browser, field_server, viewport={"width": 390, "height": 844},
                       is_mobile=True, has_touch=True) as phone:
        sign_in(phone, "supervisor")
        phone.goto(f"/field?unit={unit_id}")
        expect(phone.locator("#field-status")).to_have_attribute("data-status", "dispatched")
        phone.context.set_offline(True)
        _tap_status(phone, "en_route")
        # Meanwhile the crew says on the radio that they are there already.
        api(dispatcher, "POST", f"/api/units/{unit_id}/status", {"status": "on_scene"})
        phone.context.set_offline(False)
        expect(phone.locator("#field-queue-count")).to_have_attribute(
            "data-count", "0", timeout=SYNC_TIMEOUT)
        expect(phone.locator("#field-notices li")).to_have_count(1)
        expect(phone.locator("#field-notices")).to_contain_text("نمی‌تواند")
        expect(phone.locator("#field-status")).to_have_attribute("data-status", "on_scene")
    statuses = [e["status"] for e in _visit_history(dispatcher, unit_id, int(incident["id"]))]
    assert statuses == ["dispatched", "on_scene"]
