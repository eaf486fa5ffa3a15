"""Reading and checking boundary files before anything is written.

The layout is that of ``../shared/data/iran-boundaries``: ``provinces.geojson`` (one feature
per province, ``ISO3166-2`` in ``properties.tags`` or ``properties``) and
``counties/IR-XX.geojson`` (features with ``admin_level`` "5" are counties; the rest are
helper shapes and are skipped). Every problem is refused with :class:`BoundaryFileError`
naming the file, the feature and the reason, in English and Persian.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from panah.core.errors import InvalidInput
from panah.geo.text import normalize_fa

Progress = Callable[[int, int], None]
OUTLINE_TOLERANCE = 0.005  # degrees (~500 m): outlines for maps, not for locating
# A county's inner point may sit this far (degrees) outside its province polygon: the two
# layers come from different OSM relations whose shared borders differ by a few metres.
PROVINCE_SLACK = 0.02
LON_RANGE, LAT_RANGE = (40.0, 67.0), (22.0, 43.0)  # generous box around Iran


class BoundaryFileError(InvalidInput):
    code = "invalid_boundaries"

    def __init__(self, file: Path | str, feature: str, reason_en: str, reason_fa: str) -> None:
        name = Path(file).name if str(file) else str(file)
        super().__init__(
            f"{name}, feature {feature}: {reason_en}. Nothing was imported; "
            "fix the file and import again.",
            f"{name}، عارضهٔ {feature}: {reason_fa}. چیزی وارد نشد؛ فایل را اصلاح و دوباره "
            "وارد کنید.",
            file=str(file),
            feature=feature,
            reason=reason_en,
        )


@dataclass(frozen=True)
class ParsedRegion:
    code: str  # the province code (for a county, its province's)
    key: str | None  # Wikidata id for a county when given
    name_fa: str | None
    name_en: str | None
    geometry: BaseGeometry

    def wkb(self) -> bytes:
        return bytes(shapely.to_wkb(self.geometry))

    def outline(self) -> str:
        simple = shapely.simplify(self.geometry, OUTLINE_TOLERANCE, preserve_topology=True)
        rounded = shapely.transform(simple, lambda xy: np.round(xy, 4))
        return str(shapely.to_geojson(rounded))


@dataclass(frozen=True)
class ParsedBoundaries:
    provinces: list[ParsedRegion]
    counties: list[ParsedRegion]
    source: str
    sha256: str


def _tags(feature: dict[str, Any]) -> dict[str, Any]:
    properties = feature.get("properties") or {}
    tags = properties.get("tags")
    return tags if isinstance(tags, dict) else properties


def _feature_label(feature: dict[str, Any], index: int) -> str:
    tags = _tags(feature)
    for name in ("name:en", "name", "ISO3166-2", "wikidata"):
        if tags.get(name):
            return f"#{index} ({tags[name]})"
    return f"#{index}"


def _read_features(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise BoundaryFileError(path, "-", "the file is missing", "فایل وجود ندارد")
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as error:
        raise BoundaryFileError(
            path, "-", f"not valid JSON ({error})", f"JSON معتبر نیست ({error})"
        ) from error
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise BoundaryFileError(
            path, "-", "not a GeoJSON FeatureCollection", "یک FeatureCollection از GeoJSON نیست"
        )
    if not all(isinstance(f, dict) for f in features):
        raise BoundaryFileError(path, "-", "a feature is not an object", "عارضه‌ای شیء نیست")
    return features


def _geometry(path: Path, feature: dict[str, Any], label: str) -> BaseGeometry:
    try:
        geom = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as e:
        raise BoundaryFileError(
            path, label, f"unreadable geometry ({e!r})", f"هندسهٔ ناخوانا ({e!r})"
        ) from e
    if geom.geom_type not in {"Polygon", "MultiPolygon"} or geom.is_empty:
        raise BoundaryFileError(
            path, label, f"geometry must be a non-empty (Multi)Polygon, not {geom.geom_type}",
            f"هندسه باید چندضلعی ناتهی باشد، نه {geom.geom_type}",
        )
    if not shapely.is_valid(geom):
        reason = shapely.is_valid_reason(geom)
        raise BoundaryFileError(
            path, label, f"invalid polygon: {reason}", f"چندضلعی نامعتبر: {reason}"
        )
    minx, miny, maxx, maxy = geom.bounds
    if minx < LON_RANGE[0] or maxx > LON_RANGE[1] or miny < LAT_RANGE[0] or maxy > LAT_RANGE[1]:
        raise BoundaryFileError(
            path, label, "coordinates are not lon/lat degrees in Iran (WGS 84 expected)",
            "مختصات بر حسب درجهٔ طول/عرض جغرافیایی در ایران نیست (WGS 84 لازم است)",
        )
    return geom


def _provinces(path: Path, known: set[str]) -> list[ParsedRegion]:
    regions: dict[str, ParsedRegion] = {}
    for index, feature in enumerate(_read_features(path)):
        label = _feature_label(feature, index)
        tags = _tags(feature)
        code = tags.get("ISO3166-2")
        if not code:
            raise BoundaryFileError(
                path, label, "no ISO3166-2 province code", "کد استان ISO3166-2 ندارد"
            )
        if code not in known:
            raise BoundaryFileError(
                path, label, f"unknown province code {code!r} (IR-00 … IR-30 expected)",
                f"کد استان ناشناخته {code!r} (کد IR-00 تا IR-30 لازم است)",
            )
        if code in regions:
            raise BoundaryFileError(
                path, label, f"province {code} appears twice", f"استان {code} دو بار آمده است"
            )
        geom = _geometry(path, feature, label)
        regions[code] = ParsedRegion(code, None, tags.get("name:fa"), tags.get("name:en"), geom)
    missing = sorted(known - set(regions))
    if missing:
        raise BoundaryFileError(
            path, "-", f"provinces missing: {', '.join(missing)}",
            f"این استان‌ها نیامده‌اند: {'، '.join(missing)}",
        )
    return [regions[code] for code in sorted(regions)]


def _counties(path: Path, province: ParsedRegion) -> Iterator[ParsedRegion]:
    shapely.prepare(province.geometry)
    features = _read_features(path)
    # OSM files mark counties with admin_level 5 among helper shapes; a file without any
    # admin_level (official boundaries) is all counties.
    levelled = any("admin_level" in _tags(f) for f in features)
    for index, feature in enumerate(features):
        tags = _tags(feature)
        if levelled and str(tags.get("admin_level")) != "5":
            continue
        label = _feature_label(feature, index)
        name = tags.get("name:fa") or tags.get("name")
        if not name:
            raise BoundaryFileError(path, label, "the county has no name", "شهرستان نام ندارد")
        geom = _geometry(path, feature, label)
        inner = shapely.point_on_surface(geom)
        if not shapely.intersects(province.geometry, inner) and (
            shapely.distance(province.geometry, inner) > PROVINCE_SLACK
        ):
            raise BoundaryFileError(
                path, label, f"the county lies outside its province {province.code}",
                f"شهرستان بیرون از استان خود ({province.code}) است",
            )
        yield ParsedRegion(
            province.code, tags.get("wikidata"), normalize_fa(name), tags.get("name:en"), geom
        )


def _digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_boundaries(
    path: Path, known_provinces: set[str], *, progress: Progress | None = None
) -> ParsedBoundaries:
    """Read and check every file under ``path``; raise before anything is written."""
    path = Path(path)
    if not path.is_dir():
        raise BoundaryFileError(path, "-", "not a folder", "پوشه نیست")
    report = progress or (lambda _done, _total: None)
    total = len(known_provinces) + 1
    provinces = _provinces(path / "provinces.geojson", known_provinces)
    report(1, total)
    counties: list[ParsedRegion] = []
    files = [path / "provinces.geojson"]
    for done, province in enumerate(provinces, start=2):
        county_file = path / "counties" / f"{province.code}.geojson"
        counties += _counties(county_file, province)
        files.append(county_file)
        report(done, total)
    return ParsedBoundaries(provinces, counties, str(path.resolve()), _digest(files))
