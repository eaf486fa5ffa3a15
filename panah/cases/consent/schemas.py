"""API shapes for consent records: ``ConsentCreate`` in, ``ConsentPublic`` out."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from panah.cases.consent.model import ConsentMethod, ConsentPurpose


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: ConsentPurpose
    recipient: str = Field(min_length=1, max_length=60, description=(
        "A province code for a transfer (IR-23), a directory agency code for a referral"))
    scope: str = Field(default="summary", min_length=1, max_length=300, description=(
        "What may be shared: summary, full_file, or the parts named"))
    method: ConsentMethod = ConsentMethod.verbal
    given_at: datetime | None = Field(default=None, description="Defaults to now")
    note: str | None = Field(default=None, max_length=2000)


class ConsentPublic(BaseModel):
    id: int
    client_id: int
    case_id: int | None
    purpose: ConsentPurpose
    recipient: str
    scope: str
    method: ConsentMethod
    given_at: datetime
    recorded_by: str | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    note: str | None
    active: bool
