"""Clients through the API: the profile with a Jalali birth date and phones, possible
duplicates across Persian spellings, merge and its exact undo, bad input, and who may reach
a client. Named demo users, frozen time (Nowruz 1405)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.api.conftest import People


def one(database_url: str, sql: str, *args: object) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return int(db.execute(sql, args).fetchone()[0])


def client_of(database_url: str, category: str) -> int:
    """The client of the first demo case of ``category``."""
    return one(database_url, "SELECT client_id FROM case_file WHERE category=? ORDER BY id",
               category)


@pytest.fixture
def sara(database_url: str) -> int:
    """Mazandaran; her case's team: social_worker, psychologist, field_crew."""
    return client_of(database_url, "spouse_abuse")


@pytest.fixture
def sara_twin(people: People) -> int:
    """"سارا  محمدي" (Arabic yeh, two spaces), born the same year: a new case of the social
    worker's (she alone is on its team)."""
    opened = people("social_worker").post("/api/cases", json={
        "client_name": "سارا  محمدي", "birth_year": 1991, "category": "woman_at_risk"})
    assert opened.status_code == 201, opened.text
    return int(people("social_worker").get(f"/api/cases/{opened.json()['id']}").json()
               ["client"]["id"])


@pytest.fixture
def desk_twin(database_url: str) -> int:
    """The demo's record of Sara made at a centre's desk: no case, her supervisors reach it."""
    return one(database_url, "SELECT id FROM client WHERE merged_into_id IS NULL AND "
                             "nationality='IR' AND id NOT IN (SELECT client_id FROM case_file)"
                             " ORDER BY id")


def audit_rows(database_url: str, client_id: int) -> list[tuple[str, str]]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return [(a, r or "") for a, r in db.execute(
            "SELECT action, reason FROM audit_event WHERE subject_type='client' AND "
            "subject_id=? ORDER BY seq", (str(client_id),))]


PROFILE = {"name": "سارا محمدی", "national_code": "۰۴۹-۹۳۷۰۸۹-۹", "birth_date": "۱۳۷۰/۰۶/۱۲",
           "gender": "female", "phones": ["0911 123 4567", "+98 912 000 1122"],
           "disability": "hearing", "nationality": "IR", "languages": ["fa", "mzn"]}


def test_the_team_reads_and_updates_the_profile_and_every_read_is_audited(
    people: People, sara: int, database_url: str
) -> None:
    worker = people("social_worker")
    updated = worker.patch(f"/api/clients/{sara}", json=PROFILE)
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["national_code"] == "0499370899"
    assert body["birth_date"] == "1991-09-03" and body["birth_date_jalali"] == "1370/06/12"
    assert body["birth_year"] == 1991
    assert body["phones"] == ["+989111234567", "+989120001122"]
    assert body["languages"] == ["fa", "mzn"] and body["disability"] == "hearing"
    read = people("psychologist").get(f"/api/clients/{sara}")
    assert read.status_code == 200 and read.json()["phones"][1] == "+989120001122"
    assert ("read", "team") in audit_rows(database_url, sara)
    assert ("update", "profile") in audit_rows(database_url, sara)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        stored = db.execute("SELECT phones, birth_date FROM client WHERE id=?", (sara,)).fetchone()
    assert "0001122" not in stored[0] and "1991" not in stored[1]  # encrypted at rest


def test_a_case_lookup_finds_the_client_by_her_second_phone(people: People, sara: int) -> None:
    assert people("social_worker").patch(f"/api/clients/{sara}", json=PROFILE).status_code == 200
    found = people("social_worker").post("/api/clients/lookup",
                                          json={"phone": "۰۹۱۲ ۰۰۰ ۱۱۲۲"}).json()
    assert [m["visible"] for m in found] == [True]


@pytest.mark.parametrize(("change", "field"), [
    ({"national_code": "0499370898"}, "national_code"),
    ({"national_code": None}, "no_national_code_reason"),
    ({"birth_date": "1404/12/30"}, "birth_date"),  # 1404 is not a leap year
    ({"birth_date": "1406/01/01"}, "birth_date"),  # in the future
    ({"phones": ["12"]}, "phone"),
    ({"languages": ["xx"]}, "languages"),
])
def test_bad_identity_is_refused_naming_the_field_and_nothing_changes(
    people: People, sara: int, change: dict[str, object], field: str
) -> None:
    worker = people("social_worker")
    before = worker.get(f"/api/clients/{sara}").json()
    refused = worker.patch(f"/api/clients/{sara}", json={**PROFILE, **change})
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["field"] == field
    assert refused.json()["message_fa"]
    assert worker.get(f"/api/clients/{sara}").json() == before


