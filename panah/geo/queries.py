"""Geography's read side: boundary layers for maps, locating a point, the status, names.

Each is a function of the caller's session; nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.geo import reference
from panah.geo.model import Locator, check_coordinates
from panah.geo.orm import County, Province
from panah.geo.schemas import Feature, FeatureCollection, GeoStatusPublic, LocatePublic
from panah.geo.service import boundary_status, build_locator, latest_import_id


@dataclass(frozen=True, slots=True)
class RegionName:
    """A province or county as a page names it (``code``: the province's ISO code, or the
    county's key)."""

    code: str
    name_fa: str
    name_en: str


def province_names(session: Session) -> list[RegionName]:
    """Every province, by code: for pickers and the page frame."""
    rows = session.execute(
        select(Province.code, Province.name_fa, Province.name_en).order_by(Province.code)
    )
    return [RegionName(code, fa, en) for code, fa, en in rows]


def province_name(session: Session, code: str | None) -> RegionName | None:
    province = session.get(Province, code) if code else None
    return RegionName(province.code, province.name_fa, province.name_en) if province else None


# ---- layers for maps ------------------------------------------------------------------


def _point(lat: float | None, lon: float | None) -> dict[str, Any] | None:
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def provinces_geojson(session: Session) -> FeatureCollection:
    """The 31 provinces: outlines when boundaries are imported, else points at the capitals."""
    rows = session.execute(
        select(Province.code, Province.name_fa, Province.name_en, Province.capital_lat,
               Province.capital_lon, Province.population_2016, Province.outline_geojson)
        .order_by(Province.code)
    ).all()
    features = [
        Feature(
            geometry=json.loads(r.outline_geojson)
            if r.outline_geojson
            else _point(r.capital_lat, r.capital_lon) or {},
            properties={
                "code": r.code, "name_fa": r.name_fa, "name_en": r.name_en,
                "capital_lat": r.capital_lat, "capital_lon": r.capital_lon,
                "population_2016": r.population_2016,
            },
        )
        for r in rows
    ]
    return FeatureCollection(
        approximate=not any(r.outline_geojson for r in rows), features=features
    )


def counties_geojson(session: Session, *, province: str | None) -> FeatureCollection:
    """Counties (of one province): outlines where imported, else a point inside the county."""
    query = select(County.key, County.province_code, County.name_fa, County.name_en,
                   County.seat_en, County.seat_fa, County.seat_lat, County.seat_lon,
                   County.population_2016, County.outline_geojson).order_by(County.name_en)
    if province is not None:
        if session.get(Province, province) is None:
            raise InvalidInput(
                f"Unknown province {province!r}: use an ISO 3166-2:IR code such as IR-02.",
                f"استان ناشناخته {province!r}: کدی مانند IR-02 به کار ببرید.",
                province=province,
            )
        query = query.where(County.province_code == province)
    rows = session.execute(query).all()
    inner = {c.key: (c.rep_lat, c.rep_lon) for c in reference.county_facts()}
    features = [_county_feature(r, inner.get(r.key)) for r in rows]
    return FeatureCollection(
        approximate=not any(r.outline_geojson for r in rows), features=features
    )


def _county_feature(row: Any, inner: tuple[float, float] | None) -> Feature:
    if row.outline_geojson:
        geometry: dict[str, Any] = json.loads(row.outline_geojson)
    else:
        point = _point(row.seat_lat, row.seat_lon) or (_point(*inner) if inner else None)
        geometry = point or {}
    return Feature(
        geometry=geometry,
        properties={
            "key": row.key, "province_code": row.province_code, "name_fa": row.name_fa,
            "name_en": row.name_en, "seat_en": row.seat_en, "seat_fa": row.seat_fa,
            "seat_lat": row.seat_lat, "seat_lon": row.seat_lon,
            "population_2016": row.population_2016,
        },
    )


# ---- locating and the status ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeptLocator:
    """A locator with the boundary import it was built from: a process keeps it until a
    newer import lands (building one from polygons takes a while)."""

    import_id: int | None
    locator: Locator


@dataclass(frozen=True, slots=True)
class Located:
    """Where a point is, and the locator that found it (the one to keep)."""

    answer: LocatePublic
    kept: KeptLocator


def locate(
    session: Session, *, lat: float, lon: float, kept: KeptLocator | None
) -> Located:
    """Province and county of a point, with ``kept`` if no newer boundaries were imported
    since it was built, else with a locator built now."""
    check_coordinates(lat, lon)
    import_id = latest_import_id(session)
    if kept is None or kept.import_id != import_id:
        kept = KeptLocator(import_id, build_locator(session))
    locator = kept.locator
    return Located(LocatePublic.build(lat, lon, locator.locate(lat, lon), locator.method), kept)


def geo_status(session: Session) -> GeoStatusPublic:
    """Whether locating uses imported polygons or the built-in approximation."""
    return GeoStatusPublic.build(boundary_status(session))
