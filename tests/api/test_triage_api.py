"""Triage through the API: categories, the protocol form's next question, screens that set
the contact's risk, the actions proposed, and "no outcome, no close"."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.intake.model import Channel, LocationFix, LocationSource
from panah.intake.orm import Contact
from panah.intake.routing.context import routing_context
from panah.intake.service import NewContact, open_contact
from panah.triage.orm import ContactOutcome, DispatchRequest, Screen
from tests.api.conftest import People

CHALUS = (36.6550, 51.4205)
NO_DANGER_NOW = {"danger_now": False}


def chalus_call(app: FastAPI, clock: FrozenClock, call: str) -> int:
    with unit_of_work(app.state.session_factory) as session:
        fix = LocationFix(LocationSource.network, *CHALUS, radius_m=100, at=clock.now())
        contact = open_contact(session, new=NewContact(Channel.voice, call, "+989121112233",
                                                       "123", (fix,)),
                               context=routing_context(session), now=clock.now())
        return contact.id


@pytest.fixture
def taken(app: FastAPI, clock: FrozenClock, people: People) -> int:
    """A Chalus call the Mazandaran counsellor has taken."""
    contact_id = chalus_call(app, clock, "triage-1")
    assert people("counsellor").post(f"/api/contacts/{contact_id}/take").status_code == 200
    return contact_id


def count(app: FastAPI, model: type, contact_id: int) -> int:
    with unit_of_work(app.state.session_factory) as session:
        return session.scalar(select(func.count()).select_from(model).where(
            model.contact_id == contact_id)) or 0  # type: ignore[attr-defined]


def test_spouse_abuse_with_a_high_lethality_score_proposes_a_team_and_the_police(
    app: FastAPI, people: People, taken: int
) -> None:
    counsellor = people("counsellor")
    chosen = counsellor.put(f"/api/contacts/{taken}/categories",
                            json={"codes": ["spouse_abuse", "spouse_abuse", "child_abuse"]})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json() == {"codes": ["spouse_abuse", "child_abuse"],
                             "suggested_protocols": ["lethality_screen", "child_safety_check"]}

    first = counsellor.post("/api/protocols/lethality_screen/next", json={"answers": {}})
    assert first.json()["question"]["id"] == "danger_now"
    second = counsellor.post("/api/protocols/lethality_screen/next",
                             json={"answers": NO_DANGER_NOW})
    assert second.json()["question"]["id"] == "q1_weapon"

    answers: dict[str, Any] = {**NO_DANGER_NOW, "q1_weapon": False, "q2_threat_to_kill": True,
                               "q3_might_kill": False}
    screen = counsellor.post(f"/api/contacts/{taken}/screens",
                             json={"protocol_id": "lethality_screen", "answers": answers})
    assert screen.status_code == 201, screen.text
    body = screen.json()
    assert (body["level"], body["contact_risk"]) == ("high", "high")
    assert body["reasons"][0]["question_ids"] == ["q2_threat_to_kill"]

    triage = counsellor.get(f"/api/contacts/{taken}/triage").json()
    assert triage["risk"] == "high"
    assert [(p["kind"], p["agency_domain"]) for p in triage["proposals"]] == [
        ("mobile_team", None), ("referral", "police")]
    queue = {c["id"]: c["risk"] for c in counsellor.get("/api/line/queue").json()}
    assert taken not in queue  # taken: no longer waiting, but its risk is stored
    team = counsellor.post(f"/api/contacts/{taken}/mobile-team",
                           json={"cautions": ["violent_person", "children_present"]})
    assert team.status_code == 201, team.text
    assert (team.json()["priority"], team.json()["lat"]) == ("high", CHALUS[0])
    proposals = counsellor.get(f"/api/contacts/{taken}/triage").json()["proposals"]
    assert [p["kind"] for p in proposals] == ["referral"]  # the team is on its way already


def test_a_screen_missing_a_required_answer_is_refused_and_nothing_is_kept(
    app: FastAPI, people: People, taken: int
) -> None:
    refused = people("counsellor").post(
        f"/api/contacts/{taken}/screens",
        json={"protocol_id": "cssrs_screener", "answers": {"q1_wish_dead": True}})
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["problem"] == "missing"
    assert refused.json()["message_fa"]
    assert count(app, Screen, taken) == 0
    unknown = people("counsellor").post(f"/api/contacts/{taken}/screens", json={
        "protocol_id": "no_such_screen", "answers": {}})
    assert unknown.status_code == 404


def test_no_outcome_no_close(app: FastAPI, people: People, taken: int) -> None:
    counsellor = people("counsellor")
    for outcomes in ([], [{"outcome": "counselled"}], [{"outcome": "out_of_remit"}],
                     [{"outcome": "referral", "agency_code": "police-110-nowhere"}],
                     [{"outcome": "information_given", "directory_entry_ids": ["no-such"]}]):
        refused = counsellor.post(f"/api/contacts/{taken}/close", json={"outcomes": outcomes})
        assert refused.status_code == 422, (outcomes, refused.text)
        assert refused.json()["message"] and refused.json()["message_fa"]
    with unit_of_work(app.state.session_factory) as session:
        assert session.get_one(Contact, taken).state == "assigned"
    assert count(app, ContactOutcome, taken) == 0

    closed = counsellor.post(f"/api/contacts/{taken}/close", json={"outcomes": [
        {"outcome": "counselled", "note": "Calmed; safety plan agreed."}]})
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "closed"
    again = counsellor.post(f"/api/contacts/{taken}/close",
                            json={"outcomes": [{"outcome": "silent_misdial"}]})
    assert again.status_code == 422  # closed already


def test_closing_with_a_mobile_team_makes_the_request_and_the_follow_up_calls(
    app: FastAPI, people: People, taken: int
) -> None:
    counsellor = people("counsellor")
    counsellor.put(f"/api/contacts/{taken}/categories", json={"codes": ["suicidal_thoughts"]})
    medium = {"danger_now": False, "q1_wish_dead": True, "q2_suicidal_thoughts": True,
              "q3_method": True, "q4_intent": False, "q5_plan": False, "q6_behaviour": False}
    screen = counsellor.post(f"/api/contacts/{taken}/screens",
                             json={"protocol_id": "cssrs_screener", "answers": medium})
    assert screen.status_code == 201, screen.text
    assert screen.json()["level"] == "medium"
    closed = counsellor.post(f"/api/contacts/{taken}/close", json={"outcomes": [
        {"outcome": "mobile_team_requested"},
        {"outcome": "counselled", "note": "Talked it through."}]})
    assert closed.status_code == 200, closed.text
    assert closed.json()["follow_ups"] == 2  # at 24 h and at 72 h
    assert closed.json()["outcomes"][0]["dispatch_request_id"] is not None
    assert count(app, DispatchRequest, taken) == 1


def test_a_gilan_counsellor_cannot_triage_a_mazandaran_contact(
    people: People, taken: int
) -> None:
    gilan = people("counsellor_gilan")
    assert gilan.put(f"/api/contacts/{taken}/categories",
                     json={"codes": ["spouse_abuse"]}).status_code in {403, 404}
    assert gilan.post(f"/api/contacts/{taken}/close", json={"outcomes": [
        {"outcome": "silent_misdial"}]}).status_code in {403, 404}


def test_a_queued_contact_is_taken_before_it_is_closed(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    waiting = chalus_call(app, clock, "triage-queued")
    refused = people("counsellor").post(f"/api/contacts/{waiting}/close",
                                        json={"outcomes": [{"outcome": "silent_misdial"}]})
    assert refused.status_code == 422
    assert "take it first" in refused.json()["message"]


def test_the_line_timers_escalate_an_unacknowledged_referral_and_a_missed_follow_up_once(
    app: FastAPI, clock: FrozenClock, people: People, taken: int
) -> None:
    from panah.core.timers import tick
    from panah.integrations.sms import LoggingSmsProvider
    from panah.triage.orm import FollowUp, Referral

    counsellor = people("counsellor")
    counsellor.put(f"/api/contacts/{taken}/categories", json={"codes": ["suicidal_thoughts"]})
    counsellor.post(f"/api/contacts/{taken}/screens", json={
        "protocol_id": "cssrs_screener", "answers": {
            "danger_now": False, "q1_wish_dead": True, "q2_suicidal_thoughts": True,
            "q3_method": True, "q4_intent": False, "q5_plan": False, "q6_behaviour": False}})
    referred = counsellor.post(f"/api/contacts/{taken}/referrals", json={
        "agency_code": "police-110-ir02", "consent": "given"})  # urgency: the contact's risk
    assert referred.status_code == 201, referred.text
    closed = counsellor.post(f"/api/contacts/{taken}/close", json={"outcomes": [
        {"outcome": "referral", "agency_code": "police-110-ir02"}]})
    assert closed.status_code == 200, closed.text

    tick(app.state.session_factory, clock=clock, sms=LoggingSmsProvider())  # nothing due yet
    with unit_of_work(app.state.session_factory) as session:
        assert session.scalar(select(Referral.escalated_at).where(
            Referral.contact_id == taken)) is None
    clock.advance(hours=25)  # past the 60-minute acknowledgement and the 24-hour call
    first = tick(app.state.session_factory, clock=clock, sms=LoggingSmsProvider())
    again = tick(app.state.session_factory, clock=clock, sms=LoggingSmsProvider())
    assert first.referrals_escalated >= 1 and first.follow_ups_escalated >= 1
    assert (again.referrals_escalated, again.follow_ups_escalated) == (0, 0)
    with unit_of_work(app.state.session_factory) as session:
        assert session.scalar(select(Referral.escalated_at).where(
            Referral.contact_id == taken)) is not None
        due = session.execute(select(FollowUp.due_at, FollowUp.escalated_at).where(
            FollowUp.contact_id == taken).order_by(FollowUp.due_at)).all()
    assert [escalated is not None for _, escalated in due] == [True, False]  # 24 h, not 72 h


def test_a_number_closed_as_nuisance_again_and_again_is_flagged_never_blocked(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    counsellor = people("counsellor")
    for n in range(3):
        contact_id = chalus_call(app, clock, f"nuisance-{n}")
        counsellor.post(f"/api/contacts/{contact_id}/take")
        closed = counsellor.post(f"/api/contacts/{contact_id}/close",
                                 json={"outcomes": [{"outcome": "nuisance"}]})
        assert closed.status_code == 200, closed.text
        clock.advance(hours=2)
    again = chalus_call(app, clock, "nuisance-3")
    contact = counsellor.get(f"/api/contacts/{again}").json()
    assert "repeated_nuisance" in contact["flags"]
    assert contact["state"] == "queued"  # it still reaches the queue like any other call
