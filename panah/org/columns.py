"""The columns of each kind a spreadsheet may hold (pure).

A column's ``key`` is the field of the domain's ``<Kind>In`` model it fills (the contract
of issue 15), and the English header; ``fa`` is the Persian header. ``aliases`` are other
headers people write for it. For a column with a fixed set of values, ``choices`` maps each
code to the other ways a province writes it (its Persian label first), so ``مددکار
اجتماعی`` reads as ``social_worker``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from panah.security.roles import Role
from panah.triage.directory.model import AgencyDomain
from panah.triage.taxonomy import TAXONOMY


class Kind(StrEnum):
    """What a file holds: one kind of row per file."""

    users = "users"
    centres = "centres"
    vehicles = "vehicles"
    posts = "posts"
    agencies = "agencies"
    resources = "resources"


class ValueType(StrEnum):
    text = "text"  # free text, Persian letters and spacing normalised
    code = "code"  # an identifier: Latin digits, no ZWNJ, no inner spaces
    integer = "integer"
    number = "number"  # a decimal (latitude, longitude)
    boolean = "boolean"
    date = "date"  # Jalali or ISO
    phone = "phone"
    choice = "choice"  # one of ``choices``
    choices = "choices"  # a list of ``choices``
    codes = "codes"  # a list of free codes (skills)
    province = "province"  # a province code or name → its code
    county = "county"  # a county key or name → its key
    counties = "counties"  # a list of counties → their keys


LIST_TYPES = frozenset({ValueType.choices, ValueType.codes, ValueType.counties})


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    fa: str
    type: ValueType = ValueType.text
    required: bool = False
    example: str = ""
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def en(self) -> str:
        """The English header as a person reads it: ``full_name`` → ``Full name``."""
        return self.key.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: Kind
    fa: str  # what the kind is called, in Persian (plural)
    en: str
    key: str  # the natural key: a second row with the same value is a duplicate
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _frozen(table: dict[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(table)


ROLES = _frozen({
    Role.counsellor: ("کارشناس خط ۱۲۳", "کارشناس ۱۲۳", "مشاور تلفنی", "کارشناس"),
    Role.dispatcher: ("کارشناس اعزام", "اعزام"),
    Role.field_crew: ("تیم سیار", "نیروی سیار"),
    Role.social_worker: ("مددکار اجتماعی", "مددکار"),
    Role.psychologist: ("روانشناس", "روان‌شناس"),
    Role.psychiatrist: ("روانپزشک", "روان‌پزشک"),
    Role.legal_adviser: ("مشاور حقوقی",),
    Role.shelter_manager: ("مدیر خانهٔ امن", "مدیر خانه امن"),
    Role.community_worker: ("مددکار پایگاه خدمات اجتماعی",),
    Role.supervisor: ("سرپرست شیفت", "سرپرست"),
    Role.provincial_manager: ("مدیر استانی",),
    Role.national_office: ("ستاد ملی",),
    Role.analyst: ("تحلیلگر آمار", "تحلیلگر"),
    Role.partner_agency: ("دستگاه همکار",),
    Role.admin: ("مدیر سامانه",),
    Role.integration: ("درگاه سامانه‌ها", "یکپارچه‌سازی"),
})  # fmt: skip
LANGUAGES = _frozen({
    "persian": ("فارسی",), "azeri": ("آذری", "ترکی"), "kurdish": ("کردی",),
    "arabic": ("عربی",), "baluchi": ("بلوچی",), "turkmen": ("ترکمنی",), "luri": ("لری",),
    "gilaki": ("گیلکی",), "mazandarani": ("مازندرانی",), "english": ("انگلیسی",),
})  # fmt: skip
# The values of panah.centres.orm.CentreKind, dispatch.orm.UnitKind and PostKind (ORM
# modules, not imported by a pure one: tests/unit/test_org_model.py keeps them equal).
CENTRE_KINDS = _frozen({
    "line_123": ("مرکز استانی خط ۱۲۳", "مرکز ۱۲۳", "خط ۱۲۳"),
    "crisis_centre": ("مرکز مداخله در بحران", "مرکز بحران"),
    "county_centre": ("مرکز اورژانس اجتماعی شهرستان", "مرکز شهرستان",
                      "مرکز اورژانس اجتماعی"),
    "community_base": ("پایگاه خدمات اجتماعی", "پایگاه"),
})  # fmt: skip
UNIT_KINDS = _frozen({"adapted_van": ("ون", "ون تجهیزشده", "خودروی ون"),
                      "sedan": ("سواری", "خودروی سواری")})
POST_KINDS = _frozen({"permanent": ("دائمی", "ثابت"), "nowruz": ("نوروزی", "موقت نوروزی")})
AGENCY_DOMAINS = _frozen({
    AgencyDomain.police: ("پلیس", "پلیس ۱۱۰", "۱۱۰"),
    AgencyDomain.ems: ("اورژانس", "اورژانس ۱۱۵", "۱۱۵"),
    AgencyDomain.counselling_line: ("صدای مشاور", "صدای مشاور ۱۴۸۰", "۱۴۸۰"),
    AgencyDomain.judiciary: ("دادگستری", "دادسرا"),
    AgencyDomain.hospital: ("بیمارستان",),
    AgencyDomain.welfare: ("بهزیستی",),
    AgencyDomain.ngo: ("سمن", "سازمان مردم‌نهاد", "سازمان مردم نهاد"),
})  # fmt: skip
NEEDS = _frozen({info.code.value: (info.label_fa, info.label_en)
                 for info in TAXONOMY.values()})

_PROVINCE = Column("province_code", "استان", ValueType.province, example="مازندران",
                   aliases=("province", "کد استان"))
_COUNTY = Column("county", "شهرستان", ValueType.county, example="چالوس")
_PHONE = Column("phone", "تلفن", ValueType.phone, example="01152223344",
                aliases=("شماره تلفن", "telephone"))
_ACTIVE = Column("active", "فعال", ValueType.boolean, example="بله", aliases=("is active",))
_NAME_FA = Column("name_fa", "نام فارسی", required=True, aliases=("نام", "name (fa)"))
_NAME_EN = Column("name_en", "نام انگلیسی", required=True, aliases=("name", "name (en)"))
_LAT = Column("lat", "عرض جغرافیایی", ValueType.number, required=True, example="36.6550",
              aliases=("latitude", "عرض"))
_LON = Column("lon", "طول جغرافیایی", ValueType.number, required=True, example="51.4200",
              aliases=("longitude", "طول", "lng"))


def _named(base: Column, example: str, *, required: bool | None = None) -> Column:
    return Column(base.key, base.fa, base.type,
                  base.required if required is None else required, example, base.aliases,
                  base.choices)


USERS = KindSpec(Kind.users, "کاربران", "users", "username", (
    Column("username", "نام کاربری", ValueType.code, True, "m.rezaei", ("user name", "login")),
    Column("full_name", "نام و نام خانوادگی", required=True, example="مریم رضایی",
           aliases=("نام کامل", "name", "نام")),
    Column("role", "نقش", ValueType.choice, True, "مددکار اجتماعی", choices=ROLES),
    _PROVINCE,
    Column("centre", "کد مرکز", ValueType.code, example="MZN-C-CHALUS",
           aliases=("مرکز", "centre code", "centre_code", "center", "center code")),
    Column("languages", "زبان‌ها", ValueType.choices, example="فارسی، مازندرانی",
           aliases=("زبان",), choices=LANGUAGES),
    Column("skills", "مهارت‌ها", ValueType.codes, aliases=("مهارت",)),
    Column("is_woman", "زن", ValueType.boolean, example="بله", aliases=("woman", "خانم")),
    _named(_PHONE, "09121234567"),
    _ACTIVE,
))
CENTRES = KindSpec(Kind.centres, "مراکز", "centres", "code", (
    Column("code", "کد", ValueType.code, True, "MZN-C-NUR", ("کد مرکز", "centre code")),
    Column("kind", "نوع", ValueType.choice, True, "مرکز اورژانس اجتماعی شهرستان",
           ("نوع مرکز",), CENTRE_KINDS),
    _named(_NAME_FA, "مرکز اورژانس اجتماعی نور"),
    _named(_NAME_EN, "Nur social emergency centre"),
    Column(_PROVINCE.key, _PROVINCE.fa, _PROVINCE.type, True, "مازندران", _PROVINCE.aliases),
    _named(_COUNTY, "نور"),
    _named(_LAT, "36.5720", required=False), _named(_LON, "52.0150", required=False),
    Column("covers", "شهرستان‌های تحت پوشش", ValueType.counties, example="",
           aliases=("شهرستان معین", "پوشش", "covered counties")),
    Column("hours", "ساعات کار", example="24/7", aliases=("ساعت کار", "opening hours")),
    Column("has_shelter", "خانهٔ امن دارد", ValueType.boolean, example="خیر",
           aliases=("خانه امن", "shelter")),
    Column("shelter_beds", "تخت خانهٔ امن", ValueType.integer, example="0",
           aliases=("تخت", "beds")),
))  # fmt: skip
VEHICLES = KindSpec(Kind.vehicles, "خودروها", "vehicles", "call_sign", (
    Column("call_sign", "شناسهٔ رادیویی", ValueType.code, True, "MZN-12",
           ("شناسه", "کد خودرو", "شناسه رادیویی")),
    Column("kind", "نوع", ValueType.choice, True, "ون", ("نوع خودرو",), UNIT_KINDS),
    Column("home_centre_code", "کد مرکز", ValueType.code, True, "MZN-C-CHALUS",
           ("مرکز", "home centre", "centre code")),
    Column("post_code", "کد پایگاه", ValueType.code, example="MZN-P-SARI",
           aliases=("پایگاه", "post")),
    _ACTIVE,
    # The crew roster, by username (blank: the roster stays as it is).
    Column("social_workers", "مددکاران اجتماعی", ValueType.codes, example="sh.rahmani",
           aliases=("مددکار اجتماعی", "مددکاران", "social workers")),
    Column("psychologists", "روان‌شناسان", ValueType.codes, example="p.nouri",
           aliases=("روانشناسان", "روان‌شناس", "روانشناس", "psychologists")),
))  # fmt: skip
POSTS = KindSpec(Kind.posts, "پایگاه‌ها", "posts", "code", (
    Column("code", "کد", ValueType.code, True, "MZN-N-NUR", ("کد پایگاه", "post code")),
    Column("kind", "نوع", ValueType.choice, True, "نوروزی", ("نوع پایگاه",), POST_KINDS),
    _named(_NAME_FA, "پایگاه نوروزی نور"),
    _named(_NAME_EN, "Nur Nowruz post"),
    Column(_COUNTY.key, _COUNTY.fa, _COUNTY.type, True, "نور"),
    _named(_LAT, "36.5800"), _named(_LON, "52.0200"),
    Column("active_from", "از تاریخ", ValueType.date, example="1405-12-25",
           aliases=("تاریخ شروع", "from")),
    Column("active_to", "تا تاریخ", ValueType.date, example="1406-01-15",
           aliases=("تاریخ پایان", "to")),
))  # fmt: skip
AGENCIES = KindSpec(Kind.agencies, "دستگاه‌های همکار", "partner agencies", "code", (
    Column("code", "کد", ValueType.code, True, "MZN-POLICE-NUR", ("کد دستگاه",)),
    Column("domain", "حوزه", ValueType.choice, True, "پلیس", ("نوع دستگاه", "نوع"),
           AGENCY_DOMAINS),
    _named(_NAME_FA, "کلانتری نور"),
    _named(_NAME_EN, "Nur police station", required=False),
    _PROVINCE, _named(_COUNTY, "نور"),
    _named(_PHONE, "110"), _ACTIVE,
))  # fmt: skip
RESOURCES = KindSpec(Kind.resources, "خدمات", "services", "code", (
    Column("code", "کد", ValueType.code, True, "MZN-SHELTER-LINE", ("کد خدمت",)),
    _named(_NAME_FA, "خط خانهٔ امن مازندران"),
    _named(_NAME_EN, "Mazandaran shelter line", required=False),
    Column("description_fa", "شرح فارسی", example="پذیرش شبانه‌روزی زنان در خطر",
           aliases=("شرح", "توضیحات")),
    Column("description_en", "شرح انگلیسی", aliases=("description",)),
    Column("needs", "نیازها", ValueType.choices, example="زن در معرض خطر",
           aliases=("نیاز", "دسته‌ها", "categories"), choices=NEEDS),
    _PROVINCE, _named(_COUNTY, "ساری"),
    _named(_PHONE, "01133334444"),
    Column("address_fa", "نشانی", example="ساری، خیابان فرهنگ", aliases=("آدرس", "address")),
    Column("hours_fa", "ساعات کار", example="شبانه‌روزی", aliases=("ساعت کار", "hours")),
))  # fmt: skip

KINDS: Mapping[Kind, KindSpec] = MappingProxyType(
    {spec.kind: spec for spec in (USERS, CENTRES, VEHICLES, POSTS, AGENCIES, RESOURCES)}
)

# What people call a kind on the command line and the page: "directory" is the resource
# directory (the services callers are told of); "agencies" the partner agencies.
KIND_NAMES: Mapping[str, Kind] = MappingProxyType({
    **{kind.value: kind for kind in Kind}, "directory": Kind.resources,
    "services": Kind.resources, "units": Kind.vehicles,
})


def kind_named(name: str) -> Kind | None:
    """The kind ``name`` means (``users``, ``directory`` …), or None."""
    return KIND_NAMES.get(name.strip().lower())
