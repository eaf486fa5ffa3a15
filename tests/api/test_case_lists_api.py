"""The worker's and the supervisor's lists, a case's flags, and the escalation timer
(issue 16 items 3 and 7), through the API with the frozen clock (Nowruz 1405).

Demo: Shirin the social worker (social_worker) is on the spouse-abuse case (with the
psychologist and the crew), the child-abuse case (opened by the 123 counsellor) and the
restricted sexual-abuse case (without its grant); Mansoureh the shift supervisor
(supervisor) works at the provincial 123 centre; none of the demo cases has a lead worker,
so each is flagged "unassigned" (raised and escalated when the demo was loaded).
"""

from __future__ import annotations

import sqlite3

from fastapi import FastAPI
from sqlalchemy import select

from panah.cases.flags.orm import CaseFlag
from panah.cases.flags.scheduled import escalate
from panah.cases.orm import Case
from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.core.timers import Order, Outside, discover
from panah.integrations.sms import LoggingSmsProvider
from tests.api.conftest import HTML, People


def _ids(database_url: str) -> dict[str, int]:
    """The demo's first case of each category and every user, by name."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        cases = dict(db.execute("SELECT category, min(id) FROM case_file GROUP BY category"))
        users = dict(db.execute("SELECT username, id FROM app_user").fetchall())
    return {**cases, **users}


def _cases(database_url: str, where: str, *args: object) -> set[int]:
    """Open cases matching ``where`` (other parts' demos add cases: count them, not guess)."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return {i for (i,) in db.execute(
            f"SELECT id FROM case_file c WHERE status != 'closed' AND {where}",  # noqa: S608
            args)}


def _on_team_of(database_url: str, username: str) -> set[int]:
    return _cases(database_url, "(lead_user_id = (SELECT id FROM app_user WHERE username = ?)"
                  " OR id IN (SELECT case_id FROM case_team_member WHERE user_id = "
                  "(SELECT id FROM app_user WHERE username = ?)))", username, username)


def _round(app: FastAPI, clock: FrozenClock) -> dict[str, int]:
    """One tick of the flags' timer, as ``tick`` runs it: its own unit of work. The rules
    run at most once a minute: a test wanting a second round advances the clock a minute."""
    with unit_of_work(app.state.session_factory) as session:
        done = escalate(session, now=clock.now(), outside=Outside(LoggingSmsProvider()))
    assert isinstance(done, dict)
    return dict(done)


def _open_high_risk(people: People, name: str = "رها آزمون") -> int:
    opened = people("social_worker").post("/api/cases", json={
        "client_name": name, "category": "suicidal_thoughts", "risk": "high"})
    assert opened.status_code == 201, opened.text
    return int(opened.json()["id"])


# ---- the worker's list -------------------------------------------------------------------


def test_the_social_worker_lists_her_own_cases_with_flags_and_no_one_elses(
    people: People, database_url: str
) -> None:
    ids = _ids(database_url)
    body = people("social_worker").get("/api/cases/mine").json()
    mine = {row["id"]: row for row in body["mine"]}
    # On the restricted case's team without its grant: not on her list (as /api/cases).
    assert set(mine) == _on_team_of(database_url, "social_worker") - {ids["sexual_abuse"]}
    assert {ids["spouse_abuse"], ids["child_abuse"]} <= set(mine)
    assert ids["suicide_attempt"] not in mine  # Gilan's
    assert mine[ids["spouse_abuse"]]["client_name"] == "سارا محمدی"
    granted = people("psychologist").get("/api/cases/mine").json()["mine"]
    assert {r["id"]: r["client_name"] for r in granted}[ids["sexual_abuse"]] == "نرگس کریمی"
    # Every case of hers with no lead worker is flagged, and the demo's round escalated it.
    unled = {i for i, row in mine.items() if row["lead_user_id"] is None}
    assert unled, "the demo has unassigned cases"
    flagged = {item["case_id"]: item["flag"] for item in body["flags"]
               if item["flag"]["code"] == "unassigned"}
    assert set(flagged) == unled
    assert all(flag["escalated_at"] is not None for flag in flagged.values())
    assert body["day"] == "2026-03-22"
    # The appointments part's demo books Sara's outpatient visit today at 14:00 Tehran.
    due = {d["case_id"]: d for d in body["due_today"]}
    assert due[ids["spouse_abuse"]]["appointments"] >= 1
    assert set(due) <= set(mine)


