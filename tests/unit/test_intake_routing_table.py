"""A routing table of 73 points against the OpenStreetMap boundaries and the demo centres.

The 31 province capitals, Mazandaran's 22 county seats (each must name its centre: its own
or its covering county's) and 20 towns within 15 km of a province border (the distance
measured on the same OSM polygons). Reads ../shared/data; skipped with the fixture's reason
where it is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.demo import COUNTY_CENTRES, COVERING
from panah.geo.reference import CountyFacts, ProvinceFacts, county_facts, province_facts
from panah.intake.model import NATIONAL_QUEUE, LocationFix, LocationSource, RouteDecision
from panah.intake.routing.aml import parse_aml
from panah.intake.routing.context import RoutingContext, routing_context
from panah.intake.routing.model import route
from tests.conftest import NOWRUZ

pytestmark = pytest.mark.shared

# Town: (lat, lon, province, km to the nearest other province, that province). GeoNames points.
BORDER_TOWNS: dict[str, tuple[float, float, str, float, str]] = {
    "Chaboksar": (36.97372, 50.57010, "IR-01", 1.6, "IR-02"),
    "Ramsar": (36.91796, 50.64802, "IR-02", 7.0, "IR-01"),
    "Katalem va Sadat Shahr": (36.88879, 50.69640, "IR-02", 12.4, "IR-01"),
    "Galugah": (36.72734, 53.80888, "IR-02", 4.7, "IR-27"),
    "Bandar-e Gaz": (36.77409, 53.94798, "IR-27", 7.8, "IR-02"),
    "Damavand": (35.71842, 52.06958, "IR-23", 5.0, "IR-02"),
    "Garmdarreh": (35.74803, 51.06865, "IR-30", 1.5, "IR-23"),
    "Qods": (35.72140, 51.10900, "IR-23", 2.2, "IR-30"),
    "Abyek": (36.03993, 50.53101, "IR-26", 2.0, "IR-30"),
    "Lowshan": (36.62981, 49.51282, "IR-01", 2.9, "IR-26"),
    "Manjil": (36.74445, 49.40082, "IR-01", 3.7, "IR-26"),
    "Kamyaran": (34.79535, 46.93682, "IR-12", 3.1, "IR-05"),
    "Miandoab": (36.96667, 46.10961, "IR-04", 5.7, "IR-03"),
    "Malekan": (37.14258, 46.10345, "IR-03", 6.4, "IR-04"),
    "Harsin": (34.27210, 47.58610, "IR-05", 6.1, "IR-15"),
    "Darreh Shahr": (33.14447, 47.37990, "IR-16", 5.0, "IR-15"),
    "Tafresh": (34.69307, 50.01601, "IR-00", 8.2, "IR-25"),
    "Khalkhal": (37.61837, 48.52928, "IR-24", 8.2, "IR-01"),
    "Faruj": (37.23121, 58.21900, "IR-28", 5.8, "IR-09"),
    "Shahr-e Kord": (32.32612, 50.85720, "IR-14", 12.9, "IR-10"),
}
# Mazandaran border towns: the county and the centre that must answer there.
MAZANDARAN_BORDER = {
    "Ramsar": ("Ramsar County", "MZN-C-RAMSAR"),
    "Katalem va Sadat Shahr": ("Ramsar County", "MZN-C-RAMSAR"),
    "Galugah": ("Galugah County", "MZN-C-BEHSHAHR"),
}
SEATS = [c for c in county_facts() if c.province_code == "IR-02" and c.seat_lat is not None]


def _centre_code(county: str) -> str:
    return f"MZN-C-{county.upper().replace(' ', '')}"


@pytest.fixture(scope="module")
def context(
    template_db_with_boundaries: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RoutingContext]:
    copy = tmp_path_factory.mktemp("routing-table") / "panah.db"
    shutil.copyfile(template_db_with_boundaries, copy)
    engine = make_engine(f"sqlite:///{copy}")
    with unit_of_work(make_session_factory(engine)) as session:
        built = routing_context(session)
    yield built
    engine.dispose()


def _route_point(context: RoutingContext, lat: float, lon: float) -> RouteDecision:
    fix = LocationFix(source=LocationSource.aml, lat=lat, lon=lon, radius_m=15,
                      at=NOWRUZ - timedelta(seconds=40))
    return route([fix], now=NOWRUZ, locate=context.locate, coverage=context.coverage,
                 lines=context.lines)


def test_the_table_has_at_least_40_points() -> None:
    assert len(province_facts()) + len(SEATS) + len(BORDER_TOWNS) >= 40
    assert len(SEATS) == 22
    assert all(km <= 15 for *_, km, _ in BORDER_TOWNS.values())


def test_the_context_uses_polygons_and_the_demo_coverage(context: RoutingContext) -> None:
    assert context.locator_method == "polygon"
    assert len(context.lines) == 31
    assert len(context.coverage) == 22  # the demo covers Mazandaran's 22 counties


@pytest.mark.parametrize("province", province_facts(), ids=lambda p: p.capital_en)
def test_every_capital_reaches_its_provinces_queue(
    context: RoutingContext, province: ProvinceFacts
) -> None:
    decision = _route_point(context, province.capital_lat, province.capital_lon)
    assert (decision.queue, decision.province_code) == (province.code, province.code)
    assert decision.approximate is False
    if province.code == "IR-02":
        assert decision.centre_code == "MZN-C-SARI"


@pytest.mark.parametrize("seat", SEATS, ids=lambda c: c.seat_en or c.key)
def test_every_mazandaran_seat_names_the_centre_that_answers_for_it(
    context: RoutingContext, seat: CountyFacts
) -> None:
    assert seat.seat_lat is not None and seat.seat_lon is not None
    decision = _route_point(context, seat.seat_lat, seat.seat_lon)
    assert (decision.queue, decision.county_key) == ("IR-02", seat.key)
    name = seat.name_en.removesuffix(" County")
    centre_step = next(s for s in decision.trail if s.step == "centre")
    if name in COUNTY_CENTRES:
        assert decision.centre_code == _centre_code(name)
        assert centre_step.outcome == "own"
    else:
        covering = COVERING[name]
        assert decision.centre_code == _centre_code(covering)
        assert centre_step.outcome == "covering"
        covering_key = next(c.key for c in SEATS if c.name_en == f"{covering} County")
        assert centre_step.data["covering_county_key"] == covering_key


@pytest.mark.parametrize("town", BORDER_TOWNS)
def test_towns_near_a_province_border_reach_the_right_queue(
    context: RoutingContext, town: str
) -> None:
    lat, lon, province, _, neighbour = BORDER_TOWNS[town]
    decision = _route_point(context, lat, lon)
    assert decision.queue == province != neighbour
    if town in MAZANDARAN_BORDER:
        county, centre = MAZANDARAN_BORDER[town]
        located = next(s for s in decision.trail if s.outcome == "used")
        assert county in located.detail_en
        assert decision.centre_code == centre


def test_chaboksar_in_gilan_and_ramsar_in_mazandaran_are_told_apart(
    context: RoutingContext,
) -> None:
    chaboksar = _route_point(context, *BORDER_TOWNS["Chaboksar"][:2])
    ramsar = _route_point(context, *BORDER_TOWNS["Ramsar"][:2])
    assert (chaboksar.queue, chaboksar.centre_code) == ("IR-01", None)
    assert (ramsar.queue, ramsar.centre_code) == ("IR-02", "MZN-C-RAMSAR")


def test_the_nowruz_traveller_in_chalus_reaches_mazandaran_not_tehran(
    context: RoutingContext,
) -> None:
    aml = parse_aml('A"ML=1;lt=+36.65490;lg=+51.42050;rd=25;top=20260322062930;lc=68;pm=G;'
                    "si=432112345678901;ei=356938035643809;mcc=432;mnc=11;ml=124")
    tehran_landline = LocationFix(source=LocationSource.area_code, province_code="IR-23")
    decision = route([tehran_landline, aml.to_fix()], now=NOWRUZ, locate=context.locate,
                     coverage=context.coverage, lines=context.lines)
    assert (decision.queue, decision.centre_code) == ("IR-02", "MZN-C-CHALUS")
    assert decision.location.source is LocationSource.aml
    assert context.lines["IR-02"].backup_queues[0] == "IR-27"


def test_a_point_at_sea_goes_to_the_national_queue(context: RoutingContext) -> None:
    decision = _route_point(context, 39.0, 51.5)  # Caspian Sea, far offshore
    assert (decision.queue, decision.province_code) == (NATIONAL_QUEUE, None)
