"""The case file's work: assessments, the plan and its goals, services and their notes,
and every status change. Answers, goals, notes and reasons are about people: encrypted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class CaseAssessment(Base):
    __tablename__ = "case_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    # psychosocial, or a triage protocol id (cssrs_screener, lethality_screen, …)
    kind: Mapped[str] = mapped_column(String(30))
    protocol_version: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20))  # a protocol's RiskLevel
    concern: Mapped[int | None] = mapped_column(Integer)  # the psychosocial form's 0–3
    answers: Mapped[str] = mapped_column(EncryptedText("case_assessment.answers"))  # JSON
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CasePlan(Base):
    __tablename__ = "case_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")  # model.PlanState
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    return_reason: Mapped[str | None] = mapped_column(EncryptedText("case_plan.return_reason"))

    goals: Mapped[list[CaseGoal]] = relationship(
        cascade="all, delete-orphan", order_by="CaseGoal.id")


class CaseGoal(Base):
    __tablename__ = "case_goal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("case_plan.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText("case_goal.text"))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    owner_discipline: Mapped[str | None] = mapped_column(String(30))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseService(Base):
    __tablename__ = "case_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # model.ServiceKind
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    discipline: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    notes: Mapped[list[CaseServiceNote]] = relationship(
        cascade="all, delete-orphan", order_by="CaseServiceNote.id")


class CaseServiceNote(Base):
    __tablename__ = "case_service_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("case_service.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    discipline: Mapped[str | None] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(EncryptedText("case_service_note.text"))


class CaseStatusEvent(Base):
    __tablename__ = "case_status_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(EncryptedText("case_status_event.reason"))
