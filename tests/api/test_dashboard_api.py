"""The live dashboard through the API: whose dashboard each role reads, a province's
thresholds (set by its supervisors, checked, naming the field when refused), and every
figure against a hand-counted morning in Golestan, on SQLite and PostgreSQL.

The morning is the second day of Nowruz, 1405/01/02, 10:00 in Tehran (06:30 UTC); the Iran
day began at 20:30 UTC the evening before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from tests.api.conftest import HTML, People
from tests.conftest import DEMO_PASSWORD, NOWRUZ, login

GOLESTAN, MAZANDARAN, GILAN = "IR-27", "IR-02", "IR-01"
PG_URL = os.environ.get("PANAH_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def add_user(app: FastAPI, username: str, role: str, province: str | None,
             full_name: str = "کاربر آزمون") -> int:
    from panah.security.orm import User
    from panah.security.passwords import hash_password

    with unit_of_work(app.state.session_factory) as session:
        user = User(username=username, full_name=full_name, role=role, province_code=province,
                    password_hash=hash_password(DEMO_PASSWORD), created_at=NOWRUZ,
                    languages="persian", is_woman=True)
        session.add(user)
        session.flush()
        return user.id


def signed_in(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    login(client, username)
    page = client.get("/", headers=HTML).text
    client.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split('"')[0]
    return client


# ---- whose dashboard ------------------------------------------------------------------------

def test_the_mazandaran_supervisor_reads_her_own_provinces_dashboard(people: People) -> None:
    board = people("supervisor").get("/api/dashboard").json()
    assert board["province"]["code"] == MAZANDARAN
    assert set(board["tiles"]) >= {"waiting", "longest_wait_s", "answered_20s_hour_pct"}


def test_a_gilan_supervisor_cannot_read_mazandarans_dashboard(app: FastAPI) -> None:
    add_user(app, "golnar", "supervisor", GILAN, "گلنار سرپرست گیلانی")
    golnar = signed_in(app, "golnar")
    refused = golnar.get(f"/api/dashboard?province={MAZANDARAN}")
    assert refused.status_code == 403
    assert refused.json()["details"]["field"] == "province"
    assert "province" in refused.json()["message"] and "استان" in refused.json()["message_fa"]
    assert golnar.get(f"/dashboard?province={MAZANDARAN}", headers=HTML).status_code == 403
    assert golnar.get("/api/dashboard").json()["province"]["code"] == GILAN


def test_the_national_office_sees_the_nation_and_may_pick_any_province(people: People) -> None:
    office = people("national_office")
    nation = office.get("/api/dashboard").json()
    assert nation["province"] is None and nation["incidents"]  # Tehran's open incident too
    assert office.get("/dashboard", headers=HTML).status_code == 200
    assert office.get(f"/api/dashboard?province={GILAN}").json()["province"]["code"] == GILAN
    page = office.get(f"/dashboard?province={MAZANDARAN}", headers=HTML)
    assert page.status_code == 200 and 'value="IR-02" selected' in page.text


def test_an_unknown_or_malformed_province_is_refused_naming_the_field(people: People) -> None:
    office = people("national_office")
    missing = office.get("/api/dashboard?province=IR-99")
    assert missing.status_code == 404 and missing.json()["details"]["field"] == "province"
    malformed = office.get("/api/dashboard?province=Sari")
    assert malformed.status_code == 422 and "province" in malformed.text


@pytest.mark.parametrize("username", ["counsellor", "analyst", "dispatcher"])
def test_roles_without_the_dashboard_are_refused(people: People, username: str) -> None:
    assert people(username).get("/api/dashboard").status_code == 403


def test_the_page_reads_without_javascript_its_tiles_rendered_on_the_server(
        people: People) -> None:
    page = people("supervisor").get("/dashboard", headers=HTML).text
    assert 'data-tile="longest_wait_s"' in page and 'data-tile="shelter_free_beds"' in page
    assert "طولانی‌ترین انتظار" in page  # Persian first
    assert 'id="dashboard-settings"' in page  # she may set the thresholds


def test_the_supervisors_home_links_to_the_dashboard(people: People) -> None:
    assert 'href="/dashboard"' in people("supervisor").get("/", headers=HTML).text
    assert 'id="home-dashboard"' not in people("counsellor").get("/", headers=HTML).text


# ---- thresholds -------------------------------------------------------------------------------

def test_a_tighter_threshold_turns_the_longest_wait_red(people: People) -> None:
    supervisor = people("supervisor")
    before = supervisor.get("/api/dashboard").json()["tiles"]["longest_wait_s"]
    assert before["value"] == 40 and before["level"] == "amber"  # the demo's caller waited 40 s
    saved = supervisor.put(f"/api/dashboard/thresholds/{MAZANDARAN}", json={
        "thresholds": {"longest_wait_s": {"amber": 10, "red": 30}}})
    assert saved.status_code == 200, saved.text
    row = next(t for t in saved.json()["thresholds"] if t["tile"] == "longest_wait_s")
    assert (row["amber"], row["red"], row["customised"]) == (10, 30, True)
    after = supervisor.get("/api/dashboard").json()
    assert after["tiles"]["longest_wait_s"]["level"] == "red"
    assert after["thresholds_customised"] is True


def test_amber_past_red_is_refused_with_422_naming_the_field(people: People) -> None:
    refused = people("supervisor").put(f"/api/dashboard/thresholds/{MAZANDARAN}", json={
        "thresholds": {"longest_wait_s": {"amber": 90, "red": 60}}})
    assert refused.status_code == 422
    assert refused.json()["details"]["field"] == "longest_wait_s_amber"
    assert "زرد" in refused.json()["message_fa"]


def test_a_negative_or_unknown_threshold_is_refused(people: People) -> None:
    supervisor = people("supervisor")
    negative = supervisor.put(f"/api/dashboard/thresholds/{MAZANDARAN}", json={
        "thresholds": {"waiting": {"amber": -1, "red": 3}}})
    assert negative.status_code == 422 and "amber" in negative.text
    unknown = supervisor.put(f"/api/dashboard/thresholds/{MAZANDARAN}", json={
        "thresholds": {"coffee_left": {"amber": 1, "red": 2}}})
    assert unknown.status_code == 422 and unknown.json()["details"]["field"] == "coffee_left"


def test_the_form_keeps_what_was_typed_and_marks_the_field_saving_nothing(
        people: People) -> None:
    supervisor = people("supervisor")
    form = {f"{t['tile']}_{level}": str(t[level]) for t in supervisor.get(
        f"/api/dashboard/thresholds/{MAZANDARAN}").json()["thresholds"]
        for level in ("amber", "red")}
    form |= {"waiting_amber": "۲", "longest_wait_s_amber": "۹۰", "longest_wait_s_red": "۶۰"}
    page = supervisor.post(f"/dashboard/settings/{MAZANDARAN}", data=form, headers=HTML)
    assert page.status_code == 422
    assert re.search(r'name="longest_wait_s_amber"[^>]*value="۹۰"[^>]*aria-invalid="true"',
                     page.text.replace("\n", " "))
    assert 'id="thresholds-error"' in page.text and "amber" in page.text
    stored = supervisor.get(f"/api/dashboard/thresholds/{MAZANDARAN}").json()
    assert next(t for t in stored["thresholds"] if t["tile"] == "waiting")["customised"] is False

    form |= {"longest_wait_s_amber": "۱۵٫۵"}  # Persian digits and decimal separator
    saved = supervisor.post(f"/dashboard/settings/{MAZANDARAN}", data=form, headers=HTML)
    assert saved.status_code == 303
    stored = supervisor.get(f"/api/dashboard/thresholds/{MAZANDARAN}").json()
    longest = next(t for t in stored["thresholds"] if t["tile"] == "longest_wait_s")
    assert longest["amber"] == 15.5 and stored["updated_at"] is not None


def test_a_gilan_supervisor_cannot_set_mazandarans_thresholds(app: FastAPI) -> None:
    add_user(app, "golnar", "supervisor", GILAN)
    refused = signed_in(app, "golnar").put(f"/api/dashboard/thresholds/{MAZANDARAN}", json={
        "thresholds": {"waiting": {"amber": 1, "red": 2}}})
    assert refused.status_code == 403


def test_the_provincial_manager_sets_thresholds_and_a_counsellor_may_not(
        people: People) -> None:
    change = {"thresholds": {"waiting": {"amber": 2, "red": 6}}}
    assert people("provincial_manager").put(f"/api/dashboard/thresholds/{MAZANDARAN}",
                                            json=change).status_code == 200
    assert people("counsellor").put(f"/api/dashboard/thresholds/{MAZANDARAN}",
                                    json=change).status_code == 403


# ---- a hand-counted morning in Golestan (SQLite and PostgreSQL) -------------------------------

NOW = NOWRUZ  # 1405/01/02 10:00 Tehran
DAY_START = datetime(2026, 3, 21, 20, 30, tzinfo=UTC)  # 1405/01/02 00:00 Tehran


def _contact(offered: datetime, *, answer_after: float | None = None, state: str = "closed",
             risk: str = "medium", province: str = GOLESTAN, channel: str = "voice",
             abandoned: bool = False, by: int | None = None) -> dict[str, Any]:
    answered = offered + timedelta(seconds=answer_after) if answer_after is not None else None
    return {"channel": channel, "state": state, "queue": province, "province_code": province,
            "offered_to": province, "offered_at": offered, "queued_at": offered,
            "answered_at": answered, "assigned_to": by, "assigned_at": answered, "risk": risk,
            "abandoned_at": offered + timedelta(seconds=50) if abandoned else None}


def _golestan_morning(app: FastAPI) -> None:
    from panah.intake.orm import Callback, Contact
    from panah.security.orm import Presence

    azadeh = add_user(app, "azadeh", "counsellor", GOLESTAN, "آزاده کارشناس گلستانی")
    bahar = add_user(app, "bahar", "counsellor", GOLESTAN, "بهار کارشناس گلستانی")
    add_user(app, "golshan", "supervisor", GOLESTAN, "گلشن سرپرست گلستانی")
    gilan = add_user(app, "gilda", "counsellor", GILAN, "گیلدا کارشناس گیلانی")
    minutes = lambda m: NOW - timedelta(minutes=m)  # noqa: E731
    rows = [
        _contact(minutes(30), answer_after=15, state="answered", by=bahar),  # hour, in 20 s
        _contact(minutes(40), answer_after=35, by=azadeh),  # hour, late
        _contact(minutes(50), answer_after=8, by=gilan),  # hour, in 20 s, answered in Gilan
        _contact(minutes(180), answer_after=5, by=azadeh),  # today, in 20 s
        _contact(minutes(120), state="abandoned", abandoned=True),  # today, abandoned
        _contact(DAY_START + timedelta(minutes=15), answer_after=10, by=azadeh),  # 00:15 today
        _contact(DAY_START - timedelta(minutes=30), answer_after=3, by=azadeh),  # yesterday
        _contact(NOW - timedelta(seconds=5), state="queued"),  # waiting 5 s: not judged yet
        _contact(NOW - timedelta(seconds=25), state="queued", risk="immediate",
                 channel="web_chat"),  # waiting 25 s in immediate danger
        _contact(minutes(10), answer_after=0, channel="walk_in", by=azadeh),  # never waits
        _contact(minutes(20), answer_after=6, province=GILAN, by=azadeh),  # Gilan's, answered here
    ]
    with unit_of_work(app.state.session_factory) as session:
        contacts = [Contact(**row) for row in rows]
        session.add_all(contacts)
        session.flush()
        session.add(Callback(contact_id=contacts[4].id, due_at=minutes(1), state="due",
                             created_at=minutes(118)))
        session.add(Presence(user_id=azadeh, seen_at=NOW - timedelta(seconds=5)))


def _postgres_app() -> Iterator[FastAPI]:
    from tests.storage.conftest import postgres_demo_app

    with postgres_demo_app(NOWRUZ) as application:
        yield application


@pytest.fixture(params=BACKENDS)
def golestan(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Golestan's dashboard at 10:00 on the morning above, as its supervisor reads it."""
    if request.param == "sqlite":
        application: FastAPI = request.getfixturevalue("app")
        _golestan_morning(application)
        yield signed_in(application, "golshan").get("/api/dashboard").json()
        return
    for application in _postgres_app():
        _golestan_morning(application)
        yield signed_in(application, "golshan").get("/api/dashboard").json()


