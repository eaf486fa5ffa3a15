"""Overflow to backups and the national pool; callback due times. Times are given, not waited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from panah.geo.reference import province_facts
from panah.intake.model import NATIONAL_QUEUE, RiskLevel
from panah.intake.queue.overflow import (
    AfterAttempt,
    AttemptOutcome,
    CallbackPolicy,
    after_attempt,
    callback_due_at,
    next_attempt_at,
    next_due_time,
    next_overflow_at,
    overflow_steps,
    overflow_targets,
)
from panah.intake.routing.model import LineConfig, default_lines
from tests.conftest import NOWRUZ

MAZANDARAN = default_lines(province_facts())["IR-02"]
S = timedelta(seconds=1)


def test_at_first_a_contact_is_offered_only_on_its_own_queue() -> None:
    assert overflow_targets(MAZANDARAN, timedelta(0)) == ("IR-02",)
    assert overflow_targets(MAZANDARAN, 19 * S) == ("IR-02",)


def test_after_20_seconds_golestan_then_the_second_backup_are_offered_too() -> None:
    assert overflow_targets(MAZANDARAN, 20 * S) == ("IR-02", "IR-27", "IR-20")
    assert overflow_targets(MAZANDARAN, 39 * S) == ("IR-02", "IR-27", "IR-20")


def test_after_twice_the_time_the_national_pool_as_well() -> None:
    assert overflow_targets(MAZANDARAN, 40 * S) == ("IR-02", "IR-27", "IR-20", NATIONAL_QUEUE)
    assert overflow_targets(MAZANDARAN, timedelta(hours=1))[-1] == NATIONAL_QUEUE


def test_a_line_without_the_national_pool_stops_at_its_backups() -> None:
    line = LineConfig("IR-02", backup_queues=("IR-27",), national_pool=False)
    assert overflow_targets(line, timedelta(hours=1)) == ("IR-02", "IR-27")


def test_overflow_partners_join_the_backups_and_duplicates_are_dropped() -> None:
    line = LineConfig("IR-02", overflow_after_s=30, backup_queues=("IR-27", "IR-02"),
                      overflow_partners=("mzn-sari-2", "IR-27"))
    assert overflow_targets(line, 29 * S) == ("IR-02",)
    assert overflow_targets(line, 30 * S) == ("IR-02", "IR-27", "mzn-sari-2")


def test_every_hop_is_a_trail_step_in_both_languages() -> None:
    steps = overflow_steps(MAZANDARAN, 45 * S)
    assert [s.data["queue"] for s in steps] == ["IR-02", "IR-27", "IR-20", NATIONAL_QUEUE]
    assert all((s.step, s.outcome) == ("overflow", "offered") for s in steps)
    assert "Not answered within 20 s on IR-02: also offered to backup queue IR-27" in (
        steps[1].detail_en
    )
    assert "within 40 s" in steps[3].detail_en
    assert "also offered to the national pool." in steps[3].detail_en
    assert "صف پشتیبان ملی" in steps[3].detail_fa


def test_hops_already_recorded_are_not_repeated() -> None:
    first = overflow_steps(MAZANDARAN, 25 * S, already=("IR-02",))
    assert [s.data["queue"] for s in first] == ["IR-27", "IR-20"]
    later = overflow_steps(MAZANDARAN, 41 * S, already=("IR-02", "IR-27", "IR-20"))
    assert [s.data["queue"] for s in later] == [NATIONAL_QUEUE]


def test_the_overflow_timer_is_a_due_time_not_a_sleep() -> None:
    offered = NOWRUZ
    assert next_overflow_at(MAZANDARAN, offered_at=offered, now=offered) == offered + 20 * S
    assert next_overflow_at(MAZANDARAN, offered_at=offered, now=offered + 20 * S) == (
        offered + 40 * S
    )
    assert next_overflow_at(MAZANDARAN, offered_at=offered, now=offered + 40 * S) is None


def test_a_line_with_nothing_to_overflow_to_needs_no_timer() -> None:
    alone = LineConfig("IR-02", national_pool=False)
    assert next_overflow_at(alone, offered_at=NOWRUZ, now=NOWRUZ) is None
    pool_only = LineConfig("IR-02")
    assert next_overflow_at(pool_only, offered_at=NOWRUZ, now=NOWRUZ) == NOWRUZ + 40 * S


@pytest.mark.parametrize(
    ("risk", "within"),
    [(RiskLevel.immediate, timedelta(minutes=10)), (RiskLevel.high, timedelta(minutes=10)),
     (RiskLevel.medium, timedelta(minutes=10)), (RiskLevel.low, timedelta(minutes=60))],
)
def test_an_abandoned_contact_is_called_back_within_the_stated_time(
    risk: RiskLevel, within: timedelta
) -> None:
    assert callback_due_at(NOWRUZ, risk) == NOWRUZ + within


def test_an_information_only_contact_gets_no_callback() -> None:
    assert callback_due_at(NOWRUZ, RiskLevel.information) is None
    assert next_attempt_at(NOWRUZ, 0, RiskLevel.information) is None


def test_missed_callbacks_are_retried_then_handed_to_the_supervisor() -> None:
    assert next_attempt_at(NOWRUZ, 1, RiskLevel.high) == NOWRUZ + timedelta(minutes=10)
    assert next_attempt_at(NOWRUZ, 2, RiskLevel.medium) == NOWRUZ + timedelta(minutes=10)
    assert next_attempt_at(NOWRUZ, 3, RiskLevel.high) is None
    assert next_attempt_at(NOWRUZ, 1, RiskLevel.low) == NOWRUZ + timedelta(minutes=60)
    assert next_attempt_at(NOWRUZ, 2, RiskLevel.low) is None


def test_the_callback_policy_is_a_parameter() -> None:
    policy = CallbackPolicy(urgent_within=timedelta(minutes=5))
    assert callback_due_at(NOWRUZ, RiskLevel.high, policy) == NOWRUZ + timedelta(minutes=5)


def test_the_next_due_time_is_the_earliest_present() -> None:
    assert next_due_time(None, NOWRUZ + 40 * S, NOWRUZ + 20 * S) == NOWRUZ + 20 * S
    assert next_due_time(None, None) is None


@pytest.mark.parametrize("outcome", [AttemptOutcome.reached, AttemptOutcome.wrong_number])
def test_reaching_the_caller_or_a_wrong_number_ends_the_callback(outcome: AttemptOutcome) -> None:
    assert after_attempt(outcome, 1, RiskLevel.high, NOWRUZ) == AfterAttempt("done", None)


@pytest.mark.parametrize(
    ("risk", "made", "expected"),
    [
        (RiskLevel.immediate, 1, AfterAttempt("due", NOWRUZ + timedelta(minutes=10))),
        (RiskLevel.medium, 2, AfterAttempt("due", NOWRUZ + timedelta(minutes=10))),
        (RiskLevel.medium, 3, AfterAttempt("escalated", None)),
        (RiskLevel.low, 1, AfterAttempt("due", NOWRUZ + timedelta(minutes=60))),
        (RiskLevel.low, 2, AfterAttempt("escalated", None)),
        (RiskLevel.information, 1, AfterAttempt("escalated", None)),
    ],
)
def test_a_missed_callback_is_due_again_until_the_attempts_are_used_up(
    risk: RiskLevel, made: int, expected: AfterAttempt
) -> None:
    for outcome in (AttemptOutcome.no_answer, AttemptOutcome.busy):
        assert after_attempt(outcome, made, risk, NOWRUZ) == expected
