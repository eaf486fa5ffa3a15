"""A province's own 123 line settings through the API and the page: who may change them,
what is refused, and that routing and overflow follow them at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.intake.model import Channel, LocationFix, LocationSource
from panah.intake.routing.context import routing_context
from panah.intake.service import NewContact, open_contact
from tests.api.conftest import HTML, People

CHALUS = (36.6550, 51.4205)




def chalus_contact(app: FastAPI, clock: FrozenClock, call: str) -> tuple[str, object]:
    with unit_of_work(app.state.session_factory) as session:
        fix = LocationFix(LocationSource.network, *CHALUS, radius_m=100, at=clock.now())
        contact = open_contact(session, new=NewContact(Channel.voice, call, None, "123", (fix,)),
                               context=routing_context(session), now=clock.now())
        return contact.queue, contact.next_overflow_at


def test_the_supervisor_changes_her_provinces_line_and_routing_follows(
    app: FastAPI, people: People, clock: FrozenClock
) -> None:
    supervisor = people("supervisor")
    before = supervisor.get("/api/lines/IR-02").json()
    assert (before["customised"], before["hours"], before["overflow_after_s"]) == (
        False, "", 20.0)
    assert before["backup_queues"][0] == "IR-27"  # Golestan first, by the surge plan

    local_hour = (clock.now() + timedelta(hours=3, minutes=30)).hour
    closed_now = f"{(local_hour + 2) % 24:02d}:00-{(local_hour + 3) % 24:02d}:00"
    changed = supervisor.put("/api/lines/IR-02", json={
        "overflow_after_s": 45, "backup_queues": ["IR-27", "IR-20"], "national_pool": True,
        "hours": closed_now})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["customised"], changed.json()["overflow_after_s"]) == (True, 45.0)

    queue, _ = chalus_contact(app, clock, "closed-1")
    assert queue == "IR-27"  # Mazandaran is closed at this hour: Golestan answers
    supervisor.put("/api/lines/IR-02", json={"overflow_after_s": 45, "backup_queues": ["IR-27"],
                                             "national_pool": True, "hours": ""})
    queue, overflow_at = chalus_contact(app, clock, "open-1")
    assert queue == "IR-02"
    assert overflow_at is not None
    assert abs((overflow_at.replace(tzinfo=clock.now().tzinfo) - clock.now()).total_seconds()
               - 45) < 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"overflow_after_s": 45, "backup_queues": [], "national_pool": False}, "backup_queues"),
        ({"overflow_after_s": 45, "backup_queues": ["IR-02"]}, "backup_queues"),
        ({"overflow_after_s": 45, "backup_queues": ["IR-27"], "hours": "morning"}, "hours"),
    ],
)
def test_settings_that_leave_callers_nowhere_are_refused_and_nothing_changes(
    people: People, body: dict[str, object], field: str
) -> None:
    supervisor = people("supervisor")
    refused = supervisor.put("/api/lines/IR-02", json=body)
    assert refused.status_code == 422
    assert refused.json()["details"]["field"] == field and refused.json()["message_fa"]
    assert supervisor.get("/api/lines/IR-02").json()["customised"] is False


def test_only_her_own_province_and_only_supervising_roles(people: People) -> None:
    assert people("supervisor").get("/api/lines/IR-01").status_code == 403
    assert people("counsellor").get("/api/lines/IR-02").status_code == 403
    assert people("admin").get("/api/lines/IR-01").status_code == 200  # national


def test_the_settings_page_saves_and_shows_a_mistake_in_both_languages(people: People) -> None:
    supervisor = people("supervisor")
    assert supervisor.get("/line/settings").headers["location"] == "/line/settings/IR-02"
    page = supervisor.get("/line/settings/IR-02", headers=HTML)
    assert page.status_code == 200 and "خط ۱۲۳ استان مازندران" in page.text
    saved = supervisor.post("/line/settings/IR-02", data={
        "overflow_after_s": "۳۰", "backup_1": "IR-27", "backup_2": "IR-20", "national_pool": "on",
        "hours": "08:00-20:00"}, headers=HTML)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=1")
    shown = supervisor.get(saved.headers["location"], headers=HTML).text
    assert 'id="line-saved"' in shown and 'value="08:00-20:00"' in shown and 'value="30"' in shown
    wrong = supervisor.post("/line/settings/IR-02", data={
        "overflow_after_s": "2", "backup_1": "IR-27", "national_pool": "on"}, headers=HTML)
    assert wrong.status_code == 422
    assert 'id="line-error"' in wrong.text and "Overflow after 5 to 600 seconds" in wrong.text
