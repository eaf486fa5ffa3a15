"""The live dashboard's settings (issue 18): a province's thresholds, one row per tile.

A tile without a row keeps the default of ``panah.reports.live.model.DEFAULTS``; the row
says who set it and when (the change is on the audit chain too)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base


class DashboardThreshold(Base):
    __tablename__ = "dashboard_threshold"

    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), primary_key=True)
    tile: Mapped[str] = mapped_column(String(40), primary_key=True)  # model.TileKey
    amber: Mapped[float] = mapped_column(Float)
    red: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
