"""Geography API: boundary layers for maps, locating a point, the gazetteer, the status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from panah.geo import queries
from panah.geo.gazetteer import find_place
from panah.geo.schemas import (
    FeatureCollection,
    GeoStatusPublic,
    LocatePublic,
    PlacePublic,
)
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/geo", tags=["geography"])
VIEW = [Depends(require(Permission.view_geography))]


@router.get("/provinces.geojson", response_model=FeatureCollection, dependencies=VIEW)
def provinces_geojson(uow: Uow) -> FeatureCollection:
    """The 31 provinces: outlines when boundaries are imported, else points at the capitals."""
    return queries.provinces_geojson(uow.session)


@router.get("/counties.geojson", response_model=FeatureCollection, dependencies=VIEW)
def counties_geojson(
    uow: Uow,
    province: Annotated[
        str | None, Query(description="ISO 3166-2:IR code, e.g. IR-02; all when omitted")
    ] = None,
) -> FeatureCollection:
    """Counties (of one province): outlines where imported, else a point inside the county."""
    return queries.counties_geojson(uow.session, province=province)


@router.get("/locate", response_model=LocatePublic, dependencies=VIEW)
def locate(
    request: Request,
    uow: Uow,
    lat: Annotated[float, Query(description="Latitude, degrees (WGS 84)",
                                allow_inf_nan=False)],
    lon: Annotated[float, Query(description="Longitude, degrees (WGS 84)",
                                allow_inf_nan=False)],
) -> LocatePublic:
    """Province and county of a point; ``outside_iran`` for a point abroad (still a 200)."""
    # The process keeps the locator it last built; the query rebuilds it after an import.
    kept: queries.KeptLocator | None = getattr(request.app.state, "geo_locator", None)
    located = queries.locate(uow.session, lat=lat, lon=lon, kept=kept)
    if located.kept is not kept:
        request.app.state.geo_locator = located.kept
    return located.answer


@router.get("/status", response_model=GeoStatusPublic, dependencies=VIEW)
def status(uow: Uow) -> GeoStatusPublic:
    """Whether locating uses imported polygons or the built-in approximation."""
    return queries.geo_status(uow.session)


@router.get("/places", response_model=list[PlacePublic], dependencies=VIEW)
def places(
    q: Annotated[str, Query(min_length=1, max_length=100, description="Persian or English")],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[PlacePublic]:
    """Provinces, counties and places by name, tolerant of spelling variants."""
    return [PlacePublic.build(m) for m in find_place(q, limit=limit)]
