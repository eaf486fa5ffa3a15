"""One thread from call to case, through the API (issue 16, item 1), with the frozen clock.

Named people: Leila, who calls 123 from a villa in Chalus; the Mazandaran counsellor
(``counsellor``) who takes her call; the dispatcher; the crew of MZN-01 (``field_crew``);
the centre's social worker (``social_worker``), who opens the case from the visit; the
Gilan counsellor (``counsellor_gilan``), who sees none of it."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.dispatch.orm import Unit
from panah.intake.model import Channel, LocationFix, LocationSource
from panah.intake.orm import Contact
from panah.intake.service import NewContact, open_contact
from tests.api.conftest import People
from tests.api.test_referrals_api import CHALUS, MZN_POLICE, Partners, partners  # noqa: F401

LEILA = "+989121119988"
REPORT = "زن و دو کودک در ویلا؛ همسر رفته بود. به خانهٔ امن ساری بردیم. پیگیری مددکار لازم."
THREAT = {"danger_now": False, "q1_weapon": False, "q2_threat_to_kill": True,
          "q3_might_kill": False}


def _call(app: FastAPI, clock: FrozenClock, key: str, caller: str = LEILA) -> int:
    with unit_of_work(app.state.session_factory) as session:
        fix = LocationFix(LocationSource.network, 36.6550, 51.4205, radius_m=50, at=clock.now())
        contact = open_contact(session, new=NewContact(Channel.voice, key, caller, "123", (fix,)),
                               context=app.state.intake_context.get(session), now=clock.now())
        assert contact.queue == "IR-02"
        return contact.id


def _triaged(people: People, contact_id: int) -> None:
    counsellor = people("counsellor")
    assert counsellor.post(f"/api/contacts/{contact_id}/take").status_code == 200
    assert counsellor.put(f"/api/contacts/{contact_id}/categories",
                          json={"codes": ["spouse_abuse", "child_abuse"]}).status_code == 200
    screen = counsellor.post(f"/api/contacts/{contact_id}/screens",
                             json={"protocol_id": "lethality_screen", "answers": THREAT})
    assert screen.status_code == 201, screen.text


def _visit(app: FastAPI, people: People, clock: FrozenClock, contact_id: int) -> int:
    """The counsellor asks for a team; MZN-01 goes, arrives and reports. The incident's id."""
    asked = people("counsellor").post(f"/api/contacts/{contact_id}/mobile-team",
                                      json={"cautions": ["children_present"]})
    assert asked.status_code == 201, asked.text
    desk = people("dispatcher")
    made = desk.post(f"/api/dispatch-requests/{asked.json()['id']}/incident")
    assert made.status_code == 201, made.text
    incident_id = int(made.json()["id"])
    with unit_of_work(app.state.session_factory) as session:
        mzn01 = session.scalar(select(Unit.id).where(Unit.call_sign == "MZN-01"))
    assert desk.post(f"/api/incidents/{incident_id}/assignments",
                     json={"unit_id": mzn01}).status_code == 201
    crew = people("field_crew")
    for step in ("en_route", "on_scene"):
        clock.advance(minutes=7)
        moved = crew.post(f"/api/units/{mzn01}/status",
                          json={"status": step, "at": clock.now().isoformat()})
        assert moved.status_code == 200, moved.text
    clock.advance(minutes=30)
    report = crew.post(f"/api/units/{mzn01}/reports", json={
        "incident_id": incident_id, "client_id": f"thread-{incident_id}",
        "written_at": clock.now().isoformat(), "outcome": "taken_to_shelter", "text": REPORT,
        "people_seen": 3, "children_seen": 2})
    assert report.status_code == 201, report.text
    return incident_id


def _row(database_url: str, sql: str, *args: object) -> Any:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return db.execute(sql, args).fetchone()


def _items(people: People, user: str, case_id: int) -> list[dict[str, Any]]:
    answer = people(user).get(f"/api/cases/{case_id}/timeline")
    assert answer.status_code == 200, answer.text
    return [item for day in answer.json()["days"] for item in day["items"]]


