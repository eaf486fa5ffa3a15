"""Routing (pure): location → county → centre → the province's queue; national when unknown."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from panah.core.errors import InvalidInput
from panah.geo.model import Placement
from panah.geo.reference import province_facts
from panah.geo.service import approximate_locator
from panah.intake.model import (
    NATIONAL_QUEUE,
    LocationFix,
    LocationSource,
    RouteDecision,
    TrailStep,
)
from panah.intake.routing.aml import parse_aml
from panah.intake.routing.model import (
    CentreCover,
    LineConfig,
    OpeningHours,
    decision_as_dict,
    default_lines,
    great_circle_km,
    route,
)
from tests.conftest import NOWRUZ

CHALUS = (36.655, 51.4205)
KELARDASHT = (36.51094, 51.17343)
RASHT = (37.27611, 49.58862)
LINES = default_lines(province_facts())
COVERAGE = {
    "Q1282160": CentreCover("MZN-C-CHALUS", None, "Chalus centre", "مرکز چالوس"),
    "IR-02:Kelardasht County": CentreCover("MZN-C-CHALUS", "Q1282160", "Chalus centre",
                                           "مرکز چالوس"),
}


def polygon_locate(lat: float, lon: float) -> Placement | None:
    """Exact answers for three points, as the polygon locator gives them."""
    known = {
        CHALUS: ("IR-02", "Mazandaran", "مازندران", "Q1282160", "Chalus County", "شهرستان چالوس"),
        KELARDASHT: ("IR-02", "Mazandaran", "مازندران", "IR-02:Kelardasht County",
                     "Kelardasht County", "شهرستان کلاردشت"),
        RASHT: ("IR-01", "Gilan", "گیلان", "Q_RASHT", "Rasht County", "شهرستان رشت"),
    }
    found = known.get((lat, lon))
    if found is None:
        return None
    code, p_en, p_fa, key, c_en, c_fa = found
    return Placement(code, p_fa, p_en, key, c_fa, c_en, "polygon")


def _route(*fixes: LocationFix, lines: dict[str, LineConfig] = LINES,
           now: datetime = NOWRUZ) -> RouteDecision:
    return route(fixes, now=now, locate=polygon_locate, coverage=COVERAGE, lines=lines)


def _step(decision: RouteDecision, name: str) -> TrailStep:
    return next(s for s in decision.trail if s.step == name)


def point(source: LocationSource, where: tuple[float, float],
          at: datetime = NOWRUZ) -> LocationFix:
    return LocationFix(source=source, lat=where[0], lon=where[1], radius_m=20, at=at)


def test_a_mobile_caller_in_chalus_reaches_the_mazandaran_queue_and_chalus_centre() -> None:
    aml = parse_aml('A"ML=1;lt=+36.65500;lg=+51.42050;rd=25;top=20260322062900;lc=68;pm=G')
    decision = route([aml.to_fix()], now=NOWRUZ, locate=polygon_locate, coverage=COVERAGE,
                     lines=LINES)
    assert (decision.queue, decision.province_code, decision.county_key, decision.centre_code) == (
        "IR-02", "IR-02", "Q1282160", "MZN-C-CHALUS",
    )
    assert decision.location.source is LocationSource.aml
    assert decision.approximate is False
    assert [(s.step, s.outcome) for s in decision.trail] == [
        ("location:aml", "used"), ("centre", "own"), ("queue", "chosen"),
    ]
    assert "served by its own centre, Chalus centre" in decision.trail[1].detail_en
    assert "Mazandaran (IR-02)" in decision.trail[2].detail_en
    assert "مازندران" in decision.trail[2].detail_fa


def test_a_county_without_a_centre_is_answered_by_its_covering_county() -> None:
    decision = _route(point(LocationSource.browser, KELARDASHT))
    assert decision.centre_code == "MZN-C-CHALUS"
    step = _step(decision, "centre")
    assert (step.step, step.outcome) == ("centre", "covering")
    assert step.data["covering_county_key"] == "Q1282160"
    assert "covering county" in step.detail_en and "شهرستان معین" in step.detail_fa


def test_a_county_with_no_registered_centre_still_reaches_its_province() -> None:
    decision = _route(point(LocationSource.network, RASHT))
    assert (decision.queue, decision.centre_code) == ("IR-01", None)
    assert _step(decision, "centre").outcome == "none"


def test_unknown_location_goes_to_the_national_queue_never_refused() -> None:
    decision = _route()
    assert (decision.queue, decision.province_code, decision.centre_code) == (
        NATIONAL_QUEUE, None, None,
    )
    assert decision.location.source is LocationSource.unknown
    assert decision.trail[-1].data["queue"] == NATIONAL_QUEUE


def test_a_caller_abroad_with_a_mobile_goes_to_the_national_queue() -> None:
    decision = _route(point(LocationSource.aml, (33.3152, 44.3661)))
    assert decision.queue == NATIONAL_QUEUE
    assert decision.trail[0].data["reason"] == "outside_iran"


def test_a_landline_area_code_reaches_its_province_approximately() -> None:
    decision = _route(LocationFix(source=LocationSource.area_code, province_code="IR-23",
                                  detail="021"))
    assert (decision.queue, decision.county_key, decision.centre_code) == (
        "IR-23", None, None,
    )
    assert decision.approximate is True


def test_the_builtin_approximation_makes_the_decision_approximate() -> None:
    decision = route([point(LocationSource.aml, CHALUS)], now=NOWRUZ,
                     locate=approximate_locator().locate, coverage=COVERAGE, lines=LINES)
    assert (decision.queue, decision.county_key) == ("IR-02", "Q1282160")
    assert decision.approximate is True


def test_a_province_missing_from_the_configuration_gets_a_default_line() -> None:
    decision = _route(point(LocationSource.network, RASHT), lines={})
    assert decision.queue == "IR-01"


def test_a_closed_line_hands_its_contacts_to_the_first_open_backup() -> None:
    night_only = (OpeningHours(time(20, 0), time(8, 0)),)  # Iran time, spans midnight
    lines = {
        "IR-02": LineConfig("IR-02", hours=night_only, backup_queues=("IR-27", "IR-20")),
        "IR-27": LineConfig("IR-27", hours=night_only),
        "IR-20": LineConfig("IR-20"),
    }
    decision = _route(point(LocationSource.aml, CHALUS), lines=lines)  # 10:00 Iran time
    assert decision.queue == "IR-20"
    assert decision.trail[-1].outcome == "closed"
    at_night = datetime(2026, 3, 22, 19, 0, tzinfo=UTC)  # 22:30 Iran time
    late = _route(point(LocationSource.aml, CHALUS, at_night), lines=lines, now=at_night)
    assert late.queue == "IR-02"


def test_a_closed_line_with_every_backup_closed_goes_national() -> None:
    shut = (OpeningHours(time(8, 0), time(9, 0)),)
    lines = {"IR-02": LineConfig("IR-02", hours=shut, backup_queues=("IR-27",)),
             "IR-27": LineConfig("IR-27", hours=shut)}
    assert _route(point(LocationSource.aml, CHALUS), lines=lines).queue == NATIONAL_QUEUE


def test_a_line_is_open_all_day_by_default() -> None:
    line = LineConfig("IR-02")
    assert all(line.is_open(NOWRUZ + timedelta(hours=h)) for h in range(24))
    assert (line.queue, line.overflow_after_s, line.national_pool) == ("IR-02", 20.0, True)


def test_a_line_may_name_its_own_queue() -> None:
    assert LineConfig("IR-02", queue="mzn-nowruz").queue == "mzn-nowruz"


@pytest.mark.parametrize("seconds", [0.0, -5.0, float("nan")])
def test_a_nonsense_overflow_time_is_refused(seconds: float) -> None:
    with pytest.raises(InvalidInput) as caught:
        LineConfig("IR-02", overflow_after_s=seconds)
    assert "positive number of seconds" in caught.value.message_en


def test_mazandarans_first_backup_is_golestan() -> None:
    assert LINES["IR-02"].backup_queues[0] == "IR-27"
    assert LINES["IR-02"].backup_queues == ("IR-27", "IR-20")


def test_backups_are_the_two_nearest_capitals_elsewhere() -> None:
    assert len(LINES) == 31
    assert all(len(line.backup_queues) == 2 for line in LINES.values())
    assert all(code not in line.backup_queues for code, line in LINES.items())
    assert LINES["IR-23"].backup_queues == ("IR-30", "IR-25")  # Tehran → Alborz (Karaj), Qom
    assert LINES["IR-27"].backup_queues[0] == "IR-02"  # Gorgan → Sari


def test_without_preferences_the_nearest_capital_wins() -> None:
    plain = default_lines(province_facts(), preferred={})
    assert plain["IR-02"].backup_queues == ("IR-20", "IR-27")  # Semnan 114 km, Gorgan 127 km


def test_great_circle_distance_sari_to_gorgan() -> None:
    assert great_circle_km(36.56332, 53.06009, 36.8456, 54.43937) == pytest.approx(127, abs=2)


def test_the_decision_serialises_to_json() -> None:
    decision = _route(point(LocationSource.browser, KELARDASHT))
    data = decision_as_dict(decision)
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text)["centre"] == "MZN-C-CHALUS"
    assert data["location"]["source"] == "browser"  # type: ignore[index]
    assert {"step", "outcome", "detail_en", "detail_fa", "data"} <= set(data["trail"][0])  # type: ignore[index]
