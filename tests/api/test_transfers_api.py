"""Transfers between provinces through the API: the Chalus traveller's case goes home to
Tehran under her consent; access moves with the case; the sending province looks back
only by break-glass, audited. Named demo users, frozen time (Nowruz 1405)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.api.conftest import People


def case_id(database_url: str, category: str) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        (found,) = db.execute("SELECT id FROM case_file WHERE category = ?", (category,)).fetchone()
    return int(found)


@pytest.fixture
def traveller(database_url: str) -> int:
    """Sara's spouse-abuse case in Chalus, Mazandaran; team: social_worker, psychologist,
    field_crew."""
    return case_id(database_url, "spouse_abuse")


def consent_to_tehran(people: People, case: int) -> int:
    given = people("social_worker").post(f"/api/cases/{case}/consents", json={
        "purpose": "transfer", "recipient": "IR-23", "scope": "full_file",
        "method": "written"})
    assert given.status_code == 201, given.text
    return int(given.json()["id"])


def ask_tehran(people: People, case: int, **more: object) -> object:
    return people("social_worker").post(f"/api/cases/{case}/transfers", json={
        "to_province": "IR-23", "reason": "She lives in Tehran and goes home after Nowruz.",
        **more})


def test_the_case_moves_to_tehran_and_access_moves_with_it(
    people: People, traveller: int, clock: object
) -> None:
    consent_to_tehran(people, traveller)
    assert people("social_worker_tehran").get(f"/api/cases/{traveller}").status_code == 403
    asked = ask_tehran(people, traveller)
    assert asked.status_code == 201, asked.text  # type: ignore[attr-defined]
    transfer = asked.json()  # type: ignore[attr-defined]
    assert transfer["state"] == "requested" and transfer["direction"] == "outgoing"

    inbox = people("social_worker_tehran").get("/api/transfers")
    assert inbox.status_code == 200
    row = next(t for t in inbox.json() if t["id"] == transfer["id"])
    assert row["direction"] == "incoming" and row["from_province"] == "IR-02"
    assert row["category"] == "spouse_abuse" and "Nowruz" in row["reason"]
    assert "سارا محمدی" not in inbox.text and "ویلای" not in inbox.text  # no name, no notes

    accepted = people("social_worker_tehran").post(f"/api/transfers/{transfer['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"

    assert people("social_worker").get(f"/api/cases/{traveller}").status_code == 403
    assert people("psychologist").get(f"/api/cases/{traveller}").status_code == 403
    read = people("social_worker_tehran").get(f"/api/cases/{traveller}")
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["province_code"] == "IR-23" and body["reference"].startswith("IR-23-")
    assert [m["username"] for m in body["team"]] == ["social_worker_tehran"]
    assert "ویلای اجاره‌ای چالوس" in body["notes"][0]["text"]  # the history stays whole
    assert people("supervisor_tehran").get(f"/api/cases/{traveller}").status_code == 200


def test_the_sending_supervisor_looks_back_only_by_break_glass_with_a_reason_on_record(
    people: People, traveller: int, clock: object
) -> None:
    consent_to_tehran(people, traveller)
    transfer = ask_tehran(people, traveller).json()  # type: ignore[attr-defined]
    people("social_worker_tehran").post(f"/api/transfers/{transfer['id']}/accept")
    supervisor = people("supervisor")
    refused = supervisor.get(f"/api/cases/{traveller}")
    assert refused.status_code == 403 and refused.json()["details"]["break_glass"] is True
    reason = "Husband called our 123 line threatening her; need the Tehran address now"
    opened = supervisor.post(f"/api/cases/{traveller}/break-glass", json={"reason": reason})
    assert opened.status_code == 201, opened.text
    read = supervisor.get(f"/api/cases/{traveller}")
    assert read.status_code == 200 and read.json()["access"] == "break_glass"
    log = people("supervisor_tehran").get(f"/api/cases/{traveller}/access-log").json()
    entries = [(e["username"], e["action"], e["reason"]) for e in log]
    assert ("supervisor", "break_glass", reason) in entries
    assert ("supervisor", "read", "break_glass") in entries
    # A centre worker of another province (Gilan) never reaches it, even by break-glass.
    assert people("counsellor_gilan").post(
        f"/api/cases/{traveller}/break-glass", json={"reason": reason}).status_code == 403


def test_a_transfer_without_consent_is_refused_naming_the_rule_and_nothing_is_saved(
    people: People, traveller: int
) -> None:
    refused = ask_tehran(people, traveller)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    body = refused.json()  # type: ignore[attr-defined]
    assert body["details"]["field"] == "consent_id" and "consent" in body["message"]
    assert "رضایت" in body["message_fa"]
    inbox = people("social_worker_tehran").get("/api/transfers").json()
    assert [t for t in inbox if t["case_id"] == traveller] == []


def test_consent_for_another_province_or_purpose_does_not_cover_tehran(
    people: People, traveller: int
) -> None:
    people("social_worker").post(f"/api/cases/{traveller}/consents", json={
        "purpose": "transfer", "recipient": "IR-01"})
    # The demo's consent to share information with Tehran is not consent to a transfer.
    assert ask_tehran(people, traveller).status_code == 422  # type: ignore[attr-defined]


def test_a_transfer_to_its_own_province_is_refused(people: People, traveller: int) -> None:
    people("social_worker").post(f"/api/cases/{traveller}/consents", json={
        "purpose": "transfer", "recipient": "IR-02"})
    same = people("social_worker").post(f"/api/cases/{traveller}/transfers", json={
        "to_province": "IR-02", "reason": "Moving to Sari."})
    assert same.status_code == 422
    assert same.json()["details"]["field"] == "to_province"
    assert "another province" in same.json()["message"]


def test_a_second_transfer_while_one_waits_is_a_conflict(
    people: People, database_url: str
) -> None:
    child = case_id(database_url, "child_abuse")  # the demo's request to Gilan waits
    people("social_worker").post(f"/api/cases/{child}/consents", json={
        "purpose": "transfer", "recipient": "IR-23"})
    again = people("social_worker").post(f"/api/cases/{child}/transfers", json={
        "to_province": "IR-23", "reason": "Or Tehran."})
    assert again.status_code == 409
    assert again.json()["details"]["rule"] == "one_pending_transfer"


def test_immediate_danger_overrides_missing_consent_with_a_reason_on_the_audit_log(
    people: People,
) -> None:
    opened = people("social_worker").post("/api/cases", json={
        "client_name": "مریم نوروزی", "category": "spouse_abuse", "risk": "immediate"})
    assert opened.status_code == 201, opened.text
    case = opened.json()["id"]
    without = ask_tehran(people, case)
    assert without.status_code == 422  # type: ignore[attr-defined]
    moved = ask_tehran(people, case, override_reason="Her husband found the villa; she "
                       "must leave tonight for her family in Tehran.")
    assert moved.status_code == 201, moved.text  # type: ignore[attr-defined]
    assert moved.json()["override_used"] is True  # type: ignore[attr-defined]
    log = people("supervisor").get(f"/api/cases/{case}/access-log").json()
    assert any(e["reason"] == "consent override used for transfer to IR-23 (risk=immediate)"
               for e in log)


def test_a_lower_risk_case_cannot_use_the_override(people: People) -> None:
    opened = people("social_worker").post("/api/cases", json={
        "client_name": "زهره نوروزی", "category": "family_conflict", "risk": "medium"})
    refused = ask_tehran(people, opened.json()["id"], override_reason="She wants to go home.")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert refused.json()["details"]["field"] == "consent"  # type: ignore[attr-defined]


def test_a_decline_needs_a_reason_and_the_sending_province_reads_it(
    people: People, traveller: int
) -> None:
    consent_to_tehran(people, traveller)
    transfer = ask_tehran(people, traveller).json()  # type: ignore[attr-defined]
    tehran = people("supervisor_tehran")
    bare = tehran.post(f"/api/transfers/{transfer['id']}/decline", json={"reason": "  "})
    assert bare.status_code == 422 and bare.json()["details"]["rule"] == "decline_reason"
    declined = tehran.post(f"/api/transfers/{transfer['id']}/decline",
                           json={"reason": "She gave a Karaj address: Alborz province."})
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    outgoing = people("social_worker").get("/api/transfers").json()
    row = next(t for t in outgoing if t["id"] == transfer["id"])
    assert row["decline_reason"] == "She gave a Karaj address: Alborz province."
    assert people("social_worker").get(f"/api/cases/{traveller}").status_code == 200


def test_each_side_does_its_own_part_and_an_answered_transfer_stays_answered(
    people: People, traveller: int
) -> None:
    consent_to_tehran(people, traveller)
    transfer = ask_tehran(people, traveller).json()  # type: ignore[attr-defined]
    own = people("supervisor").post(f"/api/transfers/{transfer['id']}/accept")
    assert own.status_code == 422 and own.json()["details"]["rule"] == "transfer_side"
    theirs = people("social_worker_tehran").post(f"/api/transfers/{transfer['id']}/cancel")
    assert theirs.status_code == 422
    assert people("social_worker_tehran").post(
        f"/api/transfers/{transfer['id']}/accept").status_code == 200
    twice = people("supervisor_tehran").post(f"/api/transfers/{transfer['id']}/accept")
    assert twice.status_code == 409 and twice.json()["details"]["rule"] == "transfer_answered"


def test_the_sending_province_cancels_its_waiting_request(
    people: People, traveller: int
) -> None:
    consent_to_tehran(people, traveller)
    transfer = ask_tehran(people, traveller).json()  # type: ignore[attr-defined]
    cancelled = people("supervisor").post(f"/api/transfers/{transfer['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert ask_tehran(people, traveller).status_code == 201  # type: ignore[attr-defined]


def test_the_receiving_lead_must_work_in_the_receiving_province(
    people: People, traveller: int, database_url: str
) -> None:
    consent_to_tehran(people, traveller)
    transfer = ask_tehran(people, traveller).json()  # type: ignore[attr-defined]
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        (mazandaran_worker,) = db.execute(
            "SELECT id FROM app_user WHERE username='psychologist'").fetchone()
        (tehran_worker,) = db.execute(
            "SELECT id FROM app_user WHERE username='social_worker_tehran'").fetchone()
    wrong = people("supervisor_tehran").post(f"/api/transfers/{transfer['id']}/accept",
                                             json={"lead_user_id": mazandaran_worker})
    assert wrong.status_code == 422 and wrong.json()["details"]["field"] == "lead_user_id"
    right = people("supervisor_tehran").post(f"/api/transfers/{transfer['id']}/accept",
                                             json={"lead_user_id": tehran_worker})
    assert right.status_code == 200
    assert people("social_worker_tehran").get(f"/api/cases/{traveller}").status_code == 200


def test_other_provinces_do_not_reach_a_transfer(people: People, traveller: int) -> None:
    consent_to_tehran(people, traveller)
    transfer = ask_tehran(people, traveller).json()  # type: ignore[attr-defined]
    # Gilan's counsellor may not answer transfers at all; the row is Mazandaran's and Tehran's.
    assert people("counsellor_gilan").get("/api/transfers").status_code == 403
    inbox = people("supervisor_tehran").get("/api/transfers").json()
    assert transfer["id"] in [t["id"] for t in inbox]
