"""A community worker does everything on her base's pages, without the API: Parvin
(community_worker, Sari base MZN-CB-SARI) adds a neighbourhood from the calendar, edits its
profile, records the residents' needs, starts a programme there and enrols one of the
base's participants in it. A refused form shows the page again with the reason in Persian
and English, and keeps what she typed. Frozen clock: Sunday 1405/01/02, 10:00 Tehran."""

from __future__ import annotations

import sqlite3

import pytest

from tests.api.conftest import HTML, People


def _one(database_url: str, sql: str, *args: object) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        row = db.execute(sql, args).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture
def sari_base(database_url: str) -> int:
    return _one(database_url, "SELECT id FROM centre WHERE code = 'MZN-CB-SARI'")


@pytest.fixture
def omid(database_url: str) -> int:
    """Koy-e Omid, an informal settlement the Sari base serves."""
    return _one(database_url, "SELECT id FROM community_neighbourhood WHERE kind = ?",
                "informal_settlement")


@pytest.fixture
def children(database_url: str) -> int:
    return _one(database_url, "SELECT id FROM community_programme WHERE kind = ?",
                "children_activities")


@pytest.fixture
def gilan_county(database_url: str) -> int:
    return _one(database_url, "SELECT id FROM county WHERE province_code = 'IR-01'")


def _csrf_form(page: str, form_id: str) -> str:
    form = page.split(f'id="{form_id}"')[1].split("</form>")[0]
    assert 'name="csrf_token"' in form
    return form


def test_parvin_adds_a_neighbourhood_from_the_calendar_and_lands_on_its_page(
    people: People, sari_base: int
) -> None:
    parvin = people("community_worker")
    calendar = parvin.get(f"/community?base_id={sari_base}", headers=HTML).text
    assert "افزودن محله" in _csrf_form(calendar, "neighbourhood-form")
    answer = parvin.post(f"/community/bases/{sari_base}/neighbourhoods", headers=HTML, data={
        "name": "محلهٔ سبزه‌میدان", "kind": "deprived", "households": "۳۰۰",
        "population": "1100", "issues": ["child_labour", "housing"], "amenities": ["school"]})
    assert answer.status_code == 303, answer.text
    place_id = int(answer.headers["location"].rsplit("/", 1)[1])
    place = parvin.get(f"/api/community/neighbourhoods/{place_id}").json()
    assert place["name"] == "محلهٔ سبزه‌میدان" and place["base_id"] == sari_base
    assert place["households"] == 300 and place["population"] == 1100
    assert place["issues"] == ["child_labour", "housing"] and place["amenities"] == ["school"]
    assert "محلهٔ سبزه‌میدان" in parvin.get(f"/community?base_id={sari_base}",
                                           headers=HTML).text


def test_a_neighbourhood_without_its_kind_is_refused_on_the_calendar_keeping_the_name(
    people: People, sari_base: int
) -> None:
    parvin = people("community_worker")
    answer = parvin.post(f"/community/bases/{sari_base}/neighbourhoods", headers=HTML,
                         data={"name": "محلهٔ بی‌نوع", "kind": ""})
    assert answer.status_code == 422
    assert "فرم را بررسی کنید" in answer.text and "check the form" in answer.text
    assert 'value="محلهٔ بی‌نوع"' in answer.text and 'id="community-calendar"' in answer.text
    week = parvin.get("/api/community/calendar").json()
    assert "محلهٔ بی‌نوع" not in [n[1] for n in week["neighbourhoods"]]


def test_parvin_edits_the_neighbourhoods_profile_on_its_page(
    people: People, omid: int
) -> None:
    parvin = people("community_worker")
    page = parvin.get(f"/community/neighbourhoods/{omid}", headers=HTML).text
    form = _csrf_form(page, "profile-form")
    assert 'value="کوی امید"' in form  # the profile as it is, ready to change
    answer = parvin.post(f"/community/neighbourhoods/{omid}/profile", headers=HTML, data={
        "name": "کوی امید", "kind": "informal_settlement", "households": "۷۰۰",
        "issues": ["addiction", "school_dropout"], "amenities": ["mosque", "park"],
        "note": "آب لوله‌کشی ندارد"})
    assert answer.status_code == 303, answer.text
    place = parvin.get(f"/api/community/neighbourhoods/{omid}").json()
    assert place["households"] == 700 and place["population"] is None
    assert place["issues"] == ["addiction", "school_dropout"]
    assert place["amenities"] == ["mosque", "park"] and place["note"] == "آب لوله‌کشی ندارد"


