"""Driving time by road without a routing engine: a pure, fast, explainable estimate.

minutes = turnout + road km at the road class's speed × the time band's congestion, where
road km = great-circle km × a detour factor. Both ends of a trip are placed in the zones:

- Terrain: a trip with one end on the Caspian lowland and the other not, or with an end in
  the Alborz belt, is a mountain trip (``alborz_crossing`` / ``alborz_mountains``): detour
  1.5 and mountain-road speed; other trips have the plain detour 1.3.
- Road class: ``urban`` when both ends are in the same city (whatever the terrain),
  ``mountain_road``, ``highway`` for long plateau trips, else ``main_road`` (the Caspian
  coast road always). An end inside a city drives its way out, up to a few km, at city
  speed.
- Time bands, on the Iran clock (UTC+3:30; Iran has kept no daylight saving since 2022):
  city rush hours and nights change the city part. In Nowruz daytime (Farvardin 1–13 of
  the Jalali calendar) trips touching the Caspian lowland are slower, and a mountain trip
  whose straight line passes within a corridor's buffer of the Chalus road (59) or the
  Haraz road (77), or that ends beside one, runs at the one-way schemes' pace
  (``nowruz_one_way:chalus_road``).

The zones (Caspian lowland, Alborz belt, the two corridors, city extents) are approximate
hand-drawn data in ``panah/geo/data/travel_zones.json``. A deployment with a routing engine
plugs a client for its matrix API in behind :class:`TravelTimes` instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, Protocol

import jdatetime
import numpy as np
import numpy.typing as npt

from panah.core.errors import InvalidInput

Point = tuple[float, float]  # (lat, lon) degrees WGS84
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

IRAN_TIME = timezone(timedelta(hours=3, minutes=30), "IRST")  # no DST since 2022
EARTH_RADIUS_KM = 6371.0088
ZONES_FILE = Path(__file__).resolve().parent / "data" / "travel_zones.json"
FRIDAY = 4  # datetime.weekday(); the Iranian weekend has no rush hours
# Corridor tests use a flat projection; the corridors sit near 36.2° N, where its error is
# under 1 %, and far-away trips never come near them.
_KX = 111.32 * math.cos(math.radians(36.2))
_KY = 110.57


class TravelTimes(Protocol):
    def minutes(
        self, origins: Sequence[Point], destination: Point, at: datetime
    ) -> list[float | None]:
        """Driving minutes from each origin to the destination at time `at` (aware UTC);
        None where unreachable/unknown."""
        ...


class InvalidTravelInput(InvalidInput, ValueError):
    """A point that is not a coordinate or a naive time: a ValueError, reported like any
    other invalid input."""


def check_point(point: Point, what: str = "point") -> None:
    lat, lon = point
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise InvalidTravelInput(
            f"{what} ({lat}, {lon}) is not a coordinate: latitude must be in [-90, 90] and "
            "longitude in [-180, 180].",
            f"{what} ({lat}، {lon}) مختصات درستی نیست: عرض جغرافیایی باید بین ۹۰- و ۹۰ و "
            "طول جغرافیایی بین ۱۸۰- و ۱۸۰ باشد.",
        )


def check_aware(at: datetime, what: str = "at") -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidTravelInput(
            f"{what} must be a timezone-aware datetime (UTC), not {at.isoformat()}.",
            f"زمان {what} باید همراه با منطقهٔ زمانی (UTC) باشد.",
        )


def great_circle_km(a: Point, b: Point) -> float:
    """Haversine distance in km on the mean Earth radius."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _haversine_km(lat: FloatArray, lon: FloatArray, to: Point) -> FloatArray:
    phi, lam = np.radians(lat), np.radians(lon)
    phi2, lam2 = math.radians(to[0]), math.radians(to[1])
    h = np.sin((phi2 - phi) / 2) ** 2 + np.cos(phi) * math.cos(phi2) * np.sin((lam2 - lam) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0))))


@dataclass(frozen=True)
class Corridor:
    key: str  # "chalus_road"
    name_en: str
    name_fa: str
    buffer_km: float
    line: tuple[Point, ...]


