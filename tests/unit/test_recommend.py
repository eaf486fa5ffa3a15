"""Recommending a unit (pure): who is available, where they are, crew needs, rotation, ties
and the explanation a dispatcher reads. Travel times come from a fake unless said."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from panah.dispatch.recommend import (
    CrewSeat,
    Needs,
    Recommendation,
    UnitView,
    recommend,
)
from panah.geo.travel import DEFAULT_MODEL, Point
from tests.conftest import NOWRUZ

NOW = NOWRUZ
CHALUS_POST = (36.6620, 51.4300)
RAMSAR = (36.9230, 50.6550)
MARZANABAD = (36.4440, 51.2930)
KELARDASHT = (36.5090, 51.1640)
SARI = (36.5650, 53.0590)
TARGET = (36.6500, 51.4000)  # a beach west of Chalus

WOMAN_SOCIAL_WORKER = CrewSeat("social_worker", is_woman=True)
MAN_SOCIAL_WORKER = CrewSeat("social_worker", is_woman=False)
MAN_PSYCHOLOGIST = CrewSeat("psychologist", is_woman=False)


class FakeTravel:
    """Answers the minutes it was given for each origin and remembers every call."""

    def __init__(self, minutes: dict[Point, float | None]) -> None:
        self.by_origin = minutes
        self.calls: list[tuple[list[Point], Point, datetime]] = []

    def minutes(
        self, origins: Sequence[Point], destination: Point, at: datetime
    ) -> list[float | None]:
        self.calls.append((list(origins), destination, at))
        return [self.by_origin[o] for o in origins]


def unit(
    id: int, position: Point | None = None, *, status: str = "available_on_move",
    age: timedelta = timedelta(minutes=2), post: Point | None = None,
    crew: tuple[CrewSeat, ...] = (MAN_SOCIAL_WORKER, MAN_PSYCHOLOGIST), **more: object,
) -> UnitView:
    view = UnitView(
        id=id, call_sign=f"MZN-{id:02d}", kind="sedan", status=status, province_code="IR-02",
        position=position, position_at=NOW - age if position else None,
        post_name_fa="پایگاه چالوس" if post else None, post_name_en="Chalus post" if post else None,
        post_position=post, crew=crew,
    )
    return replace(view, **more)  # type: ignore[arg-type]


def order(result: Recommendation) -> list[str]:
    return [p.call_sign for p in result.picks]


def excluded(result: Recommendation) -> dict[str, str]:
    return {e.call_sign: e.reason for e in result.excluded}


def test_a_position_older_than_15_minutes_is_ignored_and_the_post_used() -> None:
    travel = FakeTravel({CHALUS_POST: 7.0, SARI: 150.0})
    stale = unit(1, SARI, status="available_at_post", age=timedelta(minutes=16), post=CHALUS_POST)

    result = recommend(TARGET, [stale], now=NOW, travel=travel)

    assert travel.calls[0][0] == [CHALUS_POST]
    assert result.picks[0].minutes == 7.0
    assert "position_stale_used_post" in result.picks[0].reasons
    fresh = replace(stale, position_at=NOW - timedelta(minutes=15))
    assert recommend(TARGET, [fresh], now=NOW, travel=travel).picks[0].minutes == 150.0


def test_a_unit_at_post_with_a_fresh_position_uses_that_position() -> None:
    travel = FakeTravel({CHALUS_POST: 7.0, RAMSAR: 60.0})
    moved = unit(1, RAMSAR, status="available_at_post", post=CHALUS_POST)

    result = recommend(TARGET, [moved], now=NOW, travel=travel)

    assert result.picks[0].minutes == 60.0
    assert "on_the_move" in result.picks[0].reasons


def test_a_unit_on_the_move_with_a_stale_position_is_left_out() -> None:
    travel = FakeTravel({CHALUS_POST: 7.0})
    stale = unit(1, RAMSAR, age=timedelta(minutes=16), post=CHALUS_POST)
    silent = unit(2, None, post=CHALUS_POST)

    result = recommend(TARGET, [stale, silent], now=NOW, travel=travel)

    assert result.picks == ()
    assert excluded(result) == {"MZN-01": "position_stale", "MZN-02": "no_position"}
    assert travel.calls == []


def test_a_position_dated_in_the_future_is_not_trusted() -> None:
    travel = FakeTravel({CHALUS_POST: 7.0, RAMSAR: 60.0})
    ahead = unit(1, RAMSAR, age=-timedelta(minutes=5))
    at_post_ahead = unit(2, RAMSAR, status="available_at_post", age=-timedelta(minutes=5),
                         post=CHALUS_POST)
    slight_drift = unit(3, RAMSAR, age=-timedelta(seconds=30))

    result = recommend(TARGET, [ahead, at_post_ahead, slight_drift], now=NOW, travel=travel)

    assert excluded(result) == {"MZN-01": "position_stale"}
    assert {p.call_sign: p.minutes for p in result.picks} == {"MZN-02": 7.0, "MZN-03": 60.0}


def test_only_available_units_are_recommended() -> None:
    travel = FakeTravel({CHALUS_POST: 7.0})
    busy = unit(1, CHALUS_POST, status="en_route")
    resting = unit(2, CHALUS_POST, status="out_of_service")

    result = recommend(TARGET, [busy, resting], now=NOW, travel=travel)

    assert result.picks == ()
    assert excluded(result) == {"MZN-01": "not_available:en_route",
                                "MZN-02": "not_available:out_of_service"}


def test_crew_without_the_needed_psychologist_is_left_out() -> None:
    travel = FakeTravel({CHALUS_POST: 3.0, RAMSAR: 60.0})
    social_workers_only = unit(1, CHALUS_POST, crew=(WOMAN_SOCIAL_WORKER, MAN_SOCIAL_WORKER))
    with_psychologist = unit(2, RAMSAR)

    result = recommend(TARGET, [social_workers_only, with_psychologist], now=NOW, travel=travel,
                       needs=Needs(roles=frozenset({"psychologist"})))

    assert order(result) == ["MZN-02"]
    assert excluded(result) == {"MZN-01": "crew_lacks:psychologist"}


def test_a_woman_on_the_crew_wins_when_times_are_close_but_not_when_far() -> None:
    men = unit(1, CHALUS_POST)
    woman_close, woman_far = (unit(2, KELARDASHT, crew=(WOMAN_SOCIAL_WORKER, MAN_PSYCHOLOGIST)),
                              unit(3, RAMSAR, crew=(WOMAN_SOCIAL_WORKER, MAN_PSYCHOLOGIST)))
    travel = FakeTravel({CHALUS_POST: 7.0, KELARDASHT: 10.0, RAMSAR: 14.0})
    prefer = Needs(prefer_woman=True)

    assert order(recommend(TARGET, [men, woman_close], now=NOW, travel=travel,
                           needs=prefer)) == ["MZN-02", "MZN-01"]
    assert order(recommend(TARGET, [men, woman_far], now=NOW, travel=travel,
                           needs=prefer)) == ["MZN-01", "MZN-03"]
    assert order(recommend(TARGET, [men, woman_close], now=NOW, travel=travel)) == [
        "MZN-01", "MZN-02"]


def test_equal_scores_break_by_rotation_then_call_sign() -> None:
    travel = FakeTravel({CHALUS_POST: 10.0, RAMSAR: 12.0, SARI: 12.0, KELARDASHT: 12.0,
                         MARZANABAD: 12.0})
    sent_once = unit(1, CHALUS_POST, dispatches_recent=1,
                     last_dispatched_at=NOW - timedelta(hours=5))
    rested = unit(2, RAMSAR, last_dispatched_at=NOW - timedelta(hours=1))
    rested_longer = unit(3, SARI, last_dispatched_at=NOW - timedelta(hours=3))
    never_sent = unit(5, KELARDASHT)
    never_sent_too = unit(4, MARZANABAD)
    units = [sent_once, rested, rested_longer, never_sent, never_sent_too]

    result = recommend(TARGET, units, now=NOW, travel=travel)

    assert {p.score for p in result.picks} == {12.0}
    assert order(result) == ["MZN-04", "MZN-05", "MZN-03", "MZN-02", "MZN-01"]
    assert order(recommend(TARGET, units[::-1], now=NOW, travel=travel)) == order(result)


def test_the_crew_sent_again_and_again_gives_way_to_a_rested_one() -> None:
    tired = unit(1, CHALUS_POST, dispatches_recent=3)
    rested_nearby, rested_far = unit(2, KELARDASHT), unit(3, SARI)
    travel = FakeTravel({CHALUS_POST: 8.0, KELARDASHT: 9.5, SARI: 20.0})

    assert order(recommend(TARGET, [tired, rested_nearby], now=NOW, travel=travel)) == [
        "MZN-02", "MZN-01"]
    very_tired = replace(tired, dispatches_recent=9)  # the penalty is capped
    assert order(recommend(TARGET, [very_tired, rested_far], now=NOW, travel=travel)) == [
        "MZN-01", "MZN-03"]
    assert "recent_dispatches:9" in recommend(
        TARGET, [very_tired], now=NOW, travel=travel).picks[0].reasons


def test_the_adapted_van_is_preferred_when_the_family_needs_one() -> None:
    van, sedan = unit(1, KELARDASHT, kind="adapted_van"), unit(2, CHALUS_POST)
    needs = Needs(kind="adapted_van")

    close = FakeTravel({KELARDASHT: 9.0, CHALUS_POST: 7.0})
    assert order(recommend(TARGET, [sedan, van], now=NOW, travel=close, needs=needs)) == [
        "MZN-01", "MZN-02"]
    much_closer = FakeTravel({KELARDASHT: 9.0, CHALUS_POST: 5.0})
    assert order(recommend(TARGET, [sedan, van], now=NOW, travel=much_closer,
                           needs=needs)) == ["MZN-02", "MZN-01"]


def test_a_unit_taken_by_another_dispatcher_is_excluded() -> None:
    travel = FakeTravel({CHALUS_POST: 7.0, RAMSAR: 60.0})
    units = [unit(1, CHALUS_POST), unit(2, RAMSAR)]

    result = recommend(TARGET, units, now=NOW, travel=travel, exclude_ids=frozenset({1}))

    assert order(result) == ["MZN-02"]
    assert excluded(result) == {"MZN-01": "taken"}
    assert travel.calls[0][0] == [RAMSAR]


def test_a_unit_the_travel_times_cannot_reach_is_left_out() -> None:
    travel = FakeTravel({CHALUS_POST: None, RAMSAR: 60.0})

    result = recommend(TARGET, [unit(1, CHALUS_POST), unit(2, RAMSAR)], now=NOW, travel=travel)

    assert order(result) == ["MZN-02"]
    assert excluded(result) == {"MZN-01": "unreachable"}


def test_explanation_reads_minutes_crew_and_post_in_both_languages() -> None:
    at_post = unit(1, None, status="available_at_post", post=CHALUS_POST,
                   crew=(WOMAN_SOCIAL_WORKER, MAN_PSYCHOLOGIST))
    moving = unit(2, RAMSAR, post=CHALUS_POST)
    travel = FakeTravel({CHALUS_POST: 6.2, RAMSAR: 0.2})

    woman = recommend(TARGET, [at_post], now=NOW, travel=travel,
                      needs=Needs(prefer_woman=True)).picks[0]
    roles = recommend(TARGET, [at_post], now=NOW, travel=travel).picks[0]
    on_the_move = recommend(TARGET, [moving], now=NOW, travel=travel).picks[0]

    assert woman.explain_en == "7 min · woman social worker · Chalus post"
    assert woman.explain_fa == "۷ دقیقه · مددکار اجتماعی زن · پایگاه چالوس"
    assert woman.minutes == 6.2 and "post:Chalus post" in woman.reasons
    assert "woman_on_crew" in woman.reasons
    assert roles.explain_en == "7 min · social worker + psychologist · Chalus post"
    assert roles.explain_fa == "۷ دقیقه · مددکار اجتماعی + روانشناس · پایگاه چالوس"
    assert on_the_move.explain_en == "1 min · social worker + psychologist · on the move"
    assert on_the_move.explain_fa.endswith("· در حرکت")


def test_a_unit_within_a_kilometre_of_its_post_is_shown_at_the_post() -> None:
    beside_post = (36.6650, 51.4330)  # ~400 m from the Chalus post
    travel = FakeTravel({beside_post: 4.0})

    pick = recommend(TARGET, [unit(1, beside_post, post=CHALUS_POST)], now=NOW,
                     travel=travel).picks[0]

    assert pick.explain_en.endswith("· Chalus post")


def test_travel_is_asked_once_for_all_candidates() -> None:
    travel = FakeTravel({CHALUS_POST: 7.0, RAMSAR: 60.0, SARI: 150.0, KELARDASHT: 20.0})
    units = [unit(1, CHALUS_POST), unit(2, RAMSAR), unit(3, SARI, status="on_scene"),
             unit(4, SARI), unit(5, KELARDASHT), unit(6, RAMSAR, age=timedelta(hours=1))]

    result = recommend(TARGET, units, now=NOW, travel=travel, limit=2)

    assert len(travel.calls) == 1
    assert travel.calls[0] == ([CHALUS_POST, RAMSAR, SARI, KELARDASHT], TARGET, NOW)
    assert order(result) == ["MZN-01", "MZN-05"]
    assert [e.call_sign for e in result.excluded] == ["MZN-03", "MZN-06"]


def test_with_the_travel_model_the_nearest_unit_at_nowruz_comes_first() -> None:
    units = [unit(1, SARI), unit(2, RAMSAR), unit(3, CHALUS_POST), unit(4, MARZANABAD)]

    result = recommend(TARGET, units, now=NOW, travel=DEFAULT_MODEL)

    assert order(result) == ["MZN-03", "MZN-04", "MZN-02", "MZN-01"]
    assert result.picks[0].km == pytest.approx(2.9, abs=0.2)


def test_a_naive_now_or_a_bad_target_raises_value_error() -> None:
    travel = FakeTravel({})
    with pytest.raises(ValueError, match="timezone-aware"):
        recommend(TARGET, [], now=NOW.replace(tzinfo=None), travel=travel)
    with pytest.raises(ValueError, match="not a coordinate"):
        recommend((95.0, 51.0), [], now=NOW, travel=travel)


def test_stored_times_without_a_zone_are_read_as_utc() -> None:
    travel = FakeTravel({RAMSAR: 60.0, CHALUS_POST: 7.0})
    naive_fresh = unit(1, RAMSAR, position_at=(NOW - timedelta(minutes=2)).replace(tzinfo=None),
                       last_dispatched_at=(NOW - timedelta(hours=2)).replace(tzinfo=None))
    naive_stale = unit(2, RAMSAR, status="available_at_post", post=CHALUS_POST,
                       position_at=(NOW - timedelta(minutes=20)).replace(tzinfo=None))

    result = recommend(TARGET, [naive_fresh, naive_stale], now=NOW, travel=travel)

    assert {p.call_sign: p.minutes for p in result.picks} == {"MZN-01": 60.0, "MZN-02": 7.0}


CHALUS_CENTRE = (36.6550, 51.4200)
NOWRUZ_DATES = (date(2026, 3, 16), date(2026, 4, 4))
AZAR = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def nowruz_unit(id: int) -> UnitView:
    return replace(unit(id, None, status="available_at_post", post=CHALUS_POST),
                   post_name_fa="پایگاه نوروزی ساحل چالوس",
                   post_name_en="Chalus beach Nowruz post", post_dates=NOWRUZ_DATES,
                   home_name_fa="مرکز اورژانس اجتماعی چالوس",
                   home_name_en="Chalus social emergency centre", home_position=CHALUS_CENTRE)


def test_in_azar_a_nowruz_post_is_no_post_and_the_unit_waits_at_its_home_centre() -> None:
    travel = FakeTravel({CHALUS_POST: 5.0, CHALUS_CENTRE: 3.0})

    pick = recommend(TARGET, [nowruz_unit(1)], now=AZAR, travel=travel).picks[0]

    assert travel.calls[0][0] == [CHALUS_CENTRE]  # the centre's position, not the post's
    assert pick.explain_en == ("3 min · social worker + psychologist · "
                               "at Chalus social emergency centre")
    assert pick.explain_fa.endswith("· در مرکز اورژانس اجتماعی چالوس")
    assert "Nowruz" not in pick.explain_en and "نوروزی" not in pick.explain_fa
    assert "post_closed" in pick.reasons
    assert "home_centre:Chalus social emergency centre" in pick.reasons


def test_at_nowruz_the_same_unit_waits_at_its_post() -> None:
    travel = FakeTravel({CHALUS_POST: 5.0, CHALUS_CENTRE: 3.0})

    pick = recommend(TARGET, [nowruz_unit(1)], now=NOW, travel=travel).picks[0]

    assert pick.explain_en.endswith("· Chalus beach Nowruz post")
    assert "post:Chalus beach Nowruz post" in pick.reasons


def test_a_unit_on_the_move_near_its_closed_post_is_not_said_to_be_at_the_post() -> None:
    beside_post = (36.6650, 51.4330)
    moving = replace(nowruz_unit(1), status="available_on_move", position=beside_post,
                     position_at=AZAR - timedelta(minutes=2))

    pick = recommend(TARGET, [moving], now=AZAR, travel=FakeTravel({beside_post: 4.0})).picks[0]

    assert pick.explain_en.endswith("· on the move")