def test_a_county_outside_the_bases_province_is_refused_and_the_profile_stays(
    people: People, omid: int, gilan_county: int
) -> None:
    parvin = people("community_worker")
    before = parvin.get(f"/api/community/neighbourhoods/{omid}").json()
    answer = parvin.post(f"/community/neighbourhoods/{omid}/profile", headers=HTML, data={
        "name": "نام تازه", "kind": "deprived", "county_id": str(gilan_county)})
    assert answer.status_code == 422
    assert "آن شهرستان در استان پایگاه نیست" in answer.text
    assert "That county is not in the base" in answer.text
    assert 'value="نام تازه"' in answer.text
    assert parvin.get(f"/api/community/neighbourhoods/{omid}").json() == before


def test_the_profile_is_edited_through_the_api_too(people: People, omid: int) -> None:
    answer = people("community_worker").put(f"/api/community/neighbourhoods/{omid}", json={
        "name": "کوی امید", "kind": "informal_settlement", "population": 2500})
    assert answer.status_code == 200, answer.text
    assert answer.json()["population"] == 2500 and answer.json()["issues"] == []


def test_parvin_records_the_residents_needs_ranked_by_them(
    people: People, omid: int
) -> None:
    parvin = people("community_worker")
    _csrf_form(parvin.get(f"/community/neighbourhoods/{omid}", headers=HTML).text,
               "assessment-form")
    answer = parvin.post(f"/community/neighbourhoods/{omid}/assessments", headers=HTML, data={
        "held_on": "۱۴۰۴/۱۲/۲۰", "residents": "۱۸",
        "topic_1": "کلاس تقویتی", "raised_by_1": "9", "priority_1": "2",
        "topic_2": "زمین بازی امن", "raised_by_2": "۱۴", "priority_2": "۱",
        "topic_3": "", "raised_by_3": "", "priority_3": "3"})
    assert answer.status_code == 303, answer.text
    latest = parvin.get(f"/api/community/neighbourhoods/{omid}").json()["assessments"][0]
    assert latest["residents"] == 18 and latest["held_on"] == "2026-03-11"
    assert [(n["topic"], n["raised_by"]) for n in latest["needs"]] == [
        ("زمین بازی امن", 14), ("کلاس تقویتی", 9)]


def test_two_needs_with_one_rank_are_refused_naming_the_rule(
    people: People, omid: int
) -> None:
    parvin = people("community_worker")
    before = len(parvin.get(f"/api/community/neighbourhoods/{omid}").json()["assessments"])
    answer = parvin.post(f"/community/neighbourhoods/{omid}/assessments", headers=HTML, data={
        "held_on": "1404/12/20", "residents": "12",
        "topic_1": "کار", "raised_by_1": "5", "priority_1": "1",
        "topic_2": "مدرسه", "raised_by_2": "4", "priority_2": "1"})
    assert answer.status_code == 422
    assert "Give each need its own rank" in answer.text and "رتبهٔ جداگانه" in answer.text
    assert 'value="مدرسه"' in answer.text
    after = parvin.get(f"/api/community/neighbourhoods/{omid}").json()["assessments"]
    assert len(after) == before


