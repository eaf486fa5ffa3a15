"""Referrals to partner agencies through the HTTP API (no wrong door): a counsellor refers,
the police acknowledge with their key, late ones escalate once, impossible or stale moves
are refused, hand-overs from the police become routed contacts, and the EIDO and FHIR
documents validate and name nobody.

People: the Mazandaran counsellor and supervisor, the Gilan counsellor, Mazandaran police
110 (the demo ``partner_agency`` account) and Gilan police 110 (an account made here).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.intake.model import Channel, LocationFix, LocationSource, RiskLevel
from panah.intake.orm import Contact
from panah.intake.service import NewContact, open_contact
from panah.security.apikeys import create_key
from panah.security.audit_orm import AuditEvent
from panah.security.orm import User
from panah.security.sessions import actor_of
from panah.triage.orm import Agency
from panah.triage.referrals.exchange import validate, validate_bundle
from panah.triage.referrals.service import escalate_overdue
from tests.api.conftest import People
from tests.conftest import NOWRUZ

CALLER = "+989121112222"
# Codes of our own: the demo directory has agencies of its own, linked to the same account.
MZN_POLICE, GLN_POLICE = "110-IR-02-test", "110-IR-01-test"
CHALUS_POLICE = "110-IR-02-chalus-test"  # a second agency of the Mazandaran police account
CHALUS = {"lat": 36.6550, "lon": 51.4205, "radius_m": 25}
POLICE = {"agency_code": MZN_POLICE, "urgency": "high", "consent": "given",
          "category": "spouse_abuse"}
REASON = "He is in the next room with a knife and she cannot speak freely"


@dataclass
class Partners:
    mazandaran: TestClient  # police 110 Mazandaran, the demo partner_agency account
    gilan: TestClient  # police 110 Gilan: another agency with its own account


def _add_gilan_police_account(session: Session) -> None:
    session.add(User(username="police_gilan", full_name="پلیس ۱۱۰ گیلان",
                     password_hash="!", role="partner_agency", province_code="IR-01",
                     created_at=NOWRUZ))
    session.flush()


def _user_id(session: Session, username: str) -> int:
    found = session.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return int(found)


@pytest.fixture
def partners(app: FastAPI) -> Iterator[Partners]:
    """The two police agencies in the directory, each with its account's API key."""
    keys = {}
    with unit_of_work(app.state.session_factory) as session:
        _add_gilan_police_account(session)
        for code, province, username, name in (
                (MZN_POLICE, "IR-02", "partner_agency", "Police 110 Mazandaran"),
                (GLN_POLICE, "IR-01", "police_gilan", "Police 110 Gilan"),
                (CHALUS_POLICE, "IR-02", "partner_agency", "Police 110 Chalus")):
            session.add(Agency(code=code, domain="police", name_fa=name, name_en=name,
                               province_code=province, phone="110", active=True,
                               user_id=_user_id(session, username)))
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        for username, province in (("partner_agency", "IR-02"), ("police_gilan", "IR-01")):
            keys[username] = create_key(session, actor=actor_of(admin), username=username,
                                        label=f"{username} key", province_code=province,
                                        now=NOWRUZ)[1]
    with (TestClient(app, headers={"Authorization": f"Bearer {keys['partner_agency']}"}) as mzn,
          TestClient(app, headers={"Authorization": f"Bearer {keys['police_gilan']}"}) as gln):
        yield Partners(mzn, gln)


@pytest.fixture
def chalus_contact(app: FastAPI) -> int:
    """A mobile caller in Chalus (Journey 1), routed to the Mazandaran queue."""
    with unit_of_work(app.state.session_factory) as session:
        contact = open_contact(session, new=NewContact(
            channel=Channel.voice, external_id="call-chalus-1", caller=CALLER,
            fixes=[LocationFix(LocationSource.network, 36.6550, 51.4205, 25)], risk=RiskLevel.high),
            context=app.state.intake_context.get(session), now=NOWRUZ)
        assert contact.queue == "IR-02"
        return contact.id


