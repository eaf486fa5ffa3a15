"""Transfers of a case file between provinces. The case row itself moves (province, centre,
team); nothing of its history is copied or deleted, and this row keeps who had it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class CaseTransfer(Base):
    __tablename__ = "case_transfer"
    __table_args__ = (Index("ix_case_transfer_to_province_state", "to_province", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    from_province: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    to_province: Mapped[str] = mapped_column(ForeignKey("province.code"))
    from_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    # Free text about the person: encrypted like a note.
    reason: Mapped[str] = mapped_column(EncryptedText("case_transfer.reason"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_record.id"))
    override_reason: Mapped[str | None] = mapped_column(
        EncryptedText("case_transfer.override_reason"))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20))  # model.TransferState
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str | None] = mapped_column(
        EncryptedText("case_transfer.decline_reason"))
    accepted_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    accepted_lead_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The sending team's user ids at the time (model.team_text): their rows leave the case.
    from_team: Mapped[str] = mapped_column(String(300), default="")