def test_the_counsellor_opens_a_case_from_leilas_call_with_its_number_triage_and_herself(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str,
) -> None:
    call = _call(app, clock, "leila-1")
    _triaged(people, call)

    opened = people("counsellor").post(f"/api/contacts/{call}/case", json={"client_name": "لیلا"})

    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    assert opened.json()["category"] == "spouse_abuse"
    types, risk, origin = _row(database_url, "SELECT types, risk, opened_from FROM case_file "
                                             "WHERE id=?", case_id)
    assert (types, risk, origin) == ("spouse_abuse,child_abuse", "high", "contact")
    file = people("counsellor").get(f"/api/cases/{case_id}").json()
    assert file["client"]["phone"] == LEILA
    assert "counsellor" in [m["username"] for m in file["team"]]
    assert _row(database_url, "SELECT kind, ref_id FROM case_link WHERE case_id=?",
                case_id) == ("contact", call)


def test_a_call_still_waiting_opens_no_case_and_says_to_take_it_first(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str,
) -> None:
    waiting = _call(app, clock, "leila-waiting")
    before = _row(database_url, "SELECT count(*) FROM case_file")

    refused = people("counsellor").post(f"/api/contacts/{waiting}/case",
                                        json={"client_name": "لیلا"})

    assert refused.status_code == 422
    assert "take" in refused.json()["message"] and refused.json()["message_fa"]
    assert _row(database_url, "SELECT count(*) FROM case_file") == before


