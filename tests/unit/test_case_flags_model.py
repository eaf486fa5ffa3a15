"""The case file's rules (issue 16) as a spec: unassigned after 3 h (1 h at high risk), no
contact for 14 days, plan overdue; none on a closed case; when each falls due. A case
Shirin the social worker opens at Nowruz, the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from panah.cases.flags.model import (
    CaseFacts,
    FlagCode,
    escalation_due,
    flags,
    iran_day,
    upcoming,
)

OPENED = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405-01-02 10:00 Tehran
SHIRIN = 7


def case(**facts: object) -> CaseFacts:
    values: dict[str, object] = {"case_id": 1, "status": "open", "opened_at": OPENED}
    values.update(facts)
    return CaseFacts(**values)  # type: ignore[arg-type]


def codes(facts: CaseFacts, now: datetime) -> set[FlagCode]:
    return {f.code for f in flags(facts, now)}


def test_a_case_without_a_lead_worker_is_flagged_unassigned_at_three_hours_not_before() -> None:
    sara = case(risk="medium")
    assert FlagCode.unassigned not in codes(sara, OPENED + timedelta(hours=2, minutes=59))
    raised = flags(sara, OPENED + timedelta(hours=3))
    assert [f.code for f in raised] == [FlagCode.unassigned]
    assert raised[0].due_at == OPENED + timedelta(hours=3)


def test_a_high_or_immediate_risk_case_is_unassigned_after_one_hour() -> None:
    for risk in ("high", "immediate"):
        urgent = case(risk=risk)
        assert not codes(urgent, OPENED + timedelta(minutes=59))
        assert codes(urgent, OPENED + timedelta(hours=1)) == {FlagCode.unassigned}
    assert not codes(case(risk="low"), OPENED + timedelta(hours=1))


def test_a_case_with_a_lead_worker_is_never_unassigned() -> None:
    led = case(risk="high", lead_user_id=SHIRIN)
    assert FlagCode.unassigned not in codes(led, OPENED + timedelta(days=2))


def test_no_contact_for_fourteen_days_counts_from_opening_when_nobody_was_in_touch() -> None:
    led = case(lead_user_id=SHIRIN)
    assert not codes(led, OPENED + timedelta(days=14) - timedelta(seconds=1))
    assert codes(led, OPENED + timedelta(days=14)) == {FlagCode.no_contact}


def test_no_contact_counts_from_the_last_time_the_team_was_in_touch() -> None:
    visited = OPENED + timedelta(days=10)
    led = case(lead_user_id=SHIRIN, last_contact_at=visited)
    assert not codes(led, OPENED + timedelta(days=20))
    assert codes(led, visited + timedelta(days=14)) == {FlagCode.no_contact}


def test_plan_overdue_is_flagged_when_the_plan_says_so() -> None:
    led = case(lead_user_id=SHIRIN, last_contact_at=OPENED)
    now = OPENED + timedelta(days=3)
    assert not codes(led, now)
    assert codes(case(lead_user_id=SHIRIN, last_contact_at=OPENED, plan_overdue=True),
                 now) == {FlagCode.plan_overdue}


def test_a_closed_case_has_no_flags_whatever_its_facts() -> None:
    closed = case(status="closed", risk="immediate", plan_overdue=True)
    assert flags(closed, OPENED + timedelta(days=60)) == []
    assert upcoming(closed, OPENED) == []


def test_the_list_can_say_when_a_flag_will_fall_due() -> None:
    urgent = case(risk="high")
    now = OPENED + timedelta(minutes=20)
    soon = upcoming(urgent, now)
    assert [(f.code, f.due_at) for f in soon] == [
        (FlagCode.unassigned, OPENED + timedelta(hours=1)),
        (FlagCode.no_contact, OPENED + timedelta(days=14)),
    ]
    assert soon[0].due_at - now == timedelta(minutes=40)  # "in 40 min"
    assert [f.code for f in upcoming(urgent, OPENED + timedelta(hours=1))] == [
        FlagCode.no_contact]


def test_a_raised_flag_is_escalated_at_once() -> None:
    raised = OPENED + timedelta(hours=3)
    for code in FlagCode:
        assert escalation_due(code, raised, raised)
        assert not escalation_due(code, raised, raised - timedelta(seconds=1))


def test_the_iran_day_starts_at_midnight_tehran_time() -> None:
    late_evening = datetime(2026, 3, 22, 20, 0, tzinfo=UTC)  # 23:30 in Tehran
    day, start, end = iran_day(late_evening)
    assert day.isoformat() == "2026-03-22"
    assert start == datetime(2026, 3, 21, 20, 30, tzinfo=UTC)
    assert end - start == timedelta(days=1)
    assert iran_day(datetime(2026, 3, 22, 20, 30, tzinfo=UTC))[0].isoformat() == "2026-03-23"
