"""``panah route`` on the demo database (no polygons: the built-in approximation locates)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from panah.cli import app
from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

runner = CliRunner()
AML = ('A"ML=1;lt=+36.65490;lg=+51.42050;rd=25;top=20260322062930;lc=68;pm=G;'
       "si=432112345678901;ei=356938035643809;mcc=432;mnc=11;ml=124")
AT = "2026-03-22T06:30:00Z"


@pytest.fixture(autouse=True)
def demo_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PANAH_DATABASE_URL", database_url)
    monkeypatch.setenv("PANAH_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEYS)
    monkeypatch.setenv("PANAH_HASH_KEY", TEST_HASH_KEY)
    monkeypatch.setenv("PANAH_ENVIRONMENT", "test")
    return database_url


def _json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["route", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _steps(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["step"], s["outcome"]) for s in data["trail"]]


def test_a_point_in_chalus_routes_to_the_mazandaran_queue_and_chalus_centre() -> None:
    data = _json("--lat", "36.655", "--lon", "51.4205", "--radius", "30", "--at", AT)
    assert (data["queue"], data["province"], data["county"], data["centre"]) == (
        "IR-02", "IR-02", "Q1282160", "MZN-C-CHALUS",
    )
    assert (data["province_name_en"], data["province_name_fa"]) == ("Mazandaran", "مازندران")
    assert data["county_name_en"] == "Chalus County"
    assert data["centre_name_en"] == "Chalus social emergency centre"
    assert (data["locator"], data["approximate"]) == ("approximate", True)
    location = data["location"]
    assert location["source"] == "network" and location["radius_m"] == 30.0
    assert ("location:network", "used") in _steps(data)
    assert all(s["detail_en"] and s["detail_fa"] for s in data["trail"])


def test_an_aml_message_is_the_preferred_source() -> None:
    data = _json("--aml", AML, "--lat", "35.6892", "--lon", "51.389", "--source", "browser",
                 "--at", AT)
    assert data["location"]["source"] == "aml"
    assert data["queue"] == "IR-02"


def test_a_stale_aml_message_is_skipped_for_the_browser_location() -> None:
    data = _json("--aml", AML, "--lat", "35.6892", "--lon", "51.389", "--source", "browser",
                 "--at", "2026-03-22T09:00:00Z")
    assert data["location"]["source"] == "browser"
    assert data["queue"] == "IR-23"
    assert ("location:aml", "skipped") in _steps(data)


def test_a_county_without_a_centre_names_its_covering_countys_centre() -> None:
    data = _json("--place", "کلاردشت", "--at", AT)
    assert (data["queue"], data["centre"]) == ("IR-02", "MZN-C-CHALUS")
    assert ("gazetteer", "matched") in _steps(data)
    assert ("centre", "covering") in _steps(data)


def test_a_tehran_landline_falls_back_to_its_area_code() -> None:
    data = _json("--phone", "021 8888 1234", "--at", AT)
    assert (data["queue"], data["county"], data["approximate"]) == ("IR-23", None, True)
    assert data["location"]["source"] == "area_code"
    assert ("phone", "landline") in _steps(data)


def test_a_mobile_with_no_location_goes_to_the_national_queue() -> None:
    data = _json("--phone", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "--at", AT)
    assert (data["queue"], data["province"]) == ("national", None)
    assert ("phone", "no_area_code") in _steps(data)
    assert "+98912" not in json.dumps(data)  # the number is not echoed into the trail


def test_nothing_at_all_still_gets_a_queue() -> None:
    assert _json()["queue"] == "national"


def test_the_human_output_shows_the_decision_and_trail_in_both_languages() -> None:
    result = runner.invoke(app, ["route", "--lat", "36.655", "--lon", "51.4205", "--at", AT])
    assert result.exit_code == 0, result.output
    assert "Queue / صف" in result.output and "IR-02" in result.output
    assert "Chalus social emergency centre" in result.output
    assert "approximate" in result.output


@pytest.mark.parametrize(
    ("args", "english", "persian"),
    [
        (["--aml", 'A"ML=1;lt=+96.0;lg=+51.4;top=20260322062930;pm=G'], "AML message refused",
         "پیامک AML پذیرفته نشد"),
        (["--phone", "0912"], "phone number is not usable", "شماره تلفن قابل استفاده نیست"),
        (["--lat", "133", "--lon", "51"], "latitude must be in [-90, 90]", "عرض جغرافیایی"),
        (["--lat", "36.6"], "Give both --lat and --lon", "هر دو --lat و --lon"),
        (["--lat", "36.6", "--lon", "51.4", "--radius", "-5"], "--radius must be", "--radius"),
        (["--at", "yesterday"], "not an ISO 8601 time", "زمان ISO 8601"),
        (["--at", "2026-03-22T06:30:00"], "not an ISO 8601 time with a zone", "منطقهٔ زمانی"),
    ],
    ids=["bad-aml", "bad-phone", "latitude-out-of-range", "lat-without-lon", "negative-radius",
         "bad-time", "naive-time"],
)
def test_bad_input_exits_2_with_a_bilingual_message(
    args: list[str], english: str, persian: str
) -> None:
    result = runner.invoke(app, ["route", *args])
    assert result.exit_code == 2
    assert english in result.output
    assert persian in result.output


def test_route_has_help_for_every_option() -> None:
    result = runner.invoke(app, ["route", "--help"])
    assert result.exit_code == 0
    for option in ("--lat", "--lon", "--radius", "--source", "--phone", "--aml", "--place",
                   "--at", "--json"):
        assert option in result.output