def test_answered_within_20_s_in_the_last_hour_counts_by_hand(golestan: dict[str, Any]) -> None:
    # Offered in the hour: 15 s, 35 s, 8 s (in Gilan), two waiting (5 s: not judged; 25 s).
    assert golestan["hour"] == {"offered": 5, "answered": 3, "within_target": 2,
                                "abandoned": 0, "pct": 50.0}
    assert golestan["tiles"]["answered_20s_hour_pct"]["level"] == "red"


def test_today_is_the_iran_day_from_midnight_in_tehran(golestan: dict[str, Any]) -> None:
    # + 5 s and the 00:15 contact and the abandoned one; the 23:30 one was yesterday in Iran
    # (though the same UTC date), and the walk-in never waited.
    assert golestan["today"] == {"offered": 8, "answered": 5, "within_target": 4,
                                 "abandoned": 1, "pct": 57.1}
    assert golestan["tiles"]["abandoned_today"]["value"] == 1


def test_waiting_longest_wait_and_the_immediate_danger_alert(golestan: dict[str, Any]) -> None:
    tiles = golestan["tiles"]
    assert tiles["waiting"]["value"] == 2
    assert (tiles["longest_wait_s"]["value"], tiles["longest_wait_s"]["level"]) == (25, "amber")
    assert (tiles["immediate_wait_s"]["value"], tiles["immediate_wait_s"]["level"]) == (25, "red")
    assert [(a["channel"], a["waited_s"]) for a in golestan["alerts"]] == [("web_chat", 25)]
    risks = {r["risk"]: r["count"] for r in golestan["waiting_by_risk"]}
    assert risks == {"immediate": 1, "high": 0, "medium": 1, "low": 0, "information": 0}


