"""The fallback travel-time model (pure): distance, terrain, road classes, time bands."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from panah.geo.travel import DEFAULT_MODEL, IRAN_TIME, TravelModel, TravelTimes, great_circle_km

TEHRAN = (35.6892, 51.3890)
CHALUS = (36.6552, 51.4200)
CHALUS_POST = (36.6620, 51.4300)
RAMSAR = (36.9230, 50.6550)
MARZANABAD = (36.4440, 51.2930)
KELARDASHT = (36.5090, 51.1640)
SARI = (36.5650, 53.0590)
AMOL = (36.4700, 52.3500)
TEHRAN_WEST = (35.7000, 51.3000)
TEHRAN_EAST = (35.7100, 51.4800)


def iran(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Iran, as the aware UTC datetime the model is given."""
    return datetime(year, month, day, hour, minute, tzinfo=IRAN_TIME).astimezone(UTC)


# Farvardin 5, 1405 (Wednesday) and the same weekday and hour after Nowruz (Farvardin 26).
NOWRUZ_DAY = iran(2026, 3, 25, 10)
AFTER_NOWRUZ = iran(2026, 4, 15, 10)
MONDAY_RUSH = iran(2026, 4, 13, 8)
MONDAY_3AM = iran(2026, 4, 13, 3)
MONDAY_NOON = iran(2026, 4, 13, 12)


def test_great_circle_from_tehran_to_chalus_is_about_107_km() -> None:
    assert great_circle_km(TEHRAN, CHALUS) == pytest.approx(107.4, abs=0.5)
    assert great_circle_km(CHALUS, TEHRAN) == pytest.approx(great_circle_km(TEHRAN, CHALUS))
    assert great_circle_km(SARI, SARI) == 0.0


def test_a_trip_along_the_caspian_coast_gets_the_plain_detour() -> None:
    estimate = DEFAULT_MODEL.estimate(RAMSAR, CHALUS_POST, AFTER_NOWRUZ)

    assert estimate.detour == 1.3
    assert estimate.km == pytest.approx(1.3 * great_circle_km(RAMSAR, CHALUS_POST))
    assert "caspian_plain" in estimate.reasons
    assert estimate.road_class == "main_road"  # road 22 runs through town after town


def test_tehran_to_chalus_crosses_the_alborz_with_the_mountain_detour() -> None:
    estimate = DEFAULT_MODEL.estimate(TEHRAN, CHALUS, AFTER_NOWRUZ)

    assert estimate.detour == 1.5
    assert estimate.km == pytest.approx(1.5 * great_circle_km(TEHRAN, CHALUS))
    assert estimate.road_class == "mountain_road"
    assert "alborz_crossing" in estimate.reasons
    assert 180 < estimate.minutes < 270  # 3-4 hours on road 59 outside the holidays


def test_a_trip_up_into_the_mountains_is_a_mountain_trip_though_it_crosses_nothing() -> None:
    estimate = DEFAULT_MODEL.estimate(CHALUS_POST, MARZANABAD, AFTER_NOWRUZ)

    assert estimate.detour == 1.5
    assert estimate.reasons[0] == "alborz_mountains"


def test_nowruz_daytime_on_the_chalus_road_is_slower_than_after_nowruz() -> None:
    nowruz = DEFAULT_MODEL.estimate(TEHRAN, CHALUS, NOWRUZ_DAY)
    later = DEFAULT_MODEL.estimate(TEHRAN, CHALUS, AFTER_NOWRUZ)

    assert "nowruz_one_way:chalus_road" in nowruz.reasons
    assert "nowruz_one_way:chalus_road" not in later.reasons
    assert nowruz.minutes > 1.5 * later.minutes
    assert nowruz.km == later.km


def test_nowruz_is_farvardin_1_to_13_of_the_jalali_calendar() -> None:
    thirteenth = DEFAULT_MODEL.estimate(TEHRAN, CHALUS, iran(2026, 4, 2, 10))  # 1405-01-13
    fourteenth = DEFAULT_MODEL.estimate(TEHRAN, CHALUS, iran(2026, 4, 3, 10))  # 1405-01-14
    eve = DEFAULT_MODEL.estimate(TEHRAN, CHALUS, iran(2026, 3, 20, 10))  # 1404-12-29

    assert "nowruz_one_way:chalus_road" in thirteenth.reasons
    assert "nowruz_one_way:chalus_road" not in fourteenth.reasons
    assert "nowruz_one_way:chalus_road" not in eve.reasons


