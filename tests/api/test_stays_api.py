"""Stays in a shelter through the API (issue 17): the Sari shelter's manager plans, checks
in and out; Sara's social worker cannot; a Mazandaran supervisor extends; bad input is
refused naming the rule, with nothing half-saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.centres.shelters.orm import Shelter, ShelterBed, ShelterRoom, ShelterStayPerson
from panah.core.db import unit_of_work

People = Callable[[str], TestClient]


def _sari(app: FastAPI) -> dict[str, object]:
    """The Sari shelter's id and its rooms' beds by what the room suits."""
    with unit_of_work(app.state.session_factory) as session:
        shelter = session.scalar(select(Shelter).where(Shelter.name_en == "Sari shelter"))
        assert shelter is not None
        held = set(session.scalars(select(ShelterStayPerson.held_bed_id)))
        beds: dict[str, list[tuple[int, bool]]] = {}
        for bed, room in session.execute(
                select(ShelterBed, ShelterRoom).join(ShelterRoom)
                .where(ShelterBed.shelter_id == shelter.id).order_by(ShelterBed.id)):
            key = room.suits + (":child" if bed.child_bed else "")
            beds.setdefault(key, []).append((bed.id, bed.id in held))
        return {"id": shelter.id, "beds": beds}


def _free(sari: dict[str, object], kind: str) -> list[int]:
    return [b for b, held in sari["beds"][kind] if not held]  # type: ignore[index]


def _held(sari: dict[str, object], kind: str) -> list[int]:
    return [b for b, held in sari["beds"][kind] if held]  # type: ignore[index]


def _case(people: People, name: str = "Leila Kamali") -> int:
    made = people("social_worker").post("/api/cases", json={
        "client_name": name, "category": "spouse_abuse", "gender": "female"})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


@pytest.fixture
def sari(app: FastAPI) -> dict[str, object]:
    return _sari(app)


def test_shelter_manager_plans_a_mother_and_child_then_checks_them_in_and_out(
        people: People, sari: dict[str, object], app: FastAPI) -> None:
    manager = people("shelter_manager")
    case_id = _case(people)
    planned = manager.post(f"/api/shelters/{sari['id']}/stays", json={
        "case_id": case_id, "people": [
            {"relation": "client", "age_years": 31, "name": "Leila"},
            {"relation": "child", "age_years": 6, "sex": "m"}]})
    assert planned.status_code == 201, planned.text
    stay = planned.json()
    assert stay["status"] == "planned"
    assert all(p["holds_bed"] for p in stay["people"])
    board = manager.get(f"/api/shelters/{sari['id']}/board").json()
    assert stay["id"] in [s["id"] for s in board["arriving_today"]]

    checked = manager.post(f"/api/stays/{stay['id']}/check-in", json={})
    assert checked.status_code == 200, checked.text
    # Checked in on 1405/01/02 with the default maximum of 90 days.
    assert checked.json()["last_day"] == "2026-06-20"
    board = manager.get(f"/api/shelters/{sari['id']}/board").json()
    occupied = [c for r in board["rooms"] for c in r["beds"] if c["stay_id"] == stay["id"]]
    assert [c["state"] for c in occupied] == ["occupied", "occupied"]

    out = manager.post(f"/api/stays/{stay['id']}/check-out", json={
        "destination": "relative_home", "safety_plan": "Call 123; her brother keeps a key."})
    assert out.status_code == 200, out.text
    assert out.json()["status"] == "checked_out"
    assert not any(p["holds_bed"] for p in out.json()["people"])
    again = manager.post(f"/api/stays/{stay['id']}/check-out", json={
        "destination": "relative_home", "safety_plan": "again"})
    assert again.status_code == 409
    timeline = people("social_worker").get(f"/cases/{case_id}",
                                          headers={"Accept": "text/html"}).text
    assert "خروج از خانهٔ امن" in timeline


def test_a_check_in_to_an_occupied_bed_is_refused(people: People,
                                                   sari: dict[str, object]) -> None:
    taken = _held(sari, "woman_alone")[0]
    answer = people("shelter_manager").post(f"/api/shelters/{sari['id']}/stays", json={
        "case_id": _case(people), "check_in": True,
        "people": [{"age_years": 30, "bed_id": taken}]})
    assert answer.status_code == 409
    assert "occupied" in answer.json()["message"]


def test_a_girl_in_an_adults_only_room_is_refused(people: People,
                                                  sari: dict[str, object], app: FastAPI) -> None:
    bed = _free(sari, "woman_alone")[0]
    answer = people("shelter_manager").post(f"/api/shelters/{sari['id']}/stays", json={
        "case_id": _case(people), "check_in": True,
        "people": [{"age_years": 16, "bed_id": bed}]})
    assert answer.status_code == 422
    assert "room rule" in answer.json()["message"]
    assert _sari(app)["beds"] == sari["beds"]  # nothing half-saved


def test_an_adult_in_a_childs_bed_is_refused(people: People, sari: dict[str, object]) -> None:
    child_bed = _free(sari, "woman_with_children:child")[0]
    normal = _free(sari, "woman_with_children")[0]
    answer = people("shelter_manager").post(f"/api/shelters/{sari['id']}/stays", json={
        "case_id": _case(people), "people": [
            {"age_years": 30, "bed_id": child_bed},
            {"relation": "child", "age_years": 5, "bed_id": normal}]})
    assert answer.status_code == 422
    assert "child's bed" in answer.json()["message"]


def test_a_girl_is_given_a_bed_in_the_girls_room(people: People,
                                                 sari: dict[str, object]) -> None:
    answer = people("shelter_manager").post(f"/api/shelters/{sari['id']}/stays", json={
        "case_id": _case(people), "check_in": True, "people": [{"age_years": 16}]})
    assert answer.status_code == 201, answer.text
    assert answer.json()["people"][0]["bed_id"] in _free(sari, "girl_under_18")


def test_a_social_worker_cannot_run_the_shelter_nor_a_gilan_counsellor_see_its_board(
        people: People, sari: dict[str, object]) -> None:
    refused = people("social_worker").post(f"/api/shelters/{sari['id']}/stays", json={
        "case_id": 1, "people": [{"age_years": 30}]})
    assert refused.status_code == 403
    assert people("counsellor_gilan").get(f"/api/shelters/{sari['id']}/board").status_code == 403


def test_the_national_office_sees_the_board_without_names(people: People,
                                                         sari: dict[str, object]) -> None:
    board = people("national_office").get(f"/api/shelters/{sari['id']}/board")
    assert board.status_code == 200, board.text
    assert board.json()["beds_occupied"] >= 2
    assert "مریم احمدی" not in board.text
    assert not board.json()["can_manage"]
    named = people("shelter_manager").get(f"/api/shelters/{sari['id']}/board")
    assert "مریم احمدی" in named.text


def _near_end(people: People, sari: dict[str, object]) -> dict[str, object]:
    board = people("shelter_manager").get(f"/api/shelters/{sari['id']}/board").json()
    assert board["near_end"], board
    return board["near_end"][0]  # type: ignore[no-any-return]


def test_a_supervisor_extends_a_stay_near_its_end_with_a_reason(
        people: People, sari: dict[str, object]) -> None:
    stay = _near_end(people, sari)
    supervisor = people("supervisor")
    no_reason = supervisor.post(f"/api/stays/{stay['id']}/extend",
                                json={"until": "2026-05-01", "reason": ""})
    assert no_reason.status_code == 422
    earlier = supervisor.post(f"/api/stays/{stay['id']}/extend",
                              json={"until": "2026-03-23", "reason": "court date pending"})
    assert earlier.status_code == 422
    done = supervisor.post(f"/api/stays/{stay['id']}/extend",
                           json={"until": "2026-05-01", "reason": "court date pending"})
    assert done.status_code == 200, done.text
    assert done.json()["last_day"] == "2026-05-01"
    assert done.json()["extensions"][0]["reason"] == "court date pending"


def test_an_extension_by_a_social_worker_or_the_shelter_manager_is_refused(
        people: People, sari: dict[str, object]) -> None:
    stay = _near_end(people, sari)
    for who in ("social_worker", "shelter_manager"):
        answer = people(who).post(f"/api/stays/{stay['id']}/extend",
                                  json={"until": "2026-05-01", "reason": "court date pending"})
        assert answer.status_code == 403, who


def test_a_last_day_beyond_the_maximum_is_refused_at_check_in(
        people: People, sari: dict[str, object]) -> None:
    manager = people("shelter_manager")
    planned = manager.post(f"/api/shelters/{sari['id']}/stays", json={
        "case_id": _case(people), "people": [{"age_years": 40}]}).json()
    beyond = manager.post(f"/api/stays/{planned['id']}/check-in",
                          json={"ends_on": "2026-07-01"})
    assert beyond.status_code == 422
    assert "maximum-stay rule" in beyond.json()["message"]
    assert manager.get(f"/api/stays/{planned['id']}").json()["status"] == "planned"


def test_a_stay_past_its_maximum_raises_the_overdue_alert_once(
        people: People, sari: dict[str, object], app: FastAPI, clock: object) -> None:
    from panah.centres.stays.alerts import raise_alerts

    stay = _near_end(people, sari)
    with unit_of_work(app.state.session_factory) as session:
        assert raise_alerts(session, now=clock.now()) >= 1  # type: ignore[attr-defined]
    seen = people("shelter_manager").get(f"/api/stays/{stay['id']}").json()
    assert seen["alerts"] == ["near_end"]
    later = clock.now() + timedelta(days=10)  # type: ignore[attr-defined]
    with unit_of_work(app.state.session_factory) as session:
        assert raise_alerts(session, now=later) >= 1
        assert raise_alerts(session, now=later) == 0  # once
    seen = people("shelter_manager").get(f"/api/stays/{stay['id']}").json()
    assert seen["alerts"] == ["near_end", "overdue"]


def test_the_timer_raises_the_alerts_once_a_minute_and_once_per_last_day(
        people: People, sari: dict[str, object], app: FastAPI, clock: object) -> None:
    from panah.core.timers import tick

    def round_() -> int:
        return tick(app.state.session_factory, clock=clock,  # type: ignore[arg-type]
                    sms=app.state.sms).shelter_stay_alerts

    stay = _near_end(people, sari)
    assert round_() == 1  # Maryam's stay, six days before its end
    clock.advance(days=7)  # type: ignore[attr-defined]
    assert round_() == 1  # now past it: overdue
    assert round_() == 0  # the same minute: no round
    clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert round_() == 0  # raised once
    board = people("supervisor").get(f"/api/shelters/{sari['id']}/board").json()
    assert [s["id"] for s in board["overdue"]] == [stay["id"]]
    assert board["overdue"][0]["alerts"] == ["near_end", "overdue"]


def test_cancelling_a_planned_stay_frees_its_bed(people: People,
                                                 sari: dict[str, object], app: FastAPI) -> None:
    manager = people("shelter_manager")
    board = manager.get(f"/api/shelters/{sari['id']}/board").json()
    arriving = board["arriving_today"][0]
    free_before = board["beds_free"]
    assert manager.post(f"/api/stays/{arriving['id']}/cancel").status_code == 200
    assert manager.get(f"/api/shelters/{sari['id']}/board").json()["beds_free"] == free_before + 1
    assert manager.post(f"/api/stays/{arriving['id']}/check-in", json={}).status_code == 409


def test_the_province_policy_is_set_by_its_supervisor_only(people: People) -> None:
    assert people("supervisor").get("/api/stay-policies/IR-02").json()["max_stay_days"] == 90
    done = people("supervisor").put("/api/stay-policies/IR-02",
                                    json={"max_stay_days": 60, "alert_days_before": 5})
    assert done.status_code == 200, done.text
    assert done.json() == {"province_code": "IR-02", "max_stay_days": 60,
                           "alert_days_before": 5, "is_default": False}
    assert people("shelter_manager").put("/api/stay-policies/IR-02", json={
        "max_stay_days": 200, "alert_days_before": 5}).status_code == 403
    assert people("supervisor").put("/api/stay-policies/IR-01", json={
        "max_stay_days": 60, "alert_days_before": 5}).status_code == 403


HTML = {"Accept": "text/html"}


def test_the_board_page_shows_beds_and_the_days_lists_in_persian(
        people: People, sari: dict[str, object]) -> None:
    page = people("shelter_manager").get(f"/shelters/{sari['id']}", headers=HTML)
    assert page.status_code == 200, page.text
    assert "تابلوی خانهٔ امن" in page.text and "ورود امروز" in page.text
    assert "فاطمه قاسمی" in page.text  # arriving today, with a check-in button
    assert 'data-state="occupied"' in page.text
    national = people("national_office").get(f"/shelters/{sari['id']}", headers=HTML)
    assert national.status_code == 200 and "فاطمه قاسمی" not in national.text
    assert "take-in-form" not in national.text


def test_the_board_and_a_stay_read_in_english_too(people: People,
                                                 sari: dict[str, object]) -> None:
    manager = people("shelter_manager")
    page = manager.get(f"/shelters/{sari['id']}?lang=en", headers=HTML)
    assert page.status_code == 200
    assert "Shelter board" in page.text and "Arriving today" in page.text
    stay = _near_end(people, sari)
    assert "Check out" in manager.get(f"/shelters/stays/{stay['id']}?lang=en",
                                      headers=HTML).text


def test_a_check_in_may_move_her_to_another_free_bed_but_not_an_occupied_one(
        people: People, sari: dict[str, object]) -> None:
    manager = people("shelter_manager")
    board = manager.get(f"/api/shelters/{sari['id']}/board").json()
    arriving = board["arriving_today"][0]
    taken = _held(sari, "woman_alone")
    refused = manager.post(f"/api/stays/{arriving['id']}/check-in",
                           json={"bed_ids": [b for b in taken
                                             if b != _bed_of(manager, arriving['id'])][:1]})
    assert refused.status_code == 409
    girls = manager.post(f"/api/stays/{arriving['id']}/check-in",
                         json={"bed_ids": _free(sari, "girl_under_18")[:1]})
    assert girls.status_code == 422  # a woman of 41 in the girls' room: the room rule
    other = _free(sari, "woman_alone")[0]
    moved = manager.post(f"/api/stays/{arriving['id']}/check-in", json={"bed_ids": [other]})
    assert moved.status_code == 200, moved.text
    assert moved.json()["people"][0]["bed_id"] == other
    assert moved.json()["status"] == "checked_in"


def _bed_of(client: TestClient, stay_id: int) -> int:
    return int(client.get(f"/api/stays/{stay_id}").json()["people"][0]["bed_id"])


def test_checking_out_home_without_a_safety_plan_comes_back_with_the_rule(
        people: People, sari: dict[str, object]) -> None:
    manager = people("shelter_manager")
    stay = _near_end(people, sari)
    refused = manager.post(f"/shelters/stays/{stay['id']}/check-out", headers=HTML,
                           data={"destination": "own_home", "note": "", "safety_plan": ""})
    assert refused.status_code == 422
    assert "برنامهٔ ایمنی" in refused.text and 'id="stay-error"' in refused.text
    done = manager.post(f"/shelters/stays/{stay['id']}/check-out", headers=HTML,
                        data={"destination": "own_home", "safety_plan": "Call 123 at once."},
                        follow_redirects=True)
    assert done.status_code == 200 and "خارج‌شده" in done.text


def test_taking_someone_in_from_the_board_form(people: People,
                                               sari: dict[str, object]) -> None:
    case_id = _case(people, "Nasrin Jafari")
    taken = people("shelter_manager").post(
        f"/shelters/{sari['id']}/stays", headers=HTML, follow_redirects=True,
        data={"case_id": str(case_id), "client_age": "۳۵", "client_name": "نسرین",
              "children": "۶", "check_in": "1"})
    assert taken.status_code == 200, taken.text
    assert "ساکن" in taken.text and "نسرین" in taken.text
    panel = people("social_worker").get(f"/cases/{case_id}", headers=HTML).text
    assert 'id="stays"' in panel and "خانهٔ امن ساری" in panel