def test_a_flag_is_aged_from_when_the_rule_ran_out(
    app: FastAPI, people: People, clock: FrozenClock
) -> None:
    case_id = _open_high_risk(people)
    clock.advance(hours=2)
    _round(app, clock)  # recorded an hour after it fell due
    clock.advance(hours=1)
    item = next(i for i in people("social_worker").get("/api/cases/mine").json()["flags"]
                if i["case_id"] == case_id)
    assert item["flag"]["code"] == "unassigned"
    assert item["flag"]["since"] == "2026-03-22T07:30:00Z"  # 1 h after opening
    assert item["flag"]["age_minutes"] == 120
    assert item["flag"]["escalated_at"] == "2026-03-22T08:30:00Z"


def test_a_worker_on_no_case_has_an_empty_list_and_the_gilan_counsellor_sees_only_gilan(
    people: People, database_url: str
) -> None:
    ids = _ids(database_url)
    assert not _on_team_of(database_url, "psychiatrist")
    assert people("psychiatrist").get("/api/cases/mine").json()["mine"] == []
    gilan = people("counsellor_gilan").get("/api/cases/mine")
    assert {r["id"] for r in gilan.json()["mine"]} == _on_team_of(database_url,
                                                                  "counsellor_gilan")
    assert ids["suicide_attempt"] in {r["id"] for r in gilan.json()["mine"]}
    assert "سارا محمدی" not in gilan.text and "IR-02-" not in gilan.text


def test_a_high_risk_case_is_unassigned_after_one_hour_and_the_list_counts_down_first(
    people: People, clock: FrozenClock
) -> None:
    case_id = _open_high_risk(people)
    clock.advance(minutes=20)
    row = next(r for r in people("social_worker").get("/api/cases/mine").json()["mine"]
               if r["id"] == case_id)
    assert row["flags"] == []
    assert row["upcoming"][0] == {"code": "unassigned", "in_minutes": 40,
                                  "due_at": "2026-03-22T07:30:00Z"}
    clock.advance(minutes=40)
    flags = people("social_worker").get(f"/api/cases/{case_id}/flags").json()
    assert [(f["code"], f["age_minutes"], f["escalated_at"]) for f in flags["flags"]] == [
        ("unassigned", 0, None)]


def test_the_worker_page_shows_the_flags_in_persian_and_keeps_the_new_case_form(
    people: People
) -> None:
    page = people("social_worker").get("/cases", headers=HTML)
    assert page.status_code == 200
    assert 'id="worklist-flags"' in page.text and "بدون مددکار مسئول" in page.text
    assert "به سرپرست ارجاع شد" in page.text
    assert 'id="new-case"' in page.text and "cases-table" in page.text
    assert 'href="/cases/supervision"' not in page.text  # not a supervisor


def test_a_case_flags_route_is_need_to_know(people: People, database_url: str) -> None:
    ids = _ids(database_url)
    assert people("psychiatrist").get(f"/api/cases/{ids['spouse_abuse']}/flags"
                                      ).status_code == 403
    assert people("counsellor_gilan").get(f"/api/cases/{ids['spouse_abuse']}/flags"
                                          ).status_code == 403


# ---- the supervisor's list ---------------------------------------------------------------


def test_the_supervisor_sees_the_province_and_her_centre_with_the_same_flags(
    people: People, database_url: str
) -> None:
    ids = _ids(database_url)
    supervisor = people("supervisor")
    province = supervisor.get("/api/cases/supervision?scope=province").json()
    rows = {r["id"]: r for r in province["rows"]}
    assert set(rows) == _cases(database_url, "province_code = 'IR-02'")
    assert ids["suicide_attempt"] not in rows
    assert rows[ids["child_abuse"]]["client_name"] == "علی رضایی"
    assert rows[ids["sexual_abuse"]]["client_name"] is None  # restricted, no grant
    unassigned = {i for i, r in rows.items() if r["lead"] is None}
    assert province["counts"]["unassigned"] == len(unassigned) >= 1
    assert all("unassigned" in {f["code"] for f in rows[i]["flags"]} for i in unassigned)
    # The demo's round escalated every flag it raised (the shelter residents' cases have a
    # lead, and their plans are overdue).
    assert province["escalated"] == sum(len(r["flags"]) for r in rows.values())
    centre = supervisor.get("/api/cases/supervision?scope=centre").json()
    # Her centre is the provincial 123 centre: the cases the counsellor opened there.
    assert {r["id"] for r in centre["rows"]} == _cases(
        database_url, "centre_id = (SELECT centre_id FROM app_user WHERE username = ?)",
        "supervisor")
    assert ids["child_abuse"] in {r["id"] for r in centre["rows"]}
    assert ids["spouse_abuse"] not in {r["id"] for r in centre["rows"]}


