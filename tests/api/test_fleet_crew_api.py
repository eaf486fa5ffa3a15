"""A unit's crew roster through the API (issue 15): the administrator seats the province's
social workers and psychologists (or field crew) on a vehicle by username, and from then on
the board counts its seats filled and the field app finds the unit for them.

Named people: Shiva (``sh.rahmani``, a Mazandaran social worker), Peyman (``p.nouri``, a
Mazandaran psychologist), Maryam (``m.field``, Mazandaran field crew), Gita (``g.gilani``, a
Gilan social worker), Kaveh (``k.desk``, a Mazandaran counsellor) and Dara (``d.gone``, a
disabled Mazandaran social worker). The unit is a new van, MZN-20, at Chalus."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.dispatch.orm import CrewMember, Shift, ShiftMember, Unit
from panah.security.audit_orm import AuditEvent
from panah.security.orm import User
from panah.security.passwords import hash_password
from tests.api.conftest import People
from tests.conftest import DEMO_PASSWORD, login

STAFF = {  # username: full name, role, province, is a woman, active
    "sh.rahmani": ("شیوا رحمانی", "social_worker", "IR-02", True, True),
    "p.nouri": ("پیمان نوری", "psychologist", "IR-02", False, True),
    "m.field": ("مریم سیار", "field_crew", "IR-02", True, True),
    "g.gilani": ("گیتا گیلانی", "social_worker", "IR-01", True, True),
    "k.desk": ("کاوه میزبان", "counsellor", "IR-02", False, True),
    "d.gone": ("دارا رفته", "social_worker", "IR-02", False, False),
}


@pytest.fixture
def staff(app: FastAPI, clock: FrozenClock) -> None:
    with unit_of_work(app.state.session_factory) as session:
        secret = hash_password(DEMO_PASSWORD)
        for username, (name, role, province, woman, active) in STAFF.items():
            session.add(User(username=username, full_name=name, password_hash=secret,
                             role=role, province_code=province, is_woman=woman,
                             is_active=active, created_at=clock.now(),
                             disabled_at=None if active else clock.now()))


def van(**changes: Any) -> dict[str, Any]:
    return {"call_sign": "MZN-20", "kind": "adapted_van", "home_centre_code": "MZN-C-CHALUS",
            "post_code": "MZN-N-CHALUS", **changes}


def roster(app: FastAPI, call_sign: str) -> list[tuple[str | None, str, str]]:
    """(username or None, full name, seat) of each member, in the order they joined."""
    with unit_of_work(app.state.session_factory) as session:
        rows = session.execute(
            select(User.username, CrewMember.full_name, CrewMember.role)
            .select_from(CrewMember).join(Unit, Unit.id == CrewMember.unit_id)
            .outerjoin(User, User.id == CrewMember.user_id)
            .where(Unit.call_sign == call_sign).order_by(CrewMember.id))
        return [(u, n, r) for u, n, r in rows]


def unit_id(app: FastAPI, call_sign: str) -> int:
    with unit_of_work(app.state.session_factory) as session:
        found = session.scalar(select(Unit.id).where(Unit.call_sign == call_sign))
        assert found is not None
        return found


@pytest.mark.usefixtures("staff")
def test_the_admin_seats_a_crew_by_username_and_the_unit_shows_and_exports_it(
        people: People, app: FastAPI) -> None:
    admin = people("admin")
    made = admin.post("/api/fleet/units", json=van(social_workers=["sh.rahmani"],
                                                   psychologists=["P.Nouri"]))
    assert made.status_code == 201, made.text
    assert [(m["username"], m["role"], m["is_woman"]) for m in made.json()["crew"]] == [
        ("sh.rahmani", "social_worker", True), ("p.nouri", "psychologist", False)]
    assert roster(app, "MZN-20") == [("sh.rahmani", "شیوا رحمانی", "social_worker"),
                                     ("p.nouri", "پیمان نوری", "psychologist")]
    with unit_of_work(app.state.session_factory) as session:
        reasons = list(session.scalars(select(AuditEvent.reason).where(
            AuditEvent.subject_type == "unit_crew", AuditEvent.subject_id == "MZN-20")))
    assert reasons == ["social_workers=sh.rahmani; psychologists=P.Nouri"]
    page = admin.get("/admin/vehicles?edit=MZN-20", headers={"Accept": "text/html"}).text
    assert 'value="sh.rahmani" selected' in page and "شیوا رحمانی" in page


@pytest.mark.usefixtures("staff")
def test_a_new_roster_replaces_the_accounts_and_leaves_named_members_and_omitted_seats(
        people: People, app: FastAPI) -> None:
    admin = people("admin")
    named = [m for m in roster(app, "MZN-02") if m[0] is None]
    assert named, "the demo's MZN-02 has a named crew without accounts"
    first = admin.put("/api/fleet/units/MZN-02", json=van(
        call_sign="MZN-02", post_code=None, social_workers=["sh.rahmani"],
        psychologists=["p.nouri"]))
    assert first.status_code == 200, first.text
    # Only the social workers given: Maryam replaces Shiva, Peyman stays.
    second = admin.put("/api/fleet/units/MZN-02", json=van(
        call_sign="MZN-02", post_code=None, social_workers=["m.field"]))
    assert second.status_code == 200, second.text
    after = roster(app, "MZN-02")
    assert [m for m in after if m[0] is None] == named
    assert [m[0] for m in after if m[0] is not None] == ["p.nouri", "m.field"]
    # Leaving both lists out changes nothing; empty lists empty the accounts' seats.
    admin.put("/api/fleet/units/MZN-02", json=van(call_sign="MZN-02", post_code=None))
    assert roster(app, "MZN-02") == after
    emptied = admin.put("/api/fleet/units/MZN-02", json=van(
        call_sign="MZN-02", post_code=None, social_workers=[], psychologists=[]))
    assert emptied.status_code == 200, emptied.text
    assert roster(app, "MZN-02") == named


@pytest.mark.usefixtures("staff")
@pytest.mark.parametrize(("username", "rule"), [
    ("nobody.here", "crew_unknown_user"),
    ("k.desk", "crew_role"),
    ("g.gilani", "crew_other_province"),
    ("d.gone", "crew_disabled_user"),
])
def test_a_roster_naming_someone_who_may_not_ride_is_refused_and_nothing_is_saved(
        people: People, app: FastAPI, username: str, rule: str) -> None:
    refused = people("admin").post("/api/fleet/units", json=van(
        social_workers=["sh.rahmani", username]))
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["details"]["rule"] == rule and body["details"]["field"] == "social_workers"
    assert username in body["message"] and username in body["message_fa"]
    assert body["message_fa"]
    with unit_of_work(app.state.session_factory) as session:
        assert session.scalar(select(Unit).where(Unit.call_sign == "MZN-20")) is None


@pytest.mark.usefixtures("staff")
def test_one_person_in_both_lists_is_refused(people: People) -> None:
    refused = people("admin").post("/api/fleet/units", json=van(
        social_workers=["sh.rahmani"], psychologists=["sh.rahmani"]))
    assert refused.status_code == 422
    assert refused.json()["details"]["rule"] == "crew_one_seat"


@pytest.mark.usefixtures("staff")
def test_someone_on_a_shift_now_is_not_taken_off_the_crew(
        people: People, app: FastAPI, clock: FrozenClock) -> None:
    admin = people("admin")
    admin.post("/api/fleet/units", json=van(social_workers=["sh.rahmani"],
                                            psychologists=["p.nouri"]))
    van_id = unit_id(app, "MZN-20")
    with unit_of_work(app.state.session_factory) as session:
        shiva = session.scalar(select(CrewMember.id).join(User, User.id == CrewMember.user_id)
                               .where(User.username == "sh.rahmani"))
        start = clock.now() - timedelta(hours=1)
        shift = Shift(unit_id=van_id, starts_at=start,
                      ends_at=start + timedelta(hours=8))
        session.add(shift)
        session.flush()
        session.add(ShiftMember(shift_id=shift.id, crew_member_id=shiva))
    refused = admin.put("/api/fleet/units/MZN-20", json=van(social_workers=["m.field"]))
    assert refused.status_code == 409, refused.text
    assert refused.json()["details"]["rule"] == "crew_on_shift"
    assert "شیوا رحمانی" in refused.json()["message_fa"]
    assert [m[0] for m in roster(app, "MZN-20")] == ["sh.rahmani", "p.nouri"]
    # Adding beside her is fine: a person may also be on another unit's roster.
    added = admin.put("/api/fleet/units/MZN-20", json=van(
        social_workers=["sh.rahmani", "m.field"]))
    assert added.status_code == 200, added.text
    other = admin.put("/api/fleet/units/MZN-02", json=van(
        call_sign="MZN-02", post_code=None, social_workers=["sh.rahmani"]))
    assert other.status_code == 200, other.text


@pytest.mark.usefixtures("staff")
def test_field_crew_put_on_a_roster_sees_the_unit_in_the_field_app(
        people: People, app: FastAPI) -> None:
    maryam = login(TestClient(app, follow_redirects=False), "m.field")
    van_id = unit_id(app, "MZN-02")
    assert maryam.get(f"/api/units/{van_id}/assignment").status_code == 403
    seated = people("admin").put("/api/fleet/units/MZN-02", json=van(
        call_sign="MZN-02", post_code=None, social_workers=["m.field"]))
    assert seated.status_code == 200, seated.text
    mine = maryam.get(f"/api/units/{van_id}/assignment")
    assert mine.status_code == 200, mine.text
    assert mine.json()["unit"]["call_sign"] == "MZN-02"
    assert "MZN-02" in maryam.get("/field", headers={"Accept": "text/html"}).text
    maryam.close()


@pytest.mark.usefixtures("staff")
def test_the_recommendation_no_longer_excludes_a_unit_whose_seats_are_filled(
        people: People) -> None:
    admin, desk = people("admin"), people("dispatcher")
    assert admin.post("/api/fleet/units", json=van()).status_code == 201
    made = desk.post("/api/incidents", json={
        "lat": 36.6552, "lon": 51.42, "needs_roles": ["social_worker", "psychologist"]}).json()

    def crew_lacks() -> list[str]:
        found = desk.get(f"/api/incidents/{made['id']}/recommendations").json()
        return [e["reason"] for e in found["excluded"] if e["call_sign"] == "MZN-20"]

    assert crew_lacks() == ["crew_lacks:psychologist,social_worker"]
    admin.put("/api/fleet/units/MZN-20", json=van(social_workers=["sh.rahmani"],
                                                  psychologists=["p.nouri"]))
    assert not [r for r in crew_lacks() if r.startswith("crew_lacks")]