def test_overflow_counts_each_contact_once_where_it_was_answered(
        golestan: dict[str, Any]) -> None:
    # Golestan's 8 s caller was answered in Gilan (out); Gilan's caller answered here (in).
    assert (golestan["overflow_in"], golestan["overflow_out"]) == (1, 1)


def test_callbacks_and_counsellors_by_presence(golestan: dict[str, Any]) -> None:
    assert (golestan["callbacks_due"], golestan["callbacks_overdue"]) == (1, 1)
    # Golshan, the supervisor, answers the line too, but is not at the console: away.
    assert golestan["counsellors_by_presence"] == {"on_contact": 1, "available": 1, "away": 1}
    shown = {c["full_name"]: c["presence"] for c in golestan["counsellors"]}
    assert shown == {"بهار کارشناس گلستانی": "on_contact", "آزاده کارشناس گلستانی": "available"}


# ---- the push -------------------------------------------------------------------------------

def test_the_socket_sends_the_dashboard_then_each_change(app: FastAPI, clock: FrozenClock,
                                                          people: People) -> None:
    supervisor = people("supervisor")
    with supervisor.websocket_connect("/ws/dashboard") as socket:
        first = socket.receive_json()
        assert first["province"]["code"] == MAZANDARAN
        assert first["tiles"]["longest_wait_s"]["value"] == 40
        clock.advance(seconds=30)  # the caller has waited 70 s now: red
        second = socket.receive_json()
        assert second["tiles"]["longest_wait_s"]["value"] == 70
        assert second["tiles"]["longest_wait_s"]["level"] == "red"