def test_the_supervisor_filters_by_flag_and_by_worker(
    people: People, database_url: str
) -> None:
    ids = _ids(database_url)
    supervisor = people("supervisor")
    assert supervisor.get("/api/cases/supervision?flag=no_contact").json()["rows"] == []
    kaveh = supervisor.get(f"/api/cases/supervision?worker={ids['psychologist']}").json()
    assert {r["id"] for r in kaveh["rows"]} == _on_team_of(database_url, "psychologist")
    assert {ids["spouse_abuse"], ids["sexual_abuse"]} <= {r["id"] for r in kaveh["rows"]}
    assert ids["child_abuse"] not in {r["id"] for r in kaveh["rows"]}
    assert ids["psychologist"] in {w["user_id"] for w in kaveh["workers"]}
    assert supervisor.get("/api/cases/supervision?scope=nation").status_code == 422
    unknown = supervisor.get("/api/cases/supervision?flag=late")
    assert unknown.status_code == 422 and unknown.json()["details"] == {"field": "flag"}
    assert "plan_overdue" in unknown.json()["message"]
    # A form's empty choices are no filter.
    everything = supervisor.get("/api/cases/supervision?flag=&worker=").json()["rows"]
    assert len(everything) == len(supervisor.get("/api/cases/supervision").json()["rows"])


def test_the_national_office_picks_a_province_and_never_sees_a_clients_name(
    people: People, database_url: str
) -> None:
    ids = _ids(database_url)
    office = people("national_office")
    none_yet = office.get("/api/cases/supervision").json()
    assert none_yet["rows"] == [] and "IR-02" in {p["code"] for p in none_yet["provinces"]}
    picked = office.get("/api/cases/supervision?province=IR-02")
    assert {r["id"] for r in picked.json()["rows"]} == _cases(database_url,
                                                              "province_code = 'IR-02'")
    assert ids["spouse_abuse"] in {r["id"] for r in picked.json()["rows"]}
    assert all(r["client_name"] is None for r in picked.json()["rows"])
    assert "سارا محمدی" not in picked.text


def test_a_supervisor_keeps_to_her_province_and_workers_have_no_supervision_list(
    people: People, database_url: str
) -> None:
    ids = _ids(database_url)
    other = people("supervisor").get("/api/cases/supervision?province=IR-01").json()
    assert other["province_code"] == "IR-02"  # the pick is the national office's only
    assert ids["suicide_attempt"] not in {r["id"] for r in other["rows"]}
    manager = people("provincial_manager").get("/api/cases/supervision").json()
    assert {r["id"] for r in manager["rows"]} == _cases(database_url, "province_code = 'IR-02'")
    for worker in ("social_worker", "counsellor_gilan"):
        assert people(worker).get("/api/cases/supervision").status_code == 403


def test_the_supervision_page_is_in_persian_with_its_tabs_and_filters(people: People) -> None:
    page = people("supervisor").get("/cases/supervision?scope=province", headers=HTML)
    assert page.status_code == 200
    assert 'id="tab-centre"' in page.text and 'id="supervision-filters"' in page.text
    assert "بدون مددکار مسئول" in page.text and "علی رضایی" in page.text


# ---- the escalation timer ----------------------------------------------------------------


def test_the_flags_timer_is_registered_among_the_escalations() -> None:
    job = next(j for j in discover() if j.name == "case_flags_escalated")
    assert job.order == Order.escalate


def test_a_flag_is_raised_once_escalated_to_the_supervisors_then_cleared(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str
) -> None:
    ids = _ids(database_url)
    case_id = _open_high_risk(people)
    _round(app, clock)  # whatever other demo rows need, once
    clock.advance(minutes=1)
    assert _round(app, clock) == {"case_flags_raised": 0, "case_flags_escalated": 0,
                                  "case_flags_cleared": 0}
    before = people("supervisor").get("/api/cases/supervision").json()["escalated"]
    clock.advance(minutes=59)  # an hour after opening
    assert _round(app, clock) == {"case_flags_raised": 1, "case_flags_escalated": 1,
                                  "case_flags_cleared": 0}
    clock.advance(minutes=1)
    assert _round(app, clock) == {"case_flags_raised": 0, "case_flags_escalated": 0,
                                  "case_flags_cleared": 0}  # idempotent
    with unit_of_work(app.state.session_factory) as session:
        rows = list(session.scalars(select(CaseFlag).where(CaseFlag.case_id == case_id)))
        assert [(r.flag, r.escalated_to) for r in rows] == [
            ("unassigned", str(ids["supervisor"]))]
    flags = people("social_worker").get(f"/api/cases/{case_id}/flags").json()["flags"]
    assert flags[0]["escalated_at"] == "2026-03-22T07:30:00Z"
    home = people("supervisor").get("/", headers=HTML).text
    assert 'id="home-case-flags"' in home and f'href="/cases/{case_id}"' in home
    escalated = people("supervisor").get("/api/cases/supervision").json()["escalated"]
    assert escalated == before + 1

    with unit_of_work(app.state.session_factory) as session:  # Shirin takes the lead
        case = session.get(Case, case_id)
        assert case is not None
        case.lead_user_id = ids["social_worker"]
    clock.advance(minutes=5)
    assert _round(app, clock)["case_flags_cleared"] == 1
    assert people("social_worker").get(f"/api/cases/{case_id}/flags").json()["flags"] == []
    assert f'href="/cases/{case_id}"' not in people("supervisor").get("/", headers=HTML).text


