"""Geography use cases: reference data, importing boundaries, status, building a locator.

Every function takes the caller's session and never commits: the caller's unit of work
does, or rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.geo import reference
from panah.geo.boundaries import (
    BoundaryFileError,
    ParsedBoundaries,
    ParsedRegion,
    Progress,
    read_boundaries,
)
from panah.geo.model import (
    ApproximateLocator,
    CountyRef,
    Locator,
    Placement,
    PolygonLocator,
    ProvinceRef,
)
from panah.geo.orm import BoundaryImport, County, Province
from panah.geo.text import match_key

__all__ = [
    "BoundaryFileError",
    "GeoStatus",
    "boundary_status",
    "build_locator",
    "import_boundaries",
    "latest_import_id",
    "load_reference",
    "locate_point",
]


@dataclass(frozen=True)
class GeoStatus:
    mode: Literal["polygons", "approximate"]
    provinces: int
    counties: int
    provinces_with_polygons: int
    counties_with_polygons: int
    last_import_id: int | None
    last_import_at: datetime | None
    last_import_source: str | None
    last_import_sha256: str | None

    @property
    def approximate(self) -> bool:
        return self.mode == "approximate"


def load_reference(session: Session) -> None:
    """Insert or update the 31 provinces and every county from the packaged data."""
    provinces = {p.code: p for p in session.scalars(select(Province))}
    for facts in reference.province_facts():
        row = provinces.get(facts.code) or Province(code=facts.code)
        row.name_fa, row.name_en = facts.name_fa, facts.name_en
        row.capital_fa, row.capital_en = facts.capital_fa, facts.capital_en
        row.capital_lat, row.capital_lon = facts.capital_lat, facts.capital_lon
        row.area_code, row.population_2016 = facts.area_code, facts.population_2016
        session.add(row)
    session.flush()
    counties = {c.key: c for c in session.scalars(select(County))}
    for c in reference.county_facts():
        county = counties.get(c.key) or County(key=c.key)
        county.province_code, county.name_fa, county.name_en = (
            c.province_code, c.name_fa, c.name_en,
        )
        if c.seat_en is not None:
            county.seat_en, county.seat_fa = c.seat_en, c.seat_fa
            county.seat_lat, county.seat_lon = c.seat_lat, c.seat_lon
            county.population_2016 = c.population_2016
        session.add(county)
    session.flush()


def import_boundaries(
    session: Session, path: Path | str, *, now: datetime, progress: Progress | None = None
) -> BoundaryImport:
    """Replace the province and county polygons with those under ``path``.

    Everything is read and checked first; a bad file raises :class:`BoundaryFileError`
    before the session is touched.
    """
    known = {p.code for p in reference.province_facts()}
    parsed = read_boundaries(Path(path), known, progress=progress)
    _check_unique_keys(parsed)
    load_reference(session)
    _write_provinces(session, parsed.provinces)
    _write_counties(session, parsed.counties)
    record = BoundaryImport(
        imported_at=now,
        source=parsed.source[-500:],
        provinces=len(parsed.provinces),
        counties=len(parsed.counties),
        sha256=parsed.sha256,
    )
    session.add(record)
    session.flush()
    return record


def _check_unique_keys(parsed: ParsedBoundaries) -> None:
    seen: set[str] = set()
    for county in parsed.counties:
        if county.key and county.key in seen:
            raise BoundaryFileError(
                f"counties/{county.code}.geojson", f"({county.name_en or county.name_fa})",
                f"Wikidata id {county.key} appears twice",
                f"شناسهٔ ویکی‌داده {county.key} دو بار آمده است",
            )
        if county.key:
            seen.add(county.key)


def _write_provinces(session: Session, provinces: list[ParsedRegion]) -> None:
    rows = {p.code: p for p in session.scalars(select(Province))}
    for region in provinces:
        row = rows[region.code]
        row.boundary_wkb, row.outline_geojson = region.wkb(), region.outline()


def _write_counties(session: Session, counties: list[ParsedRegion]) -> None:
    rows = list(session.scalars(select(County)))
    for row in rows:  # an import replaces every boundary; counties it lacks keep none
        row.boundary_wkb, row.outline_geojson = None, None
    by_key = {row.key: row for row in rows}
    by_name = {(row.province_code, match_key(row.name_fa)): row for row in rows}
    for region in counties:
        found = (by_key.get(region.key) if region.key else None) or by_name.get(
            (region.code, match_key(region.name_fa or ""))
        )
        if found is None:
            found = _new_county(region)
            session.add(found)
            by_key[found.key] = found
        found.boundary_wkb, found.outline_geojson = region.wkb(), region.outline()
    session.flush()


def _new_county(region: ParsedRegion) -> County:
    name_en = region.name_en or region.name_fa or "?"
    return County(
        key=region.key or f"{region.code}:{name_en}"[:80],
        province_code=region.code,
        name_fa=region.name_fa or name_en,
        name_en=name_en,
    )


def latest_import(session: Session) -> BoundaryImport | None:
    return session.scalar(select(BoundaryImport).order_by(BoundaryImport.id.desc()).limit(1))


def latest_import_id(session: Session) -> int | None:
    return session.scalar(select(func.max(BoundaryImport.id)))


def boundary_status(session: Session) -> GeoStatus:
    def count(column: object, *where: object) -> int:
        return session.scalar(select(func.count()).select_from(column).where(*where)) or 0  # type: ignore[arg-type]

    last = latest_import(session)
    counties_with = count(County, County.boundary_wkb.is_not(None))
    return GeoStatus(
        mode="polygons" if counties_with else "approximate",
        provinces=count(Province),
        counties=count(County),
        provinces_with_polygons=count(Province, Province.boundary_wkb.is_not(None)),
        counties_with_polygons=counties_with,
        last_import_id=last.id if last else None,
        last_import_at=last.imported_at if last else None,
        last_import_source=last.source if last else None,
        last_import_sha256=last.sha256 if last else None,
    )


def build_locator(session: Session) -> Locator:
    """The polygon locator when boundaries were imported, else the built-in approximation."""
    counties = session.execute(
        select(County.key, County.province_code, County.name_fa, County.name_en,
               County.boundary_wkb).order_by(County.id)
    ).all()
    if not any(row.boundary_wkb for row in counties):
        return approximate_locator()
    provinces = session.execute(
        select(Province.code, Province.name_fa, Province.name_en, Province.boundary_wkb)
        .order_by(Province.code)
    ).all()
    return PolygonLocator(
        [(ProvinceRef(p.code, p.name_fa, p.name_en), _geometry(p.boundary_wkb)) for p in provinces],
        [(CountyRef(c.key, c.province_code, c.name_fa, c.name_en), _geometry(c.boundary_wkb))
         for c in counties],
    )


def _geometry(wkb: bytes | None) -> shapely.Geometry | None:
    return shapely.from_wkb(wkb) if wkb else None


_APPROXIMATE: list[ApproximateLocator] = []


def approximate_locator() -> ApproximateLocator:
    """The approximation is built from package data only, so one instance serves all."""
    if not _APPROXIMATE:
        _APPROXIMATE.append(ApproximateLocator.from_package())
    return _APPROXIMATE[0]


def locate_point(source: Session | Locator, lat: float, lon: float) -> Placement | None:
    """Province and county of a point, or ``None`` outside Iran."""
    locator = build_locator(source) if isinstance(source, Session) else source
    return locator.locate(lat, lon)
