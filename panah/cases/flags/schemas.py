"""API shapes of the flags and of the worker's and supervisor's lists."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from panah.cases.flags.model import FlagCode
from panah.cases.model import CaseCategory

ListScope = Literal["centre", "province"]


class FlagPublic(BaseModel):
    """A flag standing on a case now."""

    code: FlagCode
    since: datetime = Field(description="When it was raised (by the timer), else when the "
                                        "rule's time ran out")
    age_minutes: int
    escalated_at: datetime | None = Field(
        description="When the province's supervisors were told; null: not yet")


class UpcomingFlag(BaseModel):
    """A time-based flag not raised yet: "unassigned in 40 min"."""

    code: FlagCode
    due_at: datetime
    in_minutes: int


class CaseFlagsPublic(BaseModel):
    case_id: int
    flags: list[FlagPublic]
    upcoming: list[UpcomingFlag]


class CaseRow(BaseModel):
    """A case as the lists show it. ``client_name`` only when you may open the case."""

    id: int
    reference: str
    category: CaseCategory
    restricted: bool
    status: str
    risk: str | None
    client_name: str | None
    lead_user_id: int | None
    lead: str | None = Field(description="The lead worker's full name")
    centre_id: int | None
    opened_at: datetime
    last_contact_at: datetime | None
    flags: list[FlagPublic]
    upcoming: list[UpcomingFlag]


class DueItem(BaseModel):
    """A case with work due today (Iran day): appointments and plan goals."""

    case_id: int
    reference: str
    client_name: str | None
    appointments: int
    goals: int


class FlaggedItem(BaseModel):
    case_id: int
    reference: str
    client_name: str | None
    flag: FlagPublic


class WorkerList(BaseModel):
    """The worker's list: my cases (lead or team), what is due today, and the flags."""

    day: date = Field(description="Today in Iran (Asia/Tehran)")
    mine: list[CaseRow]
    due_today: list[DueItem]
    flags: list[FlaggedItem]


class WorkerOption(BaseModel):
    user_id: int
    full_name: str
    role: str


class ProvinceOption(BaseModel):
    code: str
    name_fa: str
    name_en: str


class SupervisionList(BaseModel):
    """A supervisor's list of the centre's or the province's open cases with their flags."""

    scope: ListScope
    province_code: str | None
    centre_id: int | None
    flag: FlagCode | None
    worker: int | None
    rows: list[CaseRow]
    counts: dict[str, int] = Field(description="Open cases with each flag (before filters)")
    escalated: int = Field(description="Cases with an escalated flag (before filters)")
    workers: list[WorkerOption]
    provinces: list[ProvinceOption] = Field(
        description="Provinces to pick from (the national office only)")
