"""API shapes of stays and the shelter's board: ``XCreate`` in, ``XPublic`` out. None carries
a shelter's address or phone; names only for those who run the shelter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from panah.centres.shelters.model import Destination, Relation, StayStatus

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    relation: Relation = Relation.client
    age_years: int = Field(ge=0, le=120)
    sex: Literal["f", "m"] | None = None
    needs_accessible: bool = False
    name: str | None = Field(default=None, max_length=160)
    bed_id: Id | None = Field(default=None, description="None: a suitable free bed is chosen")


class StayCreate(BaseModel):
    """Plan a stay from a case (or, with ``check_in``, take her in now)."""

    model_config = ConfigDict(extra="forbid")

    case_id: Id
    people: list[PersonIn] = Field(min_length=1, max_length=12,
                                   description="The client first, then her children")
    arrives_on: date | None = Field(default=None, description="Default: today (Iran)")
    check_in: bool = Field(default=False, description="She is here: check in at once")


class CheckInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bed_ids: list[Id] | None = Field(default=None, description="Other beds, one per person")
    ends_on: date | None = Field(default=None, description="An earlier last day than the "
                                 "province's maximum")


class CheckOutBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    destination: Destination
    note: str | None = Field(default=None, max_length=2000)
    safety_plan: str | None = Field(default=None, max_length=4000,
                                    description="Required when she goes to her own or a "
                                    "relative's home")


class ExtendBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: date
    reason: str = Field(max_length=2000)


class PolicyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_stay_days: int = Field(ge=1, le=365)
    alert_days_before: int = Field(ge=0, le=364)


class PolicyPublic(BaseModel):
    province_code: str
    max_stay_days: int
    alert_days_before: int
    is_default: bool


class StayPersonPublic(BaseModel):
    id: int
    relation: Relation
    name: str | None  # only for those who run the shelter
    age_years: int
    sex: str | None
    needs_accessible: bool
    bed_id: int | None
    bed_label: str | None
    room_name: str | None
    holds_bed: bool


class ExtensionPublic(BaseModel):
    previous_end: date
    until: date
    reason: str | None  # only for those who run the shelter
    extended_at: datetime


class StayPublic(BaseModel):
    id: int
    shelter_id: int
    shelter_label_fa: str
    shelter_label_en: str
    case_id: int
    status: StayStatus
    arrives_on: date
    checked_in_at: datetime | None
    ends_on: date | None
    extended_until: date | None
    last_day: date | None
    days_left: int | None
    checked_out_at: datetime | None
    destination: Destination | None
    destination_note: str | None  # only for those who run the shelter
    safety_plan: str | None  # only for those who run the shelter
    alerts: list[str]
    people: list[StayPersonPublic]
    extensions: list[ExtensionPublic]
    version: int
    can_manage: bool
    can_extend: bool


class BedCell(BaseModel):
    id: int
    label: str
    accessible: bool
    child_bed: bool
    state: Literal["free", "held", "occupied"]
    stay_id: int | None  # only for those who run the shelter
    who: str | None  # the person's name, only for those who run it
    who_relation: Relation | None  # client or child, only for those who run it
    who_age: int | None


class RoomPublic(BaseModel):
    id: int
    name: str
    suits: list[str]
    beds: list[BedCell]


class StayLine(BaseModel):
    """A stay on the board: who (for those who run the shelter), how many, the days."""

    id: int
    case_id: int
    status: StayStatus
    client_name: str | None
    people: int
    arrives_on: date
    last_day: date | None
    days_left: int | None
    alerts: list[str]


class BoardPublic(BaseModel):
    shelter_id: int
    label_fa: str
    label_en: str
    province_code: str
    today: date
    can_manage: bool
    can_extend: bool
    beds_total: int
    beds_free: int
    beds_held: int
    beds_occupied: int
    rooms: list[RoomPublic]
    arriving_today: list[StayLine]
    leaving_today: list[StayLine]
    near_end: list[StayLine]
    overdue: list[StayLine]
    in_house: list[StayLine]
    policy: PolicyPublic
