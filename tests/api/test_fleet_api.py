"""The fleet through the API (issue 15): posts and vehicles an administrator sets up, the
province they belong to, and a tracker that proves itself with its unit's own key.

The demo's national administrator (``admin``) reaches every province; the Mazandaran
provincial manager (``provincial_manager``) only Mazandaran."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.core.db import unit_of_work
from panah.core.errors import Forbidden
from panah.dispatch import fleet
from panah.dispatch.orm import Post, Unit, UnitPosition
from panah.dispatch.schemas import PostIn, UnitIn
from panah.integrations.mqtt_messages import position_topic
from panah.security.audit_orm import AuditEvent
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Role
from tests.api.conftest import People

CHALUS_BEACH = (36.7010, 51.3950)
RASHT = (37.2800, 49.5830)
FIX = {"lat": 36.70, "lon": 51.40, "at": "2026-03-22T06:29:00Z"}


def nowruz_post(**changes: Any) -> dict[str, Any]:
    return {"code": "MZN-N-NAMAKABRUD", "kind": "nowruz", "name_fa": "پایگاه نوروزی نمک‌آبرود",
            "name_en": "Namakabrud Nowruz post", "county": "Chalus", "lat": CHALUS_BEACH[0],
            "lon": CHALUS_BEACH[1], "active_from": "2026-03-16", "active_to": "2026-04-03",
            **changes}


def van(**changes: Any) -> dict[str, Any]:
    return {"call_sign": "MZN-20", "kind": "adapted_van", "home_centre_code": "MZN-C-CHALUS",
            "post_code": "MZN-N-CHALUS", **changes}


def audited(app: FastAPI, subject_type: str, subject_id: str) -> list[str]:
    with unit_of_work(app.state.session_factory) as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.seq)))


def test_admin_adds_a_nowruz_post_then_changes_it_by_its_code(people: People,
                                                               app: FastAPI) -> None:
    admin = people("admin")
    made = admin.post("/api/fleet/posts", json=nowruz_post())
    assert made.status_code == 201, made.text
    assert made.json()["province_code"] == "IR-02"
    assert made.json()["county_en"].startswith("Chalus")
    changed = admin.put("/api/fleet/posts/MZN-N-NAMAKABRUD",
                        json=nowruz_post(name_en="Namakabrud beach post"))
    assert changed.status_code == 200, changed.text
    assert admin.get("/api/fleet/posts/MZN-N-NAMAKABRUD").json()["name_en"] == (
        "Namakabrud beach post")
    assert audited(app, "post", "MZN-N-NAMAKABRUD") == ["create", "update"]


def test_a_post_outside_the_province_is_refused_and_nothing_is_saved(people: People,
                                                                     app: FastAPI) -> None:
    refused = people("admin").post("/api/fleet/posts",
                                   json=nowruz_post(lat=RASHT[0], lon=RASHT[1]))
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["field"] == "lat"
    assert "استان" in refused.json()["message_fa"]
    with unit_of_work(app.state.session_factory) as session:
        assert session.scalar(select(Post).where(Post.code == "MZN-N-NAMAKABRUD")) is None


def test_a_nowruz_post_without_dates_is_refused(people: People) -> None:
    refused = people("admin").post("/api/fleet/posts",
                                   json=nowruz_post(active_from=None, active_to=None))
    assert refused.status_code == 422
    assert refused.json()["details"]["rule"] == "nowruz_needs_dates"


def test_a_permanent_post_with_dates_is_refused(people: People) -> None:
    refused = people("admin").post("/api/fleet/posts", json=nowruz_post(kind="permanent"))
    assert refused.status_code == 422
    assert refused.json()["details"]["rule"] == "permanent_has_no_dates"


def test_an_unknown_county_is_refused_with_the_closest_names(people: People) -> None:
    refused = people("admin").post("/api/fleet/posts", json=nowruz_post(county="Chaloos"))
    assert refused.status_code == 422
    assert any("Chalus" in name for name in refused.json()["details"]["suggestions"])


def test_admin_adds_a_van_at_a_post_changes_it_and_retires_it(people: People,
                                                              app: FastAPI) -> None:
    admin = people("admin")
    made = admin.post("/api/fleet/units", json=van())
    assert made.status_code == 201, made.text
    assert made.json().items() >= {
        "call_sign": "MZN-20", "province_code": "IR-02", "post_code": "MZN-N-CHALUS",
        "status": "available_at_post", "active": True}.items()
    again = admin.post("/api/fleet/units", json=van(kind="sedan"))  # the same key: an update
    assert again.status_code == 200 and again.json()["kind"] == "sedan"
    retired = admin.put("/api/fleet/units/MZN-20", json=van(active=False))
    assert retired.status_code == 200, retired.text
    assert retired.json()["status"] == "retired"
    listed = {u["call_sign"]: u for u in admin.get("/api/fleet/units").json()}
    assert listed["MZN-20"]["active"] is False and "GLN-01" in listed
    assert audited(app, "unit", "MZN-20") == ["create", "update", "update"]


def test_a_call_sign_of_another_province_is_refused(people: People, app: FastAPI) -> None:
    refused = people("admin").post("/api/fleet/units", json=van(call_sign="GLN-01"))
    assert refused.status_code == 409, refused.text
    assert refused.json()["details"]["rule"] == "call_sign_in_other_province"
    with unit_of_work(app.state.session_factory) as session:
        gilan = session.scalar(select(Unit).where(Unit.call_sign == "GLN-01"))
        assert gilan is not None and gilan.province_code == "IR-01"


def test_a_unit_at_a_post_of_another_province_or_an_unknown_centre_is_refused(
        people: People) -> None:
    admin = people("admin")
    unknown = admin.post("/api/fleet/units", json=van(home_centre_code="MZN-C-NOWHERE"))
    assert unknown.status_code == 422 and unknown.json()["details"]["field"] == (
        "home_centre_code")
    far = admin.post("/api/fleet/units", json=van(home_centre_code="GLN-123"))
    assert far.status_code == 422 and far.json()["details"]["field"] == "post_code"


def test_the_mazandaran_manager_manages_mazandaran_and_is_refused_for_gilan(
        people: People) -> None:
    manager = people("provincial_manager")
    assert manager.post("/api/fleet/units", json=van()).status_code == 201
    assert manager.post("/api/fleet/posts", json=nowruz_post()).status_code == 201
    gilan_post = nowruz_post(code="GLN-N-ANZALI", county="Bandar-e Anzali",
                             province_code="IR-01", lat=37.47, lon=49.46)
    assert manager.post("/api/fleet/posts", json=gilan_post).status_code == 403
    gilan_unit = van(call_sign="GLN-02", home_centre_code="GLN-123", post_code=None)
    assert manager.post("/api/fleet/units", json=gilan_unit).status_code == 403
    assert manager.get("/api/fleet/units/GLN-01").status_code == 403
    assert manager.post("/api/fleet/units/GLN-01/tracker-key").status_code == 403
    assert "GLN-01" not in {u["call_sign"] for u in manager.get("/api/fleet/units").json()}


def test_a_counsellor_may_not_touch_the_fleet(people: People) -> None:
    counsellor = people("counsellor")
    assert counsellor.get("/api/fleet/units").status_code == 403
    assert counsellor.post("/api/fleet/posts", json=nowruz_post()).status_code == 403


def test_a_tracker_with_its_units_key_is_heard_and_a_wrong_key_is_not(
        people: People, client: TestClient, app: FastAPI) -> None:
    made = people("admin").post("/api/fleet/units/MZN-02/tracker-key")
    assert made.status_code == 201, made.text
    key = made.json()["key"]
    assert key.startswith("pnt_") and made.json()["prefix"] in key
    heard = client.post("/api/fleet/tracker/positions", json=FIX,
                        headers={"X-Tracker-Key": key})
    assert heard.status_code == 200, heard.text
    assert heard.json()["stored"] is True
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    for bad in (wrong, "pnt_nothing", None):
        headers = {"X-Tracker-Key": bad} if bad else {}
        refused = client.post("/api/fleet/tracker/positions",
                              json=FIX | {"at": "2026-03-22T06:29:30Z"}, headers=headers)
        assert refused.status_code == 401, refused.text
    with unit_of_work(app.state.session_factory) as session:
        unit = session.scalar(select(Unit).where(Unit.call_sign == "MZN-02"))
        assert unit is not None
        fixes = session.scalars(select(UnitPosition).where(UnitPosition.unit_id == unit.id))
        assert len(list(fixes)) == 1
    assert audited(app, "unit_tracker_key", "MZN-02") == ["api_key_created"]


def test_a_new_tracker_key_ends_the_old_one_and_the_key_is_never_shown_again(
        people: People, client: TestClient) -> None:
    admin = people("admin")
    first = admin.post("/api/fleet/units/MZN-03/tracker-key").json()["key"]
    second = admin.post("/api/fleet/units/MZN-03/tracker-key").json()["key"]
    assert client.post("/api/fleet/tracker/positions", json=FIX,
                       headers={"X-Tracker-Key": first}).status_code == 401
    assert client.post("/api/fleet/tracker/positions", json=FIX,
                       headers={"X-Tracker-Key": second}).status_code == 200
    shown = admin.get("/api/fleet/units/MZN-03").text + admin.get(
        "/admin/vehicles", headers={"Accept": "text/html"}).text
    assert second.split("_", 2)[2] not in shown


def test_over_mqtt_a_unit_with_a_tracker_key_is_heard_only_with_it(
        people: People, client: TestClient, app: FastAPI) -> None:
    listener = app.state.bus_listener
    topic = position_topic("MZN-04")
    listener(topic, json.dumps(FIX).encode())  # no key yet: the broker's own list decides
    assert listener.stored == 1
    key = people("admin").post("/api/fleet/units/MZN-04/tracker-key").json()["key"]
    later = FIX | {"at": "2026-03-22T06:29:40Z"}
    listener(topic, json.dumps(later).encode())
    wrong = key[:-1] + ("x" if key[-1] != "x" else "y")
    listener(topic, json.dumps(later | {"key": wrong}).encode())
    assert listener.stored == 1 and listener.refused == {"not_authenticated": 2}
    listener(topic, json.dumps(later | {"key": key}).encode())
    assert listener.stored == 2


def test_a_provincial_admin_sets_up_their_province_only_and_a_refusal_leaves_nothing(
        app: FastAPI) -> None:
    now = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
    with unit_of_work(app.state.session_factory) as session:
        admin_id = session.scalar(select(User.id).where(User.username == "admin"))
        assert admin_id is not None
        mazandaran = Actor(admin_id, "admin", Role.admin, "IR-02")
        _, created = fleet.save_unit(session, actor=mazandaran, now=now,
                                     data=UnitIn.model_validate(van()))
        assert created
        with pytest.raises(Forbidden):
            fleet.save_unit(session, actor=mazandaran, now=now, data=UnitIn.model_validate(
                van(call_sign="GLN-02", home_centre_code="GLN-123", post_code=None)))
        with pytest.raises(Forbidden):
            fleet.save_post(session, actor=mazandaran, now=now, data=PostIn.model_validate(
                nowruz_post(code="GLN-N-ANZALI", county="Bandar-e Anzali",
                            province_code="IR-01", lat=37.47, lon=49.46)))
        with pytest.raises(Forbidden):
            fleet.issue_tracker_key(session, actor=mazandaran, now=now, call_sign="GLN-01")
        assert session.scalar(select(Unit).where(Unit.call_sign == "GLN-02")) is None
        assert session.scalar(select(Post).where(Post.code == "GLN-N-ANZALI")) is None
