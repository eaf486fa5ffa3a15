"""API shapes for clients, their possible duplicates and merges."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from panah.cases.clients.model import Disability, MatchLevel, NoNationalCodeReason
from panah.cases.schemas import Gender, Id


class ClientUpdate(BaseModel):
    """The client's identity as the worker writes it; every field replaces the stored one."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    national_code: str | None = Field(default=None, max_length=20)
    no_national_code_reason: NoNationalCodeReason | None = Field(
        default=None, description="Required when there is no national code")
    no_national_code_note: str | None = Field(default=None, max_length=500)
    birth_date: str | None = Field(
        default=None, max_length=20, description="Jalali, year/month/day: 1380/05/14")
    gender: Gender | None = None
    phones: list[str] = Field(default_factory=list, max_length=5,
                              description="Any Iranian format or +…; the first is the main one")
    disability: Disability | None = None
    nationality: str = Field(default="IR", min_length=2, max_length=2,
                             description="ISO 3166 alpha-2: IR, AF, …")
    languages: list[str] = Field(default_factory=list, max_length=8)


class ClientProfile(BaseModel):
    id: int
    name: str
    national_code: str | None
    no_national_code_reason: str | None
    no_national_code_note: str | None
    birth_date: date | None
    birth_date_jalali: str | None
    birth_year: int | None
    gender: str | None
    phones: list[str]
    disability: str | None
    nationality: str | None
    languages: list[str]
    province_code: str
    merged_into_id: int | None
    case_ids: list[int]


class DuplicatePublic(BaseModel):
    """A possible duplicate; its identity only when you may reach that client."""

    client_id: int
    level: MatchLevel
    reasons: list[str]
    visible: bool
    name: str | None = None
    birth_year: int | None = None
    province_code: str | None = None
    case_count: int | None = None


class MergeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    other_client_id: Id = Field(description="The client merged into this one (its cases move)")
    reason: str = Field(min_length=1, max_length=500)


class MergeUndo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class MergePublic(BaseModel):
    id: int
    survivor_id: int
    merged_id: int
    reason: str
    by: int | None
    at: datetime
    moved_case_ids: list[int]
    undone_at: datetime | None
    undone_by: int | None
    undo_reason: str | None
