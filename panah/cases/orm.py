"""Clients, case files, their teams and notes. Identity and notes are encrypted at rest.

Lookups never decrypt: the phone number and national code are also stored as keyed
hashes (HMAC-SHA-256 under the hash key), so "has this number called before" is an index
lookup and a stolen database does not reveal who called.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class Client(Base):
    __tablename__ = "client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(EncryptedText("client.name"))
    phone: Mapped[str | None] = mapped_column(EncryptedText("client.phone"))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    national_code: Mapped[str | None] = mapped_column(EncryptedText("client.national_code"))
    national_code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)  # Gregorian
    gender: Mapped[str | None] = mapped_column(String(10))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Issue 16 (panah.cases.clients): the full identity. ``phone`` above is the first of
    # ``phones`` (a JSON list, E.164); every phone is also in client_phone as a keyed hash.
    phones: Mapped[str | None] = mapped_column(EncryptedText("client.phones"))
    birth_date: Mapped[str | None] = mapped_column(EncryptedText("client.birth_date"))  # ISO
    no_national_code_reason: Mapped[str | None] = mapped_column(String(20))
    no_national_code_note: Mapped[str | None] = mapped_column(
        EncryptedText("client.no_national_code_note"))
    disability: Mapped[str | None] = mapped_column(String(20))
    nationality: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2
    languages: Mapped[str | None] = mapped_column(String(100))  # comma-joined codes
    name_key_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Merged into another client (panah.cases.clients: client_merge keeps the undo).
    merged_into_id: Mapped[int | None] = mapped_column(Integer, index=True)


class Case(Base):
    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    restricted_category: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # Issue 16: the case's work. ``types`` are triage taxonomy codes, comma-joined (the
    # one list; ``category`` is the first of them); ``risk`` a triage RiskLevel.
    types: Mapped[str] = mapped_column(String(300), default="")
    risk: Mapped[str | None] = mapped_column(String(20))
    # User ids without a foreign key: added in place to a table others point to (SQLite
    # cannot add a constraint without rebuilding it); users are never deleted, only disabled.
    lead_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where it began: contact | incident | partner | walk_in | direct (model.CaseOrigin).
    opened_from: Mapped[str] = mapped_column(String(20), default="direct")
    # The last time the team was in touch with the client (a service, an attended
    # appointment, a contact): "no contact for 14 days" is measured from here.
    last_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(40))
    closure_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closure_requested_by: Mapped[int | None] = mapped_column(Integer)
    closed_by: Mapped[int | None] = mapped_column(Integer)
    gbv_type: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)  # conditional updates

    client: Mapped[Client] = relationship()
    team: Mapped[list[CaseTeamMember]] = relationship(
        cascade="all, delete-orphan", order_by="CaseTeamMember.added_at"
    )
    notes: Mapped[list[CaseNote]] = relationship(
        cascade="all, delete-orphan", order_by="CaseNote.at"
    )

    @property
    def reference(self) -> str:
        return f"{self.province_code}-{self.id:06d}"


class CaseTeamMember(Base):
    __tablename__ = "case_team_member"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The member's discipline on this case (social_worker, psychologist, psychiatrist,
    # legal_adviser, …): their role when added.
    discipline: Mapped[str | None] = mapped_column(String(30))


class CaseNote(Base):
    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(EncryptedText("case_note.text"))
