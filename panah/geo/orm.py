"""Tables of the reference geography and of imported boundaries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panah.core.db import Base


class Province(Base):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)  # ISO 3166-2:IR
    name_fa: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    capital_fa: Mapped[str | None] = mapped_column(String(80))
    capital_en: Mapped[str] = mapped_column(String(80))
    capital_lat: Mapped[float] = mapped_column(Float)
    capital_lon: Mapped[float] = mapped_column(Float)
    area_code: Mapped[str] = mapped_column(String(4))
    population_2016: Mapped[int] = mapped_column(Integer)
    # Imported boundary: WKB for locating, a simplified GeoJSON outline for maps.
    boundary_wkb: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    outline_geojson: Mapped[str | None] = mapped_column(Text, deferred=True)

    counties: Mapped[list[County]] = relationship(back_populates="province")


class County(Base):
    __tablename__ = "county"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stable key: the Wikidata id where known, else "IR-XX:English name".
    key: Mapped[str] = mapped_column(String(80), unique=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    seat_fa: Mapped[str | None] = mapped_column(String(80))
    seat_en: Mapped[str | None] = mapped_column(String(80))
    seat_lat: Mapped[float | None] = mapped_column(Float)
    seat_lon: Mapped[float | None] = mapped_column(Float)
    population_2016: Mapped[int | None] = mapped_column(Integer)
    boundary_wkb: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    outline_geojson: Mapped[str | None] = mapped_column(Text, deferred=True)

    province: Mapped[Province] = relationship(back_populates="counties")


class BoundaryImport(Base):
    """One run of ``panah geo import``; the newest says where the boundaries came from."""

    __tablename__ = "boundary_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(500))
    provinces: Mapped[int] = mapped_column(Integer)
    counties: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
