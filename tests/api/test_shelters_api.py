"""Shelters through the API, at Nowruz 1405 (frozen clock). Farideh (shelter_manager) runs
the Sari shelter; Mina (supervisor) supervises Mazandaran; the Gilan counsellor and
Tehran's supervisor are outsiders; the analyst reads figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from panah.cases.orm import Case
from panah.centres.shelters.orm import (
    Shelter,
    ShelterBed,
    ShelterStay,
    ShelterStayPerson,
)
from panah.core.db import unit_of_work
from panah.security.orm import User
from tests.api.conftest import People
from tests.conftest import NOWRUZ


def _shelter_id(app: FastAPI, name_en: str) -> int:
    with unit_of_work(app.state.session_factory) as session:
        return int(session.scalar(select(Shelter.id).where(Shelter.name_en == name_en)) or 0)


@pytest.fixture
def sari(app: FastAPI) -> int:
    return _shelter_id(app, "Sari shelter")


@pytest.fixture
def hold(app: FastAPI) -> Callable[[int, str], int]:
    """Put a stay in a bed (as the stays part would): returns the bed's id."""
    def put(shelter_id: int, status: str = "checked_in", *, days_ago: int = 2) -> int:
        with unit_of_work(app.state.session_factory) as session:
            bed = session.scalars(select(ShelterBed).where(
                ShelterBed.shelter_id == shelter_id,
                ShelterBed.id.not_in(select(ShelterStayPerson.held_bed_id).where(
                    ShelterStayPerson.held_bed_id.is_not(None))))
                .order_by(ShelterBed.id)).first()
            case = session.scalars(select(Case).where(Case.category == "spouse_abuse")).first()
            worker = session.scalar(select(User.id).where(User.username == "social_worker"))
            assert bed and case and worker
            came = NOWRUZ - timedelta(days=days_ago)
            stay = ShelterStay(shelter_id=shelter_id, case_id=case.id, status=status,
                               arrives_on=came.date(), created_by=worker, created_at=came,
                               checked_in_at=came if status == "checked_in" else None)
            session.add(stay)
            session.flush()
            session.add(ShelterStayPerson(stay_id=stay.id, relation="client", age_years=31,
                                          bed_id=bed.id, held_bed_id=bed.id))
            session.commit()
            return bed.id
    return put


def test_farideh_sees_her_shelters_rooms_and_beds_without_its_address(
        people: People, sari: int) -> None:
    farideh = people("shelter_manager")
    setup = farideh.get(f"/api/shelters/{sari}").json()
    beds = [b for r in setup["rooms"] for b in r["beds"]]
    assert setup["beds"] == len(beds) == 12
    assert setup["free"] == sum(not b["held"] for b in beds)  # computed from the stays
    assert [r["suits"] for r in setup["rooms"]] == [
        ["woman_alone"], ["woman_with_children"], ["girl_under_18"]]
    assert sum(b["child_bed"] for r in setup["rooms"] for b in r["beds"]) == 2
    assert "address" not in setup and "phone" not in setup


def test_the_shelters_list_is_labels_and_beds_by_scope(people: People) -> None:
    mina = people("supervisor").get("/api/shelters").json()
    assert {s["name_en"]: s["beds"] for s in mina} == {"Sari shelter": 12,
                                                      "Chalus shelter": 6}
    nation = people("analyst").get("/api/shelters").json()
    assert {s["name_en"] for s in nation} == {"Sari shelter", "Chalus shelter",
                                              "Tehran shelter"}
    assert people("shelter_manager").get("/api/shelters").json()[0]["name_en"] == "Sari shelter"
    assert people("counsellor").get("/api/shelters").status_code == 403


