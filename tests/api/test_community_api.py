"""Community bases through the API, with the frozen clock at Nowruz 1405 (Sunday 1405/01/02,
10:00 Tehran). Parvin (community_worker) works at the Sari base (MZN-CB-SARI): the
children's workshop met this morning at 09:00 and is not yet marked; the mothers'
parenting group meets on Saturdays at 16:00 (yesterday's not yet marked). Reza
(supervisor) oversees Mazandaran; Gilan's counsellor and Tehran's social worker are
outsiders."""

from __future__ import annotations

import sqlite3

import pytest

from tests.api.conftest import HTML, People


def _one(database_url: str, sql: str, *args: object) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        row = db.execute(sql, args).fetchone()
    return int(row[0]) if row else 0


def _session_of(database_url: str, title_part: str, when: str) -> int:
    """The programme's session on the Iran day/time ``when`` = 'YYYY-MM-DD HH:MM' (UTC)."""
    return _one(database_url, "SELECT s.id FROM community_session s JOIN community_programme p "
                "ON p.id = s.programme_id WHERE p.title LIKE ? AND s.starts_at LIKE ?",
                f"%{title_part}%", f"{when}%")


@pytest.fixture
def this_morning(database_url: str) -> int:
    return _session_of(database_url, "کودکان", "2026-03-22 05:30")  # 09:00 Tehran


@pytest.fixture
def next_sunday(database_url: str) -> int:
    return _session_of(database_url, "کودکان", "2026-03-29 05:30")


@pytest.fixture
def children(database_url: str) -> int:
    return _one(database_url, "SELECT id FROM community_programme WHERE kind = ?",
                "children_activities")


@pytest.fixture
def omid(database_url: str) -> int:
    return _one(database_url, "SELECT id FROM community_neighbourhood WHERE kind = ?",
                "informal_settlement")


@pytest.fixture
def sari_base(database_url: str) -> int:
    return _one(database_url, "SELECT id FROM centre WHERE code = 'MZN-CB-SARI'")


def _enrolled(people: People, programme: int) -> list[int]:
    body = people("community_worker").get(f"/api/community/programmes/{programme}").json()
    return [p["id"] for p in body["participants"]]


def test_parvin_sees_her_bases_week_with_this_mornings_session(
    people: People, this_morning: int
) -> None:
    week = people("community_worker").get("/api/community/calendar").json()
    assert week["days"][0] == "2026-03-21"  # Saturday 1405/01/01
    ids = {s["id"]: s for s in week["sessions"]}
    assert ids[this_morning]["status"] == "planned"
    assert {p["kind"] for p in week["programmes"]} >= {"parenting", "children_activities",
                                                       "life_skills", "addiction_prevention"}


def test_parvin_takes_attendance_for_this_mornings_session_and_marks_it_held(
    people: People, this_morning: int, children: int
) -> None:
    first, second, *_ = _enrolled(people, children)
    answer = people("community_worker").put(
        f"/api/community/sessions/{this_morning}/attendance",
        json={"held": True, "marks": [{"participant_id": first, "mark": "present"},
                                      {"participant_id": second, "mark": "excused"}]})
    assert answer.status_code == 200, answer.text
    sheet = answer.json()
    assert sheet["status"] == "held" and sheet["present"] == 1
    marks = {r["participant"]["id"]: r["mark"] for r in sheet["rows"]}
    assert marks[first] == "present" and marks[second] == "excused"
    again = people("community_worker").put(
        f"/api/community/sessions/{this_morning}/attendance",
        json={"marks": [{"participant_id": second, "mark": "present"}]}).json()
    assert again["present"] == 2  # marking again replaces the mark


def test_attendance_for_a_session_that_has_not_happened_is_refused_naming_the_rule(
    people: People, next_sunday: int, children: int
) -> None:
    first = _enrolled(people, children)[0]
    answer = people("community_worker").put(
        f"/api/community/sessions/{next_sunday}/attendance",
        json={"marks": [{"participant_id": first, "mark": "present"}]})
    assert answer.status_code == 422
    assert answer.json()["details"]["rule"] == "no_attendance_before_session"
    assert "not happened" in answer.json()["message"]
    held = people("community_worker").post(f"/api/community/sessions/{next_sunday}/held")
    assert held.status_code == 422
    sheet = people("community_worker").get(f"/api/community/sessions/{next_sunday}").json()
    assert sheet["status"] == "planned" and all(r["mark"] is None for r in sheet["rows"])


