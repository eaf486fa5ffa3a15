"""API shapes of the directory (partner agencies, services) and of follow-up calls."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from panah.core.clock import as_utc
from panah.triage.followup_service import FollowUpResult, task_of
from panah.triage.followups import overdue
from panah.triage.orm import Agency, FollowUp, Resource
from panah.triage.taxonomy import TAXONOMY, Category

_CODES = frozenset(c.value for c in Category)


class AgencyPublic(BaseModel):
    """A partner agency a counsellor may refer to."""

    id: int
    code: str = Field(description="Stable code, e.g. police-110-ir02-chalus")
    domain: str = Field(description="police, ems, counselling_line, judiciary, hospital, "
                                    "welfare or ngo")
    name_fa: str
    name_en: str
    province_code: str | None = Field(description="None: a national agency")
    county_key: str | None = Field(description="None: province-wide (or national)")
    phone: str | None
    has_partner_api: bool = Field(description="The agency takes hand-overs by the partner "
                                              "API and acknowledges them there")

    @classmethod
    def of(cls, row: Agency) -> AgencyPublic:
        return cls(id=row.id, code=row.code, domain=row.domain, name_fa=row.name_fa,
                   name_en=row.name_en, province_code=row.province_code,
                   county_key=row.county_key, phone=row.phone,
                   has_partner_api=row.user_id is not None)


class NeedPublic(BaseModel):
    code: str
    label_fa: str
    label_en: str


class ResourcePublic(BaseModel):
    """A service a caller can be told of (outcome ``information_given`` names its id)."""

    id: int
    code: str
    name_fa: str
    name_en: str
    description_fa: str
    description_en: str
    needs: list[NeedPublic]
    province_code: str | None
    county_key: str | None
    phone: str | None
    address_fa: str | None
    hours_fa: str | None

    @classmethod
    def of(cls, row: Resource) -> ResourcePublic:
        needs = [NeedPublic(code=c, label_fa=TAXONOMY[Category(c)].label_fa,
                            label_en=TAXONOMY[Category(c)].label_en)
                 for c in row.needs.split(",") if c in _CODES]
        return cls(id=row.id, code=row.code, name_fa=row.name_fa, name_en=row.name_en,
                   description_fa=row.description_fa, description_en=row.description_en,
                   needs=needs, province_code=row.province_code, county_key=row.county_key,
                   phone=row.phone, address_fa=row.address_fa, hours_fa=row.hours_fa)


class FollowUpPublic(BaseModel):
    """A follow-up call owed after a contact closed. The caller's number is on the contact
    (``GET /api/contacts/{contact_id}``), whose read is audited."""

    id: int
    contact_id: int
    province_code: str | None
    due_at: datetime
    overdue: bool = Field(description="Not done and its due time has come")
    escalated_at: datetime | None = Field(description="When it went to the shift supervisor")
    reason_en: str
    reason_fa: str
    protocols: list[str]
    created_at: datetime
    done_at: datetime | None
    done_by: int | None
    result: str | None
    note: str | None

    @classmethod
    def of(cls, row: FollowUp, *, now: datetime) -> FollowUpPublic:
        due = as_utc(row.due_at)
        return cls(
            id=row.id, contact_id=row.contact_id, province_code=row.province_code, due_at=due,
            overdue=overdue(task_of(row), now=now),
            escalated_at=as_utc(row.escalated_at) if row.escalated_at else None,
            reason_en=row.reason_en, reason_fa=row.reason_fa,
            protocols=[p for p in row.protocols.split(",") if p],
            created_at=as_utc(row.created_at),
            done_at=as_utc(row.done_at) if row.done_at else None, done_by=row.done_by,
            result=row.result, note=row.note)


class FollowUpDone(BaseModel):
    """How the follow-up call went."""

    model_config = ConfigDict(extra="forbid")

    result: FollowUpResult = Field(description="reached, no_answer, wrong_number or declined")
    note: str | None = Field(default=None, max_length=1000,
                             description="How the person is, what was agreed")
