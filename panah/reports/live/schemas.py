"""The live dashboard as the page, its JSON twin and its WebSocket show it (one shape)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class RegionPublic(BaseModel):
    code: str
    name_fa: str
    name_en: str


class TilePublic(BaseModel):
    """One figure now, with the level its thresholds give it."""

    key: str
    value: float | None = Field(description="None: nothing to show (no contact offered …)")
    level: str = Field(description="none | ok | amber | red")
    amber: float
    red: float
    direction: str = Field(description="up: more is worse; down: less is worse")


class ThresholdPublic(BaseModel):
    tile: str
    amber: float
    red: float
    default_amber: float
    default_red: float
    direction: str
    maximum: float
    customised: bool


class ThresholdsPublic(BaseModel):
    province_code: str
    thresholds: list[ThresholdPublic]
    updated_at: datetime | None


class ThresholdIn(BaseModel):
    amber: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    red: float = Field(ge=0, le=100_000, allow_inf_nan=False)


class ThresholdsIn(BaseModel):
    """The tiles to change (by key); the others keep what they have."""

    thresholds: dict[str, ThresholdIn] = Field(max_length=20)


class DangerAlertPublic(BaseModel):
    contact_id: int
    channel: str
    waited_s: int


class RiskCount(BaseModel):
    risk: str
    count: int


class ServiceLevel(BaseModel):
    """Contacts offered in a window and how many were answered within 20 s (those still
    waiting less than 20 s are not judged yet)."""

    offered: int
    answered: int
    within_target: int
    abandoned: int
    pct: float | None


class CounsellorNow(BaseModel):
    user_id: int
    full_name: str
    presence: str = Field(description="on_contact | available | away")
    contact_id: int | None
    contact_state: str | None
    channel: str | None
    since: datetime | None


class UnitDot(BaseModel):
    call_sign: str
    status: str
    status_fa: str
    status_en: str
    lat: float | None
    lon: float | None
    incident_id: int | None


class StatusCountPublic(BaseModel):
    status: str
    label_fa: str
    label_en: str
    count: int


class IncidentAge(BaseModel):
    id: int
    priority: str
    state: str
    area_fa: str | None
    area_en: str | None
    age_min: int


class ShelterBeds(BaseModel):
    """Counts only: never a shelter's name or address on a wall screen."""

    shelters: int
    beds: int
    free: int


class LiveDashboardPublic(BaseModel):
    province: RegionPublic | None = Field(description="None: the nation")
    at: datetime
    thresholds_customised: bool
    tiles: dict[str, TilePublic]
    alerts: list[DangerAlertPublic]
    waiting_by_risk: list[RiskCount]
    hour: ServiceLevel
    today: ServiceLevel
    callbacks_due: int
    callbacks_overdue: int
    overflow_in: int = Field(description="others' contacts answered here today")
    overflow_out: int = Field(description="this province's contacts answered elsewhere today")
    counsellors: list[CounsellorNow]
    counsellors_by_presence: dict[str, int]
    units_by_status: list[StatusCountPublic]
    units: list[UnitDot]
    incidents: list[IncidentAge]
    shelters: ShelterBeds
    referrals_awaiting: int
    referrals_overdue: int
    cases_flagged: int
    cases_escalated: int
