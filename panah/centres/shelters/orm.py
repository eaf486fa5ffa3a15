"""Tables of the shelters for women and girls (issue 17).

A shelter (خانهٔ امن) is run by a crisis-intervention centre, whose own place is public; the
shelter's address and phone are not, and are stored encrypted. Its rooms say whom they suit,
its beds whether they are accessible. Who is in a bed is never typed: a stay's people hold
their beds while the stay is planned or checked in (``held_bed_id``, unique, so one bed is
held by one person at a time on SQLite and PostgreSQL alike; NULLs never collide).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class Shelter(Base):
    __tablename__ = "shelter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"), index=True)
    # What anyone may read: "a shelter in Sari" (never a street, a landmark or a phone).
    name_fa: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    address: Mapped[str | None] = mapped_column(EncryptedText("shelter.address"))
    phone: Mapped[str | None] = mapped_column(EncryptedText("shelter.phone"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShelterRoom(Base):
    __tablename__ = "shelter_room"
    __table_args__ = (UniqueConstraint("shelter_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelter.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(60))  # "اتاق ۱"
    # model.Suits values, comma-separated ("woman_alone,woman_with_children").
    suits: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class ShelterBed(Base):
    __tablename__ = "shelter_bed"
    __table_args__ = (UniqueConstraint("room_id", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("shelter_room.id", ondelete="CASCADE"),
                                         index=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelter.id", ondelete="CASCADE"),
                                            index=True)
    label: Mapped[str] = mapped_column(String(40))  # "تخت ۱"
    accessible: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    child_bed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class ShelterPolicy(Base):
    """A province's maximum stay and how early its alerts come (stays.model has defaults)."""

    __tablename__ = "shelter_policy"

    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), primary_key=True)
    max_stay_days: Mapped[int] = mapped_column(Integer)
    alert_days_before: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ShelterRequest(Base):
    """A request for beds, from a case or a contact, to one shelter: pending until the
    shelter accepts (a planned stay holds the beds) or declines with a reason."""

    __tablename__ = "shelter_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelter.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    from_province: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    # Who is coming, without names: {"adults": [{"age": 31, "accessible": false}],
    # "children": [{"age": 6, "sex": "m"}]} (beds.model reads and checks it).
    people: Mapped[dict[str, object]] = mapped_column(JSON)
    arrives_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(EncryptedText("shelter_request.note"))
    status: Mapped[str] = mapped_column(String(20), index=True)  # model.RequestStatus
    requested_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str | None] = mapped_column(String(40))  # model.DeclineReason
    decline_note: Mapped[str | None] = mapped_column(EncryptedText("shelter_request.decline"))
    stay_id: Mapped[int | None] = mapped_column(ForeignKey("shelter_stay.id"))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ShelterStay(Base):
    __tablename__ = "shelter_stay"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelter.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # model.StayStatus
    arrives_on: Mapped[date] = mapped_column(Date)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last day of the stay under the province's maximum, set at check-in; an extension
    # by a supervisor moves ``extended_until`` (with its reason), never ``ends_on``.
    ends_on: Mapped[date | None] = mapped_column(Date)
    extended_until: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(
        EncryptedText("shelter_stay.extension_reason"))
    extended_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    destination: Mapped[str | None] = mapped_column(String(30))  # model.Destination
    destination_note: Mapped[str | None] = mapped_column(
        EncryptedText("shelter_stay.destination_note"))
    safety_plan: Mapped[str | None] = mapped_column(EncryptedText("shelter_stay.safety_plan"))
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ShelterStayPerson(Base):
    """Someone who stays: the client, or a child who came with her. ``bed_id`` is the bed
    given; ``held_bed_id`` equals it while the stay holds the bed and is NULL after."""

    __tablename__ = "shelter_stay_person"
    __table_args__ = (UniqueConstraint("held_bed_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("shelter_stay.id", ondelete="CASCADE"),
                                         index=True)
    relation: Mapped[str] = mapped_column(String(20))  # model.Relation
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    name: Mapped[str | None] = mapped_column(EncryptedText("shelter_stay_person.name"))
    age_years: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(1))  # "f" / "m"
    needs_accessible: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default="0")
    bed_id: Mapped[int | None] = mapped_column(ForeignKey("shelter_bed.id"), index=True)
    held_bed_id: Mapped[int | None] = mapped_column(ForeignKey("shelter_bed.id"))
    note: Mapped[str | None] = mapped_column(Text)
