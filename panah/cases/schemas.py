"""API shapes for case files: ``XCreate`` in, ``XPublic`` out."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from panah.cases.model import CaseCategory, CaseOrigin
from panah.intake.model import RiskLevel

if TYPE_CHECKING:
    from panah.cases.orm import Case
    from panah.security.access_orm import AccessGrant

Gender = Literal["female", "male", "other"]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]  # a database integer key


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_name: str = Field(min_length=1, max_length=120)
    phone: str | None = Field(
        default=None, max_length=30, description="Any Iranian format; stored as E.164"
    )
    national_code: str | None = Field(default=None, max_length=20)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    gender: Gender | None = None
    category: CaseCategory
    province_code: str | None = Field(
        default=None, pattern=r"^IR-\d\d$", description="Defaults to the signed-in user's province"
    )
    county_id: Id | None = None
    team_user_ids: list[Id] = Field(default_factory=list, max_length=10)
    first_note: str | None = Field(default=None, max_length=5000)
    # Issue 16: the case's work from its first minute.
    client_id: Id | None = Field(
        default=None, description="An existing client (then the identity fields are ignored)")
    types: list[str] = Field(
        default_factory=list, max_length=10,
        description="More triage taxonomy codes beside the category (one list)")
    risk: RiskLevel | None = None
    lead_user_id: Id | None = Field(
        default=None, description="The lead worker; the case is unassigned until one is set")
    opened_from: CaseOrigin = CaseOrigin.direct


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)


class BreakGlassCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class ClientLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, max_length=30)
    national_code: str | None = Field(default=None, max_length=20)


class GrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id
    category: Literal["sexual_abuse", "gender_dysphoria", "shelter_address"]


class TeamMemberPublic(BaseModel):
    user_id: int
    username: str
    full_name: str
    role: str


class NotePublic(BaseModel):
    id: int
    at: datetime
    author: str | None
    text: str


class ClientPublic(BaseModel):
    id: int
    name: str
    phone: str | None
    national_code: str | None
    birth_year: int | None
    gender: str | None


class CaseSummary(BaseModel):
    id: int
    reference: str
    category: CaseCategory
    restricted: bool
    status: str
    province_code: str
    opened_at: datetime

    @classmethod
    def build(cls, case: Case) -> CaseSummary:
        return cls(
            id=case.id, reference=case.reference, category=CaseCategory(case.category),
            restricted=case.restricted_category is not None, status=case.status,
            province_code=case.province_code, opened_at=case.opened_at,
        )


class CasePublic(CaseSummary):
    client: ClientPublic
    team: list[TeamMemberPublic]
    notes: list[NotePublic]
    access: str = Field(description="Why you may see it: team, supervisor or break_glass")


class ClientMatch(BaseModel):
    """A case of a person found by phone or national code; details only if you may see it."""

    case_id: int
    reference: str
    status: str
    opened_at: datetime
    visible: bool
    category: CaseCategory | None


class AccessEntryPublic(BaseModel):
    seq: int
    at: datetime
    username: str | None
    role: str
    action: str
    reason: str | None


class BreakGlassPublic(BaseModel):
    id: int
    case_id: int
    username: str
    reason: str
    opened_at: datetime
    expires_at: datetime
    reviewed_at: datetime | None


class BreakGlassReview(BreakGlassPublic):
    """A break-glass opening as the reviewing supervisor's page shows it: with the full
    name of who opened the case (the API answers :class:`BreakGlassPublic`)."""

    full_name: str


class GrantPublic(BaseModel):
    id: int
    user_id: int
    category: str
    granted_at: datetime
    revoked_at: datetime | None

    @classmethod
    def build(cls, grant: AccessGrant) -> GrantPublic:
        return cls(id=grant.id, user_id=grant.user_id, category=grant.category,
                   granted_at=grant.granted_at, revoked_at=grant.revoked_at)