def refer(people: People, contact_id: int, **changes: object) -> dict[str, object]:
    response = people("counsellor").post(f"/api/contacts/{contact_id}/referrals",
                                         json={**POLICE, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def answer(partner: TestClient, referral_id: object, state: str, **extra: object) -> Any:
    return partner.post(f"/api/partner/referrals/{referral_id}/status",
                        json={"state": state, **extra})


def supervisor_list(people: People) -> list[dict[str, object]]:
    response = people("supervisor").get("/api/referrals")
    assert response.status_code == 200, response.text
    listed: list[dict[str, object]] = response.json()
    return listed


def test_counsellor_refers_a_chalus_caller_to_the_police_who_acknowledge_and_accept(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    referral = refer(people, chalus_contact)
    assert (referral["state"], referral["agency_code"], referral["province_code"]) == (
        "requested", MZN_POLICE, "IR-02")
    assert referral["ack_due_at"] == "2026-03-22T06:45:00Z"  # high risk: 15 minutes

    waiting = partners.mazandaran.get("/api/partner/referrals")
    assert waiting.status_code == 200, waiting.text
    assert [r["id"] for r in waiting.json()] == [referral["id"]]
    assert CALLER not in waiting.text and "09121112222" not in waiting.text

    received = answer(partners.mazandaran, referral["id"], "received")
    assert received.status_code == 200, received.text
    accepted = answer(partners.mazandaran, referral["id"], "accepted",
                      reference="MZN-110-4471", note="A patrol is on its way")
    assert accepted.json()["state"] == "accepted"

    [listed] = supervisor_list(people)
    assert (listed["state"], listed["partner_reference"], listed["partner_note"]) == (
        "accepted", "MZN-110-4471", "A patrol is on its way")
    assert listed["received_at"] and listed["decided_at"] and not listed["overdue"]


def test_a_partner_of_another_agency_sees_nothing_of_it(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    referral_id = refer(people, chalus_contact)["id"]
    assert partners.gilan.get("/api/partner/referrals").json() == []
    assert partners.gilan.get(f"/api/partner/referrals/{referral_id}").status_code == 404
    refused = answer(partners.gilan, referral_id, "accepted")
    assert refused.status_code == 404
    assert MZN_POLICE not in refused.text
    assert people("supervisor").get(f"/api/referrals/{referral_id}").json()["state"] == (
        "requested")


def test_a_gilan_counsellor_cannot_refer_a_mazandaran_contact(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    response = people("counsellor_gilan").post(f"/api/contacts/{chalus_contact}/referrals",
                                               json=POLICE)
    assert response.status_code == 403
    assert people("counsellor_gilan").get("/api/referrals?province=IR-02").status_code == 403


def test_an_agency_not_in_the_directory_is_refused_with_where_to_choose_one(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    response = people("counsellor").post(f"/api/contacts/{chalus_contact}/referrals",
                                         json={**POLICE, "agency_code": "110-IR-99"})
    assert response.status_code == 422
    assert "/api/directory/agencies" in response.json()["message"]
    assert "/api/directory/agencies" in response.json()["message_fa"]


@pytest.mark.parametrize(("urgency", "field"), [("medium", "consent"),
                                                 ("high", "override_reason")])
def test_without_consent_and_without_the_override_nothing_is_sent(
    people: People, partners: Partners, chalus_contact: int, urgency: str, field: str
) -> None:
    response = people("counsellor").post(
        f"/api/contacts/{chalus_contact}/referrals",
        json={**POLICE, "urgency": urgency, "consent": "not_asked"})
    assert response.status_code == 422
    assert response.json()["details"]["field"] == field
    assert response.json()["message_fa"]
    assert supervisor_list(people) == []


def test_the_immediate_danger_override_is_audited_without_its_reason(
    app: FastAPI, people: People, partners: Partners, chalus_contact: int, database_url: str
) -> None:
    referral = refer(people, chalus_contact, consent="refused", override_reason=REASON)
    assert referral["override_used"] is True
    with unit_of_work(app.state.session_factory) as session:
        reasons = session.scalars(select(AuditEvent.reason).where(
            AuditEvent.subject_type == "referral",
            AuditEvent.subject_id == str(referral["id"]))).all()
    assert any(r and r.startswith("consent override used") for r in reasons)
    assert not any(r and "knife" in r for r in reasons)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as raw:
        stored = raw.execute("SELECT override_reason FROM referral").fetchone()[0]
    assert stored and "knife" not in stored  # encrypted at rest


def _escalate(app: FastAPI, clock: FrozenClock) -> int:
    with unit_of_work(app.state.session_factory) as session:
        return escalate_overdue(session, now=clock.now())


def test_a_referral_not_decided_by_its_deadline_escalates_once_and_comes_first(
    app: FastAPI, clock: FrozenClock, people: People, partners: Partners, chalus_contact: int
) -> None:
    late = refer(people, chalus_contact)
    assert answer(partners.mazandaran, late["id"], "received").status_code == 200
    clock.advance(minutes=14, seconds=59)
    assert _escalate(app, clock) == 0  # a second before the deadline
    clock.advance(seconds=1)
    newer = refer(people, chalus_contact, urgency="low")
    assert _escalate(app, clock) == 1  # "received" alone does not stop the clock
    assert _escalate(app, clock) == 0
    clock.advance(hours=1)
    assert _escalate(app, clock) == 0

    listed = supervisor_list(people)
    assert [r["id"] for r in listed] == [late["id"], newer["id"]]
    assert listed[0]["escalated_at"] == "2026-03-22T06:45:00Z" and listed[0]["overdue"]
    assert listed[1]["escalated_at"] is None


def test_a_completed_referral_cannot_be_received_again(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    referral_id = refer(people, chalus_contact)["id"]
    for state in ("accepted", "in_progress", "completed"):
        assert answer(partners.mazandaran, referral_id, state).status_code == 200
    refused = answer(partners.mazandaran, referral_id, "received")
    assert refused.status_code == 409
    body = refused.json()
    assert body["details"]["allowed"] == [] and body["message_fa"]


def test_of_two_answers_from_the_same_version_only_one_wins(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    referral = refer(people, chalus_contact)
    first = answer(partners.mazandaran, referral["id"], "received", version=referral["version"])
    second = answer(partners.mazandaran, referral["id"], "rejected", version=referral["version"])
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["details"]["reason"] == "version"
    assert people("supervisor").get(f"/api/referrals/{referral['id']}").json()["state"] == (
        "received")


def test_the_counsellor_cancels_until_the_police_accept(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    withdrawn, taken = refer(people, chalus_contact)["id"], refer(people, chalus_contact)["id"]
    cancelled = people("counsellor").post(f"/api/referrals/{withdrawn}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert [r["id"] for r in partners.mazandaran.get("/api/partner/referrals").json()] == [
        taken]
    assert answer(partners.mazandaran, taken, "accepted").status_code == 200
    assert people("counsellor").post(f"/api/referrals/{taken}/cancel").status_code == 409


def _partner_contacts(app: FastAPI) -> int:
    with unit_of_work(app.state.session_factory) as session:
        return int(session.scalar(select(func.count()).select_from(Contact).where(
            Contact.channel == Channel.partner.value)) or 0)


def test_police_hand_a_family_dispute_in_chalus_to_the_mazandaran_queue_once(
    app: FastAPI, people: People, partners: Partners
) -> None:
    dispute = {"reference": "MZN-110-9001", "description": "Loud family dispute, children "
               "at home", "urgency": "high", "category": "family_conflict",
               "location": CHALUS, "agency_code": MZN_POLICE}
    first = partners.mazandaran.post("/api/partner/handovers", json=dispute)
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert (receipt["queue"], receipt["province_code"], receipt["created"]) == (
        "IR-02", "IR-02", True)
    contact = people("counsellor").get(f"/api/contacts/{receipt['contact_id']}").json()
    assert (contact["channel"], contact["risk"]) == ("partner", "high")
    queue = people("counsellor").get("/api/line/queue").json()
    assert receipt["contact_id"] in [waiting["id"] for waiting in queue]

    again = partners.mazandaran.post("/api/partner/handovers", json=dispute)
    assert again.status_code == 200
    assert again.json()["contact_id"] == receipt["contact_id"] and not again.json()["created"]
    assert _partner_contacts(app) == 1

    status = partners.mazandaran.get(receipt["status_url"])
    assert status.status_code == 200
    assert (status.json()["reference"], status.json()["answered"]) == ("MZN-110-9001", False)
    assert partners.gilan.get(receipt["status_url"]).status_code == 404


def test_a_partner_with_several_agencies_says_which_one_hands_over(
    partners: Partners,
) -> None:
    response = partners.mazandaran.post("/api/partner/handovers", json={
        "reference": "MZN-110-9002", "description": "Family dispute", "location": CHALUS})
    assert response.status_code == 422
    assert {MZN_POLICE, CHALUS_POLICE} <= set(response.json()["details"]["agencies"])
    assert response.json()["details"]["field"] == "agency_code"


def test_the_eido_and_fhir_documents_validate_and_name_nobody(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    referral_id = refer(people, chalus_contact, consent="not_asked",
                        override_reason=REASON)["id"]
    eido = people("counsellor").get(f"/api/referrals/{referral_id}/eido")
    fhir = people("counsellor").get(f"/api/referrals/{referral_id}/fhir")
    partner = partners.mazandaran.get(f"/api/partner/referrals/{referral_id}")
    assert (eido.status_code, fhir.status_code, partner.status_code) == (200, 200, 200)
    validate(eido.json(), "eido-incident")
    validate(partner.json()["eido"], "eido-incident")
    validate_bundle(fhir.json())
    assert eido.json()["incidentComponent"]["incidentTypeCommonRegistryText"] == (
        "Domestic Violence")
    assert "36.655000 51.420500" in eido.json()["locationComponent"][0]["locationByValue"]
    consent = fhir.json()["entry"][2]["resource"]
    assert consent["policyRule"]["coding"][0]["code"] == "NOCONSENT"
    for text in (eido.text, fhir.text, partner.text):
        assert CALLER not in text and "09121112222" not in text and "knife" not in text
    assert "نگار" not in json.dumps(fhir.json(), ensure_ascii=False)  # the counsellor's name


def test_the_deadline_follows_the_urgency(
    people: People, partners: Partners, chalus_contact: int
) -> None:
    immediate = refer(people, chalus_contact, urgency="immediate")
    low = refer(people, chalus_contact, urgency="low", category=None)
    assert immediate["ack_due_at"] == (NOWRUZ + timedelta(minutes=5)).isoformat().replace(
        "+00:00", "Z")
    assert low["ack_due_at"] == "2026-03-23T06:30:00Z"
