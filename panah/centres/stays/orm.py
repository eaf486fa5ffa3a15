"""Tables of stays beyond the shelters' own (issue 17): a stay's extensions (each with its
reason and supervisor), the alerts raised on a stay near or past its last day, once each per
last day, and the minute of the alerts' last round."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class ShelterStayExtension(Base):
    """A supervisor's extension of a stay past its last day (the stay keeps the latest in
    ``extended_until``; these keep every one, for the case's timeline)."""

    __tablename__ = "shelter_stay_extension"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("shelter_stay.id", ondelete="CASCADE"),
                                         index=True)
    previous_end: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(EncryptedText("shelter_stay_extension.reason"))
    extended_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    extended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShelterStayAlert(Base):
    """An alert raised on a stay: near its end or overdue, for the last day it then had (an
    extension moves the last day, and the alerts come again for the new one)."""

    __tablename__ = "shelter_stay_alert"
    __table_args__ = (UniqueConstraint("stay_id", "kind", "for_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("shelter_stay.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(20))  # model.AlertKind
    for_day: Mapped[date] = mapped_column(Date)  # the stay's last day when raised
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShelterAlertRound(Base):
    """When the stays' alerts last ran (one row, id 1), claimed by a conditional UPDATE as
    ``case_flag_round`` is."""

    __tablename__ = "shelter_alert_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
