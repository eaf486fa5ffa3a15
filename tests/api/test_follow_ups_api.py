"""Follow-up calls through HTTP, with the frozen clock: scheduled from a closed contact's
screens, listed overdue first for the province's counsellors, escalated once when missed,
completed once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.audit_orm import AuditEvent
from panah.security.orm import User
from panah.security.sessions import actor_of
from panah.triage.followups.model import CSSRS, LETHALITY
from panah.triage.followups.service import escalate_overdue, schedule_follow_ups
from panah.triage.orm import FollowUp
from tests.api.conftest import People

LIST = "/api/follow-ups"


def schedule(app: FastAPI, clock: FrozenClock, screens: list[tuple[str, RiskLevel]],
             external_id: str = "demo-call-lost") -> list[int]:
    """Close a demo contact (the caller from Sari) now with these screens."""
    with unit_of_work(app.state.session_factory) as session:
        contact = session.scalar(select(Contact).where(Contact.external_id == external_id))
        assert contact is not None
        counsellor = session.scalar(select(User).where(User.username == "counsellor"))
        assert counsellor is not None
        rows = schedule_follow_ups(session, contact=contact, screens=screens,
                                   closed_at=clock.now(), actor=actor_of(counsellor))
        return [row.id for row in rows]


@pytest.fixture
def suicide_follow_ups(app: FastAPI, clock: FrozenClock) -> list[int]:
    return schedule(app, clock, [(CSSRS, RiskLevel.medium)])


def test_a_medium_suicide_screen_owes_calls_at_24_and_72_hours(
    people: People, clock: FrozenClock, suicide_follow_ups: list[int],
) -> None:
    rows = {r["id"]: r for r in people("counsellor").get(LIST).json()}
    first, second = (rows[i] for i in suicide_follow_ups)
    assert first["due_at"] == (clock.now() + timedelta(hours=24)).isoformat().replace(
        "+00:00", "Z")
    assert second["due_at"] == (clock.now() + timedelta(hours=72)).isoformat().replace(
        "+00:00", "Z")
    assert first["protocols"] == [CSSRS] and first["province_code"] == "IR-02"
    assert "۲۴ ساعت" in first["reason_fa"] and not first["overdue"]


def test_low_risk_owes_nothing_and_scheduling_twice_adds_nothing(
    app: FastAPI, clock: FrozenClock, suicide_follow_ups: list[int],
) -> None:
    assert schedule(app, clock, [(CSSRS, RiskLevel.low)]) == []
    assert schedule(app, clock, [(CSSRS, RiskLevel.medium)]) == []
    both = schedule(app, clock, [(CSSRS, RiskLevel.high), (LETHALITY, RiskLevel.high)])
    assert both == []  # the same 24 h and 72 h calls are already owed


def test_a_missed_call_is_escalated_once_and_listed_first(
    app: FastAPI, people: People, clock: FrozenClock, suicide_follow_ups: list[int],
) -> None:
    first, second = suicide_follow_ups
    clock.advance(hours=25)
    with unit_of_work(app.state.session_factory) as session:
        assert escalate_overdue(session, now=clock.now()) >= 1
    with unit_of_work(app.state.session_factory) as session:
        assert escalate_overdue(session, now=clock.now() + timedelta(minutes=5)) == 0
        escalated = {r.id: r.escalated_at for r in session.scalars(select(FollowUp))}
        audits = session.scalars(select(AuditEvent).where(
            AuditEvent.subject_type == "follow_up", AuditEvent.subject_id == str(first),
            AuditEvent.reason.like("overdue%"))).all()
    assert escalated[first] is not None and escalated[second] is None
    assert len(audits) == 1
    rows = people("counsellor").get(LIST).json()
    assert [r["overdue"] for r in rows] == sorted((r["overdue"] for r in rows), reverse=True)
    mine = {r["id"]: r for r in rows}
    assert mine[first]["overdue"] and mine[first]["escalated_at"] is not None
    assert not mine[second]["overdue"]


def test_a_gilan_counsellor_cannot_see_or_complete_a_mazandaran_follow_up(
    app: FastAPI, people: People, suicide_follow_ups: list[int],
) -> None:
    first = suicide_follow_ups[0]
    gilan = people("counsellor_gilan")
    refused = gilan.post(f"{LIST}/{first}/done", json={"result": "reached"})
    assert refused.status_code == 403
    assert "استان دیگری" in refused.json()["message_fa"]
    assert first not in [r["id"] for r in gilan.get(LIST).json()]
    assert all(r["province_code"] in ("IR-01", None) for r in gilan.get(LIST).json())
    assert gilan.get(LIST, params={"province": "IR-02"}).status_code == 403
    with unit_of_work(app.state.session_factory) as session:
        denied = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "denied", AuditEvent.subject_type == "follow_up")).all()
    assert {e.subject_id for e in denied} >= {str(first), "province:IR-02"}


def test_completing_a_follow_up_twice_is_a_conflict(
    people: People, suicide_follow_ups: list[int],
) -> None:
    first = suicide_follow_ups[0]
    counsellor = people("counsellor")
    done = counsellor.post(f"{LIST}/{first}/done",
                           json={"result": "reached", "note": "  حالش بهتر است؛  با خانواده است. "})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["result"] == "reached" and body["done_at"] is not None
    assert body["note"] == "حالش بهتر است؛ با خانواده است."
    again = people("supervisor").post(f"{LIST}/{first}/done", json={"result": "no_answer"})
    assert again.status_code == 409
    assert "پیش‌تر انجام شده" in again.json()["message_fa"]
    assert first not in [r["id"] for r in counsellor.get(LIST).json()]
    listed = counsellor.get(LIST, params={"include_done": "true", "province": "IR-02"}).json()
    assert next(r for r in listed if r["id"] == first)["result"] == "reached"


def test_a_follow_up_needs_a_known_result_and_exists(
    people: People, suicide_follow_ups: list[int],
) -> None:
    counsellor = people("counsellor")
    first = suicide_follow_ups[0]
    assert counsellor.post(f"{LIST}/{first}/done", json={"result": "maybe"}).status_code == 422
    assert counsellor.post(f"{LIST}/999999/done", json={"result": "reached"}).status_code == 404


def test_due_before_narrows_the_list(
    people: People, clock: FrozenClock, suicide_follow_ups: list[int],
) -> None:
    soon = (clock.now() + timedelta(hours=48)).isoformat()
    ids = [r["id"] for r in people("supervisor").get(LIST, params={"due_before": soon}).json()]
    assert suicide_follow_ups[0] in ids and suicide_follow_ups[1] not in ids
    far = people("supervisor").get(LIST, params={"due_before": "0001-01-01T00:00:00+01:00"})
    assert far.status_code == 422
