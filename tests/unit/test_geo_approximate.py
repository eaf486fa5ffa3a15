"""The built-in approximation, for a deployment that has imported no polygons."""

from __future__ import annotations

import numpy as np
import pytest

from panah.geo.model import ApproximateLocator, project_km
from panah.geo.reference import county_facts, place_facts, province_facts

CHABOKSAR = (36.97372, 50.5701)  # a Gilan town 9 km from Ramsar, Mazandaran
OUTSIDE = {
    "Baghdad": (33.3152, 44.3661),
    "Baku": (40.4093, 49.8671),
    "Ashgabat": (37.9601, 58.3261),
    "Herat": (34.3482, 62.1997),
    "Persian Gulf, mid-water": (26.9, 51.5),
    "Caspian Sea, far offshore": (39.0, 51.5),
    "Gulf of Oman": (24.9, 58.5),
}


@pytest.fixture(scope="module")
def locator() -> ApproximateLocator:
    return ApproximateLocator.from_package()


def _nearest_seat_county(lat: float, lon: float) -> str:
    """The naive rule: the county whose seat (largest place, as a proxy) is nearest."""
    seats: dict[str, tuple[int, float, float]] = {}
    for p in place_facts():
        if p.population > seats.get(p.county_key, (0, 0.0, 0.0))[0]:
            seats[p.county_key] = (p.population, p.lat, p.lon)
    for c in county_facts():
        if c.seat_lat is not None and c.seat_lon is not None:
            seats[c.key] = (c.population_2016 or 0, c.seat_lat, c.seat_lon)
    keys = list(seats)
    x, y = project_km([seats[k][1] for k in keys], [seats[k][2] for k in keys])
    px, py = project_km([lat], [lon])
    return keys[int(np.argmin((x - px[0]) ** 2 + (y - py[0]) ** 2))]


def test_chaboksar_is_in_gilan_although_the_nearest_seat_is_ramsar(
    locator: ApproximateLocator,
) -> None:
    by_key = {c.key: c for c in county_facts()}
    naive = by_key[_nearest_seat_county(*CHABOKSAR)]
    assert (naive.name_en, naive.province_code) == ("Ramsar County", "IR-02")  # wrong

    placement = locator.locate(*CHABOKSAR)
    assert placement is not None
    assert placement.province_code == "IR-01"
    assert placement.county_name_en == "Rudsar County"
    assert placement.approximate is True
    assert placement.method == "approximate"


def test_chalus_villa(locator: ApproximateLocator) -> None:
    placement = locator.locate(36.655, 51.4205)
    assert placement is not None
    assert (placement.province_code, placement.county_name_en) == ("IR-02", "Chalus County")
    assert placement.province_name_fa == "مازندران"


@pytest.mark.parametrize("province", province_facts(), ids=lambda p: p.code)
def test_every_capital_is_in_its_province(locator: ApproximateLocator, province: object) -> None:
    from panah.geo.reference import ProvinceFacts

    assert isinstance(province, ProvinceFacts)
    placement = locator.locate(province.capital_lat, province.capital_lon)
    assert placement is not None and placement.province_code == province.code


def test_every_mazandaran_seat_is_in_its_county(locator: ApproximateLocator) -> None:
    seats = [c for c in county_facts() if c.seat_lat is not None]
    assert len(seats) == 22
    for county in seats:
        assert county.seat_lat is not None and county.seat_lon is not None
        placement = locator.locate(county.seat_lat, county.seat_lon)
        assert placement is not None and placement.county_key == county.key, county.name_en


@pytest.mark.parametrize("name", OUTSIDE)
def test_points_abroad_are_outside(locator: ApproximateLocator, name: str) -> None:
    assert locator.locate(*OUTSIDE[name]) is None


def test_far_away_and_odd_points_are_outside_not_errors(locator: ApproximateLocator) -> None:
    batch = locator.locate_many([0.0, -33.9, 51.5, 90.0], [0.0, 151.2, -0.1, 180.0])
    assert not batch.inside.any()
    assert list(batch.province) == [None] * 4
    assert batch.approximate


def test_vectorised_equals_one_by_one(locator: ApproximateLocator) -> None:
    rng = np.random.default_rng(123)
    lats, lons = rng.uniform(24.0, 40.5, 500), rng.uniform(43.5, 64.0, 500)
    batch = locator.locate_many(lats, lons)
    for i in range(len(lats)):
        one = locator.locate(float(lats[i]), float(lons[i]))
        assert (one.province_code if one else None) == batch.province[i]
        assert (one.county_key if one else None) == batch.county[i]
    assert 0 < batch.inside.sum() < len(lats)


def test_placements_of_many_points_equal_locating_each(locator: ApproximateLocator) -> None:
    points = [(36.6550, 51.4205), (37.3, 50.0), (33.3, 44.4), (27.2, 56.3)]
    assert locator.placements(points) == [locator.locate(lat, lon) for lat, lon in points]


def test_nan_in_a_batch_is_outside(locator: ApproximateLocator) -> None:
    batch = locator.locate_many([np.nan, 36.655], [51.42, 51.4205])
    assert list(batch.inside) == [False, True]