def test_mina_sets_up_a_shelter_with_a_room_and_beds(people: People) -> None:
    mina = people("supervisor")
    made = mina.post("/api/shelters", json={
        "centre_code": "MZN-CIC-CHALUS", "name_fa": "خانهٔ امن دوم چالوس",
        "name_en": "Second Chalus shelter", "address": "a made-up lane 5",
        "phone": "011-5555-0000"})
    assert made.status_code == 201, made.text
    shelter = made.json()
    assert "address" not in shelter and shelter["province_code"] == "IR-02"
    room = mina.post(f"/api/shelters/{shelter['id']}/rooms",
                     json={"name": "اتاق ۱", "suits": ["woman_alone", "girl_under_18"]})
    assert room.status_code == 201, room.text
    room_id = room.json()["rooms"][0]["id"]
    bed = mina.post(f"/api/shelters/{shelter['id']}/rooms/{room_id}/beds",
                    json={"label": "تخت ۱", "accessible": True})
    assert bed.status_code == 201, bed.text
    assert (bed.json()["beds"], bed.json()["free"]) == (1, 1)
    address = mina.get(f"/api/shelters/{shelter['id']}/address").json()
    assert address["address"] == "a made-up lane 5"


def test_a_shelter_is_run_by_a_crisis_centre(people: People) -> None:
    answer = people("supervisor").post("/api/shelters", json={
        "centre_code": "MZN-CB-SARI", "name_fa": "خانه", "name_en": "House"})
    assert answer.status_code == 422
    assert "crisis-intervention centre" in answer.json()["message"]


def test_a_room_must_say_whom_it_suits(people: People, sari: int) -> None:
    answer = people("shelter_manager").post(f"/api/shelters/{sari}/rooms",
                                            json={"name": "اتاق ۹", "suits": []})
    assert answer.status_code == 422
    assert answer.json()["details"]["field"] == "suits"


def test_two_rooms_of_a_shelter_cannot_share_a_name(people: People, sari: int) -> None:
    answer = people("shelter_manager").post(f"/api/shelters/{sari}/rooms",
                                            json={"name": "اتاق ۱", "suits": ["woman_alone"]})
    assert answer.status_code == 409
    assert "already has a room" in answer.json()["message"]


def test_two_beds_of_a_room_cannot_share_a_label(people: People, sari: int) -> None:
    farideh = people("shelter_manager")
    room = farideh.get(f"/api/shelters/{sari}").json()["rooms"][0]
    answer = farideh.post(f"/api/shelters/{sari}/rooms/{room['id']}/beds",
                          json={"label": room["beds"][0]["label"]})
    assert answer.status_code == 409


def test_a_held_bed_and_its_room_cannot_be_taken_out_of_use(
        people: People, sari: int, hold: Callable[..., int]) -> None:
    farideh = people("shelter_manager")
    free_before = farideh.get(f"/api/shelters/{sari}").json()["free"]
    bed_id = hold(sari)
    answer = farideh.patch(f"/api/shelters/{sari}/beds/{bed_id}", json={"active": False})
    assert answer.status_code == 409
    assert "a room or bed that a stay holds" in answer.json()["message"]
    setup = farideh.get(f"/api/shelters/{sari}").json()
    room = next(r for r in setup["rooms"] if any(b["id"] == bed_id for b in r["beds"]))
    assert next(b for b in room["beds"] if b["id"] == bed_id)["held"]
    assert farideh.patch(f"/api/shelters/{sari}/rooms/{room['id']}",
                         json={"active": False}).status_code == 409
    assert setup["free"] == free_before - 1


def test_a_free_bed_can_be_taken_out_of_use_and_the_free_count_follows(
        people: People, sari: int) -> None:
    farideh = people("shelter_manager")
    before = farideh.get(f"/api/shelters/{sari}").json()
    bed = next(b for r in before["rooms"] for b in r["beds"] if not b["held"])
    answer = farideh.patch(f"/api/shelters/{sari}/beds/{bed['id']}", json={"active": False})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["beds"], answer.json()["free"]) == (11, before["free"] - 1)


@pytest.mark.parametrize("outsider", ["counsellor_gilan", "supervisor_tehran", "social_worker",
                                      "analyst"])
