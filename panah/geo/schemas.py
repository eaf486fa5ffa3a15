"""API and CLI shapes of the geography answers (pydantic, so OpenAPI documents them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from panah.geo.gazetteer import PlaceMatch
from panah.geo.model import Method, Placement
from panah.geo.service import GeoStatus

OUTSIDE_EN = "This point is outside Iran."
OUTSIDE_FA = "این نقطه بیرون از ایران است."


class LocatePublic(BaseModel):
    """Where a point is. ``outside_iran`` is true (and the rest null) for a point abroad."""

    lat: float
    lon: float
    outside_iran: bool
    province: str | None = Field(default=None, description="ISO 3166-2:IR code, e.g. IR-02")
    province_name_en: str | None = None
    province_name_fa: str | None = None
    county: str | None = Field(default=None, description="English name, e.g. 'Chalus County'")
    county_fa: str | None = None
    county_key: str | None = Field(default=None, description="Wikidata id, else 'IR-XX:name'")
    method: Method
    approximate: bool
    message: str | None = None
    message_fa: str | None = None

    @classmethod
    def build(
        cls, lat: float, lon: float, placement: Placement | None, method: Method
    ) -> LocatePublic:
        if placement is None:
            return cls(
                lat=lat, lon=lon, outside_iran=True, method=method,
                approximate=method == "approximate", message=OUTSIDE_EN, message_fa=OUTSIDE_FA,
            )
        return cls(
            lat=lat,
            lon=lon,
            outside_iran=False,
            province=placement.province_code,
            province_name_en=placement.province_name_en,
            province_name_fa=placement.province_name_fa,
            county=placement.county_name_en,
            county_fa=placement.county_name_fa,
            county_key=placement.county_key,
            method=placement.method,
            approximate=placement.approximate,
        )


class GeoStatusPublic(BaseModel):
    mode: Literal["polygons", "approximate"]
    method: Method
    approximate: bool
    provinces: int
    counties: int
    provinces_with_polygons: int
    counties_with_polygons: int
    last_import_id: int | None
    last_import_at: datetime | None
    last_import_source: str | None
    last_import_sha256: str | None

    @classmethod
    def build(cls, status: GeoStatus) -> GeoStatusPublic:
        at = status.last_import_at
        if at is not None and at.tzinfo is None:  # SQLite hands back naive UTC
            at = at.replace(tzinfo=UTC)
        return cls(
            mode=status.mode,
            method="approximate" if status.approximate else "polygon",
            approximate=status.approximate,
            provinces=status.provinces,
            counties=status.counties,
            provinces_with_polygons=status.provinces_with_polygons,
            counties_with_polygons=status.counties_with_polygons,
            last_import_id=status.last_import_id,
            last_import_at=at,
            last_import_source=status.last_import_source,
            last_import_sha256=status.last_import_sha256,
        )


class PlacePublic(BaseModel):
    name_fa: str | None
    name_en: str
    kind: Literal["province", "county", "place"]
    lat: float
    lon: float
    province_code: str
    county_key: str | None
    score: float
    population: int | None

    @classmethod
    def build(cls, match: PlaceMatch) -> PlacePublic:
        return cls(**match.__dict__)


class Feature(BaseModel):
    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    approximate: bool = Field(
        description="True when no polygons are imported: features are points, not outlines"
    )
    features: list[Feature]
