"""Locating against the imported OpenStreetMap polygons (reads ../shared/data)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.core.errors import InvalidInput
from panah.core.migrate import upgrade
from panah.geo.model import Locator, PolygonLocator
from panah.geo.reference import county_facts, province_facts
from panah.geo.service import (
    boundary_status,
    build_locator,
    import_boundaries,
    load_reference,
    locate_point,
)
from tests.conftest import NOWRUZ

pytestmark = pytest.mark.shared

BORDER_TOWNS = {
    # name: (lat, lon, province, English county name)
    "Chaboksar": (36.97372, 50.5701, "IR-01", "Rudsar County"),
    "Ramsar": (36.91796, 50.64802, "IR-02", "Ramsar County"),
    "Tonekabon": (36.81626, 50.87376, "IR-02", "Tonekabon County"),
    "Galugah": (36.72734, 53.80888, "IR-02", "Galugah County"),
    "Bandar-e Gaz": (36.77409, 53.94798, "IR-27", "Bandar-e-Gaz County"),
    "Kelardasht": (36.51094, 51.17343, "IR-02", "Kelardasht County"),
    "Firuzkuh": (35.7575, 52.7703, "IR-23", "Firuzkuh County"),
    "Pol-e Sefid": (36.11787, 53.05531, "IR-02", "Savadkuh County"),
    "Astara": (38.43084, 48.86994, "IR-01", "Astara County"),
    "Qasr-e Shirin": (34.5156, 45.5791, "IR-05", "Qasr-e-Shirin County"),
    "Sarakhs": (36.5449, 61.1577, "IR-09", "Sarakhs County"),
    "Zabol": (31.0306, 61.4949, "IR-11", "Zabol County"),
    "Kish island": (26.55778, 54.01944, "IR-22", None),
    "Chalus": (36.655, 51.4205, "IR-02", "Chalus County"),
}
OUTSIDE = {
    "Baghdad": (33.3152, 44.3661),
    "Baku": (40.4093, 49.8671),
    "Ashgabat": (37.9601, 58.3261),
    "Herat": (34.3482, 62.1997),
    "Persian Gulf, mid-water": (26.9, 51.5),
    "Caspian Sea, far offshore": (39.0, 51.5),
    "null island": (0.0, 0.0),
}


@pytest.fixture(scope="module")
def factory(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('geo') / 'geo.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
        import_boundaries(session, shared_data / "iran-boundaries", now=NOWRUZ)
    yield factory
    engine.dispose()


@pytest.fixture(scope="module")
def locator(factory: sessionmaker[Session]) -> Locator:
    with unit_of_work(factory) as session:
        return build_locator(session)


def test_import_switches_to_polygons(factory: sessionmaker[Session], locator: Locator) -> None:
    assert isinstance(locator, PolygonLocator)
    with unit_of_work(factory) as session:
        status = boundary_status(session)
    assert status.mode == "polygons"
    assert (status.provinces_with_polygons, status.counties_with_polygons) == (31, 478)
    assert status.counties == 478  # every OSM county matched a reference row
    assert status.last_import_sha256 is not None and len(status.last_import_sha256) == 64


@pytest.mark.parametrize("province", province_facts(), ids=lambda p: p.capital_en)
def test_every_capital_is_in_its_province(locator: Locator, province: object) -> None:
    from panah.geo.reference import ProvinceFacts

    assert isinstance(province, ProvinceFacts)
    placement = locator.locate(province.capital_lat, province.capital_lon)
    assert placement is not None
    assert placement.province_code == province.code
    assert placement.method == "polygon" and placement.approximate is False


def test_every_mazandaran_seat_is_in_its_county(locator: Locator) -> None:
    seats = [c for c in county_facts() if c.seat_lat is not None]
    assert len(seats) == 22
    for county in seats:
        assert county.seat_lat is not None and county.seat_lon is not None
        placement = locator.locate(county.seat_lat, county.seat_lon)
        assert placement is not None
        assert (placement.county_key, placement.province_code) == (county.key, "IR-02")


@pytest.mark.parametrize("town", BORDER_TOWNS)
def test_border_towns(locator: Locator, town: str) -> None:
    lat, lon, province, county = BORDER_TOWNS[town]
    placement = locator.locate(lat, lon)
    assert placement is not None
    assert placement.province_code == province
    if county is not None:
        assert placement.county_name_en == county


def test_chalus_villa_through_the_session(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        placement = locate_point(session, 36.655, 51.4205)
    assert placement is not None
    assert placement.province_code == "IR-02"
    assert placement.county_name_en == "Chalus County"
    assert placement.county_name_fa == "شهرستان چالوس"


def test_the_sea_belt_of_a_coastal_county_is_inside(locator: Locator) -> None:
    placement = locator.locate(36.70, 51.42)  # a few km off the Chalus shore
    assert placement is not None and placement.county_name_en == "Chalus County"


@pytest.mark.parametrize("name", OUTSIDE)
def test_points_abroad_are_outside(locator: Locator, name: str) -> None:
    assert locator.locate(*OUTSIDE[name]) is None


def test_vectorised_equals_one_by_one(locator: Locator) -> None:
    rng = np.random.default_rng(2026)
    lats = np.r_[rng.uniform(24.0, 40.5, 400), [t[0] for t in BORDER_TOWNS.values()]]
    lons = np.r_[rng.uniform(43.5, 64.0, 400), [t[1] for t in BORDER_TOWNS.values()]]
    batch = locator.locate_many(lats, lons)
    assert batch.method == "polygon"
    for i in range(len(lats)):
        one = locator.locate(float(lats[i]), float(lons[i]))
        assert (one.province_code if one else None) == batch.province[i]
        assert (one.county_key if one else None) == batch.county[i]
        assert batch.inside[i] == (one is not None)
    assert 0 < batch.inside.sum() < len(lats)


def test_placements_of_many_points_equal_locating_each(locator: Locator) -> None:
    points = [*((t[0], t[1]) for t in BORDER_TOWNS.values()), *OUTSIDE.values(), (36.655, 51.42)]
    assert locator.placements(points) == [locator.locate(lat, lon) for lat, lon in points]
    assert locator.placements([]) == []
    with pytest.raises(InvalidInput):  # not a coordinate at all: refused, as one by one
        locator.placements([(36.6, 51.4), (91.0, 51.4)])


def test_an_empty_batch(locator: Locator) -> None:
    batch = locator.locate_many(np.array([]), np.array([]))
    assert batch.province.shape == (0,)
