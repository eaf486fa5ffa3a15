"""A broken boundary file is refused, naming what is wrong, and changes nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.core.errors import InvalidInput
from panah.core.migrate import upgrade
from panah.geo.boundaries import BoundaryFileError
from panah.geo.orm import BoundaryImport, County
from panah.geo.service import boundary_status, build_locator, import_boundaries, load_reference
from tests.conftest import NOWRUZ

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def factory(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('geo-import') / 'geo.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
        import_boundaries(session, shared_data / "iran-boundaries", now=NOWRUZ)
    yield factory
    engine.dispose()


@pytest.fixture
def broken(shared_data: Path, tmp_path: Path) -> Path:
    """A writable copy of the boundaries to break."""
    target = tmp_path / "boundaries"
    shutil.copytree(shared_data / "iran-boundaries", target)
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _county(data: dict[str, Any], name_en: str) -> dict[str, Any]:
    return next(f for f in data["features"]
                if f["properties"].get("tags", {}).get("name:en") == name_en)


def _refused(factory: sessionmaker[Session], path: Path) -> BoundaryFileError:
    with pytest.raises(BoundaryFileError) as caught, unit_of_work(factory) as session:
        import_boundaries(session, path, now=NOWRUZ)
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.message_fa and "چیزی وارد نشد" in caught.value.message_fa
    return caught.value


def _assert_first_import_stays(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(BoundaryImport)) == 1
        status = boundary_status(session)
        assert (status.mode, status.counties_with_polygons) == ("polygons", 478)
        assert session.scalar(select(func.count()).select_from(County)) == 478
        placement = build_locator(session).locate(36.655, 51.4205)
    assert placement is not None and placement.county_name_en == "Chalus County"


def test_unparseable_json(factory: sessionmaker[Session], broken: Path) -> None:
    path = broken / "counties" / "IR-02.geojson"
    path.write_text(path.read_text(encoding="utf-8")[:-200], encoding="utf-8")
    error = _refused(factory, broken)
    assert error.details["file"].endswith("IR-02.geojson")
    assert "not valid JSON" in error.message_en and "JSON معتبر نیست" in error.message_fa
    _assert_first_import_stays(factory)


def test_invalid_geometry(factory: sessionmaker[Session], broken: Path) -> None:
    def bowtie(data: dict[str, Any]) -> None:
        _county(data, "Chalus County")["geometry"] = {
            "type": "Polygon",
            "coordinates": [[[51.3, 36.5], [51.5, 36.7], [51.5, 36.5], [51.3, 36.7], [51.3, 36.5]]],
        }

    _edit(broken / "counties" / "IR-02.geojson", bowtie)
    error = _refused(factory, broken)
    assert "Chalus County" in error.message_en
    assert "invalid polygon" in error.message_en and "Self-intersection" in error.message_en
    assert "چندضلعی نامعتبر" in error.message_fa
    _assert_first_import_stays(factory)


def test_empty_geometry(factory: sessionmaker[Session], broken: Path) -> None:
    def empty(data: dict[str, Any]) -> None:
        _county(data, "Sari County")["geometry"] = {"type": "MultiPolygon", "coordinates": []}

    _edit(broken / "counties" / "IR-02.geojson", empty)
    error = _refused(factory, broken)
    assert "Sari County" in error.message_en and "non-empty" in error.message_en
    _assert_first_import_stays(factory)


def test_unknown_province_code(factory: sessionmaker[Session], broken: Path) -> None:
    def rename(data: dict[str, Any]) -> None:
        tags = next(f["properties"]["tags"] for f in data["features"]
                    if f["properties"]["tags"]["ISO3166-2"] == "IR-02")
        tags["ISO3166-2"] = "IR-99"

    _edit(broken / "provinces.geojson", rename)
    error = _refused(factory, broken)
    assert error.details["file"].endswith("provinces.geojson")
    assert "Mazandaran" in error.details["feature"]  # type: ignore[operator]
    assert "unknown province code 'IR-99'" in error.message_en
    assert "کد استان ناشناخته" in error.message_fa
    _assert_first_import_stays(factory)


def test_missing_province_code(factory: sessionmaker[Session], broken: Path) -> None:
    def drop(data: dict[str, Any]) -> None:
        del data["features"][0]["properties"]["tags"]["ISO3166-2"]

    _edit(broken / "provinces.geojson", drop)
    assert "no ISO3166-2" in _refused(factory, broken).message_en
    _assert_first_import_stays(factory)


def test_county_outside_its_province_file(factory: sessionmaker[Session], broken: Path) -> None:
    gilan = json.loads((broken / "counties" / "IR-01.geojson").read_text(encoding="utf-8"))
    stray = _county(gilan, "Rasht County")

    _edit(broken / "counties" / "IR-02.geojson", lambda data: data["features"].append(stray))
    error = _refused(factory, broken)
    assert "Rasht County" in error.message_en
    assert "outside its province IR-02" in error.message_en
    _assert_first_import_stays(factory)


def test_missing_county_file(factory: sessionmaker[Session], broken: Path) -> None:
    (broken / "counties" / "IR-30.geojson").unlink()
    error = _refused(factory, broken)
    assert "IR-30.geojson" in error.message_en and "missing" in error.message_en
    _assert_first_import_stays(factory)


def test_not_a_folder(factory: sessionmaker[Session], tmp_path: Path) -> None:
    _refused(factory, tmp_path / "nowhere")
    _assert_first_import_stays(factory)


def test_reimport_is_recorded_and_keeps_the_counties(
    factory: sessionmaker[Session], shared_data: Path
) -> None:
    with unit_of_work(factory) as session:
        record = import_boundaries(session, shared_data / "iran-boundaries", now=NOWRUZ)
        assert record.counties == 478
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(BoundaryImport)) == 2
        assert session.scalar(select(func.count()).select_from(County)) == 478
        rows = session.scalars(select(BoundaryImport).order_by(BoundaryImport.id)).all()
        assert rows[0].sha256 == rows[1].sha256
