"""The bed finder and requests to shelters through the API, with the frozen clock at Nowruz
1405 (1405/01/02, 10:00 Tehran). Shirin (social_worker) works Sara's spouse-abuse case in
Mazandaran; the demo shelters are Sari's and Chalus's (Mazandaran) and Tehran's (a
neighbouring province); Gilan has none. Parisa (shelter_manager) runs Sari's shelter; the
demo has one request waiting there."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.centres.beds import service
from panah.centres.beds.schemas import ShelterRequestCreate
from panah.core.db import unit_of_work
from panah.core.errors import Conflict
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.api.conftest import People

ADDRESSES = ("نارنج‌زار", "شمشاد", "اقاقیا", "3391-4072", "5226-8315", "7708-5519",
             "نشانی ساختگی")


def _one(database_url: str, sql: str, *args: object) -> object:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        row = db.execute(sql, args).fetchone()
    return row[0] if row else None


@pytest.fixture
def sara_case(database_url: str) -> int:
    return int(_one(database_url, "SELECT id FROM case_file WHERE category='spouse_abuse'"))  # type: ignore[arg-type]


@pytest.fixture
def gilan_case(database_url: str) -> int:
    return int(_one(database_url, "SELECT id FROM case_file WHERE province_code='IR-01'"))  # type: ignore[arg-type]


def _shelter(database_url: str, name_en: str) -> int:
    return int(_one(database_url, "SELECT id FROM shelter WHERE name_en=?", name_en))  # type: ignore[arg-type]


@pytest.fixture
def sari(database_url: str) -> int:
    return _shelter(database_url, "Sari shelter")


@pytest.fixture
def tehran(database_url: str) -> int:
    return _shelter(database_url, "Tehran shelter")


def _no_address(text: str) -> None:
    for secret in ADDRESSES:
        assert secret not in text, secret


def ask(people: People, case: int, shelter: int, **more: object) -> object:
    body = {"shelter_id": shelter, "client_age": 31, "children": [{"age": 6, "sex": "m"}]}
    return people("social_worker").post(f"/api/cases/{case}/shelter-requests",
                                        json=body | more)


def test_shirin_finds_beds_for_sara_and_her_son_in_mazandaran_first_then_its_neighbours(
    people: People, sara_case: int, database_url: str
) -> None:
    found = people("social_worker").get(f"/api/cases/{sara_case}/beds",
                                        params={"client_age": 31, "children": "6m"})
    mothers_room_free = _one(  # Sari's room for mothers with children: its free beds
        database_url, "SELECT count(*) FROM shelter_bed b JOIN shelter_room r ON r.id = "
        "b.room_id JOIN shelter s ON s.id = b.shelter_id WHERE s.name_en = 'Sari shelter' "
        "AND r.suits LIKE '%woman_with_children%' AND b.id NOT IN (SELECT held_bed_id "
        "FROM shelter_stay_person WHERE held_bed_id IS NOT NULL)")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["provinces"][0] == "IR-02"
    assert set(body["provinces"][1:]) == {"IR-01", "IR-20", "IR-23", "IR-26", "IR-27",
                                          "IR-30"}
    labels = [m["label_en"] for m in body["matches"]]
    assert labels == ["Sari shelter", "Chalus shelter", "Tehran shelter"]
    sari = body["matches"][0]
    assert sari["own_province"] is True and sari["province_en"] == "Mazandaran"
    assert sari["suitable_beds"] == mothers_room_free
    assert body["matches"][2]["own_province"] is False
    _no_address(found.text)


def test_a_girl_of_15_is_offered_only_girls_rooms(people: People, sara_case: int) -> None:
    found = people("social_worker").get(f"/api/cases/{sara_case}/beds",
                                        params={"client_age": 15})
    counts = {m["label_en"]: m["suitable_beds"] for m in found.json()["matches"]}
    assert counts == {"Sari shelter": 2, "Chalus shelter": 2, "Tehran shelter": 2}


def test_a_child_of_18_or_a_missing_age_is_refused_with_the_rule(
    people: People, sara_case: int, sari: int
) -> None:
    adult_child = people("social_worker").get(f"/api/cases/{sara_case}/beds",
                                              params={"client_age": 40, "children": "18"})
    assert adult_child.status_code == 422
    assert "under 18" in adult_child.json()["message"]
    missing = people("social_worker").get(f"/api/cases/{sara_case}/beds")
    assert missing.status_code == 422
    past = ask(people, sara_case, sari, arrives_on="2026-03-01")
    assert past.status_code == 422 and past.json()["details"]["field"] == "arrives_on"


def test_the_counsellor_searches_from_a_call_without_seeing_an_address(
    people: People, database_url: str
) -> None:
    contact = _one(database_url, "SELECT id FROM contact WHERE province_code='IR-02'")
    found = people("counsellor").get(f"/api/contacts/{contact}/beds",
                                     params={"client_age": 28})
    assert found.status_code == 200, found.text
    assert found.json()["matches"]
    _no_address(found.text)


def test_shirin_asks_sari_and_parisa_accepts_a_planned_stay_holds_the_beds(
    people: People, sara_case: int, sari: int, database_url: str
) -> None:
    asked = ask(people, sara_case, sari, note="همسرش امشب برمی‌گردد.")
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "pending" and request["arrives_on"] == "2026-03-22"
    _no_address(asked.text)
    waiting = people("shelter_manager").get("/api/shelter-requests",
                                            params={"shelter_id": sari})
    assert request["id"] in [r["id"] for r in waiting.json()]
    _no_address(waiting.text)
    before = people("social_worker").get(f"/api/cases/{sara_case}/beds",
                                         params={"client_age": 31, "children": "6m"})
    accepted = people("shelter_manager").post(f"/api/shelter-requests/{request['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted" and accepted.json()["stay_id"]
    held = _one(database_url, "SELECT count(*) FROM shelter_stay_person "
                "WHERE stay_id=? AND held_bed_id IS NOT NULL", accepted.json()["stay_id"])
    assert held == 2
    after = people("social_worker").get(f"/api/cases/{sara_case}/beds",
                                        params={"client_age": 31, "children": "6m"})
    assert (after.json()["matches"][0]["suitable_beds"]
            == before.json()["matches"][0]["suitable_beds"] - 2)
    again = people("shelter_manager").post(f"/api/shelter-requests/{request['id']}/accept")
    assert again.status_code == 409
    listed = people("social_worker").get(f"/api/cases/{sara_case}/shelter-requests").json()
    assert listed[0]["status"] == "accepted"


def test_parisa_declines_with_a_reason_and_other_needs_a_note(
    people: People, sara_case: int, sari: int
) -> None:
    request = ask(people, sara_case, sari).json()
    bare = people("shelter_manager").post(f"/api/shelter-requests/{request['id']}/decline",
                                          json={"reason": "other"})
    assert bare.status_code == 422 and bare.json()["details"]["field"] == "note"
    declined = people("shelter_manager").post(
        f"/api/shelter-requests/{request['id']}/decline", json={"reason": "safety_risk"})
    assert declined.status_code == 200, declined.text
    assert declined.json()["decline_reason"] == "safety_risk"
    withdraw = people("social_worker").post(f"/api/shelter-requests/{request['id']}/withdraw")
    assert withdraw.status_code == 409


def test_shirin_withdraws_her_request_and_the_tehran_shelter_cannot_answer_sari_requests(
    people: People, sara_case: int, sari: int
) -> None:
    request = ask(people, sara_case, sari).json()
    other = people("supervisor_tehran").post(f"/api/shelter-requests/{request['id']}/accept")
    assert other.status_code == 403
    withdrawn = people("social_worker").post(f"/api/shelter-requests/{request['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_the_gilan_counsellor_cannot_see_or_add_to_a_mazandaran_cases_requests(
    people: People, sara_case: int, sari: int
) -> None:
    ask(people, sara_case, sari)
    gilan = people("counsellor_gilan")
    assert gilan.get(f"/api/cases/{sara_case}/shelter-requests").status_code == 403
    assert gilan.get(f"/api/cases/{sara_case}/beds",
                     params={"client_age": 30}).status_code == 403
    assert gilan.post(f"/api/cases/{sara_case}/shelter-requests",
                      json={"shelter_id": sari, "client_age": 30}).status_code == 403
    assert people("social_worker_tehran").get(
        "/api/shelter-requests", params={"shelter_id": sari}).status_code == 403


def test_a_shelter_beyond_the_neighbouring_provinces_is_refused(
    people: People, gilan_case: int, tehran: int, sari: int
) -> None:
    gilan = people("counsellor_gilan")
    found = gilan.get(f"/api/cases/{gilan_case}/beds", params={"client_age": 30}).json()
    assert [m["label_en"] for m in found["matches"]] == ["Sari shelter", "Chalus shelter"]
    far = gilan.post(f"/api/cases/{gilan_case}/shelter-requests",
                     json={"shelter_id": tehran, "client_age": 30})
    assert far.status_code == 422 and "reach" in far.json()["message"]


def test_no_suitable_bed_in_that_shelter_is_refused(
    people: People, sara_case: int, sari: int
) -> None:
    six = ask(people, sara_case, sari,
               children=[{"age": a} for a in (1, 2, 3, 4, 5, 7)])
    assert six.status_code == 422 and six.json()["details"]["field"] == "shelter_id"


def test_two_accepts_at_once_one_wins(app: FastAPI, people: People, sara_case: int,
                                       sari: int) -> None:
    """The conditional UPDATE (pending → accepted): the second accept in the same moment
    finds it already accepted, and plans no second stay."""
    request = ask(people, sara_case, sari).json()
    factory = app.state.session_factory
    now = datetime(2026, 3, 22, 6, 31, tzinfo=UTC)
    with unit_of_work(factory) as session:
        parisa = actor_of(session.query(User).filter_by(
            username="shelter_manager").one())
        first = service.accept(session, actor=parisa, request_id=request["id"], now=now)
        assert first.status == "accepted"
        with pytest.raises(Conflict), session.begin_nested():
            service.accept(session, actor=parisa, request_id=request["id"], now=now)


def test_a_request_from_a_call_is_accepted_only_once_the_call_has_a_case(
    app: FastAPI, people: People, database_url: str, sari: int
) -> None:
    contact = _one(database_url, "SELECT c.id FROM contact c WHERE c.province_code='IR-02' "
                   "AND c.id NOT IN (SELECT ref_id FROM case_link WHERE kind='contact')")
    with unit_of_work(app.state.session_factory) as session:
        worker = actor_of(session.query(User).filter_by(
            username="social_worker").one())
        made = service.request_bed(
            session, actor=worker, contact_id=int(contact),  # type: ignore[call-overload]
            data=ShelterRequestCreate(shelter_id=sari, client_age=26),
            now=datetime(2026, 3, 22, 6, 30, tzinfo=UTC))
    refused = people("shelter_manager").post(f"/api/shelter-requests/{made.id}/accept")
    assert refused.status_code == 409
    assert "open a case from the contact" in refused.json()["message"]


# ---- pages ------------------------------------------------------------------------------


def _html(client: TestClient, path: str, **params: str) -> Any:
    return client.get(path, params=params, headers={"Accept": "text/html"})


def test_the_case_page_finds_beds_and_a_refused_request_comes_back_explained(
    people: People, sara_case: int, tehran: int
) -> None:
    shirin = people("social_worker")
    page = _html(shirin, f"/cases/{sara_case}/beds", client_age="۳۱", children="۶")
    assert page.status_code == 200
    text = page.text
    assert "خانهٔ امن ساری" in text and "bed-request-form" in text
    _no_address(text)
    refused = shirin.post(f"/cases/{sara_case}/shelter-requests", headers={
        "Accept": "text/html"}, data={"shelter_id": str(tehran), "client_age": "31",
                                      "children": "6", "arrives_on": "1405/01/01"})
    assert refused.status_code == 422
    assert "bed-error" in refused.text and "روز ورود" in refused.text


def test_the_counsellor_asks_a_shelter_from_the_contact_screen(
    people: People, database_url: str, sari: int
) -> None:
    contact = _one(database_url, "SELECT id FROM contact WHERE province_code='IR-02'")
    counsellor = people("counsellor")
    fragment = _html(counsellor, f"/line/contacts/{contact}/beds", client_age="28")
    assert fragment.status_code == 200
    assert "خانهٔ امن ساری" in fragment.text
    _no_address(fragment.text)
    asked = counsellor.post(f"/line/contacts/{contact}/shelter-requests",
                            headers={"HX-Request": "true"},
                            data={"shelter_id": str(sari), "client_age": "28"})
    assert asked.status_code == 200 and "در انتظار پاسخ" in asked.text
    board = people("shelter_manager").get("/api/shelter-requests", params={"shelter_id": sari})
    assert any(r["contact_id"] == contact for r in board.json())
