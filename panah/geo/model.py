"""Locating a point in Iran: pure code, no ORM, no settings, no web.

Two locators answer the same question, "which county and province is this point in?":

- :class:`PolygonLocator` tests the point against imported boundary polygons (an STRtree
  over the counties, then a prepared point-in-polygon test per candidate county); exact.
- :class:`ApproximateLocator` needs no polygons: the nearest of a few thousand labelled
  seed points (GeoNames places, a representative point per county and sample points inside
  large counties) decides, that is, the Voronoi cell of the point. A seed also knows how
  far its cell reaches inside Iran, and GeoNames places of the neighbouring countries are
  seeds labelled "outside", so points in Iraq, Turkmenistan or the open sea are reported
  outside. Every answer says ``approximate``.

Both take numpy arrays (``locate_many``) as well as single points (``locate``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from panah.core.errors import InvalidInput

Method = Literal["polygon", "approximate"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
ObjectArray = npt.NDArray[np.object_]

# Iran's extent with a small margin (OSM polygons: lat 24.84–39.78, lon 44.03–63.33).
IRAN_BBOX = (24.5, 43.9, 40.0, 63.5)  # lat_min, lon_min, lat_max, lon_max
EARTH_RADIUS_KM = 6371.0088
# Centre of the azimuthal equidistant projection used for nearest-seed distances.
_CENTRE_LAT, _CENTRE_LON = 32.5, 53.5


@dataclass(frozen=True)
class ProvinceRef:
    code: str  # ISO 3166-2:IR
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class CountyRef:
    key: str  # Wikidata id, else "IR-XX:English name"
    province_code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class Placement:
    """Where a point is: its province and (when known) county, and how that was decided."""

    province_code: str
    province_name_fa: str
    province_name_en: str
    county_key: str | None
    county_name_fa: str | None
    county_name_en: str | None
    method: Method
    approximate: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "approximate", self.method == "approximate")


@dataclass(frozen=True)
class LocatedBatch:
    """Answers for many points, as arrays aligned with the input.

    ``province`` and ``county`` hold codes and keys (``None`` where unknown); ``inside`` is
    False for points outside Iran.
    """

    province: ObjectArray
    county: ObjectArray
    inside: npt.NDArray[np.bool_]
    method: Method

    @property
    def approximate(self) -> bool:
        return self.method == "approximate"


class Locator(Protocol):
    method: Method

    def locate(self, lat: float, lon: float) -> Placement | None: ...

    def locate_many(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> LocatedBatch: ...

    def placements(self, points: Sequence[tuple[float, float]]) -> list[Placement | None]: ...


def check_coordinates(lat: float, lon: float) -> None:
    """Refuse what is not a coordinate at all; a point merely outside Iran is fine."""
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise InvalidInput(
            f"({lat}, {lon}) is not a coordinate: latitude must be in [-90, 90] and "
            "longitude in [-180, 180].",
            f"({lat}، {lon}) مختصات درستی نیست: عرض جغرافیایی باید بین ۹۰- و ۹۰ و طول "
            "جغرافیایی بین ۱۸۰- و ۱۸۰ باشد.",
            lat=lat,
            lon=lon,
        )


def in_iran_bbox(lats: npt.ArrayLike, lons: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """A cheap first test: inside Iran's bounding box (a necessary, not sufficient, test)."""
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    lat_min, lon_min, lat_max, lon_max = IRAN_BBOX
    inside: npt.NDArray[np.bool_] = (
        (lat >= lat_min) & (lat <= lat_max) & (lon >= lon_min) & (lon <= lon_max)
    )
    return inside


