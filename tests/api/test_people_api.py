"""People through HTTP: the national administrator (``admin``) makes a Mazandaran
administrator (``mzn.admin``), who then manages Mazandaran's people and nobody else;
one-time links, disabling, and the audit of every change."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import HTML, People
from tests.conftest import login

SOUND = "violet tractor harbour pencil"


def _db(database_url: str) -> sqlite3.Connection:
    return sqlite3.connect(database_url.removeprefix("sqlite:///"))


def _person(username: str, role: str = "counsellor", province: str | None = "IR-02",
            **more: object) -> dict[str, object]:
    return {"username": username, "full_name": more.pop("full_name", "سارا نیکو"),
            "role": role, "province_code": province, **more}


def _set_password(client: TestClient, admin: TestClient, username: str,
                  purpose: str = "password") -> None:
    made = admin.post(f"/api/people/{username}/links", json={"purpose": purpose})
    assert made.status_code == 201, made.text
    done = client.post(made.json()["path"],
                       data={"password": SOUND, "password_again": SOUND}, headers=HTML)
    assert done.status_code == 200, done.text


@pytest.fixture
def provincial_admin(app: FastAPI, people: People) -> TestClient:
    """``mzn.admin``: an administrator of Mazandaran, signed in, with its CSRF header."""
    admin = people("admin")
    made = admin.post("/api/people", json=_person("mzn.admin", "admin", full_name="رضا مدیر"))
    assert made.status_code == 201, made.text
    client = TestClient(app, follow_redirects=False)
    _set_password(client, admin, "mzn.admin")
    login(client, "mzn.admin", SOUND)
    page = client.get("/", headers=HTML).text
    client.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split('"')[0]
    return client


def test_national_admin_creates_a_counsellor_without_a_password(people: People,
                                                                database_url: str) -> None:
    admin = people("admin")
    made = admin.post("/api/people", json=_person(
        "s.nikoo", centre="MZN-123", languages="Persian, مازندرانی", skills=["suicide_prevention"],
        is_woman=True, phone="۰۹۱۲ ۱۲۳ ۴۵۶۷"))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["languages"] == ["persian", "mazandarani"]
    assert body["phone"] == "+989121234567"
    assert body["has_password"] is False and body["active"] is True
    with _db(database_url) as db:
        actions = db.execute("SELECT action FROM audit_event WHERE subject_type='user' AND "
                             "subject_id=?", (str(body["id"]),)).fetchall()
        phone = db.execute("SELECT phone FROM app_user WHERE username='s.nikoo'").fetchone()[0]
    assert ("create",) in actions
    assert "0912" not in phone and "+98" not in phone  # sealed


def test_a_duplicate_username_is_a_conflict(people: People) -> None:
    answer = people("admin").post("/api/people", json=_person("counsellor"))
    assert answer.status_code == 409
    assert "taken" in answer.json()["message"] and answer.json()["message_fa"]


def test_a_person_without_a_password_cannot_sign_in(people: People, client: TestClient) -> None:
    people("admin").post("/api/people", json=_person("s.nikoo"))
    answer = client.post("/login", data={"username": "s.nikoo", "password": "!"})
    assert answer.status_code == 401


def test_provincial_admin_manages_their_own_province_only(provincial_admin: TestClient,
                                                          people: People) -> None:
    mine = provincial_admin.post("/api/people", json=_person("a.counsellor"))
    assert mine.status_code == 201, mine.text
    other = provincial_admin.post("/api/people", json=_person("g.counsellor", province="IR-01"))
    assert other.status_code == 403
    assert other.json()["details"]["why"] == "other_province"
    gilan = provincial_admin.get("/api/people/counsellor_gilan")
    assert gilan.status_code == 403
    names = {p["username"] for p in provincial_admin.get("/api/people").json()}
    assert "a.counsellor" in names and "counsellor" in names
    assert not names & {"counsellor_gilan", "admin", "national_office", "analyst"}


@pytest.mark.parametrize("role", ["national_office", "analyst", "integration"])
def test_provincial_admin_cannot_create_a_national_role(provincial_admin: TestClient,
                                                         role: str) -> None:
    answer = provincial_admin.post("/api/people", json=_person("n.person", role, None))
    assert answer.status_code == 403
    assert answer.json()["details"]["why"] == "national_role"


def test_provincial_admin_cannot_create_an_admin(provincial_admin: TestClient) -> None:
    answer = provincial_admin.post("/api/people", json=_person("second.admin", "admin"))
    assert answer.status_code == 403
    assert answer.json()["details"]["why"] == "admin_role"


def test_provincial_admin_cannot_move_a_person_to_another_province(
        provincial_admin: TestClient, database_url: str) -> None:
    answer = provincial_admin.put("/api/people/dispatcher", json=_person(
        "dispatcher", "dispatcher", "IR-01", full_name="بهرام اعزام"))
    assert answer.status_code == 403
    with _db(database_url) as db:
        assert db.execute("SELECT province_code FROM app_user WHERE username='dispatcher'"
                          ).fetchone() == ("IR-02",)


def test_a_centre_of_another_province_is_refused_naming_the_rule(people: People) -> None:
    answer = people("admin").post("/api/people", json=_person(
        "x.worker", "social_worker", centre="GLN-123"))
    assert answer.status_code == 422
    assert answer.json()["details"]["field"] == "centre_code"


def test_disabling_ends_the_session_at_once_and_the_sign_in_is_refused_clearly(
        people: People, client: TestClient, database_url: str) -> None:
    dispatcher = people("dispatcher")
    assert dispatcher.get("/api/people").status_code == 403  # signed in, not an admin
    assert dispatcher.get("/", headers=HTML).status_code == 200
    disabled = people("admin").post("/api/people/dispatcher/disable")
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert dispatcher.get("/", headers=HTML).status_code == 303  # back to the sign-in
    refused = client.post("/login", data={"username": "dispatcher", "password": "panah-demo"})
    assert refused.status_code == 401
    assert "disabled" in refused.text and "غیرفعال" in refused.text
    with _db(database_url) as db:
        uid = db.execute("SELECT id FROM app_user WHERE username='dispatcher'").fetchone()[0]
        assert db.execute("SELECT count(*) FROM web_session WHERE user_id=?",
                          (uid,)).fetchone() == (0,)
        reasons = [r for (r,) in db.execute(
            "SELECT reason FROM audit_event WHERE subject_type='user' AND subject_id=?",
            (str(uid),))]
    assert any("disabled" in (r or "") for r in reasons)


def test_an_admin_cannot_disable_themself(people: People) -> None:
    answer = people("admin").post("/api/people/admin/disable")
    assert answer.status_code == 403


def test_a_one_time_link_works_once(people: People, client: TestClient,
                                    database_url: str) -> None:
    admin = people("admin")
    admin.post("/api/people", json=_person("s.nikoo"))
    made = admin.post("/api/people/s.nikoo/links", json={"purpose": "password"}).json()
    path = made["path"]
    assert client.get(path, headers=HTML).status_code == 200
    weak = client.post(path, data={"password": "password1234", "password_again": "password1234"})
    assert weak.status_code == 422 and "رایج" in weak.text
    done = client.post(path, data={"password": SOUND, "password_again": SOUND})
    assert done.status_code == 200
    again = client.post(path, data={"password": SOUND, "password_again": SOUND})
    assert again.status_code == 410
    login(client, "s.nikoo", SOUND)
    with _db(database_url) as db:
        stored = [h for (h,) in db.execute("SELECT token_hash FROM access_link")]
    assert path.rsplit("/", 1)[1] not in stored  # only the hash is kept


def test_a_newer_link_replaces_the_older(people: People, client: TestClient) -> None:
    admin = people("admin")
    admin.post("/api/people", json=_person("s.nikoo"))
    first = admin.post("/api/people/s.nikoo/links", json={}).json()["path"]
    admin.post("/api/people/s.nikoo/links", json={})
    assert client.get(first, headers=HTML).status_code == 410


def test_a_second_factor_link_clears_the_app_so_the_next_sign_in_enrols(
        people: People, client: TestClient, database_url: str) -> None:
    with _db(database_url) as db:
        db.execute("UPDATE app_user SET totp_enabled_at='2026-03-20 00:00:00' "
                   "WHERE username='supervisor'")
    _set_password(client, people("admin"), "supervisor", "second_factor")
    with _db(database_url) as db:
        assert db.execute("SELECT totp_secret, totp_enabled_at FROM app_user WHERE "
                          "username='supervisor'").fetchone() == (None, None)


def test_the_people_pages_for_an_admin(people: People) -> None:
    admin = people("admin")
    page = admin.get("/admin/people", headers=HTML)
    assert page.status_code == 200 and "counsellor_gilan" in page.text
    added = admin.post("/admin/people", data={
        "username": "p.form", "full_name": "پریسا فرم", "role": "counsellor",
        "province_code": "IR-02", "languages": ["persian", "azeri"], "active": "yes"},
        headers=HTML)
    assert added.status_code == 303, added.text
    person = admin.get(added.headers["location"], headers=HTML)
    assert person.status_code == 200 and "پریسا فرم" in person.text
    link = admin.post("/admin/people/p.form/links", data={"purpose": "password"}, headers=HTML)
    assert link.status_code == 201 and "/access/" in link.text
    unconfirmed = admin.post("/admin/people/p.form/disable", data={}, headers=HTML)
    assert unconfirmed.status_code == 422
    refused = admin.post("/admin/people", data={
        "username": "bad name", "full_name": "x", "role": "counsellor",
        "province_code": "IR-02", "active": "yes"}, headers=HTML)
    assert refused.status_code == 422


def test_a_counsellor_cannot_reach_the_people_pages(people: People) -> None:
    assert people("counsellor").get("/admin/people", headers=HTML).status_code == 403
    assert people("provincial_manager").get("/api/people").status_code == 403