def test_the_one_way_scheme_slows_only_daytime_trips() -> None:
    night = DEFAULT_MODEL.estimate(TEHRAN, CHALUS, iran(2026, 3, 25, 23, 30))

    assert not any(r.startswith("nowruz_one_way") for r in night.reasons)


def test_the_haraz_road_has_its_own_nowruz_scheme() -> None:
    estimate = DEFAULT_MODEL.estimate(TEHRAN, AMOL, NOWRUZ_DAY)

    assert "nowruz_one_way:haraz_road" in estimate.reasons


def test_a_coast_trip_at_nowruz_is_crowded_but_not_on_the_chalus_road() -> None:
    nowruz = DEFAULT_MODEL.estimate(RAMSAR, CHALUS_POST, NOWRUZ_DAY)
    later = DEFAULT_MODEL.estimate(RAMSAR, CHALUS_POST, AFTER_NOWRUZ)

    assert not any(r.startswith("nowruz_one_way") for r in nowruz.reasons)
    assert "nowruz_caspian_traffic" in nowruz.reasons
    assert nowruz.minutes == pytest.approx(
        2 + (later.minutes - 2) * DEFAULT_MODEL.nowruz_caspian_factor)


def test_rush_hour_in_tehran_is_slower_than_3_am() -> None:
    rush = DEFAULT_MODEL.estimate(TEHRAN_WEST, TEHRAN_EAST, MONDAY_RUSH)
    night = DEFAULT_MODEL.estimate(TEHRAN_WEST, TEHRAN_EAST, MONDAY_3AM)
    noon = DEFAULT_MODEL.estimate(TEHRAN_WEST, TEHRAN_EAST, MONDAY_NOON)

    assert rush.road_class == night.road_class == "urban"
    assert rush.speed_kmh == DEFAULT_MODEL.urban_kmh
    assert "urban_rush_hour" in rush.reasons and "urban_night" in night.reasons
    assert night.minutes < noon.minutes < rush.minutes
    assert rush.congestion == DEFAULT_MODEL.rush_factor


def test_friday_and_nowruz_have_no_rush_hour() -> None:
    friday = DEFAULT_MODEL.estimate(TEHRAN_WEST, TEHRAN_EAST, iran(2026, 4, 17, 8))
    nowruz = DEFAULT_MODEL.estimate(TEHRAN_WEST, TEHRAN_EAST, iran(2026, 3, 23, 8))

    assert "urban_rush_hour" not in friday.reasons + nowruz.reasons
    assert friday.congestion == nowruz.congestion == 1.0


def test_time_bands_are_read_on_the_iran_clock_whatever_zone_at_carries() -> None:
    utc_4am = datetime(2026, 4, 13, 4, 30, tzinfo=UTC)  # 08:00 in Tehran
    same_in_berlin = utc_4am.astimezone(timezone(timedelta(hours=2)))

    estimate = DEFAULT_MODEL.estimate(TEHRAN_WEST, TEHRAN_EAST, utc_4am)

    assert "urban_rush_hour" in estimate.reasons
    assert DEFAULT_MODEL.estimate(TEHRAN_WEST, TEHRAN_EAST, same_in_berlin) == estimate


def test_a_city_trip_leaving_town_runs_at_city_speed_only_near_the_ends() -> None:
    estimate = DEFAULT_MODEL.estimate(TEHRAN, (35.0, 50.0), MONDAY_NOON)  # out to the plateau

    assert DEFAULT_MODEL.urban_kmh < estimate.speed_kmh < DEFAULT_MODEL.highway_kmh
    assert estimate.road_class == "highway"


def test_minutes_equals_the_estimate_for_each_origin() -> None:
    origins = [TEHRAN, CHALUS_POST, RAMSAR, MARZANABAD, KELARDASHT, SARI, (29.59, 52.58)]
    for at in (NOWRUZ_DAY, AFTER_NOWRUZ, MONDAY_RUSH, MONDAY_3AM):
        many = DEFAULT_MODEL.minutes(origins, CHALUS_POST, at)
        one_by_one = [DEFAULT_MODEL.estimate(o, CHALUS_POST, at).minutes for o in origins]
        assert many == pytest.approx(one_by_one, rel=1e-12)