def test_a_number_with_an_open_case_is_offered_the_link_and_the_second_call_joins_it(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    first = _call(app, clock, "leila-a")
    _triaged(people, first)
    case_id = people("counsellor").post(f"/api/contacts/{first}/case",
                                        json={"client_name": "لیلا"}).json()["id"]
    clock.advance(minutes=40)  # she calls again
    again = _call(app, clock, "leila-b")
    assert people("counsellor").post(f"/api/contacts/{again}/take").status_code == 200

    offered = people("counsellor").post(f"/api/contacts/{again}/case",
                                        json={"client_name": "لیلا"})
    assert offered.status_code == 409, offered.text
    assert offered.json()["details"]["open_cases"] == [case_id]

    linked = people("counsellor").post(f"/api/contacts/{again}/case",
                                       json={"client_name": "لیلا", "link_to_case_id": case_id})
    assert (linked.status_code, linked.json()["id"]) == (201, case_id)
    contacts = [i["link"] for i in _items(people, "counsellor", case_id) if i["kind"] == "contact"]
    assert contacts == [f"/line/contacts/{again}", f"/line/contacts/{first}"]  # newest first


def test_the_social_worker_opens_the_case_from_the_visit_and_sees_the_whole_thread(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str,
) -> None:
    call = _call(app, clock, "leila-visit")
    _triaged(people, call)
    incident_id = _visit(app, people, clock, call)
    worker = people("social_worker")
    waiting = worker.get("/api/cases/visits").json()
    assert waiting[0]["incident_id"] == incident_id  # newest first
    assert waiting[0]["text"] == REPORT and waiting[0]["call_sign"] == "MZN-01"
    assert incident_id not in [v["incident_id"] for v in
                               people("counsellor_gilan").get("/api/cases/visits").json()]

    opened = worker.post(f"/api/incidents/{incident_id}/case", json={"client_name": "لیلا"})

    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    assert _row(database_url, "SELECT opened_from, category FROM case_file WHERE id=?",
                case_id) == ("incident", "spouse_abuse")
    items = _items(people, "social_worker", case_id)
    kinds = [i["kind"] for i in items]
    assert {"contact", "triage", "incident", "unit_status", "visit_report"} <= set(kinds)
    triage = next(i for i in items if i["kind"] == "triage")
    assert dict(map(tuple, triage["facts"])) == {
        "thread.fact.protocol": "t:triage.protocol.lethality_screen",
        "thread.fact.risk": "t:line.risk.high"}
    statuses = [i["text_en"] for i in items if i["kind"] == "unit_status"]
    assert any("scene" in (s or "").lower() for s in statuses), statuses
    assert next(i for i in items if i["kind"] == "visit_report")["text"] == REPORT
    assert kinds.index("visit_report") < kinds.index("contact")  # newest first
    assert incident_id not in [v["incident_id"] for v in worker.get("/api/cases/visits").json()]
    twice = worker.post(f"/api/incidents/{incident_id}/case", json={"client_name": "لیلا"})
    assert twice.status_code == 409 and twice.json()["details"]["case_id"] == case_id


def test_the_timeline_holds_nothing_of_another_case_and_only_for_those_who_may_open_it(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str,
) -> None:
    call = _call(app, clock, "leila-alone")
    _triaged(people, call)
    case_id = people("counsellor").post(f"/api/contacts/{call}/case",
                                        json={"client_name": "لیلا"}).json()["id"]
    other = _row(database_url, "SELECT id FROM case_file WHERE category='spouse_abuse' "
                               "AND id != ?", case_id)[0]
    other_texts = {i["text"] for i in _items(people, "social_worker", other) if i["text"]}

    mine = _items(people, "counsellor", case_id)

    assert other_texts and not other_texts & {i["text"] for i in mine}
    assert {i["link"] for i in mine if i["kind"] == "contact"} == {f"/line/contacts/{call}"}
    assert people("psychologist").get(f"/api/cases/{case_id}/timeline").status_code == 403


def test_a_visit_without_a_report_opens_no_case(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    made = people("dispatcher").post("/api/incidents", json={
        "lat": 36.6552, "lon": 51.4200, "priority": "high", "cautions": []})
    assert made.status_code == 201, made.text

    refused = people("social_worker").post(f"/api/incidents/{made.json()['id']}/case",
                                           json={"client_name": "لیلا"})

    assert refused.status_code == 422
    assert "report" in refused.json()["message"]


def test_a_partners_hand_over_becomes_a_case_opened_from_the_partner(
    app: FastAPI, people: People, partners: Partners, database_url: str,  # noqa: F811
) -> None:
    handed = partners.mazandaran.post("/api/partner/handovers", json={
        "reference": "MZN-110-7001", "description": "Woman beaten by her husband, Chalus",
        "urgency": "high", "category": "spouse_abuse", "location": CHALUS,
        "agency_code": MZN_POLICE, "phone": "09121230000"})
    assert handed.status_code == 201, handed.text
    contact_id = handed.json()["contact_id"]
    assert people("counsellor").post(f"/api/contacts/{contact_id}/take").status_code == 200

    opened = people("counsellor").post(f"/api/contacts/{contact_id}/case",
                                       json={"client_name": "مریم"})

    assert opened.status_code == 201, opened.text
    assert _row(database_url, "SELECT opened_from, category FROM case_file WHERE id=?",
                opened.json()["id"]) == ("partner", "spouse_abuse")


def test_a_walk_in_is_a_walk_in_contact_and_its_case_in_one_go(
    app: FastAPI, people: People, database_url: str,
) -> None:
    opened = people("social_worker").post("/api/cases/walk-in", json={
        "client_name": "زهرا", "category": "woman_at_risk", "phone": "0911 555 1212",
        "summary": "Came with her daughter after a fight at home", "risk": "high"})

    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    kind, contact_id = _row(database_url, "SELECT kind, ref_id FROM case_link WHERE case_id=?",
                            case_id)
    channel, state, province = _row(database_url, "SELECT channel, state, province_code "
                                                  "FROM contact WHERE id=?", contact_id)
    assert (kind, channel, state, province) == ("contact", "walk_in", "closed", "IR-02")
    assert _row(database_url, "SELECT opened_from FROM case_file WHERE id=?",
                case_id) == ("walk_in",)
    walk_ins = [i for i in _items(people, "social_worker", case_id) if i["kind"] == "contact"]
    assert ["thread.fact.channel", "t:line.channel.walk_in"] in walk_ins[0]["facts"]


def test_a_walk_in_with_a_wrong_number_saves_nothing(app: FastAPI, people: People) -> None:
    def walk_ins() -> int:
        with unit_of_work(app.state.session_factory) as session:
            return int(session.scalar(select(func.count()).select_from(Contact).where(
                Contact.channel == "walk_in")) or 0)

    refused = people("social_worker").post("/api/cases/walk-in", json={
        "client_name": "زهرا", "category": "woman_at_risk", "phone": "12"})

    assert refused.status_code == 422 and refused.json()["details"]["field"] == "phone"
    assert walk_ins() == 0


@pytest.mark.parametrize("kind", ["contact", "incident"])
def test_linking_something_of_another_province_is_refused_naming_the_rule(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str, kind: str,
) -> None:
    call = _call(app, clock, "leila-link")
    _triaged(people, call)
    case_id = people("counsellor").post(f"/api/contacts/{call}/case",
                                        json={"client_name": "لیلا"}).json()["id"]
    table = "contact" if kind == "contact" else "incident"
    gilan = _row(database_url, f"SELECT id FROM {table} WHERE province_code='IR-01'")[0]  # noqa: S608

    refused = people("counsellor").post(f"/api/cases/{case_id}/links",
                                        json={"kind": kind, "ref_id": gilan})

    assert refused.status_code == 422 and "province" in refused.json()["message"]
    assert _row(database_url, "SELECT count(*) FROM case_link WHERE case_id=?", case_id) == (1,)


def test_an_earlier_call_is_linked_to_the_case_once(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str,
) -> None:
    call = _call(app, clock, "leila-c")
    _triaged(people, call)
    case_id = people("counsellor").post(f"/api/contacts/{call}/case",
                                        json={"client_name": "لیلا"}).json()["id"]
    earlier = _call(app, clock, "leila-earlier", caller="+989121110000")

    for _ in range(2):
        linked = people("counsellor").post(f"/api/cases/{case_id}/links",
                                           json={"kind": "contact", "ref_id": earlier})
        assert linked.status_code == 201, linked.text

    assert _row(database_url, "SELECT count(*) FROM case_link WHERE case_id=?", case_id) == (2,)
    assert people("psychologist").post(f"/api/cases/{case_id}/links", json={
        "kind": "contact", "ref_id": earlier}).status_code == 403


def test_the_walk_in_form_comes_back_with_the_reason_then_opens_the_case(
    people: People, database_url: str,
) -> None:
    worker = people("social_worker")
    form = {"client_name": "زهرا", "category": "woman_at_risk", "phone": "12", "risk": "high"}
    before = _row(database_url, "SELECT count(*) FROM contact")

    refused = worker.post("/cases/walk-in", data=form, headers={"Accept": "text/html"})

    assert refused.status_code == 422
    assert "شمارهٔ تلفن معتبری نیست" in refused.text and 'value="زهرا"' in refused.text
    assert _row(database_url, "SELECT count(*) FROM contact") == before
    opened = worker.post("/cases/walk-in", data={**form, "phone": "09115551212"})
    assert opened.status_code == 303 and opened.headers["location"].startswith("/cases/")


def test_the_contact_screen_offers_the_case_then_links_to_it(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    call = _call(app, clock, "leila-screen")
    _triaged(people, call)
    counsellor = people("counsellor")
    assert 'id="open-from-contact"' in counsellor.get(f"/line/contacts/{call}/case").text

    opened = counsellor.post(f"/line/contacts/{call}/case", data={"client_name": "لیلا"})

    assert opened.status_code == 303
    fragment = counsellor.get(f"/line/contacts/{call}/case").text
    assert f'href="{opened.headers["location"]}"' in fragment
    assert 'id="open-from-contact"' not in fragment
