"""Triage's tables: what a contact is about, its screens, outcomes, referrals to partner
agencies, the directory of agencies and services, follow-up calls and dispatch requests.

Answers to risk screens and every free text are encrypted (they are health and safety
information about a named caller). Deadlines are due times in rows (a referral's
``ack_due_at``, a follow-up's ``due_at``), run by the timers (each sub-domain's
``scheduled.py``), never in memory.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class ContactCategory(Base):
    """One of the categories a contact carries (a contact can carry several)."""

    __tablename__ = "contact_category"
    __table_args__ = (UniqueConstraint("contact_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    code: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer, default=0)


class Screen(Base):
    """One risk protocol answered for a contact, and its score at the time."""

    __tablename__ = "screen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    protocol_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[str] = mapped_column(EncryptedText("screen.answers"))  # JSON
    level: Mapped[str] = mapped_column(String(20))
    counsellor_override: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the rules that fired
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ContactOutcome(Base):
    """An action a contact ended with; a contact closes only with at least one."""

    __tablename__ = "contact_outcome"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    outcome: Mapped[str] = mapped_column(String(30), index=True)
    note: Mapped[str | None] = mapped_column(EncryptedText("contact_outcome.note"))
    directory_entries: Mapped[str] = mapped_column(String(200), default="")  # ids, comma-sep.
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    dispatch_request_id: Mapped[int | None] = mapped_column(ForeignKey("dispatch_request.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Agency(Base):
    """A partner agency in the directory: police 110, EMS 115, the 1480 line, a court, a
    hospital, an NGO; for a county, or province-wide when ``county_key`` is empty."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    domain: Mapped[str] = mapped_column(String(20), index=True)  # police, ems, ...
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"), index=True)
    county_key: Mapped[str | None] = mapped_column(String(80), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    # The machine account the agency's system uses for the partner API, if it has one.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AgencyStaff(Base):
    """A person of a partner agency who signs in to its inbox (a police 110 desk officer,
    an EMS dispatcher): an agency has several, and one person may serve several of an
    agency's offices. The agency's system keeps its machine account (``Agency.user_id``)."""

    __tablename__ = "agency_staff"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)


class Referral(Base):
    """A hand-over to a partner agency, tracked until the agency has taken it."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_state_ack_due_at", "state", "ack_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)  # conditional updates
    urgency: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="handover")  # or warm_transfer
    category: Mapped[str | None] = mapped_column(String(40))
    consent: Mapped[str] = mapped_column(String(20))
    override_reason: Mapped[str | None] = mapped_column(EncryptedText("referral.override_reason"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    ack_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    partner_reference: Mapped[str | None] = mapped_column(String(120))
    partner_note: Mapped[str | None] = mapped_column(EncryptedText("referral.partner_note"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Resource(Base):
    """A service in the resource directory, offered during triage (by county and need)."""

    __tablename__ = "resource"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_fa: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(String(300), default="")  # category codes, comma-sep.
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"), index=True)
    county_key: Mapped[str | None] = mapped_column(String(80), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    address_fa: Mapped[str | None] = mapped_column(String(300))
    hours_fa: Mapped[str | None] = mapped_column(String(120))
    # Persian and English text, normalised (panah.geo.text), for search.
    search_text: Mapped[str] = mapped_column(Text, default="")


class FollowUp(Base):
    """A follow-up call due after a contact closed (e.g. 24 h after a suicide screen)."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_open_due", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    province_code: Mapped[str | None] = mapped_column(String(5), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason_en: Mapped[str] = mapped_column(Text)
    reason_fa: Mapped[str] = mapped_column(Text)
    protocols: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    result: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(EncryptedText("follow_up.note"))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DispatchRequest(Base):
    """A mobile team asked for by triage; the dispatch board (issue 6) turns it into an
    incident. The caller's exact point is copied from the contact's best location."""

    __tablename__ = "dispatch_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    province_code: Mapped[str | None] = mapped_column(String(5), index=True)
    county_key: Mapped[str | None] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    cautions: Mapped[str] = mapped_column(String(200), default="")  # weapon, children …
    note: Mapped[str | None] = mapped_column(EncryptedText("dispatch_request.note"))
    # For the crew: the counsellor's short summary and the place in words (personal: sealed),
    # who called (dispatch.model.CallerKind) and whether a woman worker is wanted.
    summary: Mapped[str | None] = mapped_column(EncryptedText("dispatch_request.summary"))
    place: Mapped[str | None] = mapped_column(EncryptedText("dispatch_request.place"))
    caller_kind: Mapped[str | None] = mapped_column(String(20))
    prefer_woman: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
