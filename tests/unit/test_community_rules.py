"""The community bases' rules (pure), with a controllable clock: attendance only once a
session has begun and never for a cancelled one, the weekly schedule, the programme's
dates and capacity, and the residents' ranked needs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from panah.centres.appointments.model import Weekday
from panah.centres.community import model
from panah.centres.community.model import Need, SessionStatus
from panah.core.errors import InvalidInput

# Sunday 1405/01/02 (2026-03-22): the children's workshop at 09:00 Tehran = 05:30 UTC.
WORKSHOP = datetime(2026, 3, 22, 5, 30, tzinfo=UTC)


def test_attendance_opens_at_the_sessions_start_and_not_a_minute_before() -> None:
    with pytest.raises(InvalidInput) as refused:
        model.check_attendance(SessionStatus.planned, WORKSHOP, WORKSHOP - timedelta(minutes=1))
    assert refused.value.details["rule"] == "no_attendance_before_session"
    assert "not happened" in refused.value.message_en
    model.check_attendance(SessionStatus.planned, WORKSHOP, WORKSHOP)
    model.check_attendance(SessionStatus.held, WORKSHOP, WORKSHOP + timedelta(days=3))


def test_a_cancelled_session_takes_no_attendance_even_after_its_time() -> None:
    with pytest.raises(InvalidInput) as refused:
        model.check_attendance(SessionStatus.cancelled, WORKSHOP, WORKSHOP + timedelta(hours=2))
    assert refused.value.details["rule"] == "no_attendance_for_cancelled_session"


def test_a_session_is_marked_held_only_after_its_start_and_a_held_one_is_not_cancelled(
) -> None:
    with pytest.raises(InvalidInput):
        model.check_hold(SessionStatus.planned, WORKSHOP, WORKSHOP - timedelta(hours=1))
    model.check_hold(SessionStatus.planned, WORKSHOP, WORKSHOP + timedelta(minutes=5))
    with pytest.raises(InvalidInput):
        model.check_cancel(SessionStatus.held)


def test_every_monday_for_eight_weeks_starts_on_the_first_monday_on_or_after_the_day() -> None:
    days = model.weekly_days(date(2026, 3, 22), Weekday.monday, 8)  # from a Sunday
    assert days[0] == date(2026, 3, 23) and len(days) == 8
    assert all(d.weekday() == 0 for d in days)  # Python's Monday
    assert days[-1] - days[0] == timedelta(weeks=7)
    assert model.weekly_days(date(2026, 3, 23), Weekday.monday, 1) == [date(2026, 3, 23)]


def test_weekly_starts_are_iran_wall_clock_in_utc_and_all_within_the_programme() -> None:
    starts = model.weekly_starts(date(2026, 3, 22), Weekday.monday, time(16), 2,
                                 date(2026, 3, 20), date(2026, 6, 20))
    assert starts[0] == datetime(2026, 3, 23, 12, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput) as refused:
        model.weekly_starts(date(2026, 3, 22), Weekday.monday, time(16), 20,
                            date(2026, 3, 20), date(2026, 5, 1))
    assert refused.value.details["rule"] == "session_within_programme"


@pytest.mark.parametrize("weeks", [0, 53])
def test_a_weekly_schedule_runs_one_to_fifty_two_weeks(weeks: int) -> None:
    with pytest.raises(InvalidInput):
        model.weekly_days(date(2026, 3, 22), Weekday.monday, weeks)


def test_attendance_is_for_enrolled_participants_only() -> None:
    model.check_enrolled([1, 2], [1, 2, 3])
    with pytest.raises(InvalidInput) as refused:
        model.check_enrolled([1, 9], [1, 2, 3])
    assert "[9]" in refused.value.message_en


def test_a_full_programme_enrols_no_one_more_and_dates_run_forward() -> None:
    model.check_capacity(14, 15)
    with pytest.raises(InvalidInput):
        model.check_capacity(15, 15)
    with pytest.raises(InvalidInput):
        model.check_dates(date(2026, 4, 2), date(2026, 4, 1))
    with pytest.raises(InvalidInput):
        model.check_minutes(10)


def test_the_residents_needs_come_in_their_own_rank_each_rank_once() -> None:
    ranked = model.rank_needs([Need("کلاس درس", 9, 2), Need("زمین بازی", 14, 1)])
    assert [n.topic for n in ranked] == ["زمین بازی", "کلاس درس"]
    with pytest.raises(InvalidInput):
        model.rank_needs([Need("الف", 3, 1), Need("ب", 2, 1)])
    with pytest.raises(InvalidInput):
        model.rank_needs([])


def test_the_week_begins_on_saturday() -> None:
    week = model.week_of(date(2026, 3, 22))
    assert week[0] == date(2026, 3, 21) and week[-1] == date(2026, 3, 27)
