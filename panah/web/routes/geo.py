"""Geography API: boundary layers for maps, locating a point, the gazetteer, the status."""

from __future__ import annotations

import json
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.geo import reference
from panah.geo.gazetteer import find_place
from panah.geo.model import Locator, check_coordinates
from panah.geo.orm import County, Province
from panah.geo.schemas import (
    Feature,
    FeatureCollection,
    GeoStatusPublic,
    LocatePublic,
    PlacePublic,
)
from panah.geo.service import boundary_status, build_locator, latest_import_id
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/geo", tags=["geography"])
VIEW = [Depends(require(Permission.view_geography))]
_LOCK = threading.Lock()


def current_locator(request: Request, session: Session) -> Locator:
    """The app's locator, rebuilt when a newer boundary import has landed."""
    import_id = latest_import_id(session)
    cached: tuple[int | None, Locator] | None = getattr(request.app.state, "geo_locator", None)
    if cached is not None and cached[0] == import_id:
        return cached[1]
    with _LOCK:
        locator = build_locator(session)
        request.app.state.geo_locator = (import_id, locator)
    return locator


def _point(lat: float | None, lon: float | None) -> dict[str, Any] | None:
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


@router.get("/provinces.geojson", response_model=FeatureCollection, dependencies=VIEW)
def provinces_geojson(uow: Uow) -> FeatureCollection:
    """The 31 provinces: outlines when boundaries are imported, else points at the capitals."""
    rows = uow.session.execute(
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


@router.get("/counties.geojson", response_model=FeatureCollection, dependencies=VIEW)
def counties_geojson(
    uow: Uow,
    province: Annotated[
        str | None, Query(description="ISO 3166-2:IR code, e.g. IR-02; all when omitted")
    ] = None,
) -> FeatureCollection:
    """Counties (of one province): outlines where imported, else a point inside the county."""
    query = select(County.key, County.province_code, County.name_fa, County.name_en,
                   County.seat_en, County.seat_fa, County.seat_lat, County.seat_lon,
                   County.population_2016, County.outline_geojson).order_by(County.name_en)
    if province is not None:
        if uow.session.get(Province, province) is None:
            raise InvalidInput(
                f"Unknown province {province!r}: use an ISO 3166-2:IR code such as IR-02.",
                f"استان ناشناخته {province!r}: کدی مانند IR-02 به کار ببرید.",
                province=province,
            )
        query = query.where(County.province_code == province)
    rows = uow.session.execute(query).all()
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


@router.get("/locate", response_model=LocatePublic, dependencies=VIEW)
def locate(
    request: Request,
    uow: Uow,
    lat: Annotated[float, Query(description="Latitude, degrees (WGS 84)")],
    lon: Annotated[float, Query(description="Longitude, degrees (WGS 84)")],
) -> LocatePublic:
    """Province and county of a point; ``outside_iran`` for a point abroad (still a 200)."""
    check_coordinates(lat, lon)
    locator = current_locator(request, uow.session)
    return LocatePublic.build(lat, lon, locator.locate(lat, lon), locator.method)


@router.get("/status", response_model=GeoStatusPublic, dependencies=VIEW)
def status(uow: Uow) -> GeoStatusPublic:
    """Whether locating uses imported polygons or the built-in approximation."""
    return GeoStatusPublic.build(boundary_status(uow.session))


@router.get("/places", response_model=list[PlacePublic], dependencies=VIEW)
def places(
    q: Annotated[str, Query(min_length=1, max_length=100, description="Persian or English")],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[PlacePublic]:
    """Provinces, counties and places by name, tolerant of spelling variants."""
    return [PlacePublic.build(m) for m in find_place(q, limit=limit)]