def test_without_a_national_code_a_reason_is_kept(people: People, sara: int) -> None:
    body = {**PROFILE, "national_code": None, "no_national_code_reason": "foreign_national",
            "no_national_code_note": "Afghan, amayesh card expired", "nationality": "AF",
            "languages": ["prs", "ps"]}
    saved = people("social_worker").patch(f"/api/clients/{sara}", json=body).json()
    assert saved["national_code"] is None and saved["no_national_code_reason"] == "foreign_national"
    assert saved["nationality"] == "AF"


def test_the_arabic_spelling_of_her_name_with_the_same_birth_year_is_a_strong_duplicate(
    people: People, sara: int, sara_twin: int
) -> None:
    found = people("social_worker").get(f"/api/clients/{sara}/duplicates")
    assert found.status_code == 200
    [twin] = [d for d in found.json() if d["client_id"] == sara_twin]
    assert twin["level"] == "strong" and twin["reasons"] == ["name_birth_year"]
    assert twin["visible"] and twin["name"] == "سارا  محمدي"


def test_a_duplicate_outside_ones_reach_shows_only_its_level(
    people: People, sara: int, sara_twin: int, desk_twin: int
) -> None:
    found = people("psychologist").get(f"/api/clients/{sara}/duplicates").json()
    assert {d["client_id"] for d in found} == {sara_twin, desk_twin}
    [twin] = [d for d in found if d["client_id"] == sara_twin]
    assert twin == {"client_id": sara_twin, "level": "strong", "reasons": ["name_birth_year"],
                    "visible": False, "name": None, "birth_year": None, "province_code": None,
                    "case_count": None}


def test_the_supervisor_sees_the_desk_record_and_merges_it_though_it_has_no_case(
    people: People, sara: int, desk_twin: int
) -> None:
    supervisor = people("supervisor")
    [twin] = [d for d in supervisor.get(f"/api/clients/{sara}/duplicates").json()
              if d["client_id"] == desk_twin]
    assert twin["visible"] and twin["case_count"] == 0 and twin["birth_year"] == 1991
    assert people("social_worker").post(f"/api/clients/{sara}/merge", json={
        "other_client_id": desk_twin, "reason": "Same woman, same birth date"}
    ).status_code == 403  # the desk record is not on any case of hers
    merged = supervisor.post(f"/api/clients/{sara}/merge", json={
        "other_client_id": desk_twin, "reason": "Same woman, same birth date"})
    assert merged.status_code == 201 and merged.json()["moved_case_ids"] == []


def test_a_shared_phone_in_another_format_makes_a_strong_duplicate(
    people: People, sara: int, sara_twin: int
) -> None:
    worker = people("social_worker")
    twin = worker.get(f"/api/clients/{sara_twin}").json()
    twin.update(phones=["۰۹۱۱-۱۲۳-۴۵۶۷"], no_national_code_reason="unknown_yet",
                birth_date=None, name="Sara M.", nationality="IR")
    for key in ("id", "birth_date_jalali", "birth_year", "province_code", "merged_into_id",
                "case_ids"):
        twin.pop(key)
    assert worker.patch(f"/api/clients/{sara_twin}", json=twin).status_code == 200
    [match] = [d for d in worker.get(f"/api/clients/{sara}/duplicates").json()
               if d["client_id"] == sara_twin]
    assert match["reasons"] == ["phone"]


