"""A case's flags as the timer recorded them: raised once, escalated once, cleared once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base

OPEN_FLAG = text("cleared_at IS NULL")


class CaseFlag(Base):
    """One raising of one rule on one case. At most one uncleared row per (case, flag):
    a partial unique index, so two timer rounds can never raise the same flag twice."""

    __tablename__ = "case_flag"
    __table_args__ = (
        Index("ix_case_flag_standing", "case_id", "flag", unique=True,
              sqlite_where=OPEN_FLAG, postgresql_where=OPEN_FLAG),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    flag: Mapped[str] = mapped_column(String(20))  # model.FlagCode
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who was told (the province's supervisors at that moment): user ids, comma-joined.
    escalated_to: Mapped[str | None] = mapped_column(String(300))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class CaseFlagRound(Base):
    """When the flags' timer last ran a round: one row (id 1). A round claims the minute by
    a conditional UPDATE on ``last_at``, so however many server processes tick, and across
    restarts, the rules run over the open cases at most once a minute."""

    __tablename__ = "case_flag_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
