"""Dispatch through HTTP with the frozen clock: incidents, recommendations, the atomic
assignment, the crew's statuses (replayed, impossible, overtaken), positions, the report,
the safety timer and who may do what. The demo's Mazandaran units wait at their posts;
the crew user ``field_crew`` is on MZN-01 at the Chalus Nowruz post."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.dispatch.field import raise_missed_check_ins
from panah.dispatch.orm import Unit
from tests.api.conftest import People

CHALUS = {"lat": 36.6552, "lon": 51.4200}
SARI = {"lat": 36.5633, "lon": 53.0601}


def unit_id(app: FastAPI, call_sign: str) -> int:
    with unit_of_work(app.state.session_factory) as session:
        found = session.scalar(select(Unit.id).where(Unit.call_sign == call_sign))
        assert found is not None
        return found


def incident(dispatcher: TestClient, **fields: Any) -> dict[str, Any]:
    body = {**CHALUS, "priority": "high", "cautions": ["children_present"], **fields}
    made = dispatcher.post("/api/incidents", json=body)
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def status(client: TestClient, unit: int, value: str, clock: FrozenClock, **extra: Any) -> Any:
    body = {"status": value, "at": clock.now().isoformat(), **extra}
    return client.post(f"/api/units/{unit}/status", json=body)


@pytest.fixture
def sent(app: FastAPI, people: People) -> tuple[dict[str, Any], int]:
    """An incident in Chalus with MZN-01 assigned to it."""
    made = incident(people("dispatcher"))
    mzn01 = unit_id(app, "MZN-01")
    answer = people("dispatcher").post(f"/api/incidents/{made['id']}/assignments",
                                       json={"unit_id": mzn01})
    assert answer.status_code == 201, answer.text
    return made, mzn01


def test_an_incident_in_chalus_is_mazandarans_and_the_chalus_post_is_recommended_first(
    app: FastAPI, people: People,
) -> None:
    made = incident(people("dispatcher"))
    assert made["province_code"] == "IR-02"
    assert made["cautions_fa"] == ["کودکان حاضرند"]
    found = people("dispatcher").get(f"/api/incidents/{made['id']}/recommendations").json()
    first = found["picks"][0]
    assert first["call_sign"] == "MZN-01"
    assert "Chalus" in first["explain_en"]
    assert "دقیقه" in first["explain_fa"]
    minutes = [p["minutes"] for p in found["picks"]]
    assert minutes[0] <= minutes[-1]


def test_an_incident_outside_iran_is_refused_with_what_to_check(people: People) -> None:
    answer = people("dispatcher").post("/api/incidents", json={"lat": 41.01, "lon": 28.97})
    assert answer.status_code == 422
    assert answer.json()["error"] == "outside_iran"
    assert answer.json()["message_fa"]


def test_the_second_dispatcher_sending_the_same_unit_gets_409_and_a_fresh_recommendation(
    app: FastAPI, people: People, sent: tuple[dict[str, Any], int],
) -> None:
    made, mzn01 = sent
    again = people("supervisor").post(f"/api/incidents/{made['id']}/assignments",
                                      json={"unit_id": mzn01})
    assert again.status_code == 409
    body = again.json()
    assert body["error"] == "unit_taken"
    assert body["recommendation"]["picks"]
    assert mzn01 not in [p["unit_id"] for p in body["recommendation"]["picks"]]
    history = people("dispatcher").get(f"/api/units/{mzn01}/history").json()
    assert [e["status"] for e in history] == ["dispatched"]


def test_the_crew_sees_the_assignment_with_its_cautions_and_next_statuses(
    people: People, sent: tuple[dict[str, Any], int],
) -> None:
    made, mzn01 = sent
    mine = people("field_crew").get(f"/api/units/{mzn01}/assignment").json()
    assert mine["unit"]["status"] == "dispatched"
    assert mine["incident"]["id"] == made["id"]
    assert mine["incident"]["cautions"] == ["children_present"]
    assert "en_route" in mine["allowed_next"]
    assert {s["role"] for s in mine["unit"]["seats"]} == {"social_worker", "psychologist"}


def test_a_status_sent_twice_is_stored_once(
    people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    _, mzn01 = sent
    crew = people("field_crew")
    first = status(crew, mzn01, "en_route", clock, client_id="phone-0001-enroute")
    again = status(crew, mzn01, "en_route", clock, client_id="phone-0001-enroute")
    assert first.status_code == again.status_code == 200
    assert (first.json()["replay"], again.json()["replay"]) == (False, True)
    assert first.json()["event"]["id"] == again.json()["event"]["id"]
    history = crew.get(f"/api/units/{mzn01}/history").json()
    assert [e["status"] for e in history] == ["dispatched", "en_route"]


def test_an_impossible_status_is_refused_and_the_unit_stays_as_it_was(
    people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    _, mzn01 = sent
    answer = status(people("field_crew"), mzn01, "at_centre", clock)
    assert answer.status_code == 409
    assert "en_route" in answer.json()["details"]["allowed"]
    assert people("field_crew").get(f"/api/units/{mzn01}/assignment").json()[
        "unit"]["status"] == "dispatched"


def test_an_update_overtaken_while_offline_is_kept_as_history_but_not_applied(
    people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    _, mzn01 = sent
    clock.advance(minutes=10)
    assert status(people("dispatcher"), mzn01, "out_of_service", clock).status_code == 200
    earlier = {"status": "en_route", "client_id": "phone-0002-late",
               "at": (clock.now() - timedelta(minutes=5)).isoformat()}
    late = people("field_crew").post(f"/api/units/{mzn01}/status", json=earlier)
    assert late.status_code == 409
    assert late.json()["details"]["reason"] == "stale"
    history = people("dispatcher").get(f"/api/units/{mzn01}/history").json()
    assert [(e["status"], e["applied"]) for e in history] == [
        ("dispatched", True), ("en_route", False), ("out_of_service", True)]  # as they happened
    assert people("dispatcher").get(f"/api/units/{mzn01}/assignment").json()[
        "unit"]["status"] == "out_of_service"


def test_a_visit_with_a_report_closes_the_incident_when_the_crew_is_free_again(
    people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    made, mzn01 = sent
    crew = people("field_crew")
    for step in ("en_route", "on_scene", "transporting", "at_centre"):
        clock.advance(minutes=3)
        assert status(crew, mzn01, step, clock).status_code == 200, step
    report = {"incident_id": made["id"], "client_id": "phone-0003-report",
              "written_at": clock.now().isoformat(), "outcome": "taken_to_shelter",
              "text": "مادر و دو کودک به خانهٔ امن ساری رسیدند.", "people_seen": 3,
              "children_seen": 2}
    first = crew.post(f"/api/units/{mzn01}/reports", json=report)
    again = crew.post(f"/api/units/{mzn01}/reports", json=report)
    assert (first.status_code, first.json()["stored"]) == (201, True)
    assert (again.status_code, again.json()["stored"], again.json()["id"]) == (
        201, False, first.json()["id"])
    assert people("dispatcher").get(f"/api/incidents/{made['id']}").json()["state"] == "assigned"
    clock.advance(minutes=1)
    assert status(crew, mzn01, "available_on_move", clock).status_code == 200
    assert people("dispatcher").get(f"/api/incidents/{made['id']}").json()["state"] == "closed"


def test_a_crew_stood_down_without_a_report_leaves_the_incident_waiting_for_another_unit(
    people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    made, mzn01 = sent
    clock.advance(minutes=1)
    assert status(people("field_crew"), mzn01, "available_on_move", clock).status_code == 200
    assert people("dispatcher").get(f"/api/incidents/{made['id']}").json()["state"] == "open"


def test_a_crew_on_scene_that_misses_its_check_in_raises_one_alert_until_it_checks_in(
    app: FastAPI, people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    _, mzn01 = sent
    crew = people("field_crew")
    assert status(crew, mzn01, "on_scene", clock).status_code == 200
    clock.advance(minutes=19)
    with unit_of_work(app.state.session_factory) as session:
        assert raise_missed_check_ins(session, now=clock.now()) == 0
    clock.advance(minutes=2)
    with unit_of_work(app.state.session_factory) as session:
        assert raise_missed_check_ins(session, now=clock.now()) == 1
    with unit_of_work(app.state.session_factory) as session:
        assert raise_missed_check_ins(session, now=clock.now()) == 0
    alerts = people("dispatcher").get("/api/dispatch/board").json()["alerts"]
    assert [(a["call_sign"], a["kind"]) for a in alerts] == [("MZN-01", "safety_check_missed")]
    checked = crew.post(f"/api/units/{mzn01}/check-in", json={"at": clock.now().isoformat()})
    assert checked.status_code == 200
    assert people("dispatcher").get("/api/dispatch/board").json()["alerts"] == []


def test_positions_outside_iran_or_in_the_future_are_refused_and_repeats_store_nothing(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    mzn01 = unit_id(app, "MZN-01")
    crew = people("field_crew")
    url = f"/api/units/{mzn01}/positions"
    now = clock.now()
    abroad = crew.post(url, json={"lat": 41.01, "lon": 28.97, "at": now.isoformat()})
    assert (abroad.status_code, abroad.json()["error"]) == (422, "outside_iran")
    future = crew.post(url, json={**CHALUS, "at": (now + timedelta(hours=1)).isoformat()})
    assert future.status_code == 422
    fix = {**CHALUS, "at": now.isoformat(), "accuracy_m": 8}
    assert crew.post(url, json=fix).json()["stored"] is True
    assert crew.post(url, json=fix).json()["stored"] is False
    older = crew.post(url, json={**SARI, "at": (now - timedelta(minutes=3)).isoformat()})
    assert older.json()["stored"] is True
    assert (older.json()["unit_lat"], older.json()["unit_lon"]) == (CHALUS["lat"], CHALUS["lon"])


def test_triages_request_becomes_one_incident_however_often_it_is_asked(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    from panah.triage.orm import DispatchRequest

    with unit_of_work(app.state.session_factory) as session:
        from panah.intake.orm import Contact

        contact = session.scalars(select(Contact).where(Contact.province_code == "IR-02")).first()
        assert contact is not None
        request = DispatchRequest(contact_id=contact.id, province_code="IR-02",
                                  priority="immediate", lat=CHALUS["lat"], lon=CHALUS["lon"],
                                  cautions="violent_person", state="requested",
                                  requested_at=clock.now())
        session.add(request)
        session.flush()
        request_id = request.id
    board = people("dispatcher").get("/api/dispatch/board").json()
    assert request_id in [r["id"] for r in board["requests"]]
    first = people("dispatcher").post(f"/api/dispatch-requests/{request_id}/incident")
    again = people("dispatcher").post(f"/api/dispatch-requests/{request_id}/incident")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["priority"] == "immediate"
    assert first.json()["cautions"] == ["violent_person"]
    board = people("dispatcher").get("/api/dispatch/board").json()
    assert request_id not in [r["id"] for r in board["requests"]]
    assert board["incidents"][0]["id"] == first.json()["id"]


def test_a_crew_member_cannot_dispatch_or_update_another_centres_unit(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    crew = people("field_crew")
    assert crew.post("/api/incidents", json=CHALUS).status_code == 403
    sari_unit = unit_id(app, "MZN-06")
    assert status(crew, sari_unit, "out_of_service", clock).status_code == 403
    assert people("counsellor").get("/api/dispatch/board").status_code == 403


def test_a_retired_unit_is_gone_from_the_board_and_cannot_be_updated(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    mzn02 = unit_id(app, "MZN-02")
    with unit_of_work(app.state.session_factory) as session:
        unit = session.get(Unit, mzn02)
        assert unit is not None
        unit.retired_at = clock.now()
    answer = status(people("dispatcher"), mzn02, "out_of_service", clock)
    assert answer.status_code == 404
    board = people("dispatcher").get("/api/dispatch/board").json()
    assert "MZN-02" not in [u["call_sign"] for u in board["units"]]


def test_the_board_says_there_is_no_mqtt_broker_and_works_without_one(people: People) -> None:
    bus = people("dispatcher").get("/api/dispatch/mqtt").json()
    assert bus["configured"] is False
    assert "PANAH_MQTT_URL" in bus["detail_en"]
    assert bus["detail_fa"]


def test_the_board_says_where_positions_come_from_in_words_not_settings(
    people: People,
) -> None:
    """The broker's setting and the API path stay in the JSON, for the administrator."""
    page = people("dispatcher").get("/dispatch", headers={"Accept": "text/html"}).text
    data = json.loads(page.split('id="board-data">')[1].split("</script>")[0])

    assert "PANAH_" not in page
    assert "/api/" not in json.dumps(data["labels"]) + json.dumps(data["words"])
    assert data["labels"]["bus_none"] == (
        "موقعیت خودروها از گوشی تیم‌ها می‌رسد و گفتگوی تیم در همین صفحه کار می‌کند.")
    assert data["words"]["board.excluded_reason.taken"] == "همین حالا جای دیگری اعزام شد"
    assert data["words"]["incident.state.cancelled"] == "لغو شد"