def test_merge_moves_the_cases_and_undo_restores_exactly(
    people: People, sara: int, sara_twin: int, database_url: str
) -> None:
    worker = people("social_worker")
    twin_cases = worker.get(f"/api/clients/{sara_twin}").json()["case_ids"]
    sara_cases = worker.get(f"/api/clients/{sara}").json()["case_ids"]
    merged = worker.post(f"/api/clients/{sara}/merge", json={
        "other_client_id": sara_twin, "reason": "Same woman: same birth date, she confirmed"})
    assert merged.status_code == 201, merged.text
    merge = merged.json()
    assert merge["moved_case_ids"] == twin_cases
    assert worker.get(f"/api/clients/{sara}").json()["case_ids"] == sorted(
        sara_cases + twin_cases)
    assert worker.get(f"/api/clients/{sara_twin}").json()["merged_into_id"] == sara
    assert sara_twin not in {
        d["client_id"] for d in worker.get(f"/api/clients/{sara}/duplicates").json()}
    case = worker.get(f"/api/cases/{twin_cases[0]}").json()
    assert case["client"]["id"] == sara

    again = worker.post(f"/api/clients/{sara}/merge", json={
        "other_client_id": sara_twin, "reason": "Same woman: same birth date, she confirmed"})
    assert again.status_code == 422 and "already merged" in again.json()["message"]

    undone = worker.post(f"/api/client-merges/{merge['id']}/undo",
                         json={"reason": "Two sisters with the same name, not one person"})
    assert undone.status_code == 200, undone.text
    assert worker.get(f"/api/clients/{sara}").json()["case_ids"] == sara_cases
    twin_after = worker.get(f"/api/clients/{sara_twin}").json()
    assert twin_after["case_ids"] == twin_cases and twin_after["merged_into_id"] is None
    twice = worker.post(f"/api/client-merges/{merge['id']}/undo",
                        json={"reason": "Two sisters with the same name, not one person"})
    assert twice.status_code == 409
    reasons = [r for _, r in audit_rows(database_url, sara_twin)]
    assert f"merge:{merge['id']}" in reasons and f"unmerge:{merge['id']}" in reasons


def test_the_merge_shows_in_the_case_timeline_items(
    people: People, sara: int, sara_twin: int, app: object
) -> None:
    from panah.cases.clients.queries import timeline_items
    from panah.core.db import unit_of_work

    worker = people("social_worker")
    merge = worker.post(f"/api/clients/{sara}/merge", json={
        "other_client_id": sara_twin, "reason": "Same woman: same birth date"}).json()
    with unit_of_work(app.state.session_factory) as session:  # type: ignore[attr-defined]
        items = timeline_items(session, actor=None, case_id=merge["moved_case_ids"][0],  # type: ignore[arg-type]
                               now=merge["at"])
    assert [i.label_key for i in items] == ["clients.timeline_merged"]
    assert items[0].text == "Same woman: same birth date"


def test_merging_a_client_into_itself_is_refused_naming_the_rule(
    people: People, sara: int
) -> None:
    refused = people("social_worker").post(f"/api/clients/{sara}/merge", json={
        "other_client_id": sara, "reason": "Same woman: same birth date"})
    assert refused.status_code == 422
    body = refused.json()
    assert body["details"] == {"field": "other_client_id"}
    assert "itself" in body["message"] and "خودش" in body["message_fa"]


def test_merging_a_client_one_cannot_reach_is_refused(
    people: People, sara: int, database_url: str
) -> None:
    child = client_of(database_url, "child_abuse")
    refused = people("psychologist").post(f"/api/clients/{sara}/merge", json={
        "other_client_id": child, "reason": "Looks like the same family"})
    assert refused.status_code == 403  # the psychologist is not on the child's case
    assert one(database_url, "SELECT count(*) FROM client_merge WHERE merged_id=?", child) == 0


def test_the_gilan_counsellor_is_refused_a_mazandaran_client_and_it_is_on_record(
    people: People, sara: int, database_url: str
) -> None:
    gilan = people("counsellor_gilan")
    refused = gilan.get(f"/api/clients/{sara}")
    assert refused.status_code == 403 and "سارا" not in refused.text
    assert gilan.get(f"/api/clients/{sara}/duplicates").status_code == 403
    assert gilan.patch(f"/api/clients/{sara}", json=PROFILE).status_code == 403
    assert ("denied", "view_case:out_of_scope") in audit_rows(database_url, sara)


def test_a_supervisor_of_the_province_reaches_the_client_a_worker_off_the_team_does_not(
    people: People, sara: int
) -> None:
    assert people("supervisor").get(f"/api/clients/{sara}").status_code == 200
    assert people("psychiatrist").get(f"/api/clients/{sara}").status_code == 403


def test_a_restricted_clients_profile_opens_to_the_granted_team_member_only(
    people: People, database_url: str
) -> None:
    """Narges's only case is sexual abuse (restricted): the psychologist on its team holds
    the grant and opens her profile; the social worker, also on the team, has no grant."""
    narges = client_of(database_url, "sexual_abuse")
    assert people("psychologist").get(f"/api/clients/{narges}").status_code == 200
    assert people("social_worker").get(f"/api/clients/{narges}").status_code == 403
