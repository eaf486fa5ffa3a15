"""The packaged reference data (``panah/geo/data/*.tsv``), read once and cached.

The files are written by ``scripts/build_geo_data.py``; see ``panah/geo/data/README.md``
for their sources and attribution. Pure: no database, no settings.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from panah.geo.model import CountyRef, ProvinceRef, Seeds

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ProvinceFacts:
    code: str
    name_fa: str
    name_en: str
    capital_en: str
    capital_fa: str
    capital_lat: float
    capital_lon: float
    area_code: str
    population_2016: int


@dataclass(frozen=True)
class CountyFacts:
    key: str
    province_code: str
    name_fa: str
    name_en: str
    rep_lat: float
    rep_lon: float
    radius_km: float
    seat_en: str | None
    seat_fa: str | None
    seat_lat: float | None
    seat_lon: float | None
    population_2016: int | None


@dataclass(frozen=True)
class PlaceFacts:
    geonameid: int
    name_en: str
    name_fa: str | None
    lat: float
    lon: float
    population: int
    province_code: str
    county_key: str
    radius_km: float


def read_tsv(name: str) -> Iterator[dict[str, str]]:
    """Rows of a packaged TSV file; lines starting with ``#`` are comments (attribution)."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


def _opt(value: str) -> str | None:
    return value or None


def _opt_float(value: str) -> float | None:
    return float(value) if value else None


def _opt_int(value: str) -> int | None:
    return int(value) if value else None


@cache
def province_facts() -> tuple[ProvinceFacts, ...]:
    return tuple(
        ProvinceFacts(
            code=r["code"],
            name_fa=r["name_fa"],
            name_en=r["name_en"],
            capital_en=r["capital_en"],
            capital_fa=r["capital_fa"],
            capital_lat=float(r["capital_lat"]),
            capital_lon=float(r["capital_lon"]),
            area_code=r["area_code"],
            population_2016=int(r["population_2016"]),
        )
        for r in read_tsv("provinces.tsv")
    )


@cache
def county_facts() -> tuple[CountyFacts, ...]:
    return tuple(
        CountyFacts(
            key=r["key"],
            province_code=r["province"],
            name_fa=r["name_fa"],
            name_en=r["name_en"],
            rep_lat=float(r["rep_lat"]),
            rep_lon=float(r["rep_lon"]),
            radius_km=float(r["radius_km"]),
            seat_en=_opt(r["seat_en"]),
            seat_fa=_opt(r["seat_fa"]),
            seat_lat=_opt_float(r["seat_lat"]),
            seat_lon=_opt_float(r["seat_lon"]),
            population_2016=_opt_int(r["population_2016"]),
        )
        for r in read_tsv("counties.tsv")
    )


@cache
def place_facts() -> tuple[PlaceFacts, ...]:
    return tuple(
        PlaceFacts(
            geonameid=int(r["geonameid"]),
            name_en=r["name_en"],
            name_fa=_opt(r["name_fa"]),
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            population=int(r["population"]),
            province_code=r["province"],
            county_key=r["county_key"],
            radius_km=float(r["radius_km"]),
        )
        for r in read_tsv("places.tsv")
    )


@cache
def provinces() -> tuple[ProvinceRef, ...]:
    return tuple(ProvinceRef(p.code, p.name_fa, p.name_en) for p in province_facts())


@cache
def counties() -> tuple[CountyRef, ...]:
    return tuple(
        CountyRef(c.key, c.province_code, c.name_fa, c.name_en) for c in county_facts()
    )


@cache
def approximate_seeds(*, with_samples: bool = True) -> Seeds:
    """Seeds of the approximation: places, county points, samples, and places abroad."""
    index = {c.key: i for i, c in enumerate(county_facts())}
    rows: list[tuple[float, float, int, float]] = [
        (p.lat, p.lon, index[p.county_key], p.radius_km) for p in place_facts()
    ]
    rows += [(c.rep_lat, c.rep_lon, i, c.radius_km) for i, c in enumerate(county_facts())]
    if with_samples:
        rows += [
            (float(r["lat"]), float(r["lon"]), index[r["county_key"]], float(r["radius_km"]))
            for r in read_tsv("seeds.tsv")
        ]
    rows += [(float(r["lat"]), float(r["lon"]), -1, 0.0) for r in read_tsv("foreign.tsv")]
    table = np.array(rows, dtype=np.float64)
    return Seeds(
        lat=table[:, 0],
        lon=table[:, 1],
        county=table[:, 2].astype(np.intp),
        radius_km=table[:, 3],
    )
