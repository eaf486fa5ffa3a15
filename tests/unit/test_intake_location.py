"""The location chain: every source, best first, and every reason a fix is skipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from panah.geo.gazetteer import PlaceMatch, find_place
from panah.geo.model import Placement
from panah.intake.model import LocationFix, LocationSource, TrailStep
from panah.intake.routing.location import (
    CHAIN,
    DEFAULT_MAX_AGE,
    choose_location,
    fix_from_place,
)
from tests.conftest import NOWRUZ

CHALUS = (36.655, 51.4205)
TEHRAN = (35.6892, 51.389)
BAGHDAD = (33.3152, 44.3661)


def _placement(province: str, county: str, method: str = "polygon") -> Placement:
    return Placement(province, f"fa:{province}", f"en:{province}", county, f"fa:{county}",
                     f"{county} County", method)  # type: ignore[arg-type]


def fake_locate(lat: float, lon: float) -> Placement | None:
    """Chalus and Tehran only; anywhere else is outside Iran."""
    if (lat, lon) == CHALUS:
        return _placement("IR-02", "Chalus")
    if (lat, lon) == TEHRAN:
        return _placement("IR-23", "Tehran")
    return None


def _choose(*fixes: LocationFix) -> tuple[LocationFix, Placement | None, list[TrailStep]]:
    return choose_location(fixes, now=NOWRUZ, locate=fake_locate)


def _reasons(trail: list[TrailStep]) -> list[tuple[str, str, object]]:
    return [(s.step, s.outcome, s.data.get("reason")) for s in trail]


def fresh(source: LocationSource, point: tuple[float, float] = CHALUS,
          **kw: object) -> LocationFix:
    return LocationFix(source=source, lat=point[0], lon=point[1], radius_m=30.0,
                       at=NOWRUZ - timedelta(minutes=1), **kw)  # type: ignore[arg-type]


def test_the_chain_tries_sources_best_first() -> None:
    assert [s.value for s in CHAIN] == ["aml", "network", "browser", "named_place", "area_code"]


@pytest.mark.parametrize(
    "source", [LocationSource.aml, LocationSource.network, LocationSource.browser,
               LocationSource.named_place],
)
def test_each_point_source_alone_locates_the_caller(source: LocationSource) -> None:
    fix, placement, trail = _choose(fresh(source))
    assert fix.source is source
    assert placement is not None and placement.county_key == "Chalus"
    assert trail[-1].step == f"location:{source.value}" and trail[-1].outcome == "used"
    # every better source was looked for and reported missing
    better = CHAIN[: CHAIN.index(source)]
    assert [s.step for s in trail[:-1]] == [f"location:{s.value}" for s in better]
    assert all(s.outcome == "missing" for s in trail[:-1])


def test_the_landline_area_code_gives_a_province_without_a_county() -> None:
    fix, placement, trail = _choose(
        LocationFix(source=LocationSource.area_code, province_code="IR-02", detail="011")
    )
    assert fix.province_code == "IR-02" and placement is None
    assert trail[-1].outcome == "used" and "province IR-02" in trail[-1].detail_en
    assert "(approximate)" in trail[-1].detail_en and "(تقریبی)" in trail[-1].detail_fa


def test_aml_beats_a_browser_fix_in_another_province() -> None:
    fix, placement, _ = _choose(fresh(LocationSource.browser, TEHRAN), fresh(LocationSource.aml))
    assert fix.source is LocationSource.aml
    assert placement is not None and placement.province_code == "IR-02"


def test_nothing_at_all_is_unknown_not_an_error() -> None:
    fix, placement, trail = _choose()
    assert fix.source is LocationSource.unknown and placement is None
    assert [s.outcome for s in trail] == ["missing"] * 5 + ["unknown"]
    assert "never refused" in trail[-1].detail_en
    assert "هرگز رد نمی‌شود" in trail[-1].detail_fa


def test_a_stale_handset_fix_is_skipped_for_a_fresh_network_one() -> None:
    old = LocationFix(source=LocationSource.aml, lat=TEHRAN[0], lon=TEHRAN[1], radius_m=10,
                      at=NOWRUZ - DEFAULT_MAX_AGE - timedelta(seconds=1))
    fix, placement, trail = _choose(old, fresh(LocationSource.network))
    assert fix.source is LocationSource.network
    assert placement is not None and placement.province_code == "IR-02"
    assert ("location:aml", "skipped", "stale") in _reasons(trail)
    step = trail[0]
    assert "30 min old (limit 30 min)" in step.detail_en
    assert "دقیقه پیش گرفته شده است" in step.detail_fa


def test_a_fix_exactly_at_the_age_limit_is_still_used() -> None:
    fix, _, _ = _choose(LocationFix(source=LocationSource.aml, lat=CHALUS[0], lon=CHALUS[1],
                                    at=NOWRUZ - DEFAULT_MAX_AGE))
    assert fix.source is LocationSource.aml


def test_a_vague_network_fix_is_skipped_for_the_browser() -> None:
    vague = LocationFix(source=LocationSource.network, lat=TEHRAN[0], lon=TEHRAN[1],
                        radius_m=80_000, at=NOWRUZ)
    fix, _, trail = _choose(vague, fresh(LocationSource.browser))
    assert fix.source is LocationSource.browser
    assert ("location:network", "skipped", "too_vague") in _reasons(trail)
    assert "80 km is over 50 km" in trail[1].detail_en


def test_a_point_outside_iran_is_skipped() -> None:
    fix, _, trail = _choose(fresh(LocationSource.aml, BAGHDAD), fresh(LocationSource.browser))
    assert fix.source is LocationSource.browser
    assert ("location:aml", "skipped", "outside_iran") in _reasons(trail)
    assert "بیرون از ایران" in trail[0].detail_fa


def test_an_aml_message_without_a_point_is_skipped() -> None:
    no_point = LocationFix(source=LocationSource.aml, detail="pm=N")
    fix, _, trail = _choose(no_point, fresh(LocationSource.network))
    assert fix.source is LocationSource.network
    assert ("location:aml", "skipped", "no_point") in _reasons(trail)


def test_a_point_that_is_not_a_coordinate_is_skipped() -> None:
    broken = LocationFix(source=LocationSource.browser, lat=133.0, lon=51.0)
    fix, _, trail = _choose(broken)
    assert fix.source is LocationSource.unknown
    assert ("location:browser", "skipped", "not_a_coordinate") in _reasons(trail)


def test_every_candidate_skipped_falls_back_to_the_area_code() -> None:
    fix, placement, trail = _choose(
        fresh(LocationSource.aml, BAGHDAD),
        LocationFix(source=LocationSource.network, lat=CHALUS[0], lon=CHALUS[1],
                    radius_m=60_000, at=NOWRUZ),
        LocationFix(source=LocationSource.browser, lat=CHALUS[0], lon=CHALUS[1],
                    at=NOWRUZ - timedelta(hours=2)),
        LocationFix(source=LocationSource.area_code, province_code="IR-23", detail="021"),
    )
    assert (fix.source, fix.province_code, placement) == (LocationSource.area_code, "IR-23", None)
    assert _reasons(trail) == [
        ("location:aml", "skipped", "outside_iran"),
        ("location:network", "skipped", "too_vague"),
        ("location:browser", "skipped", "stale"),
        ("location:named_place", "missing", None),
        ("location:area_code", "used", None),
    ]


def test_of_two_fixes_from_one_source_the_newest_is_tried_first() -> None:
    older = LocationFix(source=LocationSource.aml, lat=TEHRAN[0], lon=TEHRAN[1],
                        at=NOWRUZ - timedelta(minutes=5))
    newer = LocationFix(source=LocationSource.aml, lat=CHALUS[0], lon=CHALUS[1],
                        at=NOWRUZ - timedelta(minutes=1))
    fix, _, _ = _choose(older, newer)
    assert fix is newer


def test_the_limits_are_parameters() -> None:
    fix, _, trail = choose_location(
        [fresh(LocationSource.aml)], now=NOWRUZ, locate=fake_locate,
        max_age=timedelta(seconds=30), max_radius_m=10,
    )
    assert fix.source is LocationSource.unknown
    assert _reasons(trail)[0] == ("location:aml", "skipped", "stale")


def test_trail_data_carries_the_fix_for_the_console() -> None:
    _, _, trail = _choose(fresh(LocationSource.aml))
    data = trail[-1].data
    assert data["source"] == "aml" and data["lat"] == CHALUS[0] and data["radius_m"] == 30.0
    assert data["method"] == "polygon"


# ---- named places ------------------------------------------------------------------------


def test_a_named_town_becomes_a_named_place_fix() -> None:
    fix, step = fix_from_place("چالوس", find_place)
    assert fix is not None
    assert (fix.source, fix.province_code) == (LocationSource.named_place, "IR-02")
    assert fix.has_point and fix.radius_m == 25_000
    assert (step.step, step.outcome) == ("gazetteer", "matched")


def test_a_transliteration_variant_is_still_found() -> None:
    fix, _ = fix_from_place("Chaloos", find_place)
    assert fix is not None and fix.province_code == "IR-02"


def test_a_named_province_gives_a_province_only_fix() -> None:
    fix, _ = fix_from_place("مازندران", find_place)
    assert fix is not None
    assert (fix.province_code, fix.has_point) == ("IR-02", False)
    _, placement, trail = _choose(fix)
    assert placement is None and trail[-1].outcome == "used"


def test_an_uncertain_match_is_not_used_and_says_ask_again() -> None:
    fix, step = fix_from_place("Babolsar beach", find_place)
    assert fix is None
    assert step.outcome == "uncertain"
    assert "ask the caller again" in step.detail_en
    assert "دوباره از تماس‌گیرنده بپرسید" in step.detail_fa


def test_an_unknown_place_is_not_found() -> None:
    fix, step = fix_from_place("xyzzy", find_place)
    assert fix is None and step.outcome == "not_found"


def test_an_empty_place_is_not_looked_up() -> None:
    def never(query: str) -> Sequence[PlaceMatch]:
        raise AssertionError("looked up an empty name")

    fix, step = fix_from_place("   ", never)
    assert fix is None and step.outcome == "not_found"


def test_the_score_threshold_is_a_parameter() -> None:
    match = PlaceMatch("چالوس", "Chalus", "place", 36.655, 51.4205, "IR-02", "Q1282160", 90.0)
    accepted, _ = fix_from_place("Chalus", lambda q: [match], min_score=85)
    refused, step = fix_from_place("Chalus", lambda q: [match], min_score=95)
    assert accepted is not None and accepted.radius_m == 5_000
    assert refused is None and step.data["score"] == 90.0
