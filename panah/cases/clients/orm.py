"""Clients' lookup tables (blind indexes) and merges (issue 16).

Every phone of a client and every word of its name are stored as keyed hashes only, so
"who else has this number / this name" is an index lookup and reveals nothing if stolen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class ClientPhone(Base):
    __tablename__ = "client_phone"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class ClientNameToken(Base):
    __tablename__ = "client_name_token"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class ClientMerge(Base):
    """``merged_id``'s cases moved to ``survivor_id``; undone by moving exactly those back."""

    __tablename__ = "client_merge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    reason: Mapped[str] = mapped_column(EncryptedText("client_merge.reason"))
    by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    moved_case_ids: Mapped[str] = mapped_column(Text, default="")  # comma-joined
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    undo_reason: Mapped[str | None] = mapped_column(EncryptedText("client_merge.undo_reason"))

    @property
    def case_ids(self) -> list[int]:
        return [int(i) for i in self.moved_case_ids.split(",") if i]
