"""Follow-up calls owed after a contact closes, and their escalation when missed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from panah.intake.model import RiskLevel
from panah.triage.followups.model import (
    CHILD_SAFETY,
    CSSRS,
    LETHALITY,
    FollowUpRule,
    FollowUpTask,
    escalation_due,
    overdue,
    plan,
)
from tests.conftest import NOWRUZ

CLOSED = NOWRUZ
HOUR = timedelta(hours=1)
R = RiskLevel


def due_times(screens: list[tuple[str, RiskLevel]]) -> list[timedelta]:
    return [due.due_at - CLOSED for due in plan(screens, closed_at=CLOSED)]


@pytest.mark.parametrize("level", [R.immediate, R.high, R.medium])
def test_suicide_risk_of_medium_or_more_owes_calls_at_24_and_72_hours(level: RiskLevel) -> None:
    assert due_times([(CSSRS, level)]) == [24 * HOUR, 72 * HOUR]


@pytest.mark.parametrize("level", [R.low, R.information])
def test_low_suicide_risk_owes_no_follow_up(level: RiskLevel) -> None:
    assert plan([(CSSRS, level)], closed_at=CLOSED) == []


def test_high_lethality_owes_a_call_within_24_hours_and_medium_none() -> None:
    assert due_times([(LETHALITY, R.high)]) == [24 * HOUR]
    assert due_times([(LETHALITY, R.immediate)]) == [24 * HOUR]
    assert due_times([(LETHALITY, R.medium)]) == []


def test_an_unsafe_child_owes_calls_at_24_hours_and_7_days() -> None:
    assert due_times([(CHILD_SAFETY, R.immediate)]) == [24 * HOUR, 7 * 24 * HOUR]
    assert due_times([(CHILD_SAFETY, R.medium)]) == []


def test_calls_due_at_the_same_time_are_one_call_with_every_reason() -> None:
    dues = plan([(LETHALITY, R.high), (CSSRS, R.high)], closed_at=CLOSED)
    assert [d.due_at for d in dues] == [CLOSED + 24 * HOUR, CLOSED + 72 * HOUR]
    assert dues[0].protocol_ids == (LETHALITY, CSSRS)
    assert "lethality" in dues[0].reason_en and "suicide" in dues[0].reason_en
    assert "؛ " in dues[0].reason_fa
    assert dues[1].protocol_ids == (CSSRS,)


def test_a_protocol_screened_twice_does_not_double_the_calls() -> None:
    assert due_times([(CSSRS, R.medium), (CSSRS, R.high)]) == [24 * HOUR, 72 * HOUR]


def test_screens_without_a_rule_owe_nothing() -> None:
    assert plan([], closed_at=CLOSED) == []
    assert plan([("phq9", R.immediate)], closed_at=CLOSED) == []


def test_the_plan_is_earliest_first_whatever_the_screen_order() -> None:
    dues = plan([(CHILD_SAFETY, R.high), (CSSRS, R.medium)], closed_at=CLOSED)
    assert [d.due_at - CLOSED for d in dues] == [24 * HOUR, 72 * HOUR, 7 * 24 * HOUR]
    assert dues[0].protocol_ids == (CHILD_SAFETY, CSSRS)


def test_rules_are_data_a_province_may_pass_its_own() -> None:
    rules = [FollowUpRule(CSSRS, R.low, (2 * HOUR,), "two hours", "دو ساعت")]
    assert [d.due_at for d in plan([(CSSRS, R.low)], closed_at=CLOSED, rules=rules)] == [
        CLOSED + 2 * HOUR]


# Journey 2: the silent-chat teenager's follow-up call the next day.
NEXT_DAY = FollowUpTask(id="f-1", due_at=CLOSED + 24 * HOUR)


def test_a_follow_up_is_not_overdue_before_its_due_time() -> None:
    assert not overdue(NEXT_DAY, now=NEXT_DAY.due_at - timedelta(seconds=1))
    assert not escalation_due(NEXT_DAY, now=NEXT_DAY.due_at - timedelta(seconds=1))


def test_a_follow_up_not_done_by_its_due_time_is_overdue_and_escalates() -> None:
    assert overdue(NEXT_DAY, now=NEXT_DAY.due_at)
    assert escalation_due(NEXT_DAY, now=NEXT_DAY.due_at + HOUR)


def test_a_done_follow_up_is_never_overdue() -> None:
    done = replace(NEXT_DAY, done_at=NEXT_DAY.due_at - HOUR)
    assert not overdue(done, now=NEXT_DAY.due_at + 48 * HOUR)
    assert not escalation_due(done, now=NEXT_DAY.due_at + 48 * HOUR)


def test_a_missed_follow_up_escalates_exactly_once() -> None:
    task, escalations = NEXT_DAY, []
    for minutes in range(0, 48 * 60, 15):
        now = CLOSED + timedelta(minutes=minutes)
        if escalation_due(task, now=now):
            escalations.append(now)
            task = replace(task, escalated_at=now)
    assert escalations == [NEXT_DAY.due_at]
    assert overdue(task, now=CLOSED + 47 * HOUR)  # still overdue until done, but told once
