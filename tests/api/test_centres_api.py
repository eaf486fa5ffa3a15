"""Centres and coverage through the API and the pages: the national admin adds a county
centre for Kelardasht, which takes the county from Chalus's centre (شهرستان معین); the
next call from Kelardasht reaches the new centre; a county of Gilan, a county left with
no centre and a point outside the province are refused with nothing saved; the Mazandaran
manager cannot touch Gilan."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.db import unit_of_work
from panah.security.apikeys import create_key
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.api.conftest import HTML, People

KELARDASHT_SEAT = {"lat": 36.51094, "lon": 51.17343, "radius_m": 25}
NEW = "MZN-C-KELARDASHT"


def kelardasht_centre(**changes: Any) -> dict[str, Any]:
    return {"code": NEW, "kind": "county_centre", "name_fa": "مرکز اورژانس اجتماعی کلاردشت",
            "name_en": "Kelardasht social emergency centre", "province_code": "IR-02",
            "county": "کلاردشت", **changes}


def coverage_of(client: TestClient, province: str = "IR-02") -> dict[str, Any]:
    answer = client.get(f"/api/provinces/{province}/coverage")
    assert answer.status_code == 200, answer.text
    return {row["county"]["name_en"]: row for row in answer.json()["counties"]} | {
        "unanswered": answer.json()["unanswered"]}


def rows(database_url: str, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return db.execute(sql, args).fetchall()


def test_a_new_county_centre_takes_its_county_from_the_covering_centre(
    people: People, database_url: str
) -> None:
    admin = people("admin")
    assert coverage_of(admin)["Kelardasht County"]["centre_code"] == "MZN-C-CHALUS"
    made = admin.post("/api/centres", json=kelardasht_centre())
    assert made.status_code == 201, made.text
    centre = made.json()
    assert [c["name_en"] for c in centre["covers"]] == ["Kelardasht County"]
    assert (centre["lat"], centre["lon"], centre["hours"]) == (36.51094, 51.17343, "24/7")
    row = coverage_of(admin)["Kelardasht County"]
    assert (row["centre_code"], row["covering"]) == (NEW, None)
    chalus = admin.get("/api/centres/MZN-C-CHALUS").json()
    assert "Kelardasht County" not in [c["name_en"] for c in chalus["covers"]]
    audited = rows(database_url, "SELECT action, reason FROM audit_event WHERE "
                                 "subject_type='centre' AND subject_id=?", NEW)
    assert len(audited) == 1 and audited[0][0] == "create"
    assert "from MZN-C-CHALUS" in audited[0][1]


def test_saving_the_same_code_again_updates_it(people: People) -> None:
    admin = people("admin")
    assert admin.post("/api/centres", json=kelardasht_centre()).status_code == 201
    again = admin.post("/api/centres", json=kelardasht_centre(hours="۰۸:۰۰ - ۱۴:۰۰"))
    assert again.status_code == 200, again.text
    assert again.json()["hours"] == "08:00-14:00"
    changed = admin.put(f"/api/centres/{NEW}", json=kelardasht_centre(
        has_shelter=True, shelter_beds=4, lat=36.52, lon=51.16))
    assert changed.status_code == 200, changed.text
    assert (changed.json()["shelter_beds"], changed.json()["lat"]) == (4, 36.52)
    assert len(admin.get("/api/centres", params={"province": "IR-02"}).json()) == 21


def test_a_county_of_gilan_is_refused_naming_the_rule_and_nothing_is_saved(
    people: People
) -> None:
    admin = people("admin")
    refused = admin.post("/api/centres", json=kelardasht_centre(covers=["Rasht"]))
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["details"]["field"] == "covers"
    assert body["details"]["rule"] == "county_service"
    assert "covering-county rule" in body["message"] and "شهرستان معین" in body["message_fa"]
    assert admin.get(f"/api/centres/{NEW}").status_code == 404
    assert coverage_of(admin)["Kelardasht County"]["centre_code"] == "MZN-C-CHALUS"


def test_an_unknown_county_is_refused_with_the_closest_names(people: People) -> None:
    refused = people("admin").post("/api/centres", json=kelardasht_centre(county="Kelardash"))
    assert refused.status_code == 422, refused.text
    assert any("Kelardasht" in name for name in refused.json()["details"]["suggestions"])


def test_a_county_left_with_no_centre_is_refused(people: People) -> None:
    admin = people("admin")
    chalus = admin.get("/api/centres/MZN-C-CHALUS").json()
    data = {"code": "MZN-C-CHALUS", "kind": "county_centre", "name_fa": chalus["name_fa"],
            "name_en": chalus["name_en"], "province_code": "IR-02", "county": "Chalus",
            "covers": []}
    refused = admin.put("/api/centres/MZN-C-CHALUS", json=data)
    assert refused.status_code == 409, refused.text
    assert "Kelardasht" in refused.json()["message"]
    assert coverage_of(admin)["Kelardasht County"]["centre_code"] == "MZN-C-CHALUS"


def test_a_point_outside_the_province_is_refused(people: People) -> None:
    tehran = kelardasht_centre(lat=35.6892, lon=51.3890)
    refused = people("admin").post("/api/centres", json=tehran)
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["field"] == "lat"


def test_the_mazandaran_manager_manages_mazandaran_and_not_gilan(people: People) -> None:
    manager = people("provincial_manager")
    gilan = kelardasht_centre(code="GLN-C-RASHT", province_code="IR-01", county="Rasht")
    assert manager.post("/api/centres", json=gilan).status_code == 403
    gln = manager.get("/api/centres/GLN-123").json()
    assert manager.put("/api/centres/GLN-123", json={
        "code": "GLN-123", "kind": "line_123", "name_fa": gln["name_fa"], "name_en": "x",
        "province_code": "IR-01"}).status_code == 403
    assert manager.get("/admin/centres", params={"province": "IR-01"},
                       headers=HTML).status_code == 403
    assert manager.get("/admin/centres/GLN-123", headers=HTML).status_code == 403
    assert manager.get("/admin/centres/new", params={"province": "IR-01"},
                       headers=HTML).status_code == 403
    assert manager.post("/api/centres", json=kelardasht_centre()).status_code == 201
    # … and a counsellor manages nothing, though she reads the organisation.
    counsellor = people("counsellor")
    assert counsellor.post("/api/centres", json=kelardasht_centre()).status_code == 403
    assert counsellor.get("/api/provinces/IR-02/coverage").status_code == 200


def test_gilan_shows_its_counties_without_a_centre_as_gaps(people: People) -> None:
    coverage = coverage_of(people("admin"), "IR-01")
    assert coverage["unanswered"] == 17
    assert coverage_of(people("admin"))["unanswered"] == 0
    page = people("admin").get("/admin/centres", params={"province": "IR-01"}, headers=HTML)
    assert page.status_code == 200
    assert page.text.count('class="coverage-gap"') == 17


@pytest.fixture
def pbx(app: FastAPI) -> Iterator[TestClient]:
    from sqlalchemy import select

    with unit_of_work(app.state.session_factory) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        _, text = create_key(session, actor=actor_of(admin), username="integration",
                             label="Mazandaran PBX", province_code=None,
                             now=app.state.clock.now())
    with TestClient(app, headers={"Authorization": f"Bearer {text}"}) as client:
        yield client


def centre_step(pbx: TestClient, people: People, call: str) -> str:
    receipt = pbx.post("/api/telephony/events", json={
        "event_id": f"{call}-offered", "kind": "call.offered", "call_id": call,
        "caller": "09121112222", "called": "123", "location": KELARDASHT_SEAT})
    assert receipt.status_code == 200, receipt.text
    contact = people("counsellor").get(f"/api/contacts/{receipt.json()['contact_id']}").json()
    return str(next(s["detail_en"] for s in contact["trail"] if s["step"] == "centre"))


def test_the_next_call_from_kelardasht_reaches_the_new_centre_at_once(
    pbx: TestClient, people: People
) -> None:
    assert "Chalus social emergency centre" in centre_step(pbx, people, "k1")
    made = people("admin").post("/api/centres", json=kelardasht_centre())
    assert made.status_code == 201, made.text
    assert "Kelardasht social emergency centre" in centre_step(pbx, people, "k2")


def test_the_form_adds_a_centre_and_a_mistake_saves_nothing(people: People) -> None:
    admin = people("admin")
    token = admin.headers["X-CSRF-Token"]
    form = {"csrf_token": token, "code": NEW, "kind": "county_centre",
            "name_fa": "مرکز کلاردشت", "name_en": "Kelardasht centre",
            "province_code": "IR-02", "county": "IR-02:Kelardasht County",
            "lat": "36.5", "lon": "51.2", "hours": "24/7", "shelter_beds": "0",
            "covers": ["Q1282160"]}  # Chalus: its own centre would be left with nothing
    refused = admin.post("/admin/centres", data=form, headers=HTML)
    assert refused.status_code == 422, refused.text
    assert "Chalus" in refused.text and admin.get(f"/api/centres/{NEW}").status_code == 404
    saved = admin.post("/admin/centres", data={**form, "covers": []}, headers=HTML)
    assert saved.status_code == 303, saved.text
    assert admin.get(f"/api/centres/{NEW}").json()["lat"] == 36.5
    page = admin.get(f"/admin/centres/{NEW}", headers=HTML)
    assert page.status_code == 200 and "Kelardasht centre" in page.text


def test_this_process_rebuilds_routing_when_a_coverage_change_commits(app: FastAPI) -> None:
    """Not a second later: the cache would otherwise keep its context for an hour."""
    from sqlalchemy import select

    from panah.centres.schemas import CentreIn
    from panah.centres.service import save_centre
    from panah.intake.routing.context import ContextCache

    factory, cache = app.state.session_factory, ContextCache(recheck_s=3600)
    key = "IR-02:Kelardasht County"
    with unit_of_work(factory) as session:
        assert cache.get(session).coverage[key].centre_code == "MZN-C-CHALUS"
    with unit_of_work(factory) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        save_centre(session, actor=actor_of(admin), now=app.state.clock.now(),
                    data=CentreIn.model_validate(kelardasht_centre()))
    assert cache.current() is None
    with unit_of_work(factory) as session:
        assert cache.get(session).coverage[key].centre_code == NEW


def test_the_centres_api_is_described_with_its_shapes(people: People) -> None:
    spec = people("admin").get("/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/centres"])
    assert {"get", "put"} <= set(paths["/api/centres/{centre_code}"])
    coverage = paths["/api/provinces/{province_code}/coverage"]["get"]
    assert coverage["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CoveragePublic"}
    assert "CentreIn" in spec["components"]["schemas"]
