"""Mobile units, their crews and seats, shifts, the posts where they wait, incidents,
assignments, the status history and positions (AVL), field reports and safety alerts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class UnitKind(StrEnum):
    adapted_van = "adapted_van"
    sedan = "sedan"


class PostKind(StrEnum):
    permanent = "permanent"
    nowruz = "nowruz"  # temporary post with dates


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_fa: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)


class Unit(Base):
    """A vehicle with its crew. ``version`` grows with every change of status: an
    assignment claims the unit with ``UPDATE … WHERE status IN (available) AND version = v``
    and proceeds only if one row changed, so two dispatchers cannot both send it."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sign: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    home_centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="available_at_post")
    province_code: Mapped[str | None] = mapped_column(String(5), index=True)
    status_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    position_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # On scene: when the crew must next say they are safe (the timer lives here).
    check_in_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The unit's tracker key (``pnt_<prefix>_<secret>``, shown once): the prefix finds the
    # unit, a SHA-256 of the secret proves the tracker (see ``dispatch.fleet``).
    tracker_key_prefix: Mapped[str | None] = mapped_column(String(16), index=True,
                                                           unique=True)
    tracker_key_hash: Mapped[str | None] = mapped_column(String(64))
    tracker_key_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CrewMember(Base):
    __tablename__ = "crew_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))  # social_worker | psychologist
    is_woman: Mapped[bool] = mapped_column(Boolean, default=False)


class CrewSeat(Base):
    """A seat of a unit's crew: the role it needs, and whether a woman is preferred."""

    __tablename__ = "crew_seat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(30))
    prefer_woman: Mapped[bool] = mapped_column(Boolean, default=False)


class Shift(Base):
    """A unit's shift: when, at which post, and who is on it (``shift_member``)."""

    __tablename__ = "unit_shift"
    __table_args__ = (Index("ix_unit_shift_unit_id_starts_at", "unit_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShiftMember(Base):
    __tablename__ = "shift_member"
    __table_args__ = (UniqueConstraint("shift_id", "crew_member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("unit_shift.id", ondelete="CASCADE"),
                                          index=True)
    crew_member_id: Mapped[int] = mapped_column(ForeignKey("crew_member.id"))


class Incident(Base):
    """Where a team is needed: from triage's dispatch request or made by a dispatcher."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_province_code_state", "province_code", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(5))
    county_key: Mapped[str | None] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="open")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    # The place in words (a street, a villa, a beach): personal, so sealed like the note.
    place: Mapped[str | None] = mapped_column(EncryptedText("incident.place"))
    cautions: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str | None] = mapped_column(EncryptedText("incident.note"))
    # What the crew must know before they arrive: the counsellor's short summary, what the
    # contact is about (triage's category codes) and who called (model.CallerKind).
    summary: Mapped[str | None] = mapped_column(EncryptedText("incident.summary"))
    categories: Mapped[str] = mapped_column(String(200), default="")
    caller_kind: Mapped[str | None] = mapped_column(String(20))
    needs_roles: Mapped[str] = mapped_column(String(120), default="")
    prefer_woman: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_kind: Mapped[str | None] = mapped_column(String(20))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    dispatch_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("dispatch_request.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (Index("ix_assignment_unit_id_assigned_at", "unit_id", "assigned_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    estimate_minutes: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str | None] = mapped_column(String(300))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UnitStatusEvent(Base):
    """Every change of a unit's status, with the time it happened and where the unit was.

    ``client_id`` is the field app's key for the change: a retry of the same change finds
    its row and changes nothing."""

    __tablename__ = "unit_status_event"
    __table_args__ = (UniqueConstraint("unit_id", "client_id"),
                      Index("ix_unit_status_event_unit_id_at", "unit_id", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    previous: Mapped[str | None] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # field | dispatcher | system
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    # A change overtaken while the phone was offline: kept as history, not applied.
    applied: Mapped[bool] = mapped_column(Boolean, default=True)


class UnitPosition(Base):
    """AVL: where a unit was, from the field app over HTTP or a tracker over MQTT."""

    __tablename__ = "unit_position"
    __table_args__ = (UniqueConstraint("unit_id", "at", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(10))  # http | mqtt


class IncidentReport(Base):
    """The crew's report of a visit, written on the phone (perhaps offline)."""

    __tablename__ = "incident_report"
    __table_args__ = (UniqueConstraint("unit_id", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(40))
    people_seen: Mapped[int] = mapped_column(Integer, default=0)
    children_seen: Mapped[int] = mapped_column(Integer, default=0)
    taken_to_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    text: Mapped[str] = mapped_column(EncryptedText("incident_report.text"))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class DispatchAlert(Base):
    """Something the dispatcher must see now: a crew on scene that missed its check-in."""

    __tablename__ = "dispatch_alert"
    __table_args__ = (Index("ix_dispatch_alert_province_code_acknowledged_at",
                            "province_code", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    province_code: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(30))  # safety_check_missed
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class TeamChannel(Base):
    """A team channel: one unit with its dispatch (``direct``), a centre's units and
    dispatchers (``centre``), or everyone on an incident (``incident``)."""

    __tablename__ = "channel"
    __table_args__ = (UniqueConstraint("kind", "unit_id", "centre_id", "incident_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # direct | centre | incident
    province_code: Mapped[str | None] = mapped_column(String(5), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamChannelMember(Base):
    """A unit on a channel (dispatchers of the province reach every channel of it)."""

    __tablename__ = "channel_member"
    __table_args__ = (UniqueConstraint("channel_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"),
                                            index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamChannelMessage(Base):
    """A text or a short voice note on a channel, from the web, MQTT or a radio gateway;
    ``client_id`` (the sender's key) makes a resend change nothing."""

    __tablename__ = "channel_message"
    __table_args__ = (UniqueConstraint("channel_id", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"),
                                            index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    sender_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    sender_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # text | voice
    text: Mapped[str | None] = mapped_column(EncryptedText("channel_message.text"))
    # A voice note: base64 of the recording, sealed like the text.
    voice: Mapped[str | None] = mapped_column(EncryptedText("channel_message.voice"))
    voice_mime: Mapped[str | None] = mapped_column(String(40))
    voice_seconds: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(10))  # web | mqtt | radio
    # Sent on to MQTT and the radio gateway after commit (the outbox mark).
    relayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
