"""Consent records through the API: recorded, listed, withdrawn; they gate transfers and a
case's referral onward (one rule with the 123 line's referrals). Frozen time, demo users."""

from __future__ import annotations

import sqlite3

import pytest

from tests.api.conftest import People


def one(database_url: str, sql: str, *args: object) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        (found,) = db.execute(sql, args).fetchone()
    return int(found)


@pytest.fixture
def traveller(database_url: str) -> int:
    return one(database_url, "SELECT id FROM case_file WHERE category='spouse_abuse'")


def give(people: People, case: int, **data: object) -> dict[str, object]:
    given = people("social_worker").post(f"/api/cases/{case}/consents", json={
        "purpose": "transfer", "recipient": "IR-23", **data})
    assert given.status_code == 201, given.text
    return given.json()  # type: ignore[no-any-return]


def test_a_consent_is_recorded_with_what_to_whom_how_far_and_listed_for_the_team(
    people: People, traveller: int
) -> None:
    given = give(people, traveller, scope="full_file", method="written",
                 note="امضای فرم رضایت در مرکز چالوس")
    assert given["active"] is True and given["recorded_by"] == "social_worker"
    listed = people("psychologist").get(f"/api/cases/{traveller}/consents")
    assert listed.status_code == 200
    mine = next(c for c in listed.json() if c["id"] == given["id"])
    assert (mine["purpose"], mine["recipient"], mine["scope"], mine["method"]) == (
        "transfer", "IR-23", "full_file", "written")
    assert mine["note"] == "امضای فرم رضایت در مرکز چالوس"
    assert people("counsellor_gilan").get(f"/api/cases/{traveller}/consents").status_code == 403


def test_the_note_is_encrypted_at_rest(people: People, traveller: int,
                                       database_url: str) -> None:
    given = give(people, traveller, note="امضای فرم رضایت در مرکز چالوس")
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        (stored,) = db.execute("SELECT note FROM consent_record WHERE id=?",
                               (given["id"],)).fetchone()
    assert "چالوس" not in stored


def test_a_transfer_consent_names_a_province(people: People, traveller: int) -> None:
    wrong = people("social_worker").post(f"/api/cases/{traveller}/consents", json={
        "purpose": "transfer", "recipient": "Tehran"})
    assert wrong.status_code == 422 and wrong.json()["details"]["field"] == "recipient"


def test_withdrawal_is_once_and_stops_a_waiting_transfer_from_being_accepted(
    people: People, traveller: int
) -> None:
    consent = give(people, traveller)
    asked = people("social_worker").post(f"/api/cases/{traveller}/transfers", json={
        "to_province": "IR-23", "reason": "Going home to Tehran."})
    assert asked.status_code == 201, asked.text
    withdrawn = people("social_worker").post(f"/api/consents/{consent['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    again = people("social_worker").post(f"/api/consents/{consent['id']}/withdraw")
    assert again.status_code == 422
    inbox = people("social_worker_tehran").get("/api/transfers").json()
    assert next(t for t in inbox if t["id"] == asked.json()["id"])["consent_withdrawn"] is True
    accept = people("social_worker_tehran").post(f"/api/transfers/{asked.json()['id']}/accept")
    assert accept.status_code == 409
    assert accept.json()["details"]["rule"] == "consent_withdrawn"
    assert "withdrew" in accept.json()["message"] and "پس گرفته" in accept.json()["message_fa"]
    assert people("social_worker").get(f"/api/cases/{traveller}").status_code == 200
    # A new transfer under the withdrawn consent is refused too.
    people("social_worker").post(f"/api/transfers/{asked.json()['id']}/cancel")
    retry = people("social_worker").post(f"/api/cases/{traveller}/transfers", json={
        "to_province": "IR-23", "reason": "Going home to Tehran.",
        "consent_id": consent["id"]})
    assert retry.status_code == 422 and "withdrawn" in retry.json()["message"]


def test_someone_outside_the_case_cannot_withdraw_its_consent(
    people: People, traveller: int
) -> None:
    consent = give(people, traveller)
    assert people("counsellor_gilan").post(
        f"/api/consents/{consent['id']}/withdraw").status_code == 403


def link_contact(people: People, database_url: str, case: int) -> None:
    contact = one(database_url, "SELECT id FROM contact WHERE province_code='IR-02' "
                                "ORDER BY id LIMIT 1")
    linked = people("social_worker").post(f"/api/cases/{case}/links",
                                          json={"kind": "contact", "ref_id": contact})
    assert linked.status_code in (200, 201), linked.text


def test_a_case_refers_onward_to_the_1480_line_only_under_consent(
    people: People, traveller: int, database_url: str
) -> None:
    link_contact(people, database_url, traveller)
    refer = {"agency_code": "line-1480"}
    without = people("social_worker").post(f"/api/cases/{traveller}/referrals", json=refer)
    assert without.status_code == 422, without.text
    assert without.json()["details"]["field"] == "consent_id"
    give(people, traveller, purpose="referral", recipient="line-1480")
    referred = people("social_worker").post(f"/api/cases/{traveller}/referrals", json=refer)
    assert referred.status_code == 201, referred.text
    body = referred.json()
    assert body["agency_code"] == "line-1480" and body["consent"] == "given"
    assert body["override_used"] is False and body["state"] == "requested"
    linked = one(database_url, "SELECT count(*) FROM case_link WHERE case_id=? AND "
                               "kind='referral' AND ref_id=?", traveller, body["id"])
    assert linked == 1


def test_a_case_without_a_contact_of_its_own_cannot_refer_and_is_told_why(
    people: People,
) -> None:
    opened = people("social_worker").post("/api/cases", json={
        "client_name": "زهره نوروزی", "category": "family_conflict"})
    case = opened.json()["id"]
    give(people, case, purpose="referral", recipient="line-1480")
    refused = people("social_worker").post(f"/api/cases/{case}/referrals",
                                           json={"agency_code": "line-1480"})
    assert refused.status_code == 422 and "contact" in refused.json()["message"]
