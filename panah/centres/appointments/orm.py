"""Tables of the appointments at a crisis-intervention centre (issue 16): workers' weekly
hours, appointments, and the follow-ups a missed appointment leaves on its case."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class WorkerHours(Base):
    """One working day of a worker's weekly pattern (Iran wall clock). A worker with no
    rows works the default hours (model.DEFAULT_HOURS)."""

    __tablename__ = "worker_hours"
    __table_args__ = (UniqueConstraint("user_id", "weekday"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # model.Weekday: 0 = Saturday
    start: Mapped[time] = mapped_column(Time())
    end: Mapped[time] = mapped_column(Time())


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_worker_starts", "worker_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                         index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    discipline: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30))  # model.AppointmentKind
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20), default="booked")  # model.AppointmentState
    note: Mapped[str | None] = mapped_column(EncryptedText("appointment.note"))
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Who marked it attended, missed or cancelled, and when; a cancellation's reason.
    settled_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(EncryptedText("appointment.cancel_reason"))


class CaseFollowUp(Base):
    """A task on a case with no slot: reach the client again (a missed appointment)."""

    __tablename__ = "case_follow_up"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                         index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    reason: Mapped[str] = mapped_column(String(60))
    from_appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
