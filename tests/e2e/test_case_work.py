"""The case's work on the case page, in a real browser and in Persian: the social worker
assigns a psychologist with one form, adds a goal due on a Jalali day (a past day comes
back explained), submits the plan; the supervisor approves it and the case moves on to
services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, _offline_page, own_server, screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def work_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server of its own: the journey changes a demo case's team and plan."""
    with own_server(request, tmp_path_factory) as server:
        yield server


@contextmanager
def person(browser: Browser, server: LiveServer, username: str) -> Iterator[Page]:
    with _offline_page(browser, server, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, username)
        yield page


def test_assign_a_psychologist_add_a_goal_submit_and_the_supervisor_approves(
    browser: Browser, work_server: LiveServer
) -> None:
    with person(browser, work_server, "social_worker") as worker:
        worker.goto("/cases")
        link = worker.locator("table.cases-table tr", has_text="کودک‌آزاری").locator("a").first
        case_path = link.get_attribute("href")
        assert case_path and case_path.startswith("/cases/")
        worker.goto(case_path)
        panel = worker.locator("#work")
        expect(panel.locator("#work-status")).to_have_text("ارزیابی")

        team_form = panel.locator("#team-form")
        option = team_form.locator("optgroup[label='روانشناس'] option").first
        team_form.locator("select[name=user_id]").select_option(option.get_attribute("value"))
        team_form.locator("button[type=submit]").click()
        worker.wait_for_url(f"**{case_path}#work")
        expect(panel.locator("#work-team [data-discipline=psychologist] li")).to_have_count(1)

        goal_form = panel.locator("#goal-form")
        goal_form.locator("[name=text]").fill("جلسهٔ مشاورهٔ کودک با حضور مادربزرگ")
        goal_form.locator("[name=due_on]").fill("۱۴۰۴/۱۲/۰۱")
        goal_form.locator("button[type=submit]").click()
        expect(worker.locator("#work-error")).to_contain_text("موعد هدف نمی‌تواند گذشته باشد")
        expect(panel.locator(".goals-table tbody tr")).to_have_count(1)  # nothing saved

        goal_form.locator("[name=text]").fill("جلسهٔ مشاورهٔ کودک با حضور مادربزرگ")
        goal_form.locator("[name=due_on]").fill("۱۴۰۵/۰۱/۱۰")
        goal_form.locator("[name=owner_discipline]").select_option("psychologist")
        goal_form.locator("button[type=submit]").click()
        row = panel.locator(".goals-table tr", has_text="جلسهٔ مشاورهٔ کودک")
        expect(row).to_contain_text("۱۴۰۵/۰۱/۱۰")
        expect(row).to_contain_text("روانشناس")

        panel.locator("#plan-submit-form button").click()
        expect(panel.locator("#plan-state")).to_have_text("در انتظار تأیید سرپرست")
        expect(panel.locator("#work-status")).to_have_text("برنامه‌ریزی")
        expect(panel.locator("#plan-approve-form")).to_have_count(0)

    with person(browser, work_server, "supervisor") as supervisor:
        supervisor.goto(case_path)
        panel = supervisor.locator("#work")
        panel.locator("#plan-approve-form button").click()
        supervisor.wait_for_url(f"**{case_path}#work")
        expect(panel.locator("#plan-state")).to_have_text("تأییدشده")
        expect(panel.locator("#work-status")).to_have_text("ارائهٔ خدمات")
        panel.scroll_into_view_if_needed()
        screenshot(supervisor, "case-work-fa.png")