def test_parvin_starts_a_programme_in_the_neighbourhood_and_leads_it(
    people: People, omid: int
) -> None:
    parvin = people("community_worker")
    form = _csrf_form(parvin.get(f"/community/neighbourhoods/{omid}", headers=HTML).text,
                      "programme-form")
    assert "selected" in form.split('name="facilitator_id"')[1]  # herself, by default
    answer = parvin.post(f"/community/neighbourhoods/{omid}/programmes", headers=HTML, data={
        "title": "مهارت نه گفتن", "kind": "life_skills", "audience": "adolescents",
        "starts_on": "۱۴۰۵/۰۱/۱۵", "ends_on": "1405/03/31", "capacity": "۲۰"})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith("#sessions")
    programme_id = int(answer.headers["location"].split("/")[-1].split("#")[0])
    programme = parvin.get(f"/api/community/programmes/{programme_id}").json()
    assert programme["neighbourhood_id"] == omid and programme["capacity"] == 20
    assert programme["starts_on"] == "2026-04-04" and programme["facilitator"]
    page = parvin.get(f"/community/programmes/{programme_id}", headers=HTML).text
    assert "مهارت نه گفتن" in page


def test_a_programme_that_ends_before_it_starts_is_refused_on_the_neighbourhoods_page(
    people: People, omid: int
) -> None:
    parvin = people("community_worker")
    before = len(parvin.get(f"/api/community/neighbourhoods/{omid}").json()["programmes"])
    answer = parvin.post(f"/community/neighbourhoods/{omid}/programmes", headers=HTML, data={
        "title": "برنامهٔ وارونه", "kind": "parenting", "audience": "parents",
        "starts_on": "1405/03/01", "ends_on": "1405/02/01", "capacity": "10"})
    assert answer.status_code == 422
    assert "The programme ends before it starts" in answer.text
    assert "پایان برنامه پیش از آغاز آن است" in answer.text
    assert 'value="برنامهٔ وارونه"' in answer.text
    after = parvin.get(f"/api/community/neighbourhoods/{omid}").json()["programmes"]
    assert len(after) == before


def test_parvin_enrols_one_of_the_bases_participants_from_the_list(
    people: People, children: int
) -> None:
    parvin = people("community_worker")
    page = parvin.get(f"/community/programmes/{children}", headers=HTML).text
    form = _csrf_form(page, "enrol-form")
    choice = int(form.split('<option value="')[2].split('"')[0])  # the first after "choose"
    enrolled = [p["id"] for p in
                parvin.get(f"/api/community/programmes/{children}").json()["participants"]]
    assert choice not in enrolled  # only those not yet in the programme are offered
    answer = parvin.post(f"/community/programmes/{children}/enrolments", headers=HTML,
                         data={"participant_id": str(choice)})
    assert answer.status_code == 303, answer.text
    after = [p["id"] for p in
             parvin.get(f"/api/community/programmes/{children}").json()["participants"]]
    assert after == [*enrolled, choice]


def test_enrolling_someone_already_in_the_programme_is_refused_on_its_page(
    people: People, children: int
) -> None:
    parvin = people("community_worker")
    enrolled = [p["id"] for p in
                parvin.get(f"/api/community/programmes/{children}").json()["participants"]]
    answer = parvin.post(f"/community/programmes/{children}/enrolments", headers=HTML,
                         data={"participant_id": str(enrolled[0])})
    assert answer.status_code == 422
    assert "already enrolled" in answer.text and "پیش‌تر در این برنامه" in answer.text
    assert 'id="enrol-form"' in answer.text


def test_gilans_counsellor_cannot_start_a_programme_in_sari(
    people: People, omid: int
) -> None:
    answer = people("counsellor_gilan").post(
        f"/community/neighbourhoods/{omid}/programmes", headers=HTML,
        data={"title": "x", "kind": "parenting", "audience": "parents",
              "starts_on": "1405/02/01", "ends_on": "1405/03/01", "capacity": "10"})
    assert answer.status_code == 403


def test_the_weekly_schedule_form_takes_persian_digits(people: People, children: int) -> None:
    before = len(people("community_worker").get(
        f"/api/community/programmes/{children}").json()["sessions"])
    answer = people("community_worker").post(
        f"/community/programmes/{children}/sessions", headers=HTML,
        data={"day": "۱۴۰۵/۰۱/۰۵", "time": "۱۷:۰۰", "minutes": "۶۰", "weeks": "۲",
              "place": "کتابخانهٔ محله"})
    assert answer.status_code == 303, answer.text
    after = people("community_worker").get(f"/api/community/programmes/{children}").json()
    assert len(after["sessions"]) == before + 2
