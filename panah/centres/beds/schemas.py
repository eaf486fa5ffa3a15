"""What the bed finder and requests to shelters take and give (issue 17). Nothing here
carries a shelter's address or phone: a shelter is "a shelter in <county>, <province>"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class ChildBody(BaseModel):
    age: int = Field(ge=0, le=120, description="Whole years; under 18")
    sex: Literal["f", "m"] | None = None


class PartyPublic(BaseModel):
    """Who is coming, without names."""

    client_age: int
    accessible: bool = False
    children: list[ChildBody] = []


class ShelterMatch(BaseModel):
    """A shelter that can take the whole party in one room now: its public label and where
    it is by county and province only."""

    shelter_id: int
    label_fa: str
    label_en: str
    county_fa: str | None = None
    county_en: str | None = None
    province_code: str
    province_fa: str
    province_en: str
    own_province: bool
    suitable_beds: int


class BedSearchResult(BaseModel):
    province_code: str  # the client's province, searched first
    provinces: list[str]  # searched, in order: the client's, then its neighbours
    party: PartyPublic
    matches: list[ShelterMatch]


class ShelterRequestCreate(BaseModel):
    shelter_id: int = Field(ge=1, le=2**31 - 1)
    client_age: int = Field(ge=0, le=120)
    accessible: bool = False
    children: list[ChildBody] = Field(default=[], max_length=20)
    arrives_on: date | None = Field(default=None, description="Default: today (Iran time)")
    note: str | None = Field(default=None, max_length=2000)


class DeclineBody(BaseModel):
    reason: Literal["no_suitable_bed", "not_suitable_for_shelter", "safety_risk", "other"]
    note: str | None = Field(default=None, max_length=1000)


class ShelterRequestPublic(BaseModel):
    id: int
    shelter_id: int
    shelter_fa: str
    shelter_en: str
    county_fa: str | None = None
    county_en: str | None = None
    province_code: str
    case_id: int | None
    contact_id: int | None
    party: PartyPublic
    arrives_on: date
    note: str | None
    status: str  # shelters.model.RequestStatus
    requested_at: datetime
    requested_by: str | None
    decided_at: datetime | None = None
    decided_by: str | None = None
    decline_reason: str | None = None
    decline_note: str | None = None
    stay_id: int | None = None
