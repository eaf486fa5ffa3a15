"""API shapes of the directory: partner agencies and services."""

from __future__ import annotations

from pydantic import BaseModel, Field

from panah.triage.orm import Agency, Resource
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
