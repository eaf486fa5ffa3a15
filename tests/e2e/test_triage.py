"""Triage in a real browser: a Mazandaran counsellor takes a report from Chalus, marks it
spouse abuse and answers the Lethality Screen question by question; the screen scores
high and proposes a mobile team and a police referral; both are made, and the supervisor
sees them on her view of the line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, screenshot, sign_in

pytestmark = pytest.mark.e2e
CHALUS = {"lat": 36.6550, "lon": 51.4205}


@pytest.fixture
def supervisor_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        yield page


def reported(page: Page) -> int:
    """A neighbour's report from Chalus through the public help API (no sign-in)."""
    answer = page.request.post("/api/help/reports", data={
        "what": "همسایه‌ام را شوهرش کتک می‌زند؛ فریاد می‌آید.", **CHALUS, "when": "همین حالا"})
    assert answer.status == 201, answer.text()
    assert answer.json()["queue"] == "IR-02"
    return int(answer.json()["contact_id"])


def answer(page: Page, question: str, value: str) -> None:
    form = page.locator("form.triage-screen")
    expect(form.locator("#screen-question")).to_have_attribute("data-question", question)
    form.locator(f"button[data-answer={value}]").click()


def test_spouse_abuse_with_high_lethality_brings_a_team_and_the_police(
    page: Page, supervisor_page: Page
) -> None:
    contact_id = reported(page)
    sign_in(page, "counsellor")
    page.goto(f"/line/contacts/{contact_id}")
    page.locator(".take-button").click()
    page.wait_for_url(f"**/line/contacts/{contact_id}")
    panel = page.locator("#triage-panel")
    expect(panel).to_have_attribute("data-state", "assigned")

    panel.locator("input[name=category][value=spouse_abuse]").check()
    panel.locator("#save-categories").click()
    expect(page.locator("#triage-notice")).to_be_visible()
    page.locator("button[data-start=lethality_screen]").click()
    answer(page, "danger_now", "no")
    answer(page, "q1_weapon", "no")
    answer(page, "q2_threat_to_kill", "yes")
    answer(page, "q3_might_kill", "yes")
    page.locator("#finish-screen").click()

    expect(page.locator("#triage-panel")).to_have_attribute("data-risk", "high")
    result = page.locator(".screen-result[data-protocol=lethality_screen]")
    expect(result).to_have_attribute("data-level", "high")
    proposals = page.locator("#triage-proposals li")
    expect(proposals).to_have_count(2)
    expect(proposals.nth(0)).to_have_attribute("data-kind", "mobile_team")
    expect(proposals.nth(1)).to_have_attribute("data-domain", "police")
    screenshot(page, "triage-proposals-fa.png")

    page.locator("input[name=caution][value=violent_person]").check()
    page.locator("#request-mobile-team").click()
    expect(page.locator("#triage-taken li[data-dispatch]")).to_have_count(1)
    referral = page.locator("form.referral-form[data-domain=police]")
    expect(referral.locator("select[name=agency_code] option")).not_to_have_count(0)
    referral.locator("input[name=consent][value=given]").check()
    referral.locator("button[data-refer=police]").click()
    expect(page.locator("#triage-taken li[data-referral]")).to_have_count(1)
    expect(page.locator("#triage-proposals")).to_have_count(0)  # both actions taken

    sign_in(supervisor_page, "supervisor")
    supervisor_page.goto("/line")
    actions = supervisor_page.locator("#line-actions")
    expect(actions.locator(f"#supervisor-dispatch li[data-contact='{contact_id}']")
           ).to_have_count(1)
    expect(actions.locator("#supervisor-referrals li", has=supervisor_page.locator(
        f"a[href='/line/contacts/{contact_id}']"))).to_have_attribute("data-state",
                                                                     "requested")
    screenshot(supervisor_page, "triage-supervisor-fa.png")