@dataclass(frozen=True)
class City:
    name: str
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Zones:
    caspian_lowland: tuple[Point, ...]
    alborz: tuple[Point, ...]
    corridors: tuple[Corridor, ...]
    cities: tuple[City, ...]


@cache
def packaged_zones() -> Zones:
    data: dict[str, Any] = json.loads(ZONES_FILE.read_text("utf-8"))

    def points(rows: list[list[float]]) -> tuple[Point, ...]:
        return tuple((float(lat), float(lon)) for lat, lon in rows)

    return Zones(
        caspian_lowland=points(data["caspian_lowland"]),
        alborz=points(data["alborz"]),
        corridors=tuple(Corridor(key, c["name_en"], c["name_fa"], float(c["buffer_km"]),
                                 points(c["line"])) for key, c in data["corridors"].items()),
        cities=tuple(City(n, float(la), float(lo), float(r)) for n, la, lo, r in data["cities"]),
    )


class _Polygon:
    """A ring as edge arrays, for an even-odd (ray casting) test of many points at once."""

    def __init__(self, ring: Sequence[Point]) -> None:
        ring_array = np.asarray(ring, dtype=np.float64)
        self.lat1, self.lon1 = ring_array[:, 0], ring_array[:, 1]
        self.lat2, self.lon2 = np.roll(self.lat1, -1), np.roll(self.lon1, -1)
        self.box = (ring_array[:, 0].min(), ring_array[:, 0].max(),
                    ring_array[:, 1].min(), ring_array[:, 1].max())

    def contains(self, lat: FloatArray, lon: FloatArray) -> BoolArray:
        inside = np.zeros(lat.shape, dtype=np.bool_)
        near = ((lat >= self.box[0]) & (lat <= self.box[1])
                & (lon >= self.box[2]) & (lon <= self.box[3]))
        if not near.any():  # most of Iran is nowhere near the Alborz: skip the edge work
            return inside
        y, x = lat[near, None], lon[near, None]
        spans = (self.lat1 > y) != (self.lat2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):  # flat edges never span
            cross_x = self.lon1 + (y - self.lat1) * (self.lon2 - self.lon1) / (
                self.lat2 - self.lat1)
        inside[near] = (np.count_nonzero(spans & (x < cross_x), axis=1) % 2) == 1
        return inside


def _segment_gaps(px: FloatArray, py: FloatArray, ax: FloatArray, ay: FloatArray,
                  bx: FloatArray, by: FloatArray) -> FloatArray:
    """Distance from points P (column) to segments A→B (row): every pair, in one pass."""
    ex, ey = bx - ax, by - ay
    t = np.minimum(np.maximum(((px - ax) * ex + (py - ay) * ey) / np.maximum(
        ex * ex + ey * ey, 1e-12), 0.0), 1.0)
    return np.asarray(np.hypot(px - ax - t * ex, py - ay - t * ey))