def test_attendance_for_someone_not_enrolled_is_refused_and_nothing_is_saved(
    people: People, this_morning: int, children: int, database_url: str
) -> None:
    enrolled = _enrolled(people, children)
    stranger = _one(database_url, "SELECT p.id FROM community_participant p WHERE p.id NOT IN "
                    "(SELECT participant_id FROM community_enrolment WHERE programme_id = ?)",
                    children)
    answer = people("community_worker").put(
        f"/api/community/sessions/{this_morning}/attendance",
        json={"held": True, "marks": [{"participant_id": enrolled[0], "mark": "present"},
                                      {"participant_id": stranger, "mark": "present"}]})
    assert answer.status_code == 422
    assert answer.json()["details"]["rule"] == "attendance_of_enrolled_only"
    sheet = people("community_worker").get(f"/api/community/sessions/{this_morning}").json()
    assert sheet["status"] == "planned" and all(r["mark"] is None for r in sheet["rows"])


def test_a_cancelled_session_takes_no_attendance(
    people: People, next_sunday: int, children: int
) -> None:
    parvin = people("community_worker")
    assert parvin.post(f"/api/community/sessions/{next_sunday}/cancel").json()[
        "status"] == "cancelled"
    first = _enrolled(people, children)[0]
    answer = parvin.put(f"/api/community/sessions/{next_sunday}/attendance",
                        json={"marks": [{"participant_id": first, "mark": "present"}]})
    assert answer.status_code == 422
    assert answer.json()["details"]["rule"] == "no_attendance_for_cancelled_session"


def test_parvin_opens_a_neighbourhood_a_programme_weekly_sessions_and_a_participant(
    people: People, sari_base: int
) -> None:
    parvin = people("community_worker")
    place = parvin.post(f"/api/community/bases/{sari_base}/neighbourhoods", json={
        "name": "محلهٔ آزمایشی", "kind": "informal_settlement", "households": 300,
        "issues": ["child_labour"], "amenities": ["school"]})
    assert place.status_code == 201, place.text
    place_id = place.json()["id"]
    assessed = parvin.post(f"/api/community/neighbourhoods/{place_id}/assessments", json={
        "held_on": "1404/12/20", "residents": 18, "needs": [
            {"topic": "کلاس درس", "raised_by": 9, "priority": 2},
            {"topic": "زمین بازی", "raised_by": 14, "priority": 1}]})
    assert assessed.status_code == 201, assessed.text
    needs = assessed.json()["assessments"][0]["needs"]
    assert [n["topic"] for n in needs] == ["زمین بازی", "کلاس درس"]
    programme = parvin.post(f"/api/community/neighbourhoods/{place_id}/programmes", json={
        "kind": "life_skills", "title": "مهارت نه گفتن", "starts_on": "1405/01/05",
        "ends_on": "1405/03/31", "capacity": 2, "audience": "adolescents"})
    assert programme.status_code == 201, programme.text
    programme_id = programme.json()["id"]
    sessions = parvin.post(f"/api/community/programmes/{programme_id}/sessions", json={
        "day": "1405/01/05", "time": "16:00", "place": "مدرسهٔ محله", "weekday": "monday",
        "weeks": 8})
    assert sessions.status_code == 201, sessions.text
    assert len(sessions.json()) == 8
    assert sessions.json()[0]["starts_at"].startswith("2026-03-30T12:30")  # Monday 16:00
    person = parvin.post(f"/api/community/programmes/{programme_id}/participants", json={
        "name": "سارا", "age_group": "adolescent", "sex": "female", "phone": "09111234567"})
    assert person.status_code == 201, person.text
    parvin.post(f"/api/community/programmes/{programme_id}/participants", json={
        "name": "نگار", "age_group": "adolescent", "sex": "female"})
    full = parvin.post(f"/api/community/programmes/{programme_id}/participants", json={
        "name": "نیلوفر", "age_group": "adolescent", "sex": "female"})
    assert full.status_code == 422 and full.json()["details"]["rule"] == "programme_capacity"


def test_a_weekly_series_past_the_programmes_end_is_refused_whole(
    people: People, children: int
) -> None:
    answer = people("community_worker").post(f"/api/community/programmes/{children}/sessions",
                                             json={"day": "1405/01/07", "time": "09:00",
                                                   "place": "کتابخانه", "weeks": 30})
    assert answer.status_code == 422
    assert answer.json()["details"]["rule"] == "session_within_programme"