def project_km(lats: npt.ArrayLike, lons: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Azimuthal equidistant projection centred on Iran, in km (scale error < 2 % in Iran)."""
    phi = np.radians(np.asarray(lats, dtype=np.float64))
    dlam = np.radians(np.asarray(lons, dtype=np.float64) - _CENTRE_LON)
    phi0 = math.radians(_CENTRE_LAT)
    cos_c = np.clip(
        math.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(dlam), -1.0, 1.0
    )
    c = np.arccos(cos_c)
    k = np.where(c > 1e-12, c / np.sin(np.maximum(c, 1e-12)), 1.0)
    x = EARTH_RADIUS_KM * k * np.cos(phi) * np.sin(dlam)
    y = EARTH_RADIUS_KM * k * (
        math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(dlam)
    )
    return x, y


def _as_arrays(lats: npt.ArrayLike, lons: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    lat = np.atleast_1d(np.asarray(lats, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(lons, dtype=np.float64))
    if lat.shape != lon.shape or lat.ndim != 1:
        raise InvalidInput(
            "Latitudes and longitudes must be one-dimensional arrays of the same length.",
            "آرایه‌های عرض و طول جغرافیایی باید یک‌بعدی و هم‌اندازه باشند.",
        )
    return lat, lon


class _IndexedLocator:
    """Shared bookkeeping: provinces and counties by index, indices → answers."""

    method: Method

    def __init__(self, provinces: Sequence[ProvinceRef], counties: Sequence[CountyRef]) -> None:
        self.provinces = list(provinces)
        self.counties = list(counties)
        index = {p.code: i for i, p in enumerate(self.provinces)}
        self._county_province = np.array(
            [index[c.province_code] for c in self.counties], dtype=np.intp
        )
        self._province_codes = np.array([p.code for p in self.provinces] + [None], dtype=object)
        self._county_keys = np.array([c.key for c in self.counties] + [None], dtype=object)

    def _indices(self, lat: FloatArray, lon: FloatArray) -> tuple[IntArray, IntArray]:
        """(province index, county index) per point; -1 where unknown or outside."""
        raise NotImplementedError

    def locate_many(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> LocatedBatch:
        lat, lon = _as_arrays(lats, lons)
        province, county = self._indices(lat, lon)
        return LocatedBatch(
            province=self._province_codes[province],
            county=self._county_keys[county],
            inside=province >= 0,
            method=self.method,
        )

    def locate(self, lat: float, lon: float) -> Placement | None:
        check_coordinates(lat, lon)
        province, county = self._indices(np.array([lat]), np.array([lon]))
        return self._placement(int(province[0]), int(county[0]))

    def placements(self, points: Sequence[tuple[float, float]]) -> list[Placement | None]:
        """``locate`` for many (lat, lon) points in one vectorised pass: a batch of calls
        costs about what one call does."""
        for point in points:
            check_coordinates(*point)
        lats, lons = _as_arrays([p[0] for p in points], [p[1] for p in points])
        province, county = self._indices(lats, lons)
        return [self._placement(int(p), int(c)) for p, c in zip(province, county, strict=True)]

    def _placement(self, province: int, county: int) -> Placement | None:
        if province < 0:
            return None
        p = self.provinces[province]
        c = self.counties[county] if county >= 0 else None
        return Placement(
            province_code=p.code,
            province_name_fa=p.name_fa,
            province_name_en=p.name_en,
            county_key=c.key if c else None,
            county_name_fa=c.name_fa if c else None,
            county_name_en=c.name_en if c else None,
            method=self.method,
        )


def _point_in_polygons(
    tree: STRtree, geoms: npt.NDArray[np.object_], lat: FloatArray, lon: FloatArray
) -> IntArray:
    """Index of the polygon holding each point (-1 for none), tested per candidate polygon."""
    found = np.full(lat.shape, -1, dtype=np.intp)
    if lat.size == 0:
        return found
    point_idx, geom_idx = tree.query(shapely.points(lon, lat))
    if point_idx.size == 0:
        return found
    order = np.argsort(geom_idx, kind="stable")
    point_idx, geom_idx = point_idx[order], geom_idx[order]
    starts = np.flatnonzero(np.diff(geom_idx)) + 1
    for points, g in zip(
        np.split(point_idx, starts), geom_idx[np.r_[0, starts]], strict=True
    ):
        hit = shapely.intersects_xy(geoms[g], lon[points], lat[points])
        found[points[hit]] = g
    return found


class PolygonLocator(_IndexedLocator):
    """Exact locating against boundary polygons (lon/lat, WGS 84)."""

    method: Method = "polygon"

    def __init__(
        self,
        provinces: Sequence[tuple[ProvinceRef, BaseGeometry | None]],
        counties: Sequence[tuple[CountyRef, BaseGeometry | None]],
    ) -> None:
        super().__init__([p for p, _ in provinces], [c for c, _ in counties])
        self._province_geoms, self._province_ids, self._province_tree = self._index(provinces)
        self._county_geoms, self._county_ids, self._county_tree = self._index(counties)
        # GEOS builds a prepared polygon's index lazily on first use; one query at a time.
        self._lock = threading.Lock()

    @staticmethod
    def _index(
        items: Sequence[tuple[object, BaseGeometry | None]],
    ) -> tuple[npt.NDArray[np.object_], IntArray, STRtree]:
        ids = np.array([i for i, (_, g) in enumerate(items) if g is not None], dtype=np.intp)
        geoms = np.array([items[i][1] for i in ids], dtype=object)
        shapely.prepare(geoms)
        return geoms, ids, STRtree(geoms)

    @property
    def county_count(self) -> int:
        return len(self._county_ids)

    def _indices(self, lat: FloatArray, lon: FloatArray) -> tuple[IntArray, IntArray]:
        with self._lock:
            return self._polygon_indices(lat, lon)

    def _polygon_indices(self, lat: FloatArray, lon: FloatArray) -> tuple[IntArray, IntArray]:
        county = np.full(lat.shape, -1, dtype=np.intp)
        province = np.full(lat.shape, -1, dtype=np.intp)
        candidates = np.flatnonzero(in_iran_bbox(lat, lon))
        hit = _point_in_polygons(
            self._county_tree, self._county_geoms, lat[candidates], lon[candidates]
        )
        found = hit >= 0
        county[candidates[found]] = self._county_ids[hit[found]]
        province[candidates[found]] = self._county_province[county[candidates[found]]]
        # A point in a gap between counties may still lie in a province polygon.
        rest = candidates[~found]
        hit = _point_in_polygons(
            self._province_tree, self._province_geoms, lat[rest], lon[rest]
        )
        province[rest[hit >= 0]] = self._province_ids[hit[hit >= 0]]
        return province, county


@dataclass(frozen=True)
class Seeds:
    """Labelled points for the approximation: ``county`` is -1 for a seed outside Iran."""

    lat: FloatArray
    lon: FloatArray
    county: IntArray
    radius_km: FloatArray


class ApproximateLocator(_IndexedLocator):
    """Nearest labelled seed (a Voronoi partition); no polygons needed, always approximate."""

    method: Method = "approximate"
    # Slack on each seed's reach, for points just beyond the farthest sample it was fitted on.
    margin_km = 3.0

    def __init__(
        self, provinces: Sequence[ProvinceRef], counties: Sequence[CountyRef], seeds: Seeds
    ) -> None:
        super().__init__(provinces, counties)
        self.seeds = seeds
        x, y = project_km(seeds.lat, seeds.lon)
        self._tree = STRtree(shapely.points(x, y))

    @classmethod
    def from_package(cls) -> ApproximateLocator:
        from panah.geo.reference import approximate_seeds, counties, provinces

        return cls(provinces(), counties(), approximate_seeds())

    def nearest(self, lat: FloatArray, lon: FloatArray) -> tuple[IntArray, FloatArray]:
        """Index of the nearest seed for each point and its distance in km."""
        x, y = project_km(lat, lon)
        (query, seed), dist = self._tree.query_nearest(
            shapely.points(x, y), return_distance=True, all_matches=False
        )
        nearest = np.empty(lat.shape, dtype=np.intp)
        distance = np.empty(lat.shape, dtype=np.float64)
        nearest[query], distance[query] = seed, dist
        return nearest, distance

    def _indices(self, lat: FloatArray, lon: FloatArray) -> tuple[IntArray, IntArray]:
        county = np.full(lat.shape, -1, dtype=np.intp)
        province = np.full(lat.shape, -1, dtype=np.intp)
        candidates = np.flatnonzero(in_iran_bbox(lat, lon))
        if candidates.size == 0:
            return province, county
        seed, distance = self.nearest(lat[candidates], lon[candidates])
        label = self.seeds.county[seed]
        inside = (label >= 0) & (distance <= self.seeds.radius_km[seed] + self.margin_km)
        county[candidates[inside]] = label[inside]
        province[candidates[inside]] = self._county_province[label[inside]]
        return province, county