def test_the_board_page_is_the_dispatchers(people: People) -> None:
    page = people("dispatcher").get("/dispatch", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'id="board-map"' in page.text
    assert people("counsellor").get("/dispatch", headers={"Accept": "text/html"}
                                    ).status_code == 403


def test_each_status_change_records_when_and_where(
    people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    _, mzn01 = sent
    crew = people("field_crew")
    crew.post(f"/api/units/{mzn01}/positions", json={**SARI, "at": clock.now().isoformat()})
    clock.advance(minutes=2)
    assert status(crew, mzn01, "en_route", clock).status_code == 200
    clock.advance(minutes=9)
    assert status(crew, mzn01, "on_scene", clock, **CHALUS).status_code == 200
    history = crew.get(f"/api/units/{mzn01}/history").json()
    assert [(e["status"], e["lat"], e["lon"]) for e in history[1:]] == [
        ("en_route", SARI["lat"], SARI["lon"]), ("on_scene", CHALUS["lat"], CHALUS["lon"])]
    assert history[2]["at"] > history[1]["at"]


def test_a_key_used_again_for_another_status_is_refused(
    people: People, clock: FrozenClock, sent: tuple[dict[str, Any], int],
) -> None:
    _, mzn01 = sent
    crew = people("field_crew")
    assert status(crew, mzn01, "en_route", clock, client_id="phone-0009-key").status_code == 200
    clock.advance(minutes=1)
    reused = status(crew, mzn01, "on_scene", clock, client_id="phone-0009-key")
    assert reused.status_code == 409
    assert reused.json()["details"]["status"] == "en_route"
    assert [e["status"] for e in crew.get(f"/api/units/{mzn01}/history").json()] == [
        "dispatched", "en_route"]


def test_an_incident_is_closed_only_when_no_unit_is_on_it(
    app: FastAPI, people: People, sent: tuple[dict[str, Any], int],
) -> None:
    made, _ = sent
    desk = people("dispatcher")
    busy = desk.post(f"/api/incidents/{made['id']}/close", json={"cancelled": True})
    assert busy.status_code == 409
    assert busy.json()["message_fa"]
    false_alarm = incident(desk, cautions=[])
    closed = desk.post(f"/api/incidents/{false_alarm['id']}/close", json={"cancelled": True})
    assert (closed.status_code, closed.json()["state"]) == (200, "cancelled")
    board = desk.get("/api/dispatch/board").json()
    assert false_alarm["id"] not in [i["id"] for i in board["incidents"]]
    again = desk.post(f"/api/incidents/{false_alarm['id']}/assignments",
                      json={"unit_id": unit_id(app, "MZN-02")})
    assert again.status_code == 409


def test_following_another_centres_unit_on_the_field_page_is_refused_and_kept_on_record(
    app: FastAPI, people: People,
) -> None:
    """The refusal's 403 is answered and its audit row stays, although the page's unit of
    work answers an error (both the HTML page and a script asking for JSON)."""
    from panah.security.audit_orm import AuditEvent

    sari = unit_id(app, "MZN-06")  # another centre's unit
    crew = people("field_crew")
    page = crew.get(f"/field?unit={sari}", headers={"Accept": "text/html"})
    assert page.status_code == 403 and "این خودرو از آنِ شما نیست" in page.text
    assert crew.get(f"/field?unit={sari}").json()["details"]["unit_id"] == sari
    with unit_of_work(app.state.session_factory) as session:
        denied = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "denied", AuditEvent.subject_type == "unit",
            AuditEvent.subject_id == str(sari))).all()
    assert [e.reason for e in denied] == ["crew_updates:out_of_scope"] * 2