def test_referring_a_participant_opens_a_case_in_mazandaran_and_links_it(
    people: People, children: int
) -> None:
    parvin = people("community_worker")
    child = _enrolled(people, children)[0]
    answer = parvin.post(f"/api/community/participants/{child}/referral", json={
        "reason": "کودک از کتک خوردن در خانه گفت", "category": "child_abuse", "risk": "high"})
    assert answer.status_code == 201, answer.text
    referral = answer.json()
    case = parvin.get(f"/api/cases/{referral['case_id']}").json()
    assert case["province_code"] == "IR-02" and case["category"] == "child_abuse"
    record = parvin.get(f"/api/community/participants/{child}").json()
    assert record["case_reference"] == referral["case_reference"]
    assert record["client_id"] == referral["client_id"]
    days = parvin.get(f"/api/cases/{referral['case_id']}/timeline").json()["days"]
    assert any(i["kind"] == "community_referral" for d in days for i in d["items"])
    twice = parvin.post(f"/api/community/participants/{child}/referral", json={
        "reason": "دوباره", "category": "child_abuse"})
    assert twice.status_code == 409


@pytest.mark.parametrize("outsider", ["counsellor_gilan", "social_worker_tehran"])
def test_outsiders_do_not_reach_the_sari_base(
    people: People, outsider: str, children: int, this_morning: int
) -> None:
    client = people(outsider)
    assert client.get(f"/api/community/programmes/{children}").status_code == 403
    assert client.put(f"/api/community/sessions/{this_morning}/attendance",
                      json={"marks": []}).status_code == 403


def test_the_supervisor_reaches_the_base_of_her_province_and_the_analyst_none(
    people: People, children: int
) -> None:
    assert people("supervisor").get(f"/api/community/programmes/{children}").status_code == 200
    assert people("analyst").get("/api/community/calendar").status_code == 403


def test_the_participants_name_is_not_stored_in_plain_text(database_url: str) -> None:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        names = [r[0] for r in db.execute("SELECT name FROM community_participant")]
    assert names and not any("زهره" in (n or "") for n in names)


def test_parvins_home_shows_this_mornings_session_and_her_programmes(
    people: People, this_morning: int
) -> None:
    page = people("community_worker").get("/", headers=HTML).text
    assert f"/community/sessions/{this_morning}" in page
    assert "فرزندپروری مثبت برای مادران" in page and "id=\"open-calendar\"" in page


def test_the_sheet_of_a_future_session_refuses_attendance_on_the_page_with_the_rule(
    people: People, next_sunday: int, children: int
) -> None:
    parvin = people("community_worker")
    sheet = parvin.get(f"/community/sessions/{next_sunday}", headers=HTML).text
    assert "هنوز برگزار نشده" in sheet and "save-attendance" not in sheet
    first = _enrolled(people, children)[0]
    answer = parvin.post(f"/community/sessions/{next_sunday}", headers=HTML,
                         data={f"mark_{first}": "present", "held": "1"})
    assert answer.status_code == 422
    assert "attendance is taken only once a session has begun" in answer.text


def test_the_attendance_form_saves_marks_and_holds_the_session(
    people: People, this_morning: int, children: int
) -> None:
    parvin = people("community_worker")
    first, second, *_ = _enrolled(people, children)
    answer = parvin.post(f"/community/sessions/{this_morning}", headers=HTML,
                         data={f"mark_{first}": "present", f"mark_{second}": "absent",
                               "held": "1"})
    assert answer.status_code == 303
    sheet = parvin.get(f"/api/community/sessions/{this_morning}").json()
    assert sheet["status"] == "held" and sheet["present"] == 1


def test_a_participant_added_on_the_sheet_is_enrolled_at_once(
    people: People, this_morning: int, children: int
) -> None:
    before = len(_enrolled(people, children))
    answer = people("community_worker").post(
        f"/community/sessions/{this_morning}/participants", headers=HTML,
        data={"name": "پریا", "age_group": "child", "sex": "female"})
    assert answer.status_code == 303
    assert len(_enrolled(people, children)) == before + 1


def test_the_referral_form_opens_the_case_and_the_record_shows_its_reference(
    people: People, children: int
) -> None:
    parvin = people("community_worker")
    child = _enrolled(people, children)[1]
    missing = parvin.post(f"/community/participants/{child}/referral", headers=HTML,
                          data={"reason": "", "category": ""})
    assert missing.status_code == 422
    answer = parvin.post(f"/community/participants/{child}/referral", headers=HTML,
                         data={"reason": "کار در خیابان پس از مدرسه", "category": "street_child",
                               "risk": "medium"})
    assert answer.status_code == 303
    record = parvin.get(f"/community/participants/{child}", headers=HTML).text
    assert 'id="case-reference"' in record and "IR-02-" in record


def test_a_crisis_centre_social_worker_is_told_she_works_in_no_base(people: People) -> None:
    page = people("social_worker").get("/community", headers=HTML)
    assert page.status_code == 200 and 'id="no-base"' in page.text