def test_the_model_is_a_travel_times_and_knows_no_unreachable_place() -> None:
    travel: TravelTimes = DEFAULT_MODEL
    answers = travel.minutes([SARI, (-33.9, 151.2)], CHALUS_POST, AFTER_NOWRUZ)

    assert all(isinstance(m, float) and math.isfinite(m) for m in answers)
    assert travel.minutes([], CHALUS_POST, AFTER_NOWRUZ) == []


def test_the_turnout_is_added_even_for_no_distance() -> None:
    model = TravelModel(turnout_minutes=3.0)

    assert model.estimate(SARI, SARI, AFTER_NOWRUZ).minutes == 3.0


def test_the_numbers_are_fields_a_deployment_can_tune() -> None:
    model = TravelModel(detour_plain=1.2, main_road_kmh=50.0)
    estimate = model.estimate(RAMSAR, CHALUS_POST, AFTER_NOWRUZ)

    assert estimate.detour == 1.2
    assert estimate.minutes > DEFAULT_MODEL.estimate(RAMSAR, CHALUS_POST, AFTER_NOWRUZ).minutes


@pytest.mark.parametrize("point", [(91.0, 51.0), (-90.5, 51.0), (36.0, 181.0), (36.0, -180.1),
                                   (math.nan, 51.0), (36.0, math.inf)])
def test_a_point_that_is_not_a_coordinate_raises_value_error(point: tuple[float, float]) -> None:
    with pytest.raises(ValueError, match="not a coordinate"):
        DEFAULT_MODEL.estimate(point, CHALUS, AFTER_NOWRUZ)
    with pytest.raises(ValueError, match="not a coordinate"):
        DEFAULT_MODEL.estimate(CHALUS, point, AFTER_NOWRUZ)
    with pytest.raises(ValueError, match="origin 1"):
        DEFAULT_MODEL.minutes([SARI, point], CHALUS, AFTER_NOWRUZ)


def test_a_naive_time_raises_value_error() -> None:
    naive = datetime(2026, 4, 13, 8, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        DEFAULT_MODEL.estimate(SARI, CHALUS, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        DEFAULT_MODEL.minutes([SARI], CHALUS, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        DEFAULT_MODEL.minutes([], CHALUS, naive)


def test_origins_that_are_not_pairs_raise_value_error() -> None:
    with pytest.raises(ValueError, match="pairs"):
        DEFAULT_MODEL.minutes([(36.0, 51.0, 0.0)], CHALUS, AFTER_NOWRUZ)  # type: ignore[list-item]


def test_the_fast_corridor_test_agrees_with_shapely_on_random_mountain_trips() -> None:
    from shapely.geometry import LineString, Point

    from panah.geo.travel import _KX, _KY, packaged_zones

    def flat(p: tuple[float, float]) -> tuple[float, float]:
        return p[1] * _KX, p[0] * _KY

    corridors = packaged_zones().corridors
    lines = [LineString([flat(p) for p in c.line]) for c in corridors]
    rng = np.random.default_rng(7)
    checked = 0
    for destination in [KELARDASHT, TEHRAN, (36.30, 52.60), (36.05, 50.70), CHALUS]:
        beside = [i for i, line in enumerate(lines)
                  if Point(flat(destination)).distance(line) <= corridors[i].buffer_km]
        origins = list(zip(rng.uniform(35.0, 37.2, 120), rng.uniform(50.0, 53.5, 120),
                           strict=True))
        for origin in origins:
            reasons = DEFAULT_MODEL.estimate(origin, destination, NOWRUZ_DAY).reasons
            if not any(r.startswith("alborz_") for r in reasons):
                continue
            trip = LineString([flat(origin), flat(destination)])
            entered = [i for i, line in enumerate(lines)
                       if trip.distance(line) <= corridors[i].buffer_km]
            expected = (min(beside, key=lambda i: Point(flat(destination)).distance(lines[i]))
                        if beside else (entered[0] if entered else None))
            used = [r.split(":")[1] for r in reasons if r.startswith("nowruz_one_way:")]
            assert used == ([corridors[expected].key] if expected is not None else [])
            checked += 1
    assert checked > 200
