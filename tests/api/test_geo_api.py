"""The geography API, through HTTP, as the demo users."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from panah.config import Settings
from panah.core.clock import FrozenClock
from panah.core.db import make_session_factory, unit_of_work
from panah.geo.service import import_boundaries
from tests.conftest import NOWRUZ, login


@pytest.fixture
def osm_client(
    template_db_with_boundaries: Path, tmp_path: Path, clock: FrozenClock
) -> Iterator[TestClient]:
    """A client of an app whose database has the OpenStreetMap boundaries imported."""
    from panah.main import create_app

    target = tmp_path / "panah.db"
    shutil.copyfile(template_db_with_boundaries, target)
    settings = Settings(  # type: ignore[arg-type]
        database_url=f"sqlite:///{target}", environment="test", secret_key="x" * 40
    )
    application = create_app(settings, clock=clock)
    with TestClient(application, follow_redirects=False) as test_client:
        yield test_client
    application.state.engine.dispose()


def test_geography_needs_a_signed_in_user(client: TestClient) -> None:
    for path in ["/api/geo/status", "/api/geo/locate?lat=36.655&lon=51.4205",
                 "/api/geo/provinces.geojson", "/api/geo/places?q=chalus"]:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"] == "not_authenticated"


def test_a_partner_agency_may_not_browse_geography(client: TestClient) -> None:
    login(client, "partner_agency")
    assert client.get("/api/geo/status").status_code == 403


def test_without_polygons_everything_says_approximate(client: TestClient) -> None:
    login(client, "counsellor")
    status = client.get("/api/geo/status").json()
    assert (status["mode"], status["approximate"], status["provinces"]) == (
        "approximate", True, 31,
    )

    answer = client.get("/api/geo/locate", params={"lat": 36.97372, "lon": 50.5701}).json()
    assert (answer["province"], answer["county"]) == ("IR-01", "Rudsar County")  # Chaboksar
    assert (answer["method"], answer["approximate"]) == ("approximate", True)

    provinces = client.get("/api/geo/provinces.geojson").json()
    assert provinces["approximate"] is True
    assert len(provinces["features"]) == 31
    mazandaran = next(f for f in provinces["features"] if f["properties"]["code"] == "IR-02")
    assert mazandaran["geometry"] == {"type": "Point", "coordinates": [53.06009, 36.56332]}


def test_mobile_caller_in_chalus_is_placed_in_mazandaran(osm_client: TestClient) -> None:
    login(osm_client, "counsellor")
    response = osm_client.get("/api/geo/locate", params={"lat": 36.655, "lon": 51.4205})
    assert response.status_code == 200
    answer = response.json()
    assert answer["province"] == "IR-02"
    assert answer["province_name_fa"] == "مازندران"
    assert (answer["county"], answer["county_fa"]) == ("Chalus County", "شهرستان چالوس")
    assert (answer["method"], answer["approximate"], answer["outside_iran"]) == (
        "polygon", False, False,
    )


def test_a_point_abroad_is_a_200_saying_outside(osm_client: TestClient) -> None:
    login(osm_client, "counsellor")
    response = osm_client.get("/api/geo/locate", params={"lat": 33.3152, "lon": 44.3661})
    assert response.status_code == 200
    assert response.json()["outside_iran"] is True
    assert response.json()["province"] is None


@pytest.mark.parametrize("params", [{"lat": 91, "lon": 51}, {"lat": 36, "lon": -181},
                                    {"lat": "north", "lon": 51}, {"lat": 36}])
def test_not_a_coordinate_is_422(client: TestClient, params: dict[str, object]) -> None:
    login(client, "counsellor")
    response = client.get("/api/geo/locate", params=params)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert response.json()["message_fa"]


def test_outlines_when_polygons_are_imported(osm_client: TestClient) -> None:
    login(osm_client, "counsellor")
    provinces = osm_client.get("/api/geo/provinces.geojson").json()
    assert provinces["approximate"] is False
    assert {f["geometry"]["type"] for f in provinces["features"]} <= {"Polygon", "MultiPolygon"}
    codes = sorted(f["properties"]["code"] for f in provinces["features"])
    assert codes == [f"IR-{i:02d}" for i in range(31)]

    counties = osm_client.get("/api/geo/counties.geojson", params={"province": "IR-02"}).json()
    assert len(counties["features"]) == 22
    sari = next(f for f in counties["features"] if f["properties"]["name_en"] == "Sari County")
    assert sari["properties"]["seat_en"] == "Sari"
    assert sari["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert len(json.dumps(counties)) < 400_000  # simplified outlines, not the raw polygons


def test_counties_as_points_without_polygons(client: TestClient) -> None:
    login(client, "counsellor")
    counties = client.get("/api/geo/counties.geojson", params={"province": "IR-01"}).json()
    assert counties["approximate"] is True
    assert all(f["geometry"]["type"] == "Point" for f in counties["features"])
    assert client.get("/api/geo/counties.geojson", params={"province": "IR-99"}).status_code == 422


def test_the_locator_follows_a_new_import(
    client: TestClient, shared_data: Path
) -> None:
    login(client, "admin")
    params = {"lat": 36.655, "lon": 51.4205}
    assert client.get("/api/geo/locate", params=params).json()["method"] == "approximate"
    app = client.app
    with unit_of_work(make_session_factory(app.state.engine)) as session:  # type: ignore[attr-defined]
        import_boundaries(session, shared_data / "iran-boundaries", now=NOWRUZ)
    assert client.get("/api/geo/locate", params=params).json()["method"] == "polygon"


def test_gazetteer(client: TestClient) -> None:
    login(client, "counsellor")
    matches = client.get("/api/geo/places", params={"q": "كلاردشت"}).json()
    assert matches[0]["name_en"] == "Kelardasht County"
    assert matches[0]["province_code"] == "IR-02"
    assert client.get("/api/geo/places", params={"q": ""}).status_code == 422


def test_openapi_documents_the_answers(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    locate = schema["paths"]["/api/geo/locate"]["get"]["responses"]["200"]
    assert locate["content"]["application/json"]["schema"]["$ref"].endswith("/LocatePublic")
    assert "outside_iran" in schema["components"]["schemas"]["LocatePublic"]["properties"]
