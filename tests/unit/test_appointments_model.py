"""Appointment rules (pure): a worker's hours, overlaps, durations, the past, and Iran time
in the Jalali calendar. Kaveh is a psychologist at the Sari crisis centre; Shirin a social
worker there. 1405/01/02 is Sunday 22 March 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from panah.centres.appointments import model
from panah.centres.appointments.model import DEFAULT_HOURS, Shift, Weekday
from panah.core.errors import Conflict, InvalidInput

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405/01/02 10:00 Tehran, a Sunday
SUNDAY = date(2026, 3, 22)


def slot(day: str, clock: str, minutes: int = 60) -> tuple[datetime, datetime]:
    return model.read_slot(day, clock, minutes)


# ---- Iran time and the Jalali calendar ----------------------------------------------------


def test_a_jalali_day_and_iran_time_become_utc() -> None:
    starts, ends = slot("1405/01/02", "10:00", 45)
    assert starts == datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
    assert ends - starts == timedelta(minutes=45)


def test_persian_digits_are_read_in_the_day_and_the_time() -> None:
    assert slot("۱۴۰۵/۰۹/۲۰", "۱۰:۳۰") == slot("1405/09/20", "10:30")


def test_half_past_midnight_in_iran_is_the_previous_day_in_utc() -> None:
    starts, _ = slot("1405/01/03", "00:30", 30)
    assert starts == datetime(2026, 3, 22, 21, 0, tzinfo=UTC)
    assert model.in_iran(starts).date() == date(2026, 3, 23)
    assert model.jalali_text(starts) == "1405/01/03 00:30"


def test_a_jalali_day_that_does_not_exist_is_refused_naming_the_calendar() -> None:
    with pytest.raises(InvalidInput) as refused:
        slot("1405/12/31", "10:00")  # Esfand 1405 has 29 days
    assert "not a day of the calendar" in refused.value.message_en
    assert "روزی از تقویم نیست" in refused.value.message_fa
    assert refused.value.details == {"field": "day"}


def test_a_time_that_is_not_a_time_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a time of day"):
        slot("1405/01/02", "25:00")


def test_the_week_begins_on_saturday() -> None:
    assert model.iran_weekday(SUNDAY) is Weekday.sunday
    assert model.week_start(SUNDAY) == date(2026, 3, 21)  # 1405/01/01, a Saturday
    assert model.week_start(date(2026, 3, 21)) == date(2026, 3, 21)
    assert model.week_start(date(2026, 3, 27)) == date(2026, 3, 21)  # the Friday after


# ---- hours ----------------------------------------------------------------------------------


def test_kaveh_without_hours_set_works_the_default_week() -> None:
    model.check_within_hours(DEFAULT_HOURS, *slot("1405/01/02", "08:00", 480), "Kaveh")
    model.check_within_hours(DEFAULT_HOURS, *slot("1405/01/06", "12:00", 60), "Kaveh")  # Thu


def test_thursday_afternoon_is_outside_the_default_hours_and_the_message_says_them() -> None:
    with pytest.raises(InvalidInput) as refused:
        model.check_within_hours(DEFAULT_HOURS, *slot("1405/01/06", "12:30", 60), "Kaveh")
    assert "Outside Kaveh's working hours" in refused.value.message_en
    assert "thursday 08:00–13:00" in refused.value.message_en
    assert "پنجشنبه ۰۸:۰۰–۱۳:۰۰" in refused.value.message_fa


def test_friday_is_nobodys_working_day_by_default() -> None:
    with pytest.raises(InvalidInput, match="Outside"):
        model.check_within_hours(DEFAULT_HOURS, *slot("1405/01/07", "10:00"), "Kaveh")


def test_an_appointment_running_past_the_end_of_the_shift_is_outside() -> None:
    with pytest.raises(InvalidInput):
        model.check_within_hours(DEFAULT_HOURS, *slot("1405/01/02", "15:30", 60), "Kaveh")


def test_shirins_own_pattern_replaces_the_default() -> None:
    evenings = model.check_pattern([Shift(Weekday.friday, time(16), time(20))])
    model.check_within_hours(evenings, *slot("1405/01/07", "17:00"), "Shirin")
    with pytest.raises(InvalidInput):
        model.check_within_hours(evenings, *slot("1405/01/02", "10:00"), "Shirin")


def test_a_pattern_with_a_day_twice_or_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at most once"):
        model.check_pattern([Shift(Weekday.monday, time(8), time(12)),
                             Shift(Weekday.monday, time(13), time(16))])
    with pytest.raises(InvalidInput, match="end before they start"):
        model.check_pattern([Shift(Weekday.monday, time(16), time(8))])


def test_an_empty_pattern_means_the_default_hours() -> None:
    assert model.check_pattern([]) == DEFAULT_HOURS


# ---- overlaps, duration, the past ---------------------------------------------------------


def test_two_appointments_that_share_a_minute_overlap() -> None:
    ten = slot("1405/01/02", "10:00", 60)
    with pytest.raises(InvalidInput) as refused:
        model.check_free(slot("1405/01/02", "10:59", 30), [ten], "Kaveh")
    assert "Double-booked" in refused.value.message_en
    assert "۱۰:۰۰–۱۱:۰۰" in refused.value.message_fa


def test_back_to_back_appointments_do_not_overlap() -> None:
    ten = slot("1405/01/02", "10:00", 60)
    model.check_free(slot("1405/01/02", "11:00", 30), [ten], "Kaveh")
    model.check_free(slot("1405/01/02", "09:00", 60), [ten], "Kaveh")


@pytest.mark.parametrize("minutes", [14, 181])
def test_an_appointment_lasts_15_to_180_minutes(minutes: int) -> None:
    with pytest.raises(InvalidInput, match="15 to 180 minutes"):
        model.check_duration(*slot("1405/01/02", "10:00", minutes))


@pytest.mark.parametrize("minutes", [15, 180])
def test_the_bounds_of_the_duration_are_allowed(minutes: int) -> None:
    model.check_duration(*slot("1405/01/02", "10:00", minutes))


def test_an_appointment_in_the_past_is_refused_and_one_now_is_not() -> None:
    with pytest.raises(InvalidInput, match="already passed"):
        model.check_not_past(NOW - timedelta(minutes=1), NOW)
    model.check_not_past(NOW, NOW)


def test_only_a_team_member_is_booked() -> None:
    model.check_on_team(7, {7, 8}, "Kaveh")
    with pytest.raises(InvalidInput, match="not on this case's team"):
        model.check_on_team(9, {7, 8}, "Parviz")


# ---- outcomes and the follow-up ----------------------------------------------------------


def test_an_appointment_is_marked_attended_only_once_it_has_begun() -> None:
    booked = model.AppointmentState.booked
    with pytest.raises(InvalidInput, match="not begun"):
        model.check_outcome(booked, model.AppointmentState.attended, NOW + timedelta(hours=1),
                            NOW)
    model.check_outcome(booked, model.AppointmentState.missed, NOW, NOW)
    model.check_outcome(booked, model.AppointmentState.cancelled, NOW + timedelta(days=3), NOW)


def test_a_settled_appointment_is_not_settled_again() -> None:
    with pytest.raises(Conflict):
        model.check_outcome(model.AppointmentState.missed, model.AppointmentState.attended,
                            NOW, NOW)


def test_a_missed_appointment_is_followed_up_the_next_working_morning_skipping_friday() -> None:
    wednesday_noon = model.iran_moment(date(2026, 3, 25), time(12))
    due = model.next_working_start(DEFAULT_HOURS, wednesday_noon)
    # Thursday is a working day by default: 08:00 Thursday.
    assert model.in_iran(due) == datetime(2026, 3, 26, 8, 0, tzinfo=model.IRAN_TIME)
    thursday = model.iran_moment(date(2026, 3, 26), time(12))
    assert model.in_iran(model.next_working_start(DEFAULT_HOURS, thursday)) == datetime(
        2026, 3, 28, 8, 0, tzinfo=model.IRAN_TIME)  # Friday off: Saturday 08:00


def test_the_follow_up_uses_the_workers_own_start_time() -> None:
    late = model.check_pattern([Shift(Weekday.monday, time(10, 30), time(18))])
    due = model.next_working_start(late, NOW)
    assert model.in_iran(due) == datetime(2026, 3, 23, 10, 30, tzinfo=model.IRAN_TIME)
