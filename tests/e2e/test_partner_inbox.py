"""A partner's inbox in real browsers (issue 14, journey 10): the Mazandaran counsellor refers
the Chalus caller to the police; the police 110 desk officer signs in, finds the referral in
the inbox (what, where, how urgent, by when; never who), acknowledges and accepts it with
the police's own reference, and the counsellor sees it taken. Then the officer hands a
family dispute over to 123 through the form, sees which queue it reached, and it waits in
the Mazandaran counsellor's queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, api, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e
CALLER = "+989121234567"  # the demo's Chalus caller


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the journey refers the demo's Chalus caller and hands a case in."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@pytest.fixture
def counsellor(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 900}) as page:
        yield page


@pytest.fixture
def police(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 1000}) as page:
        yield page


def test_the_police_take_a_referral_and_hand_a_case_to_the_mazandaran_queue(
    counsellor: Page, police: Page
) -> None:
    sign_in(counsellor, "counsellor")
    counsellor.goto("/line")
    chalus = counsellor.locator("tr.line-row[data-risk=high]").first
    contact_id = int(chalus.get_attribute("data-contact") or 0)
    referral = api(counsellor, "POST", f"/api/contacts/{contact_id}/referrals", {
        "agency_code": "police-110-ir02-chalus", "urgency": "high", "consent": "given",
        "category": "spouse_abuse"})
    assert referral["state"] == "requested"

    sign_in(police, "police_110")
    expect(police.locator("h1")).to_contain_text("کاوه انتظامی")
    expect(police.locator("#home-partner-open")).to_have_text("۱")
    police.click("nav a[href='/partner']")
    police.wait_for_url("**/partner")
    item = police.locator(f"li[data-referral='{referral['id']}']")
    expect(item).to_have_attribute("data-state", "requested")
    expect(item).to_contain_text("همسرآزاری")
    expect(item).to_contain_text("چالوس")
    expect(item).to_contain_text("۱۴۰۵/۰۱/۰۲ ۱۰:۱۵")
    assert CALLER not in police.content() and "۰۹۱۲۱۲۳۴۵۶۷" not in police.content()
    screenshot(police, "partner-inbox-fa.png")

    item.locator("button[data-answer=received]").click()
    expect(police.locator("#partner-answered")).to_be_visible()
    item = police.locator(f"li[data-referral='{referral['id']}']")
    expect(item).to_have_attribute("data-state", "received")
    item.locator("form.partner-accept input[name=reference]").fill("MZN-110-4471")
    item.locator("form.partner-accept input[name=note]").fill("گشت کلانتری چالوس در راه است")
    item.locator("button[data-answer=accepted]").click()
    expect(police.locator(f"li[data-referral='{referral['id']}']")).to_have_attribute(
        "data-state", "accepted")
    taken = api(counsellor, "GET", f"/api/referrals/{referral['id']}")
    assert (taken["state"], taken["partner_reference"]) == ("accepted", "MZN-110-4471")

    police.click("#partner-handover-link")
    police.wait_for_url("**/partner/handover")
    form = police.locator("#handover-form")
    form.locator("select[name=agency_code]").select_option("police-110-ir02")
    form.locator("textarea[name=description]").fill(
        "دعوای خانوادگی در ویلای ساحلی نوشهر؛ زن و دو کودک ترسیده‌اند و کمک می‌خواهند.")
    form.locator("input[name=urgency][value=high]").check()
    form.locator("select[name=category]").select_option("family_conflict")
    form.locator("input[name=lat]").fill("۳۶٫۶۴۸")
    form.locator("input[name=lon]").fill("51.496")
    form.locator("input[name=reference]").fill("MZN-110-4480")
    screenshot(police, "partner-handover-fa.png")
    form.locator("#handover-send").click()
    reached = police.locator("#partner-handed")
    expect(reached).to_contain_text("MZN-110-4480")
    expect(reached).to_contain_text("در صف خط ۱۲۳ مازندران")
    handed = police.locator("tr[data-handover]").first
    expect(handed).to_have_attribute("data-queue", "IR-02")
    handed_id = handed.get_attribute("data-handover")

    counsellor.goto("/line")
    expect(counsellor.locator(f"tr.line-row[data-contact='{handed_id}']")).to_have_attribute(
        "data-channel", "partner")
