"""Case files through the API: need-to-know, restricted grants, break-glass, "who saw this",
encryption at rest and keyed-hash lookups. Named demo users, frozen time (Nowruz 1405)."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import People
from tests.conftest import login


def case_id(database_url: str, category: str) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        (found,) = db.execute("SELECT id FROM case_file WHERE category = ?", (category,)).fetchone()
    return int(found)


@pytest.fixture
def spouse_case(database_url: str) -> int:
    """Mazandaran, team: social_worker, psychologist, field_crew."""
    return case_id(database_url, "spouse_abuse")


@pytest.fixture
def restricted_case(database_url: str) -> int:
    """Mazandaran sexual-abuse case; team: psychologist (granted), social_worker (not)."""
    return case_id(database_url, "sexual_abuse")


@pytest.fixture
def gilan_case(database_url: str) -> int:
    return case_id(database_url, "suicide_attempt")


def actions(people: People, case: int) -> list[tuple[str | None, str, str | None]]:
    log = people("supervisor").get(f"/api/cases/{case}/access-log")
    assert log.status_code == 200, log.text
    return [(e["username"], e["action"], e["reason"]) for e in log.json()]


def test_team_member_reads_the_case_and_the_read_is_on_record(
    people: People, spouse_case: int
) -> None:
    response = people("social_worker").get(f"/api/cases/{spouse_case}")
    assert response.status_code == 200
    body = response.json()
    assert body["client"]["name"] == "سارا محمدی"
    assert body["client"]["phone"] == "+989111234567"
    assert body["access"] == "team"
    assert ("social_worker", "read", "team") in actions(people, spouse_case)


def test_someone_not_on_the_team_is_refused_told_of_break_glass_and_recorded(
    people: People, database_url: str
) -> None:
    child_case = case_id(database_url, "child_abuse")  # team: counsellor, social_worker
    response = people("psychologist").get(f"/api/cases/{child_case}")
    assert response.status_code == 403
    body = response.json()
    assert body["details"] == {"why": "not_on_team", "case_id": child_case, "break_glass": True}
    assert "break-glass" in body["message"] and "اضطراری" in body["message_fa"]
    assert "علی رضایی" not in response.text
    assert ("psychologist", "denied", "view_case:not_on_team") in actions(people, child_case)


def test_break_glass_needs_a_reason_then_opens_for_an_hour_and_is_reported(
    people: People, database_url: str, clock: object
) -> None:
    child_case = case_id(database_url, "child_abuse")
    psychologist = people("psychologist")
    short = psychologist.post(f"/api/cases/{child_case}/break-glass", json={"reason": "urgent"})
    assert short.status_code == 422 and short.json()["details"] == {"field": "reason"}
    reason = "Mother called the 123 line again; child in danger tonight"
    opened = psychologist.post(f"/api/cases/{child_case}/break-glass", json={"reason": reason})
    assert opened.status_code == 201, opened.text
    read = psychologist.get(f"/api/cases/{child_case}")
    assert read.status_code == 200 and read.json()["access"] == "break_glass"
    report = people("supervisor").get("/api/security/break-glass").json()
    assert [(r["username"], r["reason"], r["reviewed_at"]) for r in report] == [
        ("psychologist", reason, None)]
    assert ("psychologist", "break_glass", reason) in actions(people, child_case)
    clock.advance(minutes=61)  # type: ignore[attr-defined]
    assert psychologist.get(f"/api/cases/{child_case}").status_code == 403
    reviewed = people("supervisor").post(f"/api/security/break-glass/{report[0]['id']}/review")
    assert reviewed.status_code == 204
    assert people("supervisor").get("/api/security/break-glass").json()[0]["reviewed_at"]


def test_gilan_supervisor_sees_no_mazandaran_break_glass(people: People, gilan_case: int) -> None:
    assert people("counsellor_gilan").get(f"/api/cases/{gilan_case}").status_code == 200
    assert people("counsellor").get(f"/api/cases/{gilan_case}").status_code == 403


def test_restricted_case_opens_only_with_a_grant(
    people: People, restricted_case: int, database_url: str
) -> None:
    assert people("psychologist").get(f"/api/cases/{restricted_case}").status_code == 200
    refused = people("social_worker").get(f"/api/cases/{restricted_case}")
    assert refused.status_code == 403 and refused.json()["details"]["why"] == "restricted"
    assert people("supervisor").get(f"/api/cases/{restricted_case}").status_code == 403
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        (sw,) = db.execute("SELECT id FROM app_user WHERE username='social_worker'").fetchone()
    manager = people("provincial_manager")
    grant = manager.post("/api/security/grants", json={"user_id": sw, "category": "sexual_abuse"})
    assert grant.status_code == 201
    assert people("social_worker").get(f"/api/cases/{restricted_case}").status_code == 200
    revoke = manager.post(f"/api/security/grants/{grant.json()['id']}/revoke")
    assert revoke.status_code == 200
    assert people("social_worker").get(f"/api/cases/{restricted_case}").status_code == 403


def test_only_the_listed_cases_are_visible(people: People) -> None:
    mine = {c["category"] for c in people("social_worker").get("/api/cases").json()}
    assert mine == {"spouse_abuse", "child_abuse"}  # not the restricted one: no grant
    supervised = {c["category"] for c in people("supervisor").get("/api/cases").json()}
    # and the Sari shelter's residents (the stays' demo), not the restricted one
    assert supervised == {"spouse_abuse", "child_abuse", "woman_at_risk"}
    assert {c["category"] for c in people("counsellor_gilan").get("/api/cases").json()} == {
        "suicide_attempt"}


def test_identity_and_notes_are_ciphertext_in_the_raw_tables(
    people: People, database_url: str
) -> None:
    created = people("counsellor").post("/api/cases", json={
        "client_name": "زهرا نمونه", "phone": "۰۹۱۱ ۹۸۷ ۶۵۴۳", "national_code": "0499370899",
        "category": "woman_at_risk", "first_note": "a secret note about the shelter"})
    assert created.status_code == 201, created.text
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        client = db.execute("SELECT name, phone, national_code, phone_hash FROM client "
                            "ORDER BY id DESC LIMIT 1").fetchone()
        notes = [row[0] for row in db.execute("SELECT text FROM case_note")]
    raw = " ".join(client[:3]) + " ".join(notes)
    for secret in ("زهرا", "9876543", "0499370899", "secret note", "سارا"):
        assert secret not in raw
    assert all(value.startswith("v1.") for value in (*client[:3], *notes))
    assert len(client[3]) == 64 and "9876543" not in client[3]
    body = people("counsellor").get(f"/api/cases/{created.json()['id']}").json()
    assert body["client"]["name"] == "زهرا نمونه"
    assert body["client"]["phone"] == "+989119876543"
    assert body["notes"][0]["text"] == "a secret note about the shelter"


def test_lookup_by_phone_in_any_format_shows_details_only_where_allowed(
    people: People, spouse_case: int, gilan_case: int
) -> None:
    found = people("counsellor").post("/api/clients/lookup", json={"phone": "+98 911 123 4567"})
    assert found.status_code == 200
    assert [(m["case_id"], m["visible"], m["category"]) for m in found.json()] == [
        (spouse_case, False, None)]  # the counsellor is not on that team
    by_persian = people("social_worker").post("/api/clients/lookup",
                                              json={"phone": "۰۹۱۱۱۲۳۴۵۶۷"}).json()
    assert [(m["case_id"], m["visible"]) for m in by_persian] == [(spouse_case, True)]
    assert gilan_case not in {m["case_id"] for m in by_persian}


@pytest.mark.parametrize(
    ("change", "field"),
    [({"phone": "12"}, "phone"), ({"national_code": "0499370898"}, "national_code"),
     ({"province_code": "IR-01"}, "province_code"), ({"team_user_ids": [99999]}, "team_user_ids")],
)
def test_bad_case_input_is_refused_with_the_field_and_nothing_is_saved(
    people: People, database_url: str, change: dict[str, object], field: str
) -> None:
    def count() -> int:
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return int(db.execute("SELECT count(*) FROM client").fetchone()[0])

    before = count()
    body = {"client_name": "نمونه", "category": "runaway", **change}
    refused = people("counsellor").post("/api/cases", json=body)
    assert refused.status_code == 422
    assert refused.json()["details"]["field"] == field
    assert refused.json()["message"] and refused.json()["message_fa"]
    assert count() == before


def test_a_case_opens_for_an_existing_client_only_one_may_reach(
    people: People, database_url: str
) -> None:
    def client_of(category: str) -> int:
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return int(db.execute("SELECT client_id FROM case_file WHERE category = ?",
                                  (category,)).fetchone()[0])

    def cases_of(client: int) -> int:
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return int(db.execute("SELECT count(*) FROM case_file WHERE client_id = ?",
                                  (client,)).fetchone()[0])

    def open_for(username: str, client: int) -> int:
        reply = people(username).post("/api/cases", json={
            "client_id": client, "client_name": "-", "category": "family_conflict"})
        if reply.status_code == 422:
            assert reply.json()["details"]["field"] == "client_id"
            assert "look the person up again" in reply.json()["message"]
            assert "دوباره با تلفن" in reply.json()["message_fa"]
        return reply.status_code

    sara, restricted = client_of("spouse_abuse"), client_of("sexual_abuse")
    # The counsellor (same province, not on Sara's team) and Gilan's counsellor do not
    # reach Sara; the social worker on her team does not reach a client whose only case is
    # of a category she holds no grant for. Nothing is saved for them.
    assert open_for("counsellor", sara) == 422
    assert open_for("counsellor_gilan", sara) == 422
    assert open_for("social_worker", restricted) == 422
    assert open_for("social_worker", 99999) == 422
    assert (cases_of(sara), cases_of(restricted)) == (1, 1)
    # Her team's social worker, the province's supervisor and the granted psychologist do.
    assert open_for("social_worker", sara) == 201
    assert open_for("supervisor", sara) == 201
    assert open_for("psychologist", restricted) == 201
    assert (cases_of(sara), cases_of(restricted)) == (3, 2)


def test_after_key_rotation_every_case_reads_with_the_new_key_alone(
    people: People, database_url: str, spouse_case: int, settings: object, clock: object
) -> None:
    """Rotate every encrypted column to a new key, drop the old keys, and read through the API."""
    from panah.core.db import Base, import_all_models, make_engine, make_session_factory
    from panah.core.db import unit_of_work as uow
    from panah.main import create_app
    from panah.security.cli import encrypted_columns, rotate_all
    from panah.security.crypto import KeyRing, generate_key
    from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

    new_entry = f"t3:{generate_key()}"
    import_all_models()
    engine = make_engine(database_url)
    with uow(make_session_factory(engine)) as session:
        rotate_all(session, KeyRing.parse(f"{new_entry},{TEST_ENCRYPTION_KEYS}",
                                          hash_key=TEST_HASH_KEY), encrypted_columns(Base.metadata))
    engine.dispose()
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        tokens = [t for (t,) in db.execute("SELECT name FROM client")]
    assert tokens and all(t.startswith("v1.t3.") for t in tokens)

    only_new = settings.model_copy(update={"encryption_keys": new_entry})  # type: ignore[attr-defined]
    app = create_app(only_new, clock=clock)  # type: ignore[arg-type]
    with TestClient(app, follow_redirects=False) as client:
        login(client, "social_worker")
        body = client.get(f"/api/cases/{spouse_case}").json()
    app.state.engine.dispose()
    assert body["client"]["name"] == "سارا محمدی"
    assert body["notes"][0]["text"].startswith("مسافر تهرانی")
