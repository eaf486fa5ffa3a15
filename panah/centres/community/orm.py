"""Tables of the community social-service bases (issue 17).

A base is a centre of kind community_base. Its neighbourhoods carry a public profile; its
programmes meet in sessions at public community places; its participants are a light
record (a first name or alias, encrypted) that becomes a client only when referred to case
work (``client_id``, ``case_id``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class Neighbourhood(Base):
    __tablename__ = "community_neighbourhood"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))  # model.NeighbourhoodKind
    households: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    issues: Mapped[str] = mapped_column(String(300), default="")  # model.Issue, comma-separated
    amenities: Mapped[str] = mapped_column(String(300), default="")  # model.Amenity
    note: Mapped[str | None] = mapped_column(EncryptedText("community_neighbourhood.note"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Programme(Base):
    __tablename__ = "community_programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("community_neighbourhood.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # model.ProgrammeKind
    title: Mapped[str] = mapped_column(String(160))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    starts_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())
    capacity: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(30))  # model.Audience
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BaseSession(Base):
    """One meeting of a programme, at a public community place (never someone's home)."""

    __tablename__ = "community_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("community_programme.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(160))
    topic: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(EncryptedText("community_session.note"))
    status: Mapped[str] = mapped_column(String(20), default="planned")  # model.SessionStatus
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    held_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Participant(Base):
    __tablename__ = "community_participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_neighbourhood.id"))
    name: Mapped[str] = mapped_column(EncryptedText("community_participant.name"))
    age_group: Mapped[str] = mapped_column(String(20))  # model.AgeGroup
    sex: Mapped[str] = mapped_column(String(10))  # model.Sex
    phone: Mapped[str | None] = mapped_column(EncryptedText("community_participant.phone"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set once referred to case work: the client and the case it opened.
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    referred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    referred_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    referral_reason: Mapped[str | None] = mapped_column(
        EncryptedText("community_participant.referral_reason"))


class Enrolment(Base):
    __tablename__ = "community_enrolment"
    __table_args__ = (UniqueConstraint("programme_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("community_programme.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("community_participant.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Attendance(Base):
    __tablename__ = "community_attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("community_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("community_participant.id", ondelete="CASCADE"))
    mark: Mapped[str] = mapped_column(String(10))  # model.Mark
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class NeedsAssessment(Base):
    """The residents' own needs for their neighbourhood, on a day, ranked by them."""

    __tablename__ = "community_needs_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("community_neighbourhood.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date())
    residents: Mapped[int] = mapped_column(Integer)  # how many took part
    note: Mapped[str | None] = mapped_column(EncryptedText("community_needs_assessment.note"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NeedRow(Base):
    __tablename__ = "community_need"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("community_needs_assessment.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(160))
    raised_by: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer)
