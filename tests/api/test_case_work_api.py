"""The case file's work through the API: the team (assign a psychologist), assessments,
the plan and its approval, services and notes by discipline, status and closure, GBV.
Named demo users of Mazandaran (social_worker, psychologist, psychiatrist, supervisor), the
Gilan counsellor as the outsider, frozen time (Nowruz 1405)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from panah.cases.orm import Case
from panah.cases.workflow import queries, service
from panah.cases.workflow.schemas import ClosureApproval
from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.core.errors import Conflict
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.api.conftest import People


def _db(database_url: str) -> sqlite3.Connection:
    return sqlite3.connect(database_url.removeprefix("sqlite:///"))


def case_of(database_url: str, category: str) -> int:
    with _db(database_url) as db:
        (found,) = db.execute("SELECT id FROM case_file WHERE category=? AND province_code="
                              "'IR-02'", (category,)).fetchone()
    return int(found)


def user_id(database_url: str, username: str) -> int:
    with _db(database_url) as db:
        (found,) = db.execute("SELECT id FROM app_user WHERE username=?", (username,)).fetchone()
    return int(found)


@pytest.fixture
def spouse_case(database_url: str) -> int:
    """Demo: unassigned, plan approved, a counselling session open, GBV recorded."""
    return case_of(database_url, "spouse_abuse")


@pytest.fixture
def child_case(database_url: str) -> int:
    """Demo: assessed, a draft goal; team counsellor and social_worker."""
    return case_of(database_url, "child_abuse")


def new_case(people: People, category: str = "family_conflict") -> int:
    opened = people("social_worker").post("/api/cases", json={
        "client_name": "Mina Sadeghi", "category": category})
    assert opened.status_code == 201, opened.text
    return int(opened.json()["id"])


def work(people: People, case: int, who: str = "social_worker") -> dict[str, Any]:
    response = people(who).get(f"/api/cases/{case}/work")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["details"]["field"] == field, body
    assert body["message"] and body["message_fa"]


def test_the_panel_json_twin_shows_the_demo_work(people: People, spouse_case: int) -> None:
    body = work(people, spouse_case)
    assert body["status"] == "services"
    assert body["lead"] is None  # the demo leaves its cases for the flags to show
    assert body["risk"] == "high"
    assert body["types"] == ["spouse_abuse", "woman_at_risk"]
    assert body["gbv"] == {**body["gbv"], "applies": True, "gbv_type": "physical_assault"}
    assert body["plan"]["state"] == "approved" and len(body["plan"]["goals"]) == 2
    assert [s["kind"] for s in body["services"]] == ["counselling_session"]
    assert body["services"][0]["notes"][0]["text"].startswith("جلسهٔ نخست")
    assert [e["to_status"] for e in body["events"]] == ["assessment", "plan", "services"]
    assert body["can_edit"] and not body["can_approve"]
    assert work(people, spouse_case, "supervisor")["can_approve"]


def test_someone_outside_the_case_is_refused_its_work(people: People, spouse_case: int) -> None:
    assert people("counsellor_gilan").get(f"/api/cases/{spouse_case}/work").status_code == 403
    assert people("psychiatrist").get(f"/api/cases/{spouse_case}/work").status_code == 403
    answer = people("psychiatrist").post(f"/api/cases/{spouse_case}/services",
                                         json={"kind": "psychiatric_visit"})
    assert answer.status_code == 403


def test_social_worker_assigns_a_psychologist_and_makes_her_lead(
    people: People, child_case: int, database_url: str
) -> None:
    psychologist = user_id(database_url, "psychologist")
    added = people("social_worker").post(f"/api/cases/{child_case}/team",
                                         json={"user_id": psychologist, "lead": True})
    assert added.status_code == 201, added.text
    team = {g["discipline"]: [m["user_id"] for m in g["members"]] for g in added.json()["team"]}
    assert team["psychologist"] == [psychologist]
    assert added.json()["lead"]["user_id"] == psychologist
    assert added.json()["assigned_at"].startswith("2026-03-22T06:30")
    assert people("psychologist").get(f"/api/cases/{child_case}").status_code == 200
    again = people("social_worker").post(f"/api/cases/{child_case}/team",
                                         json={"user_id": psychologist})
    refused(again, "user_id")
    lead_leaves = people("social_worker").delete(f"/api/cases/{child_case}/team/{psychologist}")
    refused(lead_leaves, "user_id")


def test_a_worker_of_another_province_cannot_join_the_team(
    people: People, child_case: int, database_url: str
) -> None:
    gilan = user_id(database_url, "counsellor_gilan")
    answer = people("social_worker").post(f"/api/cases/{child_case}/team",
                                          json={"user_id": gilan})
    refused(answer, "user_id")
    assert "IR-02" in answer.json()["message"]
    supervisor = user_id(database_url, "supervisor")  # staff, but not a case discipline
    refused(people("social_worker").post(f"/api/cases/{child_case}/team",
                                         json={"user_id": supervisor}), "user_id")


def test_a_member_is_taken_off_the_team_but_never_the_lead(
    people: People, spouse_case: int, database_url: str
) -> None:
    crew = user_id(database_url, "field_crew")
    psychologist = user_id(database_url, "psychologist")
    lead = people("social_worker").post(f"/api/cases/{spouse_case}/lead",
                                        json={"user_id": psychologist})
    assert lead.json()["lead"]["user_id"] == psychologist
    refused(people("social_worker").delete(f"/api/cases/{spouse_case}/team/{psychologist}"),
            "user_id")
    answer = people("social_worker").delete(f"/api/cases/{spouse_case}/team/{crew}")
    assert answer.status_code == 200, answer.text
    members = [m["user_id"] for g in answer.json()["team"] for m in g["members"]]
    assert crew not in members
    assert people("field_crew").get(f"/api/cases/{spouse_case}").status_code == 403


def test_a_plan_without_goals_is_refused_and_nothing_is_saved(people: People) -> None:
    case = new_case(people)
    answer = people("social_worker").post(f"/api/cases/{case}/plan/submit")
    refused(answer, "goals")
    assert "without goals" in answer.json()["message"]
    assert "بدون هدف" in answer.json()["message_fa"]
    body = work(people, case)
    assert body["plan"] is None and body["status"] == "open" and body["events"] == []


def test_plan_is_submitted_approved_by_the_supervisor_once_and_the_case_moves_on(
    people: People,
) -> None:
    case = new_case(people)
    goal = people("social_worker").post(f"/api/cases/{case}/plan/goals", json={
        "text": "Safety plan with the family", "due_on": "۱۴۰۵/۰۱/۱۰",
        "owner_discipline": "social_worker"})
    assert goal.status_code == 201, goal.text
    assert goal.json()["plan"]["goals"][0]["due_on"] == "2026-03-30"
    submitted = people("social_worker").post(f"/api/cases/{case}/plan/submit")
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["plan"]["state"], submitted.json()["status"]) == ("submitted", "plan")
    assert people("social_worker").post(f"/api/cases/{case}/plan/approve").status_code == 403
    approved = people("supervisor").post(f"/api/cases/{case}/plan/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["plan"]["state"] == "approved"
    assert approved.json()["status"] == "services"
    assert [e["to_status"] for e in approved.json()["events"]] == ["plan", "services"]
    assert people("supervisor").post(f"/api/cases/{case}/plan/approve").status_code == 409


def test_a_returned_plan_says_why_and_is_submitted_again(people: People) -> None:
    case = new_case(people)
    worker, supervisor = people("social_worker"), people("supervisor")
    worker.post(f"/api/cases/{case}/plan/goals", json={"text": "A", "due_on": "1405/01/05"})
    worker.post(f"/api/cases/{case}/plan/submit")
    late_goal = worker.post(f"/api/cases/{case}/plan/goals",
                            json={"text": "B", "due_on": "1405/01/06"})
    assert late_goal.status_code == 409  # waits for the decision
    refused(supervisor.post(f"/api/cases/{case}/plan/return", json={"reason": " "}), "reason")
    returned = supervisor.post(f"/api/cases/{case}/plan/return",
                               json={"reason": "Add a goal for the children"})
    assert returned.json()["plan"]["state"] == "returned"
    assert returned.json()["plan"]["return_reason"] == "Add a goal for the children"
    revised = worker.post(f"/api/cases/{case}/plan/goals",
                          json={"text": "School visit for the children", "due_on": "1405/01/12"})
    assert revised.json()["plan"]["state"] == "draft"
    assert worker.post(f"/api/cases/{case}/plan/submit").json()["plan"]["state"] == "submitted"


def test_a_goal_due_in_the_past_or_not_a_day_is_refused(people: People) -> None:
    case = new_case(people)
    worker = people("social_worker")
    refused(worker.post(f"/api/cases/{case}/plan/goals",
                        json={"text": "A", "due_on": "1404/12/20"}), "due_on")
    refused(worker.post(f"/api/cases/{case}/plan/goals",
                        json={"text": "A", "due_on": "next week"}), "due_on")
    refused(worker.post(f"/api/cases/{case}/plan/goals",
                        json={"text": "A", "due_on": "1405/01/12", "owner_discipline": "chef"}),
            "owner_discipline")


def test_status_moves_one_step_at_a_time_and_into_services_only_with_an_approved_plan(
    people: People,
) -> None:
    case = new_case(people)
    worker = people("social_worker")
    refused(worker.post(f"/api/cases/{case}/status", json={"to": "plan"}), "status")
    assert worker.post(f"/api/cases/{case}/status", json={"to": "assessment"}).status_code == 200
    assert worker.post(f"/api/cases/{case}/status", json={"to": "plan"}).status_code == 200
    refused(worker.post(f"/api/cases/{case}/status", json={"to": "services"}), "status")
    refused(worker.post(f"/api/cases/{case}/status", json={"to": "closed"}), "status")
    assert work(people, case)["status"] == "plan"


def test_closing_without_an_outcome_or_with_services_open_is_refused(
    people: People, spouse_case: int
) -> None:
    worker, supervisor = people("social_worker"), people("supervisor")
    no_outcome = worker.post(f"/api/cases/{spouse_case}/closure/request", json={})
    refused(no_outcome, "outcome")
    open_service = worker.post(f"/api/cases/{spouse_case}/closure/request",
                               json={"outcome": "goals_met"})
    refused(open_service, "services")
    assert "still open" in open_service.json()["message"]
    body = work(people, spouse_case)
    assert (body["status"], body["outcome"]) == ("services", None)  # nothing half-saved
    service_id = body["services"][0]["id"]
    closed = worker.post(f"/api/cases/{spouse_case}/services/{service_id}/close")
    assert closed.json()["services"][0]["state"] == "closed"
    requested = worker.post(f"/api/cases/{spouse_case}/closure/request",
                            json={"outcome": "goals_met", "reason": "Safe with her sister"})
    assert requested.status_code == 200, requested.text
    assert requested.json()["status"] == "closure_requested"
    assert worker.post(f"/api/cases/{spouse_case}/closure/approve", json={}).status_code == 403
    approved = supervisor.post(f"/api/cases/{spouse_case}/closure/approve", json={})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["outcome"]) == ("closed", "goals_met")
    assert approved.json()["closed_at"] and not approved.json()["can_edit"]
    again = supervisor.post(f"/api/cases/{spouse_case}/closure/approve", json={})
    assert again.status_code == 409
    assert worker.post(f"/api/cases/{spouse_case}/services",
                       json={"kind": "counselling_session"}).status_code == 409


def test_a_closure_request_is_sent_back_to_services_with_a_reason(
    people: People, spouse_case: int
) -> None:
    worker = people("social_worker")
    service_id = work(people, spouse_case)["services"][0]["id"]
    worker.post(f"/api/cases/{spouse_case}/services/{service_id}/close")
    worker.post(f"/api/cases/{spouse_case}/closure/request", json={"outcome": "unreachable"})
    refused(people("supervisor").post(f"/api/cases/{spouse_case}/status",
                                      json={"to": "services"}), "reason")
    back = people("supervisor").post(f"/api/cases/{spouse_case}/status", json={
        "to": "services", "reason": "She answered the follow-up call today"})
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "services" and back.json()["closure_requested_at"] is None
    assert back.json()["events"][-1]["reason"] == "She answered the follow-up call today"


def test_gbv_type_is_refused_for_other_cases_and_required_before_closing_a_gbv_case(
    people: People, child_case: int
) -> None:
    worker = people("social_worker")
    refused(worker.patch(f"/api/cases/{child_case}/work", json={"gbv_type": "rape"}),
            "gbv_type")
    case = new_case(people, "spouse_abuse")
    refused(worker.patch(f"/api/cases/{case}/work", json={"gbv_type": "beating"}), "gbv_type")
    refused(worker.post(f"/api/cases/{case}/closure/request",
                        json={"outcome": "client_withdrew"}), "gbv_type")
    patched = worker.patch(f"/api/cases/{case}/work", json={"gbv_type": "psychological_abuse"})
    assert patched.json()["gbv"]["gbv_type"] == "psychological_abuse"
    requested = worker.post(f"/api/cases/{case}/closure/request",
                            json={"outcome": "client_withdrew"})
    assert requested.status_code == 200, requested.text


def test_types_from_the_taxonomy_keep_the_category_first(people: People) -> None:
    case = new_case(people)
    worker = people("social_worker")
    patched = worker.patch(f"/api/cases/{case}/work",
                           json={"types": ["woman_at_risk", "housing"], "risk": "medium"})
    assert patched.json()["types"] == ["family_conflict", "woman_at_risk", "housing"]
    assert patched.json()["risk"] == "medium" and patched.json()["gbv"]["applies"]
    refused(worker.patch(f"/api/cases/{case}/work", json={"types": ["aliens"]}), "types")


def test_lethality_screen_is_scored_inside_the_case_and_raises_its_risk(people: People) -> None:
    case = new_case(people, "spouse_abuse")
    worker = people("social_worker")
    screened = worker.post(f"/api/cases/{case}/assessments", json={
        "kind": "lethality_screen", "answers": {
            "danger_now": False, "q1_weapon": True, "q2_threat_to_kill": False,
            "q3_might_kill": False}})
    assert screened.status_code == 201, screened.text
    body = screened.json()
    assert body["assessments"][0]["level"] == "high" and body["risk"] == "high"
    assert body["status"] == "assessment"
    bad = worker.post(f"/api/cases/{case}/assessments", json={
        "kind": "lethality_screen", "answers": {"danger_now": "maybe"}})
    assert bad.status_code == 422
    refused(worker.post(f"/api/cases/{case}/assessments", json={"kind": "horoscope"}), "kind")
    refused(worker.post(f"/api/cases/{case}/assessments", json={"kind": "psychosocial"}), "form")
    form = worker.post(f"/api/cases/{case}/assessments", json={"kind": "psychosocial", "form": {
        "presenting_problem": "Beaten last night", "safety": 3, "family_support": 1}})
    assert form.json()["assessments"][1]["concern"] == 3
    assert form.json()["risk"] == "high"  # a form never lowers the risk


def test_psychiatric_visit_notes_are_read_by_psychiatrist_psychologist_and_supervisors(
    people: People, spouse_case: int, database_url: str
) -> None:
    psychiatrist = user_id(database_url, "psychiatrist")
    people("social_worker").post(f"/api/cases/{spouse_case}/team", json={"user_id": psychiatrist})
    visit = people("psychiatrist").post(f"/api/cases/{spouse_case}/services", json={
        "kind": "psychiatric_visit", "note": "Sertraline 50 mg started"})
    assert visit.status_code == 201, visit.text

    def notes(who: str) -> tuple[list[str], int]:
        found = next(s for s in work(people, spouse_case, who)["services"]
                     if s["kind"] == "psychiatric_visit")
        return [n["text"] for n in found["notes"]], found["hidden_notes"]

    assert notes("psychiatrist") == (["Sertraline 50 mg started"], 0)
    assert notes("psychologist") == (["Sertraline 50 mg started"], 0)
    assert notes("supervisor") == (["Sertraline 50 mg started"], 0)
    assert notes("social_worker") == ([], 1)
    social = people("social_worker").get(f"/api/cases/{spouse_case}/work")
    assert "Sertraline" not in social.text


def test_a_service_marks_the_case_in_touch_and_is_stored_encrypted(
    people: People, child_case: int, clock: FrozenClock, database_url: str
) -> None:
    clock.advance(days=2)
    given = people("social_worker").post(f"/api/cases/{child_case}/services", json={
        "kind": "counselling_session", "note": "Home visit with the grandmother"})
    assert given.status_code == 201, given.text
    with _db(database_url) as db:
        (touched,) = db.execute("SELECT last_contact_at FROM case_file WHERE id=?",
                                (child_case,)).fetchone()
        notes = [t for (t,) in db.execute("SELECT text FROM case_service_note")]
    assert touched.startswith("2026-03-24 06:30")
    assert notes and not any("grandmother" in t for t in notes)
    future = people("social_worker").post(f"/api/cases/{child_case}/services", json={
        "kind": "legal_advice", "at": "2026-04-01T10:00:00Z"})
    refused(future, "at")


def test_plan_overdue_and_goals_due_for_the_flags(
    people: People, app: FastAPI, clock: FrozenClock, spouse_case: int
) -> None:
    """A new case has a week to get its plan approved; the demo spouse case's approved plan
    is overdue once its first goal (due 1405/01/03) passes undone."""
    fresh = new_case(people)
    ids = [fresh, spouse_case]
    factory = app.state.session_factory
    goals = work(people, spouse_case)["plan"]["goals"]
    start = datetime.fromisoformat(f"{goals[0]['due_on']}T00:00:00+03:30")
    with unit_of_work(factory) as session:
        assert queries.overdue_plans(session, case_ids=ids, now=clock.now()) == set()
        assert queries.goals_due(session, case_ids=ids, day_start=start,
                                 day_end=start + timedelta(days=1)) == {spouse_case: 1}
        assert queries.goals_due(session, case_ids=ids, day_start=start + timedelta(days=1),
                                 day_end=start + timedelta(days=2)) == {}
        almost = clock.now() + timedelta(days=6, hours=23)
        assert queries.overdue_plans(session, case_ids=ids, now=almost) == {spouse_case}
    people("social_worker").post(f"/api/cases/{spouse_case}/plan/goals/{goals[0]['id']}/done")
    with unit_of_work(factory) as session:
        assert queries.overdue_plans(session, case_ids=ids, now=almost) == set()
        week = clock.now() + timedelta(days=7)
        assert queries.overdue_plans(session, case_ids=ids, now=week) == {fresh}


def test_an_approval_decided_on_a_stale_read_of_the_case_is_refused_not_applied_twice(
    people: People, app: FastAPI, spouse_case: int, clock: FrozenClock
) -> None:
    """Two supervisors approve at once: the second read the case before the first's
    approval changed it. The conditional UPDATE on the case's version refuses it (SQLite
    serialises writers; PostgreSQL lets the two overlap, and the version decides)."""
    worker = people("social_worker")
    service_id = work(people, spouse_case)["services"][0]["id"]
    worker.post(f"/api/cases/{spouse_case}/services/{service_id}/close")
    worker.post(f"/api/cases/{spouse_case}/closure/request", json={"outcome": "goals_met"})
    with unit_of_work(app.state.session_factory) as session:
        manager = actor_of(session.scalars(
            select(User).where(User.username == "provincial_manager")).one())
        stale = session.get(Case, spouse_case)
        assert stale is not None and stale.status == "closure_requested"
        session.execute(text("UPDATE case_file SET status='closed', version=version+1 "
                             "WHERE id=:id"), {"id": spouse_case})  # the other supervisor
        with pytest.raises(Conflict, match="Someone else has just changed"):
            service.approve_closure(session, actor=manager, case_id=spouse_case,
                                    data=ClosureApproval(), now=clock.now())
        session.rollback()
    assert [e["to_status"] for e in work(people, spouse_case)["events"]].count("closed") == 0


def test_the_page_form_comes_back_explained_and_a_good_one_returns_to_the_panel(
    people: People,
) -> None:
    case = new_case(people)
    worker = people("social_worker")
    page = {"Accept": "text/html"}
    refused_page = worker.post(f"/cases/{case}/work/plan/submit", headers=page)
    assert refused_page.status_code == 422
    assert 'id="work-error"' in refused_page.text and "بدون هدف" in refused_page.text
    added = worker.post(f"/cases/{case}/work/plan/goals", headers=page, data={
        "text": "Call the school counsellor", "due_on": "۱۴۰۵/۰۱/۰۸",
        "owner_discipline": "social_worker"})
    assert added.status_code == 303 and added.headers["location"] == f"/cases/{case}#work"
    shown = worker.get(f"/cases/{case}", headers=page)
    assert "Call the school counsellor" in shown.text and "۱۴۰۵/۰۱/۰۸" in shown.text
    english = worker.get(f"/cases/{case}?lang=en", headers=page)
    assert "The plan and its goals" in english.text and "Submit the plan for approval" in (
        english.text)
