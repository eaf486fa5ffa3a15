"""The rules of a stay (issue 17), with the clock in the test's hand: the maximum stay, the
alerts before and after the last day, a supervisor's extension, leaving with a safety plan,
and the states a stay moves through. Maryam came to the Sari shelter on 1405/01/02."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from panah.centres.shelters.model import Destination, StayStatus
from panah.centres.stays.model import (
    DEFAULT_POLICY,
    AlertKind,
    StayPolicy,
    alerts_due,
    check_departure,
    check_end,
    check_extension,
    check_move,
    check_policy,
    current_end,
    days_left,
    iran_day,
    last_day,
)
from panah.core.errors import Conflict, Forbidden, InvalidInput

CAME = date(2026, 3, 22)  # 1405/01/02


def test_the_default_policy_is_ninety_days_with_alerts_a_week_before() -> None:
    assert StayPolicy(90, 7) == DEFAULT_POLICY


def test_maryams_last_day_is_ninety_days_after_she_came() -> None:
    assert last_day(CAME, 90) == date(2026, 6, 20)


def test_a_later_extension_moves_the_last_day_and_an_earlier_one_does_not() -> None:
    assert last_day(CAME, 90, date(2026, 7, 1)) == date(2026, 7, 1)
    assert last_day(CAME, 90, date(2026, 5, 1)) == date(2026, 6, 20)
    assert current_end(date(2026, 6, 20), date(2026, 7, 1)) == date(2026, 7, 1)
    assert current_end(date(2026, 6, 20), None) == date(2026, 6, 20)


def test_the_iran_day_turns_at_midnight_tehran_time_not_utc() -> None:
    # 21:00 UTC on 21 March is 00:30 on 22 March in Tehran.
    assert iran_day(datetime(2026, 3, 21, 21, 0, tzinfo=UTC)) == date(2026, 3, 22)
    assert iran_day(datetime(2026, 3, 21, 20, 0, tzinfo=UTC)) == date(2026, 3, 21)
    assert iran_day(datetime(2026, 3, 21, 21, 0)) == date(2026, 3, 22)  # naive is UTC


@pytest.mark.parametrize(("today", "due"), [
    (date(2026, 6, 12), frozenset()),  # eight days before: nothing yet
    (date(2026, 6, 13), frozenset({AlertKind.near_end})),  # seven days before
    (date(2026, 6, 20), frozenset({AlertKind.near_end})),  # the last day itself
    (date(2026, 6, 21), frozenset({AlertKind.near_end, AlertKind.overdue})),  # past it
])
def test_the_alerts_come_a_week_before_the_end_and_overdue_after_it(
        today: date, due: frozenset[AlertKind]) -> None:
    assert alerts_due(date(2026, 6, 20), today, 7) == due


def test_days_left_count_down_to_zero_on_the_last_day_then_go_negative() -> None:
    end = date(2026, 6, 20)
    assert [days_left(end, end + timedelta(days=d)) for d in (-2, 0, 3)] == [2, 0, -3]


def test_a_check_in_sets_the_maximum_or_an_earlier_day_never_a_later_one() -> None:
    assert check_end(CAME, None, DEFAULT_POLICY) == date(2026, 6, 20)
    assert check_end(CAME, date(2026, 4, 1), DEFAULT_POLICY) == date(2026, 4, 1)
    with pytest.raises(InvalidInput, match="maximum-stay rule"):
        check_end(CAME, date(2026, 6, 21), DEFAULT_POLICY)
    with pytest.raises(InvalidInput, match="before the day she comes"):
        check_end(CAME, date(2026, 3, 21), DEFAULT_POLICY)


def test_a_supervisor_extends_past_the_end_with_a_reason() -> None:
    end = date(2026, 6, 20)
    assert check_extension(end, date(2026, 7, 20), "  court hearing on 1405/04/25 ",
                           may_approve=True) == "court hearing on 1405/04/25"


def test_an_extension_by_anyone_but_a_supervisor_is_refused_naming_the_rule() -> None:
    with pytest.raises(Forbidden, match="maximum-stay rule"):
        check_extension(date(2026, 6, 20), date(2026, 7, 20), "court hearing",
                        may_approve=False)


def test_an_extension_not_after_the_end_or_without_a_reason_is_refused() -> None:
    end = date(2026, 6, 20)
    with pytest.raises(InvalidInput, match="after the stay's current last day"):
        check_extension(end, end, "court hearing", may_approve=True)
    with pytest.raises(InvalidInput, match="Write why"):
        check_extension(end, date(2026, 7, 1), "  ", may_approve=True)


@pytest.mark.parametrize("home", [Destination.own_home, Destination.relative_home])
def test_leaving_to_a_home_needs_a_safety_plan(home: Destination) -> None:
    with pytest.raises(InvalidInput, match="safety plan"):
        check_departure(home.value, "   ")
    assert check_departure(home.value, "call 123") == (home, "call 123")


def test_leaving_without_notice_or_to_a_service_needs_no_plan() -> None:
    assert check_departure("left_without_notice", None) == (Destination.left_without_notice,
                                                             None)
    assert check_departure("health_care", "") == (Destination.health_care, None)


def test_leaving_without_a_destination_is_refused() -> None:
    with pytest.raises(InvalidInput, match="where she went"):
        check_departure(None, "plan")
    with pytest.raises(InvalidInput, match="where she went"):
        check_departure("the moon", "plan")


def test_a_stay_moves_planned_to_checked_in_to_checked_out_or_planned_to_cancelled() -> None:
    check_move("planned", StayStatus.checked_in)
    check_move("planned", StayStatus.cancelled)
    check_move("checked_in", StayStatus.checked_out)
    for status, to in [("checked_out", StayStatus.checked_out),
                       ("checked_in", StayStatus.cancelled),
                       ("cancelled", StayStatus.checked_in),
                       ("planned", StayStatus.checked_out)]:
        with pytest.raises(Conflict):
            check_move(status, to)


def test_a_province_policy_must_make_sense() -> None:
    assert check_policy(60, 5) == StayPolicy(60, 5)
    with pytest.raises(InvalidInput):
        check_policy(0, 0)
    with pytest.raises(InvalidInput):
        check_policy(30, 30)
    with pytest.raises(InvalidInput):
        check_policy(400, 7)
