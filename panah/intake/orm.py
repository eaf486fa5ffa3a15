"""Contacts of the 123 line and everything that arrives for them.

Inbound events are stored raw (encrypted: they carry phone numbers and messages) in their
own transaction before anything else happens, keyed by (source, key) so a repeated event
creates nothing new. Timers are due times in rows (``next_overflow_at``,
``Callback.due_at``), never sleeping tasks, so a restart loses none of them.
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class InboundEvent(Base):
    __tablename__ = "inbound_event"
    __table_args__ = (UniqueConstraint("source", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # telephony, sms, web, partner:<id>
    key: Mapped[str] = mapped_column(String(120))  # the sender's idempotency key
    kind: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[str] = mapped_column(EncryptedText("inbound_event.payload"))
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HeldEvent(Base):
    """An inbound event that came before the call it is about (a ``call.ended`` before its
    ``call.offered``: webhooks arrive out of order). Its event is kept with status "held";
    when the call is offered, the event is applied and this row goes. The table holds only
    what waits, so looking a call up in it costs next to nothing."""

    __tablename__ = "held_event"

    event_id: Mapped[int] = mapped_column(ForeignKey("inbound_event.id", ondelete="CASCADE"),
                                          primary_key=True)
    call_id: Mapped[str] = mapped_column(String(120), index=True)
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SourceWindow(Base):
    """How many contacts (or texts) one source sent in its current window: a client
    address, a help page's visitor token or an SMS sender, each by its keyed hash. Counted
    with one atomic upsert, so every server process shares the count; the limits are in
    ``panah.intake.limits.model``."""

    __tablename__ = "source_window"

    source: Mapped[str] = mapped_column(String(20), primary_key=True)  # address|visitor|sms
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    count: Mapped[int] = mapped_column(Integer)


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_contact_queue_state", "queue", "state"),
        # The statistics count a province's contacts by the day they were offered.
        Index("ix_contact_province_code_offered_at", "province_code", "offered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str | None] = mapped_column(String(120))  # PBX call id, chat id …
    state: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # conditional updates
    caller: Mapped[str | None] = mapped_column(EncryptedText("contact.caller"))
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    called: Mapped[str | None] = mapped_column(String(30))
    risk: Mapped[str] = mapped_column(String(20), default="medium")
    language: Mapped[str] = mapped_column(String(20), default="fa")
    wants_woman: Mapped[bool] = mapped_column(Boolean, default=False)
    # Routing: where it belongs and where it is offered now.
    queue: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"), index=True)
    county_key: Mapped[str | None] = mapped_column(String(80))
    centre_code: Mapped[str | None] = mapped_column(String(40))
    location_source: Mapped[str] = mapped_column(String(20), default="unknown")
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_to: Mapped[str] = mapped_column(String(200), default="")  # queues, comma-separated
    next_overflow_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # Lifecycle.
    offered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    wrap_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    abandoned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str | None] = mapped_column(EncryptedText("contact.summary"))
    # A web visitor's secret for their own chat (SHA-256 of a random token; no cookies).
    visitor_token_hash: Mapped[str | None] = mapped_column(String(64))

    locations: Mapped[list[ContactLocation]] = relationship(
        cascade="all, delete-orphan", order_by="ContactLocation.id"
    )
    trail: Mapped[list[RoutingStep]] = relationship(
        cascade="all, delete-orphan", order_by="RoutingStep.seq"
    )


class ContactLocation(Base):
    __tablename__ = "contact_location"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    source: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    province_code: Mapped[str | None] = mapped_column(String(5))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str | None] = mapped_column(EncryptedText("contact_location.detail"))


class RoutingStep(Base):
    __tablename__ = "routing_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    step: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    detail_en: Mapped[str] = mapped_column(Text)
    detail_fa: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class Callback(Base):
    __tablename__ = "callback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            unique=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(20), default="due", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    sms_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CallbackAttempt(Base):
    __tablename__ = "callback_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callback.id", ondelete="CASCADE"),
                                             index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    outcome: Mapped[str] = mapped_column(String(20))  # reached, no_answer, busy, wrong_number
    note: Mapped[str | None] = mapped_column(EncryptedText("callback_attempt.note"))


class ChatMessage(Base):
    __tablename__ = "chat_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sender: Mapped[str] = mapped_column(String(20))  # caller | counsellor | system
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(EncryptedText("chat_message.text"))


class OutboundSms(Base):
    """The outbox: a text is written here in the contact's transaction and sent after commit."""

    __tablename__ = "outbound_sms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    to: Mapped[str] = mapped_column(EncryptedText("outbound_sms.to"))
    body: Mapped[str] = mapped_column(EncryptedText("outbound_sms.body"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_ref: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class LineSetting(Base):
    """A province's own 123 line settings; a province with no row keeps the defaults
    (24/7, overflow after 20 s, backups by nearest capital, then the national pool)."""

    __tablename__ = "line_setting"

    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), primary_key=True)
    overflow_after_s: Mapped[float] = mapped_column(Float)
    backup_queues: Mapped[str] = mapped_column(String(100), default="")  # comma-separated
    national_pool: Mapped[bool] = mapped_column(Boolean, default=True)
    hours: Mapped[str] = mapped_column(String(200), default="")  # "" = 24/7
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