def test_the_socket_refuses_another_provinces_dashboard(app: FastAPI) -> None:
    from starlette.websockets import WebSocketDisconnect

    add_user(app, "golnar", "supervisor", GILAN)
    golnar = signed_in(app, "golnar")
    with pytest.raises(WebSocketDisconnect) as refused, \
            golnar.websocket_connect(f"/ws/dashboard?province={MAZANDARAN}") as socket:
        socket.receive_json()
    assert refused.value.code == 1008


def test_the_socket_refuses_a_counsellor(people: People) -> None:
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as refused, \
            people("counsellor").websocket_connect("/ws/dashboard") as socket:
        socket.receive_json()
    assert refused.value.code == 1008


def test_words_where_a_number_belongs_are_refused_naming_the_tile_and_colour(
        people: People) -> None:
    page = people("supervisor").post(f"/dashboard/settings/{MAZANDARAN}", headers=HTML,
                                     data={"waiting_amber": "3", "waiting_red": "بسیار"})
    assert page.status_code == 422
    assert re.search(r'name="waiting_red"[^>]*value="بسیار"[^>]*aria-invalid="true"',
                     page.text.replace("\n", " "))
    assert "Contacts waiting — red: write a number" in page.text
    assert "تماس‌های در انتظار — قرمز" in page.text
