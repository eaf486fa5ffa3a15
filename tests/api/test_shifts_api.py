"""Posts and shifts through HTTP with the frozen clock (the second day of Nowruz): the
province's posts with the Nowruz ones open only on their dates, a shift with its crew and
seat gaps, overlaps refused, and the recommendation reading who is on shift now."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi import FastAPI
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.dispatch.orm import CrewMember, Unit
from tests.api.conftest import People


def _unit_and_crew(app: FastAPI, call_sign: str) -> tuple[int, dict[str, int]]:
    with unit_of_work(app.state.session_factory) as session:
        unit = session.scalars(select(Unit).where(Unit.call_sign == call_sign)).one()
        crew = {m.role: m.id for m in session.scalars(
            select(CrewMember).where(CrewMember.unit_id == unit.id))}
        return unit.id, crew


def test_nowruz_posts_are_listed_only_on_their_dates(people: People, clock: FrozenClock) -> None:
    desk = people("dispatcher")
    during = {p["code"] for p in desk.get(f"/api/posts?on={clock.now().date()}").json()}
    after = {p["code"] for p in desk.get("/api/posts?on=2026-06-01").json()}
    assert "MZN-N-CHALUS" in during and "MZN-P-SARI" in during
    assert "MZN-N-CHALUS" not in after and "MZN-P-SARI" in after


def test_a_shift_shows_its_seats_and_an_overlapping_one_is_refused(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    unit_id, crew = _unit_and_crew(app, "MZN-01")
    start = clock.now() - timedelta(hours=1)
    body = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=12)).isoformat(),
            "crew_member_ids": [crew["psychologist"]]}
    made = people("dispatcher").post(f"/api/units/{unit_id}/shifts", json=body)
    assert made.status_code == 201, made.text
    seats = {s["role"]: s for s in made.json()["seats"]}
    assert seats["social_worker"]["filled"] is False
    assert seats["psychologist"]["filled"] is True
    overlap = {**body, "starts_at": (start + timedelta(hours=6)).isoformat(),
               "ends_at": (start + timedelta(hours=14)).isoformat()}
    assert people("dispatcher").post(f"/api/units/{unit_id}/shifts",
                                     json=overlap).status_code == 409
    listed = people("dispatcher").get(f"/api/units/{unit_id}/shifts").json()
    assert [s["id"] for s in listed] == [made.json()["id"]]


def test_the_recommendation_reads_who_is_on_shift_now(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    """MZN-01's social worker is off this shift: an incident needing one skips MZN-01."""
    unit_id, crew = _unit_and_crew(app, "MZN-01")
    start = clock.now() - timedelta(hours=1)
    people("dispatcher").post(f"/api/units/{unit_id}/shifts", json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat(),
        "crew_member_ids": [crew["psychologist"]]})
    made = people("dispatcher").post("/api/incidents", json={
        "lat": 36.6552, "lon": 51.42, "needs_roles": ["social_worker"]}).json()
    found = people("dispatcher").get(f"/api/incidents/{made['id']}/recommendations").json()
    assert "MZN-01" not in [p["call_sign"] for p in found["picks"]]
    assert {"call_sign": "MZN-01", "unit_id": unit_id,
            "reason": "crew_lacks:social_worker"} in found["excluded"]


def test_a_crew_member_of_another_unit_or_a_closed_nowruz_post_is_refused(
    app: FastAPI, people: People, clock: FrozenClock,
) -> None:
    unit_id, _ = _unit_and_crew(app, "MZN-01")
    _, others = _unit_and_crew(app, "MZN-06")
    start = clock.now()
    wrong = people("dispatcher").post(f"/api/units/{unit_id}/shifts", json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat(),
        "crew_member_ids": [others["psychologist"]]})
    assert wrong.status_code == 422
    assert wrong.json()["message_fa"]
    _, own = _unit_and_crew(app, "MZN-01")
    summer = start.replace(month=7, day=1)
    assert summer.date() > date(2026, 4, 30)
    closed = people("dispatcher").post(f"/api/units/{unit_id}/shifts", json={
        "starts_at": summer.isoformat(), "ends_at": (summer + timedelta(hours=8)).isoformat(),
        "crew_member_ids": [own["psychologist"]]})
    assert closed.status_code == 409


def test_in_azar_the_chalus_beach_unit_is_recommended_at_its_home_centre_not_its_post(
    people: People, clock: FrozenClock,
) -> None:
    """MZN-01's post is the Chalus beach Nowruz post: in Azar it is no post."""
    clock.advance(days=255)  # 2026-12-02: 11 Azar 1405, far from Nowruz
    desk = people("dispatcher")
    made = desk.post("/api/incidents", json={"lat": 36.6552, "lon": 51.42}).json()

    found = desk.get(f"/api/incidents/{made['id']}/recommendations").json()

    mzn01 = next(p for p in found["picks"] if p["call_sign"] == "MZN-01")
    assert "Nowruz" not in mzn01["explain_en"] and "نوروزی" not in mzn01["explain_fa"]
    assert mzn01["explain_en"].endswith("· at Chalus social emergency centre")
    assert "post_closed" in mzn01["reasons"]
    board = {u["call_sign"]: u for u in desk.get("/api/dispatch/board").json()["units"]}
    assert board["MZN-01"]["at_home"] is True
    assert board["MZN-01"]["post_fa"] == "مرکز اورژانس اجتماعی چالوس"
    assert (board["MZN-01"]["lat"], board["MZN-01"]["lon"]) == (
        board["MZN-01"]["post_lat"], board["MZN-01"]["post_lon"])
    assert board["MZN-06"]["at_home"] is False  # Sari's post is permanent
    phone = people("field_crew").get("/field", headers={"Accept": "text/html"}).text
    boot = json.loads(phone.split('id="field-boot">')[1].split("</script>")[0])
    assert boot["post"]["home"] is True
    assert boot["post"]["name"] == "مرکز اورژانس اجتماعی چالوس"