def test_nobody_outside_the_shelters_reach_edits_it(people: People, sari: int,
                                                   outsider: str) -> None:
    answer = people(outsider).patch(f"/api/shelters/{sari}", json={"name_en": "Taken"})
    assert answer.status_code == 403


def test_the_chalus_shelter_is_not_farideh_s_to_run(people: People, app: FastAPI) -> None:
    chalus = _shelter_id(app, "Chalus shelter")
    farideh = people("shelter_manager")
    assert farideh.post(f"/api/shelters/{chalus}/rooms",
                        json={"name": "x", "suits": ["woman_alone"]}).status_code == 403
    assert farideh.get(f"/api/shelters/{chalus}/address").status_code == 403


def test_occupancy_counts_checked_in_and_planned_stays(
        people: People, sari: int, hold: Callable[..., int]) -> None:
    mina = people("supervisor")

    def sari_row() -> dict[str, Any]:
        figures = mina.get("/api/shelters/occupancy").json()
        return next(r for r in figures["shelters"] if r["shelter_id"] == sari)  # type: ignore[no-any-return]

    before = sari_row()
    hold(sari, "checked_in", days_ago=2)
    hold(sari, "planned", days_ago=0)
    after = sari_row()
    figures = mina.get("/api/shelters/occupancy").json()
    assert figures["province_code"] == "IR-02"
    assert len(figures["total"]["days"]) == 30
    change = {k: after["today"][k] - before["today"][k]
              for k in ("total", "occupied", "held", "free")}
    assert change == {"total": 0, "occupied": 1, "held": 2, "free": -2}
    assert after["today"]["day"] == "2026-03-22" and after["today"]["total"] == 12
    assert [a["occupied"] - b["occupied"] for a, b in zip(
        after["days"][-4:], before["days"][-4:], strict=True)] == [0, 1, 1, 1]
    assert figures["total"]["today"]["total"] == 18
    assert [p["province_code"] for p in figures["provinces"]] == ["IR-02"]


def test_the_nation_sees_every_province_and_may_pick_one(people: People) -> None:
    analyst = people("analyst")
    nation = analyst.get("/api/shelters/occupancy").json()
    assert nation["total"]["today"]["total"] == 28
    assert {p["province_code"] for p in nation["provinces"]} == {"IR-02", "IR-23"}
    tehran = analyst.get("/api/shelters/occupancy",
                         params={"province": "IR-23", "from": "2026-03-20",
                                 "to": "2026-03-22"}).json()
    assert tehran["total"]["today"]["total"] == 10 and len(tehran["total"]["days"]) == 3


def test_a_province_sees_its_own_occupancy_only(people: People) -> None:
    answer = people("supervisor").get("/api/shelters/occupancy", params={"province": "IR-23"})
    assert answer.status_code == 403
    assert people("counsellor").get("/api/shelters/occupancy").status_code == 403


def test_a_window_must_run_forwards(people: People) -> None:
    answer = people("analyst").get("/api/shelters/occupancy",
                                   params={"from": "2026-03-22", "to": "2026-03-01"})
    assert answer.status_code == 422


def test_the_shelters_page_and_setup_page(people: People, sari: int) -> None:
    farideh = people("shelter_manager")
    page = farideh.get("/shelters", headers={"Accept": "text/html"}).text
    assert "خانهٔ امن ساری" in page and f"/shelters/{sari}/setup" in page
    setup = farideh.get(f"/shelters/{sari}/setup").text
    assert "اتاق ۳" in setup and "کوچهٔ نارنج‌زار" in setup  # she has need
    made = farideh.post(f"/shelters/{sari}/rooms", data={
        "name": "اتاق ۴", "suits": ["woman_alone"],
        "csrf_token": farideh.headers.get("X-CSRF-Token", "")}, follow_redirects=False)
    assert made.status_code == 303, made.text
    refused = farideh.post(f"/shelters/{sari}/rooms", data={
        "name": "اتاق ۵", "csrf_token": farideh.headers.get("X-CSRF-Token", "")})
    assert refused.status_code == 422 and "بگویید اتاق برای کیست" in refused.text
