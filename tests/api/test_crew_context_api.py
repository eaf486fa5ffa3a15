"""The crew arrives knowing why (issue 14, journey 4): what the counsellor learnt in triage
travels with the mobile-team request to the incident and to the crew's phone — what it is
about, the risk, the cautions, who called, a short summary for the crew and the place in
words — and a caller who asked for a woman gets a crew with a woman first.

Named people: the Mazandaran counsellor (``counsellor``), the dispatcher, and Maryam
Rezaei, the social worker on MZN-01 (``field_crew``)."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.dispatch.orm import Unit
from panah.intake.model import Channel, LocationFix, LocationSource
from panah.intake.routing.context import routing_context
from panah.intake.service import NewContact, open_contact
from tests.api.conftest import People

CHALUS = (36.6550, 51.4205)
SUMMARY = "زن جوان با دو کودک در ویلای اجاره‌ای؛ همسرش او را تهدید به کشتن کرده است."
PLACE = "چالوس، خیابان ساحلی، کوچهٔ اقاقیا، ویلای سفید"


def _chalus_contact(app: FastAPI, clock: FrozenClock, *, channel: Channel = Channel.voice,
                    wants_woman: bool = False) -> int:
    with unit_of_work(app.state.session_factory) as session:
        fix = LocationFix(LocationSource.network, *CHALUS, radius_m=100, at=clock.now())
        contact = open_contact(session, new=NewContact(
            channel, f"crew-context-{channel.value}-{wants_woman}", "+989121112233", "123",
            (fix,), wants_woman=wants_woman), context=routing_context(session), now=clock.now())
        return contact.id


def _triaged(people: People, contact_id: int, **team: Any) -> dict[str, Any]:
    """The counsellor takes the contact, says what it is about and asks for a team."""
    counsellor = people("counsellor")
    assert counsellor.post(f"/api/contacts/{contact_id}/take").status_code == 200
    assert counsellor.put(f"/api/contacts/{contact_id}/categories",
                          json={"codes": ["spouse_abuse", "child_abuse"]}).status_code == 200
    asked = counsellor.post(f"/api/contacts/{contact_id}/mobile-team", json={
        "cautions": ["violent_person", "children_present"], **team})
    assert asked.status_code == 201, asked.text
    return asked.json()  # type: ignore[no-any-return]


def _mzn01(app: FastAPI) -> int:
    with unit_of_work(app.state.session_factory) as session:
        found = session.scalar(select(Unit.id).where(Unit.call_sign == "MZN-01"))
        assert found is not None
        return found


def test_the_crew_sees_what_it_is_about_who_called_the_summary_and_the_place_in_words(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    contact_id = _chalus_contact(app, clock)
    request = _triaged(people, contact_id, summary=SUMMARY, place=PLACE,
                       caller_kind="third_party")
    desk = people("dispatcher")
    made = desk.post(f"/api/dispatch-requests/{request['id']}/incident")
    assert made.status_code == 201, made.text
    sent = desk.post(f"/api/incidents/{made.json()['id']}/assignments",
                     json={"unit_id": _mzn01(app)})
    assert sent.status_code == 201, sent.text

    incident = people("field_crew").get(f"/api/units/{_mzn01(app)}/assignment").json()["incident"]

    assert incident["summary"] == SUMMARY
    assert incident["place"] == PLACE
    assert incident["caller_kind"] == "third_party"
    assert incident["categories"] == ["spouse_abuse", "child_abuse"]
    assert incident["categories_fa"][0] == "همسرآزاری"
    assert incident["cautions_fa"] == ["کودکان حاضرند", "فرد خشن"]
    assert incident["area_fa"].endswith("مازندران") and "Chalus" in incident["area_en"]
    assert incident["priority"] == request["priority"]


def test_who_called_follows_the_channel_unless_the_counsellor_says(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    report = _triaged(people, _chalus_contact(app, clock, channel=Channel.web_report))
    call = _triaged(people, _chalus_contact(app, clock))

    assert report["caller_kind"] == "third_party"
    assert call["caller_kind"] == "person"


def test_a_caller_who_asked_for_a_woman_gets_a_crew_with_a_woman_first(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    request = _triaged(people, _chalus_contact(app, clock, wants_woman=True))
    assert request["prefer_woman"] is True
    desk = people("dispatcher")
    incident = desk.post(f"/api/dispatch-requests/{request['id']}/incident").json()
    assert incident["prefer_woman"] is True

    found = desk.get(f"/api/incidents/{incident['id']}/recommendations").json()

    first = found["picks"][0]
    assert "woman_on_crew" in first["reasons"]
    assert "زن" in first["explain_fa"]  # "مددکار اجتماعی زن": the woman is named


def test_the_counsellor_may_say_no_woman_is_needed_after_all(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    request = _triaged(people, _chalus_contact(app, clock, wants_woman=True),
                       prefer_woman=False)
    assert request["prefer_woman"] is False


def test_an_unknown_caller_kind_is_refused_with_what_to_choose(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    contact_id = _chalus_contact(app, clock)
    assert people("counsellor").post(f"/api/contacts/{contact_id}/take").status_code == 200
    refused = people("counsellor").post(f"/api/contacts/{contact_id}/mobile-team",
                                        json={"caller_kind": "neighbour"})
    assert refused.status_code == 422
    assert "third_party" in refused.text  # what to choose instead
    assert people("counsellor").get(f"/api/contacts/{contact_id}/triage").json()[
        "dispatch_requests"] == []


def test_the_summary_and_the_place_are_sealed_in_the_request_and_the_incident(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str,
) -> None:
    request = _triaged(people, _chalus_contact(app, clock), summary=SUMMARY, place=PLACE)
    made = people("dispatcher").post(f"/api/dispatch-requests/{request['id']}/incident")
    typed = people("dispatcher").post("/api/incidents", json={
        "lat": CHALUS[0], "lon": CHALUS[1], "place": PLACE, "summary": SUMMARY})
    assert made.status_code == typed.status_code == 201
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        stored = [*db.execute("SELECT summary, place FROM dispatch_request WHERE id = ?",
                              (request["id"],)).fetchone(),
                  *(value for row in db.execute(
                      "SELECT summary, place FROM incident WHERE id IN (?, ?)",
                      (made.json()["id"], typed.json()["id"])) for value in row)]
    assert len(stored) == 6
    assert all(str(value).startswith("v1.") for value in stored), stored
    assert typed.json()["place"] == PLACE and typed.json()["summary"] == SUMMARY
