"""API shapes for transfers between provinces and a case's referral onward."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panah.cases.transfers.model import TransferState

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class TransferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_province: str = Field(pattern=r"^IR-\d\d$", description="The receiving province")
    reason: str = Field(min_length=1, max_length=2000)
    consent_id: Id | None = Field(default=None, description=(
        "The consent record covering a transfer to that province (default: the latest one)"))
    override_reason: str | None = Field(default=None, max_length=2000, description=(
        "Without consent: why immediate danger cannot wait (high or immediate risk only)"))


class TransferAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_user_id: Id | None = Field(default=None, description=(
        "The receiving lead worker (default: you)"))


class TransferDecline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class TransferPublic(BaseModel):
    """A transfer as both provinces see it: a summary of the case, never its notes."""

    id: int
    case_id: int
    reference: str
    category: str
    risk: str | None
    from_province: str
    to_province: str
    from_name_fa: str
    from_name_en: str
    to_name_fa: str
    to_name_en: str
    reason: str
    state: TransferState
    state_fa: str
    consent_id: int | None
    consent_withdrawn: bool
    override_used: bool
    requested_at: datetime
    requested_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    decline_reason: str | None
    direction: str = Field(description="incoming or outgoing for you")


class CaseReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_code: str = Field(min_length=1, max_length=60)
    consent_id: Id | None = None
    override_reason: str | None = Field(default=None, max_length=2000)
