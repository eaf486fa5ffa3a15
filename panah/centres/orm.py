"""Centres of the service and which centre answers for each county."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base


class CentreKind(StrEnum):
    line_123 = "line_123"  # provincial 123 centre
    crisis_centre = "crisis_centre"  # مرکز مداخله در بحران (with or without shelter)
    county_centre = "county_centre"  # county social-emergency centre
    community_base = "community_base"  # پایگاه خدمات اجتماعی


class Centre(Base):
    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_fa: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    has_shelter: Mapped[bool] = mapped_column(Boolean, default=False)
    shelter_beds: Mapped[int] = mapped_column(Integer, default=0)


class CountyService(Base):
    """The centre responsible for a county: its own, or its covering county's (شهرستان معین)."""

    __tablename__ = "county_service"

    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    covering_county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))
