"""One thread from call to case: what a case is linked to (contacts, incidents, referrals)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base


class CaseLink(Base):
    """A case linked to a contact, an incident or a referral (``ref_id`` is that row's id:
    no foreign key, since it points at one of three tables by ``kind``)."""

    __tablename__ = "case_link"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "ref_id"),
        Index("ix_case_link_kind_ref", "kind", "ref_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(20))  # model.LinkKind
    ref_id: Mapped[int] = mapped_column(Integer)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