def test_the_rules_run_at_most_once_a_minute_kept_in_the_database(
    app: FastAPI, people: People, clock: FrozenClock, database_url: str
) -> None:
    _round(app, clock)  # the demo's rows, once
    case_id = _open_high_risk(people)
    clock.advance(minutes=59, seconds=30)
    _round(app, clock)  # half a minute before it falls due: nothing yet
    clock.advance(seconds=30)  # due now, but the last round was only 30 s ago
    assert _round(app, clock) == {"case_flags_raised": 0, "case_flags_escalated": 0,
                                  "case_flags_cleared": 0}
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT count(*) FROM case_flag WHERE case_id=?",
                          (case_id,)).fetchone() == (0,)
        # The minute is kept in the database, not in a process: another server process
        # (or this one restarted) sees the same last round.
        assert db.execute("SELECT id, last_at FROM case_flag_round").fetchall() == [
            (1, "2026-03-22 07:29:30.000000")]
    clock.advance(seconds=29)
    assert _round(app, clock)["case_flags_raised"] == 0  # 59 s: still within the minute
    clock.advance(seconds=1)
    assert _round(app, clock)["case_flags_raised"] == 1  # a minute after the last round
    assert _round(app, clock)["case_flags_raised"] == 0


def test_a_flag_cleared_and_holding_again_is_raised_anew(
    app: FastAPI, people: People, clock: FrozenClock
) -> None:
    case_id = _open_high_risk(people)
    clock.advance(hours=2)
    _round(app, clock)
    with unit_of_work(app.state.session_factory) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.lead_user_id, lead = 1, case.lead_user_id
    clock.advance(minutes=1)
    _round(app, clock)
    with unit_of_work(app.state.session_factory) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.lead_user_id = lead  # the lead left the case
    clock.advance(minutes=1)
    assert _round(app, clock)["case_flags_raised"] == 1
    with unit_of_work(app.state.session_factory) as session:
        rows = session.scalars(select(CaseFlag).where(CaseFlag.case_id == case_id)).all()
        assert [r.cleared_at is None for r in rows] == [False, True]


def test_a_closed_case_loses_its_flags_on_the_next_round(
    app: FastAPI, people: People, clock: FrozenClock
) -> None:
    case_id = _open_high_risk(people)
    clock.advance(hours=1)
    assert _round(app, clock)["case_flags_raised"] == 1
    with unit_of_work(app.state.session_factory) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.status = "closed"
    clock.advance(minutes=1)
    assert _round(app, clock)["case_flags_cleared"] == 1
    with unit_of_work(app.state.session_factory) as session:
        assert not session.scalars(select(CaseFlag).where(
            CaseFlag.case_id == case_id, CaseFlag.cleared_at.is_(None))).all()
    supervision = people("supervisor").get("/api/cases/supervision").json()
    assert case_id not in {r["id"] for r in supervision["rows"]}
    assert people("social_worker").get(f"/api/cases/{case_id}/flags").json()["flags"] == []


def test_the_flags_show_in_the_case_timeline_items(
    app: FastAPI, people: People, clock: FrozenClock
) -> None:
    from panah.cases.flags.queries import timeline_items
    from panah.security.policy import Actor
    from panah.security.roles import Role

    case_id = _open_high_risk(people)
    clock.advance(hours=1)
    _round(app, clock)
    with unit_of_work(app.state.session_factory) as session:
        items = timeline_items(session, actor=Actor(1, "x", Role.supervisor, "IR-02"),
                               case_id=case_id, now=clock.now())
    assert [i.label_key for i in items] == ["flags.timeline.raised.unassigned",
                                            "flags.timeline.escalated.unassigned"]
    assert people("social_worker").get(f"/cases/{case_id}", headers=HTML).text.count(
        'id="case-flags"') == 1


def test_a_case_just_opened_shows_no_flag_strip(people: People) -> None:
    shirin = people("social_worker")
    opened = shirin.post("/api/cases", json={"client_name": "نسیم آزمون",
                                             "category": "runaway", "risk": "low"})
    assert opened.status_code == 201, opened.text
    page = shirin.get(f"/cases/{opened.json()['id']}", headers=HTML)
    assert page.status_code == 200 and 'id="case-flags"' not in page.text
    flags = shirin.get(f"/api/cases/{opened.json()['id']}/flags").json()
    assert flags["flags"] == [] and flags["upcoming"][0]["code"] == "unassigned"
