"""API shapes of the directory: partner agencies and services as a counsellor reads them
(``AgencyPublic``, ``ResourcePublic``), and as an administrator keeps them: ``AgencyIn`` and
``ResourceIn`` (the plain values of a spreadsheet row, used by the pages, the API and the
bulk import alike), ``AgencyAdminPublic`` (with its staff and machine account)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from panah.triage.directory.model import AgencyDomain
from panah.triage.orm import Agency, Resource
from panah.triage.taxonomy import TAXONOMY, Category

_CODES = frozenset(c.value for c in Category)


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _blank_none(value: Any) -> Any:
    """A blank cell or field is no value."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


EntryCode = Annotated[str, BeforeValidator(_lower), Field(
    min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9_.-]*$",
    description="Stable code, unique in the directory: lower-case letters, digits, '-', "
                "'_', '.' (e.g. police-110-ir02-chalus); it never changes")]
ProvinceCode = Annotated[
    Annotated[str, Field(pattern=r"^IR-[0-9]{2}$")] | None, BeforeValidator(_blank_none),
    Field(description="ISO 3166-2:IR (IR-02); none: a national entry (the 1480 line)")]
CountyName = Annotated[
    Annotated[str, Field(max_length=80)] | None, BeforeValidator(_blank_none),
    Field(description="The county's key (Q1282160) or its Persian or English name (چالوس, "
                      "Chalus); none: province-wide")]
Phone = Annotated[
    Annotated[str, Field(max_length=40)] | None, BeforeValidator(_blank_none),
    Field(description="A short number (110, 1480) or a full one, national or +98 form")]
Stripped = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)]


class AgencyIn(BaseModel):
    """A partner agency as an administrator keeps it, keyed by ``code``: saving an
    existing code changes that agency."""

    model_config = ConfigDict(extra="forbid")

    code: EntryCode
    domain: AgencyDomain
    name_fa: Annotated[Stripped, Field(min_length=1, max_length=200)]
    name_en: Annotated[Stripped, Field(max_length=200, description="Blank: the Persian name")] = ""
    province_code: ProvinceCode = None
    county: CountyName = None
    phone: Phone = None
    active: bool = Field(default=True, description="An inactive agency receives no new "
                                                   "referral")


class ResourceIn(BaseModel):
    """A service callers are told of, keyed by ``code``."""

    model_config = ConfigDict(extra="forbid")

    code: EntryCode
    name_fa: Annotated[Stripped, Field(min_length=1, max_length=200)]
    name_en: Annotated[Stripped, Field(max_length=200, description="Blank: the Persian name")] = ""
    description_fa: Annotated[Stripped, Field(max_length=2000)] = ""
    description_en: Annotated[Stripped, Field(max_length=2000)] = ""
    needs: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, max_length=len(Category),
        description="Category codes of the triage taxonomy it serves (spouse_abuse, housing …)")
    province_code: ProvinceCode = None
    county: CountyName = None
    phone: Phone = None
    address_fa: Annotated[Annotated[str, Field(max_length=300)] | None,
                          BeforeValidator(_blank_none)] = None
    hours_fa: Annotated[Annotated[str, Field(max_length=120)] | None,
                        BeforeValidator(_blank_none)] = None


class StaffIn(BaseModel):
    """The people of an agency who sign in to its referral inbox: the whole list."""

    model_config = ConfigDict(extra="forbid")

    usernames: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        max_length=200, description="Accounts with the partner_agency role")


class AccountIn(BaseModel):
    """The machine account whose API keys the agency's own system uses."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[Annotated[str, Field(max_length=80)] | None,
                        BeforeValidator(_blank_none)] = Field(
        default=None, description="A partner_agency account; none: the agency has no API")


class StaffPublic(BaseModel):
    username: str
    full_name: str


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


class AgencyAdminPublic(AgencyPublic):
    """An agency as its administrators see it: active or not, its staff and its machine
    account."""

    active: bool
    county_name_fa: str | None
    county_name_en: str | None
    api_account: str | None = Field(description="Username of the machine account whose API "
                                                "keys the agency's system uses")
    staff: list[StaffPublic] = Field(description="Who signs in to its referral inbox")
    open_referrals: int