class _Cities:
    """City extents, with a coarse grid of candidate cities so that each point is measured
    against the two or three cities near it, not all of them."""

    CELL_DEG = 0.5

    def __init__(self, cities: Sequence[City]) -> None:
        # A last dummy city (radius -1) pads the candidate lists: nobody is ever inside it.
        self.lat = np.array([c.lat for c in cities] + [0.0])
        self.lon = np.array([c.lon for c in cities] + [0.0])
        self.radius = np.array([c.radius_km for c in cities] + [-1.0])
        lats, lons = [c.lat for c in cities] or [0.0], [c.lon for c in cities] or [0.0]
        self.origin = (min(lats) - 1, min(lons) - 1)  # a degree of margin all round
        self.shape = (int((max(lats) + 1 - self.origin[0]) / self.CELL_DEG) + 1,
                      int((max(lons) + 1 - self.origin[1]) / self.CELL_DEG) + 1)
        cells: list[list[int]] = [[] for _ in range(self.shape[0] * self.shape[1])]
        for i, c in enumerate(cities):
            reach_lat = c.radius_km / _KY
            reach_lon = c.radius_km / (111.32 * math.cos(math.radians(c.lat)))
            for row in range(*self._span(c.lat, reach_lat, 0)):
                for col in range(*self._span(c.lon, reach_lon, 1)):
                    cells[row * self.shape[1] + col].append(i)
        width = max(1, *(len(c) for c in cells))
        self.candidates = np.array([c + [len(cities)] * (width - len(c)) for c in cells],
                                   dtype=np.intp)

    def _span(self, centre: float, reach: float, axis: int) -> tuple[int, int]:
        low = int((centre - reach - self.origin[axis]) / self.CELL_DEG)
        high = int((centre + reach - self.origin[axis]) / self.CELL_DEG)
        return max(low, 0), min(high, self.shape[axis] - 1) + 1

    def depth(self, lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
        """km from each point in to the edge of its city (0 outside) and the city (-1)."""
        row = np.clip(((lat - self.origin[0]) / self.CELL_DEG).astype(np.intp), 0,
                      self.shape[0] - 1)
        col = np.clip(((lon - self.origin[1]) / self.CELL_DEG).astype(np.intp), 0,
                      self.shape[1] - 1)
        near = self.candidates[row * self.shape[1] + col]  # (points, width)
        dy = (lat[:, None] - self.lat[near]) * _KY
        dx = (lon[:, None] - self.lon[near]) * (111.32 * np.cos(np.radians(lat)))[:, None]
        depth = self.radius[near] - np.hypot(dx, dy)  # flat distances: cities are small
        best = np.argmax(depth, axis=1)
        leg = depth[np.arange(len(lat)), best]
        return np.maximum(leg, 0.0), np.where(leg > 0, near[np.arange(len(lat)), best], -1)


class _Corridors:
    """The corridors' polylines in flat km, end to end: vertices, and segments with a mask of
    the real ones (not the jump from one corridor to the next)."""

    def __init__(self, corridors: Sequence[Corridor]) -> None:
        self.items = tuple(corridors)
        rows = [(i, p[1] * _KX, p[0] * _KY, c.buffer_km)
                for i, c in enumerate(corridors) for p in c.line]
        table = np.array(rows, dtype=np.float64).reshape(-1, 4)
        owner = table[:, 0].astype(np.intp)
        self.x, self.y = table[None, :, 1], table[None, :, 2]
        self.buffer = table[None, :, 3]
        self.buffer2 = self.buffer ** 2
        self.is_segment = (owner[:-1] == owner[1:])[None, :]
        self.seg_owner = owner[:-1]
        margin = max((c.buffer_km for c in corridors), default=0.0)
        self.box = ((self.x.min() - margin, self.x.max() + margin,
                     self.y.min() - margin, self.y.max() + margin) if len(owner) else None)

    def used(self, lat: FloatArray, lon: FloatArray, to: Point) -> npt.NDArray[np.intp]:
        """For each trip to `to`, the first corridor whose buffer its straight line enters
        (-1: none)."""
        used = np.full(lat.shape, -1, dtype=np.intp)
        if self.box is None or not self.is_segment.any():
            return used
        qx, qy = to[1] * _KX, to[0] * _KY
        ax, ay, bx, by = self.x[:, :-1], self.y[:, :-1], self.x[:, 1:], self.y[:, 1:]
        to_gap = np.where(self.is_segment, _segment_gaps(np.array([[qx]]), np.array([[qy]]),
                                                         ax, ay, bx, by), np.inf)[0]
        near_to = to_gap <= self.buffer[0, :-1]
        if near_to.any():  # a place beside a corridor is reached by it, whatever the origin
            used[:] = self.seg_owner[np.argmin(np.where(near_to, to_gap, np.inf))]
            return used
        # In each trip's own frame (destination at 0, origin at L on the x axis) the
        # distance of its line to a corridor's vertices and crossings take a few products.
        px, py = lon * _KX, lat * _KY
        dx, dy = px[:, None] - qx, py[:, None] - qy
        length = np.maximum(np.hypot(dx, dy), 1e-9)
        ux, uy = dx / length, dy / length
        wx, wy = self.x - qx, self.y - qy
        along, perp = wx * ux + wy * uy, wy * ux - wx * uy
        over = along - np.minimum(np.maximum(along, 0.0), length)
        vertex = over * over + perp * perp <= self.buffer2
        pa, pb, la, lb = perp[:, :-1], perp[:, 1:], along[:, :-1], along[:, 1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            cut = la + (lb - la) * pa / (pa - pb)
        within = (vertex[:, :-1] | vertex[:, 1:] | ((pa * pb < 0) & (cut >= 0) & (cut <= length)))
        x0, x1, y0, y1 = self.box  # only an origin near the corridors can be near one
        close = np.flatnonzero((px >= x0) & (px <= x1) & (py >= y0) & (py <= y1))
        if len(close):
            within[close] |= _segment_gaps(px[close, None], py[close, None], ax, ay, bx,
                                           by) <= self.buffer[:, :-1]
        within &= self.is_segment
        hit = within.any(axis=1)
        used[hit] = self.seg_owner[np.argmax(within[hit], axis=1)]
        return used


class _Geometry:
    """The zones as arrays, built once per model."""

    def __init__(self, zones: Zones) -> None:
        self.caspian = _Polygon(zones.caspian_lowland)
        self.alborz = _Polygon(zones.alborz)
        self.cities = _Cities(zones.cities)
        self.corridors = _Corridors(zones.corridors)


@dataclass(frozen=True)
class Estimate:
    """One origin → destination. minutes = turnout + 60 × km / speed_kmh × congestion."""

    minutes: float
    km: float  # road km = great-circle km × detour
    detour: float
    speed_kmh: float  # free-flow average over the trip (city part at city speed)
    road_class: str  # "urban" | "main_road" | "mountain_road" | "highway"
    congestion: float  # driving time with the time band ÷ free-flow driving time
    reasons: tuple[str, ...]  # "alborz_crossing", "nowruz_one_way:chalus_road", ...


@dataclass(frozen=True)
class _Band:
    """What the clock says, in Iran time, for every trip of one call."""

    urban_factor: float
    urban_reason: str | None
    nowruz_day: bool


@dataclass(frozen=True)
class _Roads:
    """Where the trips of one call run: arrays aligned with the origins."""

    detour: FloatArray
    road_km: FloatArray
    urban_km: FloatArray  # the part at city speed
    road_class: npt.NDArray[np.intp]  # index into ROAD_CLASSES
    crossing: BoolArray
    mountains: BoolArray
    caspian_both: BoolArray
    caspian_any: BoolArray


@dataclass(frozen=True)
class _Trips:
    """The roads with their times."""

    roads: _Roads
    free_hours: FloatArray
    hours: FloatArray
    corridor: npt.NDArray[np.intp]  # into the zones' corridors, -1: none
    caspian_crowd: BoolArray


ROAD_CLASSES = ("urban", "main_road", "mountain_road", "highway")


def _origin_arrays(origins: Sequence[Point]) -> tuple[FloatArray, FloatArray]:
    points = np.asarray(origins, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise InvalidTravelInput("Origins must be (lat, lon) pairs.",
                                 "مبدأها باید جفت‌های (عرض، طول) جغرافیایی باشند.")
    lat, lon = points[:, 0], points[:, 1]
    good = np.isfinite(points).all(axis=1) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if not good.all():
        bad = int(np.argmin(good))
        check_point((float(lat[bad]), float(lon[bad])), f"origin {bad}")
    return lat, lon


@lru_cache(maxsize=4096)
def _farvardin_day(day: date) -> int:
    """The day of Farvardin (1–31) of a Gregorian date, 0 in any other Jalali month."""
    jalali = jdatetime.date.fromgregorian(date=day)
    return int(jalali.day) if jalali.month == 1 else 0


def _in_band(at: time, band: tuple[time, time]) -> bool:
    start, end = band
    return start <= at < end if start <= end else (at >= start or at < end)  # across midnight


@dataclass(frozen=True)
class TravelModel:
    """The numbers of the estimate. Defaults are judgement calls for Iranian roads, to be
    checked against dispatch records (en-route → on-scene times) once there are some."""

    # Roads wind: ~1.3 × the straight line on the plains and the Caspian coast road; the
    # Alborz roads climb through valleys and hairpins (Chalus road: 165 km for 107 km).
    detour_plain: float = 1.3
    detour_mountain: float = 1.5
    # Free-flow averages, stops and towns included. City: Tehran's daytime average is near
    # 30 km/h. Main road: two-lane roads through towns, like the Caspian coast road 22.
    # Mountain: the Chalus and Haraz roads take 3–4 h for ~165 km. Highway: long plateau
    # trips mostly on freeways and expressways.
    urban_kmh: float = 30.0
    main_road_kmh: float = 65.0
    mountain_kmh: float = 45.0
    highway_kmh: float = 85.0
    # Non-city road km from which a plateau trip is "highway"; never along the Caspian
    # coast, where road 22 runs through one town after another.
    highway_min_km: float = 60.0
    # Only the first and last km of a trip (straight-line, from the city's edge inwards) are
    # at city speed: beyond that, big cities' ring and radial freeways carry the traffic.
    urban_leg_max_km: float = 8.0
    turnout_minutes: float = 2.0  # crew to the vehicle and away
    # City rush hours (Iran time, not on Fridays nor during Nowruz, when Tehran empties).
    rush_hours: tuple[tuple[time, time], ...] = ((time(7), time(9, 30)), (time(16), time(20)))
    rush_factor: float = 1.5
    night_hours: tuple[time, time] = (time(23), time(6))
    night_factor: float = 0.75  # empty streets
    # Nowruz (Farvardin 1 … nowruz_last_day): by day the police run one-way schemes on the
    # Chalus and Haraz roads; a trip against the flow waits or detours, one with it crawls.
    nowruz_last_day: int = 13
    nowruz_day_hours: tuple[time, time] = (time(7), time(22))
    nowruz_one_way_factor: float = 1.8
    nowruz_caspian_factor: float = 1.25  # holiday crowds in the coastal towns and road 22
    zones: Zones | None = None  # None: the packaged approximate zones

    @cached_property
    def _geometry(self) -> _Geometry:
        return _Geometry(self.zones or packaged_zones())

    @property
    def _speeds(self) -> tuple[float, float, float, float]:  # in ROAD_CLASSES order
        return self.urban_kmh, self.main_road_kmh, self.mountain_kmh, self.highway_kmh

    def estimate(self, origin: Point, destination: Point, at: datetime) -> Estimate:
        check_point(origin, "origin")
        trips = self._trips([origin], destination, at)
        free, hours, road_km = (float(trips.free_hours[0]), float(trips.hours[0]),
                                float(trips.roads.road_km[0]))
        road_class = int(trips.roads.road_class[0])
        return Estimate(
            minutes=self.turnout_minutes + 60 * hours,
            km=road_km,
            detour=float(trips.roads.detour[0]),
            speed_kmh=road_km / free if free > 0 else self._speeds[road_class],
            road_class=ROAD_CLASSES[road_class],
            congestion=hours / free if free > 0 else 1.0,
            reasons=self._reasons(trips, self._band(at)),
        )

    def minutes(
        self, origins: Sequence[Point], destination: Point, at: datetime
    ) -> list[float | None]:
        """Every origin gets a number: the model knows no unreachable place."""
        if not origins:
            check_point(destination, "destination")
            check_aware(at)
            return []
        trips = self._trips(origins, destination, at)
        result: list[float | None] = (self.turnout_minutes + 60 * trips.hours).tolist()
        return result

    def _trips(self, origins: Sequence[Point], destination: Point, at: datetime) -> _Trips:
        check_point(destination, "destination")
        band = self._band(at)
        lat, lon = _origin_arrays(origins)
        geo = self._geometry
        all_lat, all_lon = np.append(lat, destination[0]), np.append(lon, destination[1])
        caspian = geo.caspian.contains(all_lat, all_lon)
        in_alborz = geo.alborz.contains(all_lat, all_lon) & ~caspian
        leg, city = geo.cities.depth(all_lat, all_lon)
        same_city = (city[:-1] >= 0) & (city[:-1] == city[-1])  # streets, whatever the terrain
        cas_o, cas_d = caspian[:-1], bool(caspian[-1])
        mountains = (in_alborz[:-1] | bool(in_alborz[-1])) & ~same_city
        crossing = (cas_o != cas_d) & ~mountains & ~same_city
        gc = _haversine_km(lat, lon, destination)
        detour = np.where(crossing | mountains, self.detour_mountain, self.detour_plain)
        road_km = gc * detour
        legs = np.minimum(leg[:-1], self.urban_leg_max_km) + min(leg[-1], self.urban_leg_max_km)
        urban_km = np.where(same_city, road_km, np.minimum(road_km, self.detour_plain * legs))
        highway = (road_km - urban_km >= self.highway_min_km) & ~(cas_o & cas_d)
        road_class = np.where(same_city, 0, np.where(crossing | mountains, 2,
                                                     np.where(highway, 3, 1)))
        roads = _Roads(detour=detour, road_km=road_km, urban_km=urban_km,
                       road_class=road_class, crossing=crossing, mountains=mountains,
                       caspian_both=cas_o & cas_d, caspian_any=cas_o | cas_d)
        return self._timed(roads, band, lat, lon, destination)

    def _timed(self, trips: _Roads, band: _Band, lat: FloatArray, lon: FloatArray,
               to: Point) -> _Trips:
        """Free-flow and banded hours; the city part and the rest have their own factors."""
        speeds = np.array(self._speeds)
        speeds[0] = self.main_road_kmh  # an urban trip has no rest; no division by a city speed
        urban_h = trips.urban_km / self.urban_kmh
        rest_h = (trips.road_km - trips.urban_km) / speeds[trips.road_class]
        urban_f, rest_f = np.full(lat.shape, band.urban_factor), np.ones(lat.shape)
        corridor = np.full(lat.shape, -1, dtype=np.intp)
        crowd = np.zeros(lat.shape, dtype=np.bool_)
        if band.nowruz_day:
            crowd = trips.caspian_any
            urban_f = np.where(crowd, np.maximum(urban_f, self.nowruz_caspian_factor), urban_f)
            rest_f = np.where(crowd, self.nowruz_caspian_factor, rest_f)
            climbs = trips.crossing | trips.mountains  # a coast or plateau trip never uses one
            if climbs.any():
                corridor[climbs] = self._geometry.corridors.used(lat[climbs], lon[climbs], to)
            rest_f = np.where(corridor >= 0, np.maximum(rest_f, self.nowruz_one_way_factor),
                              rest_f)
        return _Trips(trips, free_hours=urban_h + rest_h, hours=urban_h * urban_f + rest_h * rest_f,
                      corridor=corridor, caspian_crowd=crowd)

    def _band(self, at: datetime) -> _Band:
        check_aware(at)
        local = at.astimezone(IRAN_TIME)
        clock = local.time().replace(tzinfo=None)
        nowruz = 1 <= _farvardin_day(local.date()) <= self.nowruz_last_day
        if _in_band(clock, self.night_hours):
            factor, reason = self.night_factor, "urban_night"
        elif (not nowruz and local.weekday() != FRIDAY
              and any(_in_band(clock, b) for b in self.rush_hours)):
            factor, reason = self.rush_factor, "urban_rush_hour"
        else:
            factor, reason = 1.0, None
        return _Band(factor, reason, nowruz and _in_band(clock, self.nowruz_day_hours))

    def _reasons(self, trips: _Trips, band: _Band) -> tuple[str, ...]:
        """Machine codes for the first trip of the call (``estimate`` makes one)."""
        roads, reasons = trips.roads, []
        if roads.crossing[0]:
            reasons.append("alborz_crossing")
        elif roads.mountains[0]:
            reasons.append("alborz_mountains")
        elif roads.caspian_both[0]:
            reasons.append("caspian_plain")
        if band.urban_reason and roads.urban_km[0] > 0:
            reasons.append(band.urban_reason)
        if trips.corridor[0] >= 0:
            key = self._geometry.corridors.items[int(trips.corridor[0])].key
            reasons.append(f"nowruz_one_way:{key}")
        if trips.caspian_crowd[0]:
            reasons.append("nowruz_caspian_traffic")
        return tuple(reasons)


DEFAULT_MODEL = TravelModel()
