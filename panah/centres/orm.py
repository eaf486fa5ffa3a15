"""Centres of the service and which centre answers for each county."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from panah.centres.model import CentreKind
from panah.core.db import Base

__all__ = ["Centre", "CentreKind", "CountyService"]


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
    # When it is open, Iran time: "24/7", or spans such as "08:00-14:00, 16:00-20:00".
    hours: Mapped[str] = mapped_column(String(200), default="24/7", server_default="24/7")


class CountyService(Base):
    """The centre responsible for a county: its own, or its covering county's (شهرستان معین)."""

    __tablename__ = "county_service"

    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    covering_county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))
    # Grows with every change of coverage (across the table): routing rebuilds its context
    # when the newest revision or the number of rows moves (see ``coverage_stamp``).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
