"""The rules of a unit's day: statuses and moves, field update times, positions, the
safety timer and a crew against its seats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from panah.core.errors import Conflict, InvalidInput
from panah.dispatch import model
from panah.dispatch.model import Member, Seat, UnitStatus

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
S = UnitStatus


@pytest.mark.parametrize(("current", "target"), [
    (S.dispatched, S.en_route), (S.en_route, S.on_scene), (S.on_scene, S.transporting),
    (S.transporting, S.at_centre), (S.at_centre, S.available_on_move),
    (S.on_scene, S.available_on_move), (S.en_route, S.available_at_post),
    (S.out_of_service, S.available_at_post), (S.available_at_post, S.out_of_service),
])
def test_the_days_moves_are_allowed(current: UnitStatus, target: UnitStatus) -> None:
    model.check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), [
    (S.available_at_post, S.on_scene), (S.available_on_move, S.transporting),
    (S.transporting, S.available_at_post), (S.en_route, S.at_centre),
    (S.at_centre, S.on_scene),
])
def test_an_impossible_move_is_refused_with_what_is_possible(current: UnitStatus,
                                                             target: UnitStatus) -> None:
    with pytest.raises(Conflict) as refused:
        model.check_transition(current, target)
    assert refused.value.details["allowed"] == sorted(s.value for s in model.TRANSITIONS[current])
    assert refused.value.message_fa


def test_dispatched_is_reached_only_by_an_assignment() -> None:
    for status in S:
        with pytest.raises(Conflict, match="assigning"):
            model.check_transition(status, S.dispatched)


def test_every_status_can_leave_service_or_is_on_its_way_to() -> None:
    """No status is a trap: out of service is one step away, or two from transporting."""
    for status in S:
        reachable = model.TRANSITIONS[status] | {
            nxt for step in model.TRANSITIONS[status] for nxt in model.TRANSITIONS[step]}
        assert S.out_of_service in reachable or status is S.out_of_service


def test_an_unknown_status_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as refused:
        model.parse_status("lunch")
    assert "on_scene" in refused.value.message_en


def test_an_update_from_the_future_is_refused_but_a_little_clock_skew_is_not() -> None:
    model.check_update_time(NOW + timedelta(seconds=90), now=NOW, last_change=None)
    with pytest.raises(InvalidInput, match="future"):
        model.check_update_time(NOW + timedelta(minutes=5), now=NOW, last_change=None)


def test_an_update_overtaken_by_a_later_change_is_stale() -> None:
    with pytest.raises(Conflict) as stale:
        model.check_update_time(NOW - timedelta(minutes=10), now=NOW,
                                last_change=NOW - timedelta(minutes=5))
    assert stale.value.details["reason"] == "stale"
    model.check_update_time(NOW - timedelta(minutes=4), now=NOW,
                            last_change=NOW - timedelta(minutes=5))


def test_a_day_old_or_naive_update_is_refused() -> None:
    with pytest.raises(InvalidInput):
        model.check_update_time(NOW - timedelta(hours=25), now=NOW, last_change=None)
    with pytest.raises(InvalidInput, match="zone"):
        model.check_update_time(NOW.replace(tzinfo=None), now=NOW, last_change=None)


def test_a_position_must_be_on_earth_and_not_in_the_future() -> None:
    model.check_position(36.66, 51.43, NOW, now=NOW)
    with pytest.raises(InvalidInput):
        model.check_position(136.66, 51.43, NOW, now=NOW)
    with pytest.raises(InvalidInput, match="future"):
        model.check_position(36.66, 51.43, NOW + timedelta(hours=1), now=NOW)


def test_the_safety_timer_runs_from_arrival_then_from_each_check_in() -> None:
    arrived = NOW
    assert model.safety_check_due(arrived, None) == arrived + timedelta(minutes=20)
    checked = arrived + timedelta(minutes=15)
    assert model.safety_check_due(arrived, checked) == checked + timedelta(minutes=20)
    assert model.safety_check_due(arrived, None, minutes=10) == arrived + timedelta(minutes=10)


def test_unknown_cautions_are_refused_and_known_ones_kept_once() -> None:
    assert model.check_cautions(["weapon", "children_present", "weapon"]) == (
        "children_present", "weapon")
    with pytest.raises(InvalidInput, match="dragons"):
        model.check_cautions(["dragons"])


def test_a_seat_that_prefers_a_woman_gets_the_woman_of_its_role() -> None:
    seats = [Seat("psychologist"), Seat("social_worker", prefer_woman=True)]
    crew = [Member(1, "social_worker", False), Member(2, "social_worker", True),
            Member(3, "psychologist", False)]
    gaps = {g.seat.role: g for g in model.fill_seats(seats, crew)}
    assert gaps["social_worker"].filled_by == 2
    assert not gaps["social_worker"].woman_preferred_but_not
    assert gaps["psychologist"].filled_by == 3


def test_an_empty_seat_and_a_missing_woman_are_shown() -> None:
    seats = [Seat("social_worker", prefer_woman=True), Seat("psychologist")]
    gaps = {g.seat.role: g for g in model.fill_seats(seats, [Member(1, "social_worker", False)])}
    assert gaps["social_worker"].filled_by == 1
    assert gaps["social_worker"].woman_preferred_but_not
    assert gaps["psychologist"].filled_by is None


def test_a_shift_is_a_real_span_of_at_most_a_day() -> None:
    model.check_shift(NOW, NOW + timedelta(hours=12), others=[])
    for end in (NOW, NOW - timedelta(hours=1), NOW + timedelta(hours=25)):
        with pytest.raises(InvalidInput):
            model.check_shift(NOW, end, others=[])


def test_overlapping_shifts_of_one_unit_are_refused_but_touching_ones_are_not() -> None:
    day = [(NOW, NOW + timedelta(hours=12))]
    model.check_shift(NOW + timedelta(hours=12), NOW + timedelta(hours=24), others=day)
    with pytest.raises(Conflict):
        model.check_shift(NOW + timedelta(hours=11), NOW + timedelta(hours=20), others=day)


def test_a_nowruz_post_takes_shifts_only_between_its_dates() -> None:
    window = (date(2026, 3, 16), date(2026, 4, 2))
    model.check_shift(NOW, NOW + timedelta(hours=8), others=[], post_window=window)
    with pytest.raises(Conflict, match="temporary"):
        later = NOW + timedelta(days=30)
        model.check_shift(later, later + timedelta(hours=8), others=[], post_window=window)
    assert model.post_open_on(date(2026, 3, 20), *window)
    assert not model.post_open_on(date(2026, 4, 3), *window)
    assert model.post_open_on(date(2026, 9, 1), None, None)


CHALUS_BEACH = model.Station("پایگاه نوروزی ساحل چالوس", "Chalus beach Nowruz post", 36.662, 51.43)
CHALUS_CENTRE = model.Station("مرکز اورژانس اجتماعی چالوس", "Chalus social emergency centre",
                              36.655, 51.42, home=True)
NOWRUZ_DATES = (date(2026, 3, 16), date(2026, 4, 4))


def test_a_nowruz_post_outside_its_dates_is_no_post_and_the_unit_waits_at_its_home_centre() -> None:
    azar = date(2026, 12, 2)
    assert model.waiting_station(CHALUS_BEACH, NOWRUZ_DATES, CHALUS_CENTRE, azar) == CHALUS_CENTRE
    assert model.waiting_station(CHALUS_BEACH, NOWRUZ_DATES, CHALUS_CENTRE,
                                 date(2026, 3, 22)) == CHALUS_BEACH
    assert model.waiting_station(CHALUS_BEACH, (None, None), CHALUS_CENTRE, azar) == CHALUS_BEACH
    assert model.waiting_station(None, (None, None), CHALUS_CENTRE, azar) == CHALUS_CENTRE


def test_a_posts_last_day_ends_at_midnight_in_iran_not_in_greenwich() -> None:
    # 21:00 UTC on the post's last day is already the next day in Tehran (00:30).
    late = datetime(2026, 4, 4, 21, 0, tzinfo=UTC)
    assert model.service_day(late) == date(2026, 4, 5)
    assert model.waiting_station(CHALUS_BEACH, NOWRUZ_DATES, CHALUS_CENTRE,
                                 model.service_day(late)) == CHALUS_CENTRE


def test_today_and_this_week_begin_at_midnight_and_on_saturday_in_iran() -> None:
    today, week = model.closed_since(NOW)  # Sunday 10:00 in Tehran
    assert today == datetime(2026, 3, 21, 20, 30, tzinfo=UTC)  # Sunday 00:00 in Tehran
    assert week == datetime(2026, 3, 20, 20, 30, tzinfo=UTC)  # Saturday 00:00
    saturday = datetime(2026, 3, 21, 5, 0, tzinfo=UTC)
    assert model.closed_since(saturday)[0] == model.closed_since(saturday)[1]


def test_who_called_follows_the_channel_and_an_unknown_kind_is_refused() -> None:
    assert model.caller_kind_of_channel("web_report") is model.CallerKind.third_party
    assert model.caller_kind_of_channel("partner") is model.CallerKind.agency
    assert model.caller_kind_of_channel("voice") is model.CallerKind.person
    with pytest.raises(InvalidInput, match="caller"):
        model.parse_caller_kind("neighbour")
